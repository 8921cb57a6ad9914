import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadSchoolFile } from '../../src/core/people/school.js';
import { permissionTable } from '../../src/core/permissions.js';
import { loadFlows } from '../../src/core/protocol/loader.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { shippedReferences } from '../helpers/shipped.js';

const school = loadSchoolFile('schools/demo.yaml');
const PERSONAS = school.staff.map((s) => ({ id: s.id, roles: new Set<string>(s.roles) }));
const { flows } = loadFlows('dialogs', shippedReferences());
const DENIED = /alleen voor:|kun je met jouw rollen niet|Alleen leden van het kernteam|Dat mag alleen|alleen voor het kernteam|alleen voor de leden van het kernteam/;

/**
 * Every command (every flow that can be typed) and every card action, tried as every person of the
 * demo school: the server allows exactly what the permission table says, whatever a card showed.
 */
describe('permissions, as every role', () => {
  let bot: TestApp;
  let caseId: string;
  let requestId: string;

  beforeAll(async () => {
    bot = await startTestApp();
    for (const text of ['pesten melden', 'Het is pesten', 'L1001', 'L1002', 'geen', 'In de les', 'vandaag', '1', 'Binnen de klas', 'nee', 'Uitgelachen.', 'ja']) await bot.say('t.bakker', text);
    for (const text of ['uitzondering aanvragen', 'L1001', 'Medisch', 'Medische app (bijvoorbeeld glucosemeting)', 'Glucosesensor', 'Aanwezig', 'Niet van toepassing', 'Aanwezig', 'Volgt nog', 'Ik moet het zien', 'dossier', 'Ook in toetsweken', 'alle lessen', 'glucose-app', '1', '1, 4', '2', 'Indienen']) {
      await bot.say('m.devries', text);
    }
    caseId = (await bot.app.store.collection('bullyingCases').findBy('studentRef', 'L1001'))[0]!.id;
    requestId = (await bot.app.store.collection('exceptionRequests').findBy('studentRef', 'L1001'))[0]!.id;
  }, 60_000);
  afterAll(async () => {
    await bot?.stop();
  });

  const typed = [...flows.values()].filter((f) => f.triggers.nl.length > 0);

  it.each(PERSONAS.map((p) => [p.id, p]))('%s may start exactly the flows their roles allow', async (_id, persona) => {
    for (const flow of typed) {
      const reply = await bot.say(persona.id, flow.triggers.nl[0]!);
      await bot.say(persona.id, 'stop');
      const allowed = flow.roles === 'staff' || flow.roles.some((r) => persona.roles.has(r));
      const denied = /alleen voor:/.test(reply.texts[0] ?? '');
      // A flow with a way round ("instead") tells the others how to go about it, e.g. through the mentor.
      expect(denied, `${persona.id} → "${flow.triggers.nl[0]}" (${flow.id})`).toBe(!allowed && !flow.instead);
    }
  }, 120_000);

  it.each(PERSONAS.map((p) => [p.id, p]))('%s opens the case only when they may work it (button from an old or forged card)', async (_id, persona) => {
    const reply = await bot.click(persona.id, { zorgpad: { start: 'zaak', caseId } });
    await bot.say(persona.id, 'stop');
    // Owner/class mentor m.devries, CLZ s.yilmaz, directie h.smit.
    const allowed = ['m.devries', 's.yilmaz', 'h.smit'].includes(persona.id);
    expect(DENIED.test(reply.texts.join('\n')), persona.id).toBe(!allowed);
  });

  it.each(PERSONAS.map((p) => [p.id, p]))('%s sees the exception details only from the kernteam or as the requester', async (_id, persona) => {
    const reply = await bot.click(persona.id, { zorgpad: { details: requestId } });
    const allowed = ['a.jansen', 'l.verhoeven', 'm.devries'].includes(persona.id);
    const text = JSON.stringify(reply);
    expect(text.includes('Glucosesensor'), persona.id).toBe(allowed);
    if (!allowed) expect(reply.texts[0]).toMatch(DENIED);
  });

  it.each(PERSONAS.map((p) => [p.id, p]))('%s refreshing the kernteam card sees it only as a kernteam member, never the free text', async (_id, persona) => {
    const reply = await bot.click(persona.id, { zorgpad: { refresh: requestId } });
    expect(JSON.stringify(reply.card)).not.toMatch(/Glucosesensor|Ik moet het zien|dossier/);
    const member = ['a.jansen', 'l.verhoeven'].includes(persona.id);
    expect(JSON.stringify(reply.card).includes('L1001'), persona.id).toBe(member);
    if (!member) expect(reply.texts[0]).toMatch(DENIED);
  });

  it('counts a vote only from the kernteam; everyone else is refused and nothing is stored', async () => {
    for (const persona of PERSONAS.filter((p) => !['a.jansen', 'l.verhoeven'].includes(p.id))) {
      const reply = await bot.click(persona.id, { zorgpad: { vote: 'approve', requestId }, motivation: 'Ik stem ook mee.' });
      expect(reply.texts[0], persona.id).toMatch(/Alleen leden van het kernteam/);
    }
    const request = await bot.app.store.collection('exceptionRequests').get(requestId);
    expect(request!.votes).toEqual([]);
  });
});

describe('docs/privacy.md', () => {
  it('shows the permission table exactly as the code enforces it, in Dutch and in English', () => {
    const doc = readFileSync('docs/privacy.md', 'utf8');
    expect(doc).toContain(permissionTable('nl'));
    expect(doc).toContain(permissionTable('en'));
  });
});
