import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BullyingCase } from '../../src/core/cases/model.js';
import type { ExceptionRequest } from '../../src/core/exceptions/model.js';
import { startTestApp, testStores, type TestApp } from '../helpers/app.js';
import { SIGNAL } from '../helpers/conversations.js';

const DAY = 86_400_000;

/** A fixed clock that tests can move, to let retention periods pass. */
function movableClock(start = Date.parse('2026-11-26T10:00:00+01:00')) {
  return { t: start, now() { return this.t; } };
}

const REQUEST = ['uitzondering aanvragen', 'L1001', 'Medisch', 'Medische app (bijvoorbeeld glucosemeting)', 'Diabetes type 1'];

/** Audit trail, export, erasure and retention, as the directie and the beheerder use them. */
describe.each(testStores())('privacy (%s store)', (store) => {
  let bot: TestApp;
  let clock: ReturnType<typeof movableClock>;
  beforeEach(async () => {
    clock = movableClock();
    bot = await startTestApp({}, store, clock);
  });
  afterEach(async () => {
    await bot.stop();
  });

  const conversation = async (persona: string, texts: string[]) => {
    let last;
    for (const text of texts) last = await bot.say(persona, text);
    return last!;
  };

  it('shows directie who read or changed a student\'s records, as a list and as CSV, without content', async () => {
    await conversation('t.bakker', SIGNAL);
    await conversation('m.devries', REQUEST);
    await conversation('r.elmoussaoui', ['heeft L1001 een uitzondering?']);

    const trail = await bot.say('h.smit', 'audit L1001');
    expect(trail.texts[0]).toMatch(/^Logboek L1001: \d+ regels/);
    expect(trail.texts[0]).toMatch(/Tessa Bakker — case\.signal/);
    expect(trail.texts[0]).toMatch(/Rachid El Moussaoui — exception\.functional-read — playground/);
    const csv = trail.texts[1]!;
    expect(csv.split('\n')[1]).toBe('"tijdstip";"medewerker";"actie";"soort";"record";"kanaal"\r');
    // Who, what, when: never what was written.
    expect(trail.texts.join('\n')).not.toMatch(/Uitgelachen|Diabetes/);

    // The reading is itself in the trail.
    const again = await bot.say('b.koster', 'audit L1001');
    expect(again.texts[0]).toMatch(/Henk Smit — privacy\.audit-read/);
  });

  it('refuses the audit trail, the export and the erasure to everyone else', async () => {
    for (const persona of ['t.bakker', 'm.devries', 's.yilmaz', 'p.vandam', 'a.jansen', 'l.verhoeven']) {
      expect((await bot.say(persona, 'audit L1001')).texts[0]).toMatch(/alleen voor: directie, beheerder/);
      expect((await bot.say(persona, 'gegevens van L1001')).texts[0]).toMatch(/alleen voor: beheerder/);
      expect((await bot.say(persona, 'gegevens wissen')).texts[0]).toMatch(/alleen voor: beheerder/);
    }
    expect((await bot.say('h.smit', 'gegevens van L1001')).texts[0]).toMatch(/alleen voor: beheerder/);
  });

  it('exports everything about a student for an access request, decrypted, and audits it', async () => {
    await conversation('t.bakker', SIGNAL);
    await conversation('m.devries', REQUEST);
    const reply = await bot.say('b.koster', 'gegevens van L1001');
    expect(reply.texts[0]).toMatch(/^Gegevens van L1001: 1 zaak\/zaken, 1 aanvraag\/aanvragen/);
    const exported = JSON.parse(reply.texts[1]!) as { bullyingCases: BullyingCase[]; exceptionRequests: ExceptionRequest[] };
    expect(exported.bullyingCases[0]!.signals[0]!.description).toBe('Uitgelachen tijdens de les.');
    expect(exported.exceptionRequests[0]!.purposeDetail).toBe('Diabetes type 1');
    const trail = await bot.say('b.koster', 'audit L1001');
    expect(trail.texts[0]).toMatch(/Bram Koster — privacy\.export/);
  });

  it('erases a student after confirmation: their records go, other cases lose the number, the log keeps that it happened', async () => {
    await conversation('t.bakker', SIGNAL);
    await conversation('m.devries', REQUEST);
    const cases = bot.app.store.collection('bullyingCases');
    const requests = bot.app.store.collection('exceptionRequests');

    const declined = await conversation('b.koster', ['gegevens wissen', 'L1003', 'nee']);
    expect(declined.texts).toEqual(['Er is niets gewist.']);
    expect(JSON.stringify(await cases.findBy('studentRef', 'L1001'))).toContain('L1003');

    // L1003 is only named (as one who bullies) in L1001's case: the number goes, the case stays.
    const named = await conversation('b.koster', ['gegevens wissen', 'L1003', 'ja']);
    expect(named.texts[0]).toBe('Gewist voor L1003: 0 zaak/zaken en 0 aanvraag/aanvragen; in 1 andere zaak/zaken is het leerlingnummer weggehaald. Dit staat in het logboek.');
    const [kept] = await cases.findBy('studentRef', 'L1001');
    expect(JSON.stringify(kept)).not.toContain('L1003');
    expect(kept!.signals[0]!.bullies).toEqual(['L1002', 'geanonimiseerd']);

    // L1001's own case and exception request are deleted.
    const own = await conversation('b.koster', ['gegevens wissen', 'L1001', 'ja']);
    expect(own.texts[0]).toMatch(/^Gewist voor L1001: 1 zaak\/zaken en 1 aanvraag\/aanvragen/);
    expect(await cases.findBy('studentRef', 'L1001')).toEqual([]);
    expect(await requests.findBy('studentRef', 'L1001')).toEqual([]);
    expect((await bot.say('b.koster', 'audit L1001')).texts[0]).toMatch(/Bram Koster — privacy\.erase/);
  });

  it('anonymises closed cases after the retention period, keeps the counts, and leaves younger ones alone', async () => {
    await conversation('t.bakker', SIGNAL);
    const cases = bot.app.store.collection('bullyingCases');
    const [open] = await cases.findBy('studentRef', 'L1001');
    await cases.update({ ...open!, status: 'closed', closedAt: clock.now() });

    clock.t += 729 * DAY;
    expect(await bot.app.privacy.applyRetention()).toMatchObject({ casesAnonymised: 0, exceptionsAnonymised: 0 });
    clock.t += 2 * DAY;
    expect(await bot.app.privacy.applyRetention()).toMatchObject({ casesAnonymised: 1, exceptionsAnonymised: 0 });
    const [kept] = await cases.findBy('status', 'closed');
    expect(kept).toMatchObject({ studentRef: 'geanonimiseerd', studentsInvolved: [], stage: 'mentor', classId: '1A' });
    expect(kept!.signals[0]).toMatchObject({ description: '', bullies: [], forms: ['woorden-beelden', 'uitsluiten'] });
    // A second run changes nothing.
    expect(await bot.app.privacy.applyRetention()).toMatchObject({ casesAnonymised: 0, exceptionsAnonymised: 0 });
  });

  it('notices a student who left the school, and after the period closes, ends and anonymises their open records', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zorgpad-school-')), 'school.yaml');
    writeFileSync(file, readFileSync('schools/demo.yaml'));
    const own = await startTestApp({ ZORGPAD_SCHOOL_FILE: file }, store, clock);
    try {
      for (const text of SIGNAL) await own.say('t.bakker', text);
      for (const text of REQUEST) await own.say('m.devries', text);
      // L1001 leaves: the school takes them out of the school file.
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^\s*- \{ ref: L1001,.*$\n/m, ''));
      await own.restart();
      expect(await own.app.privacy.applyRetention()).toMatchObject({ casesAnonymised: 0, exceptionsAnonymised: 0 });
      const [noticed] = await own.app.store.collection('bullyingCases').findBy('studentRef', 'L1001');
      expect(noticed!.studentLeftAt).toBe(clock.now());

      clock.t += 731 * DAY;
      expect(await own.app.privacy.applyRetention()).toMatchObject({ casesAnonymised: 1, exceptionsAnonymised: 1 });
      const [gone] = await own.app.store.collection('bullyingCases').findBy('schoolId', 'demo');
      expect(gone).toMatchObject({ studentRef: 'geanonimiseerd', status: 'closed' });
      const [ended] = await own.app.store.collection('exceptionRequests').findBy('schoolId', 'demo');
      expect(ended).toMatchObject({ studentRef: 'geanonimiseerd', status: 'ended', purposeDetail: '' });
    } finally {
      await own.stop();
    }
  });
});
