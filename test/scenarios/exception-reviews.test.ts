import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/core/app/assistant.js';
import type { ExceptionRequest } from '../../src/core/exceptions/model.js';
import { dailyChecks } from '../../src/core/exceptions/reviews.js';
import { buttonData, quiet, startTestApp, type TestApp } from '../helpers/app.js';
import { playground } from '../helpers/conversations.js';
import { TestClock } from '../helpers/clock.js';

/**
 * Reviews that can be planned, pauses that keep the student safe, and the rest of the guidance's
 * timings, with the demo clock moved by the test: the first review reminder ten school days ahead, a
 * review when the student changes class and at the start of the school year, a conversation planned
 * when the student was not heard, a pause that asks how the need is met and ends by itself, and the
 * kernteam's decision term.
 */
describe('exception reviews and pauses over time', () => {
  let bot: TestApp;
  let clock: TestClock;
  let dir: string;
  let schoolFile: string;

  beforeEach(async () => {
    // Monday 30 November 2026, 10:00 in Amsterdam. The school file is a copy the test can change.
    clock = new TestClock(Date.parse('2026-11-30T10:00:00+01:00'));
    dir = mkdtempSync(join(tmpdir(), 'zorgpad-school-'));
    schoolFile = join(dir, 'school.yaml');
    writeFileSync(schoolFile, readFileSync('schools/demo.yaml', 'utf8'));
    bot = await startTestApp({ ZORGPAD_DELIVERY_INTERVAL_MS: '600000', ZORGPAD_SCHOOL_FILE: schoolFile }, 'sqlite', clock);
  });
  afterEach(async () => {
    await bot.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The inbox: the person's own messages (the kernteam channel's left out), every card checked with the official parser. */
  const { conversation: say, inbox } = playground(() => bot, { checkInboxCards: true, personalInbox: true });
  const texts = async (persona: string) => (await inbox(persona)).map((m) => m.text);
  /** The kernteam channel's card, as a kernteam member sees it in the playground. */
  async function kernteamCard(): Promise<OutboundMessage> {
    const body = (await (await fetch(`${bot.base}/playground/api/inbox?personaId=a.jansen`)).json()) as { messages: OutboundMessage[] };
    return body.messages.find((m) => m.card && 'channel' in m)!;
  }
  /** What one scheduler tick at `iso` does, once the work set going before (a restart's class-change job) is done. */
  async function at(iso: string): Promise<number> {
    await quiet(bot.app);
    clock.set(iso);
    return bot.app.scheduler.tick();
  }
  const request = async () => (await bot.app.store.collection('exceptionRequests').findBy('studentRef', 'L1001'))[0]!;

  /** Marloes asks for a structural exception for L1001 on medical grounds; the kernteam grants it. */
  async function granted(kind: '1' | '2' = '2'): Promise<ExceptionRequest> {
    await say('m.devries', [
      'uitzondering aanvragen', 'L1001', '1', '2', '-', '1', '3', '1', '2', '-', 'dossier in Magister', '1', 'alle lessen', 'glucose-app', '1', '1, 4', kind, 'Indienen',
    ]);
    const card = await kernteamCard();
    for (const persona of ['a.jansen', 'l.verhoeven']) await bot.click(persona, { ...(buttonData(card, 'Toekennen') as object), motivation: 'Akkoord.' });
    for (const persona of ['m.devries', 't.bakker', 'a.jansen', 'l.verhoeven']) await inbox(persona);
    return request();
  }

  it('moves a review date that would fall on a Sunday to the Friday before, with the first reminder ten school days earlier', async () => {
    // Granted on Sunday 29 November: a temporary exception is reviewed six weeks on, which is Sunday 10
    // January; "uiterlijk" on a day without school is kept by the school day before, Friday 8 January.
    clock.set('2026-11-29T10:00:00+01:00');
    const r = await granted('1');
    expect(r.reviewDue).toBe('2027-01-08');
    const jobs = await bot.app.scheduler.upcoming('m.devries');
    expect(jobs.map((j) => [j.kind, new Date(j.dueAt).toISOString()])).toEqual([
      ['exception-review-notice', '2026-12-25T07:30:00.000Z'], // ten school days before: Friday 25 December
      ['exception-review', '2027-01-08T07:30:00.000Z'], // on the Friday itself, 08:30
    ]);
    expect(await at('2026-12-25T08:45:00+01:00')).toBe(1);
    expect((await texts('m.devries'))[0]).toMatch(/^Evaluatie plannen\n- De uitzondering voor L1001 moet uiterlijk 08-01-2027 geëvalueerd worden\. Plan nu het gesprek/);
    expect(await at('2027-01-07T12:00:00+01:00')).toBe(0);
    expect(await at('2027-01-08T08:45:00+01:00')).toBe(1);
    expect((await texts('m.devries'))[0]).toMatch(/^Evaluatie uitzondering telefoonverbod\n- De uitzondering voor L1001 moet uiterlijk 08-01-2027 geëvalueerd worden/);
  });

  it('moves the first review date of a grant on Sunday 6 December (six weeks on: Sunday 17-01-2027) to Friday 15-01-2027', async () => {
    clock.set('2026-12-06T10:00:00+01:00');
    const r = await granted('1');
    expect(r.reviewDue).toBe('2027-01-15');
    expect((await bot.app.scheduler.upcoming('m.devries')).find((j) => j.kind === 'exception-review')?.dueAt).toBe(Date.parse('2027-01-15T08:30:00+01:00'));
  });

  it('moves a review date in a school holiday (the school file\'s calendar) to the last school day before it', async () => {
    writeFileSync(schoolFile, `${readFileSync(schoolFile, 'utf8')}\nreminders:\n  holidays:\n    - { from: "2027-01-11", to: "2027-01-15" }\n`);
    await bot.restart();
    clock.set('2026-12-06T10:00:00+01:00');
    expect((await granted('1')).reviewDue).toBe('2027-01-08');
  });

  it('asks why when the student and parents were not heard, plans the conversation and reminds on its day', async () => {
    await granted();
    const asked = await say('m.devries', ['evaluatie', '1', 'nee']);
    expect(asked.texts).toEqual(['Waarom nog niet?']);
    // The conversation is at school: a Sunday is asked again, with the school days around it.
    const sunday = await say('m.devries', ['Ouders konden pas na de vakantie.', '13-12-2026']);
    expect(sunday.texts[0]).toBe('Op zondag 13-12-2026 is er geen school. Kies een schooldag, bijvoorbeeld vrijdag 11-12-2026 of maandag 14-12-2026.');
    const planned = await say('m.devries', ['14-12-2026']);
    expect(planned.texts).toEqual([
      'Het gesprek met leerling en ouders staat op 14-12-2026; die dag herinner ik je eraan. Leg de evaluatie vast zodra ze gehoord zijn. De uitzondering blijft zolang gelden.',
    ]);
    const r = await request();
    expect(r.reviews).toEqual([]);
    expect(r.reviewTalks).toMatchObject([{ byStaffId: 'm.devries', reason: 'Ouders konden pas na de vakantie.', date: '2026-12-14' }]);
    expect(await at('2026-12-14T08:45:00+01:00')).toBe(1);
    const [reminder] = await inbox('m.devries');
    expect(reminder!.text).toBe('Gesprek over een uitzondering\n- Vandaag spreek je leerling en ouders over de uitzondering van L1001. Leg daarna de evaluatie vast.');
  });

  it('settles the review reminder once the review is recorded: shown again without its buttons, marked done', async () => {
    const r = await granted();
    expect(await at(`${r.reviewDue}T08:45:00+01:00`)).toBeGreaterThanOrEqual(1);
    // The review's reminder and the notice before it, in one bundle for the day.
    const [reminder, ...others] = await inbox('m.devries');
    expect(others).toEqual([]);
    expect(reminder!.text).toMatch(/^2 herinneringen voor vandaag\n- De uitzondering voor L1001 moet uiterlijk 08-02-2027/);
    expect(JSON.stringify(reminder!.card)).toContain('"title":"Evaluatie vastleggen"');
    await say('m.devries', ['evaluatie', '1', 'ja', 'ja', 'ja', '-', 'Voortzetten']);
    const [settled, ...more] = await inbox('m.devries');
    expect(more).toEqual([]);
    expect(settled!.text).toMatch(/^2 herinneringen voor vandaag\n- De uitzondering voor L1001 moet uiterlijk 08-02-2027[\s\S]*\nAfgehandeld: de evaluatie is vastgelegd op 08-02-2027\./);
    expect(JSON.stringify(settled!.card)).not.toContain('Action.');
    expect(settled).toMatchObject({ replaces: expect.stringMatching(/^reminders:m\.devries:/) });
  });

  it('plans a review soon when the student changes class, and reminds the new mentor', async () => {
    const r = await granted();
    expect(r.reviewDue).toBe('2027-02-08');
    for (const persona of ['r.elmoussaoui', 'p.vandam']) expect(await texts(persona)).toHaveLength(1); // the signal of the grant
    // The school file now has L1001 in 2B (mentor Joost Pietersen).
    writeFileSync(schoolFile, readFileSync(schoolFile, 'utf8').replace('{ ref: L1001, initials: A.K., class: 1A }', '{ ref: L1001, initials: A.K., class: 2B }'));
    await bot.restart();
    clock.set('2026-12-07T07:00:00+01:00');
    expect(await dailyChecks(bot.app.exceptions)).toEqual({ classChanges: 1, schoolYear: 0 });
    expect(await dailyChecks(bot.app.exceptions)).toEqual({ classChanges: 0, schoolYear: 0 }); // once
    expect(await request()).toMatchObject({ classId: '2B', yearGroup: 2, reviewDue: '2026-12-21', reviewReason: 'class-change' });
    expect(await at('2026-12-07T08:05:00+01:00')).toBe(1);
    const newMentor = await texts('j.pietersen');
    expect(newMentor).toContain(
      'Evaluatie plannen\n- L1001 zit in een andere klas of een ander leerjaar. Evalueer de uitzondering uiterlijk 21-12-2026 met leerling en ouders: vakken en docenten kunnen veranderd zijn.',
    );
    expect(await texts('m.devries')).toEqual([]);
    // The new class's teacher is signalled, discreetly; the old class's teachers hear it no longer applies in
    // their lessons; the teacher of both classes hears nothing new.
    const [signal, ...more] = newMentor.filter((text) => !text.startsWith('Evaluatie plannen'));
    expect(more).toEqual([]);
    expect(signal).toMatch(/^L1001 \(2B\) heeft een uitzondering op het telefoonverbod\./);
    expect(signal).toMatch(/Vragen\? Joost Pietersen \(mentor\)/);
    expect(signal).not.toMatch(/glucose|diabet|medisch/i);
    for (const persona of ['r.elmoussaoui', 'p.vandam']) {
      expect(await texts(persona)).toEqual(['L1001 zit niet meer in een klas waaraan jij lesgeeft. De uitzondering op het telefoonverbod geldt dus niet meer in jouw lessen.']);
    }
    expect(await texts('t.bakker')).toEqual([]);
    expect(await at('2026-12-21T08:45:00+01:00')).toBe(1);
    expect((await texts('j.pietersen'))[0]).toMatch(/^Evaluatie uitzondering telefoonverbod\n- De uitzondering voor L1001 moet uiterlijk 21-12-2026/);
  });

  it('plans a review at the start of the school year, with the development conversation on the agenda', async () => {
    await granted();
    clock.set('2027-08-19T09:00:00+02:00');
    expect(await dailyChecks(bot.app.exceptions)).toEqual({ classChanges: 0, schoolYear: 0 });
    // Meanwhile reviewed in June: the exception runs on.
    const r = await request();
    await bot.app.store.collection('exceptionRequests').update({ ...r, reviewDue: '2027-10-01' });
    clock.set('2027-08-23T07:00:00+02:00');
    expect(await dailyChecks(bot.app.exceptions)).toEqual({ classChanges: 0, schoolYear: 1 });
    expect(await dailyChecks(bot.app.exceptions)).toEqual({ classChanges: 0, schoolYear: 0 });
    expect(await request()).toMatchObject({ reviewDue: '2027-09-06', reviewReason: 'school-year', schoolYearReview: '2027-2028' });
    expect(await texts('m.devries')).toEqual([
      'Nieuw schooljaar: zet de uitzondering van L1001 op de agenda van het ontwikkelgesprek met leerling en ouders, en evalueer haar uiterlijk 06-09-2027.',
    ]);
  });

  it('asks how a medical need is met during a pause, and ends the pause by itself on its end date', async () => {
    await granted();
    // No talk or repeat on record: skipped, with a reason that is kept.
    const started = await say('m.devries', ['misbruik opvolgen', '1', 'Tijdelijk pauzeren (bij herhaling)', 'Ik sla ze over, met een reden', 'Foto van een toets gedeeld; direct pauzeren.', '11-12-2026']);
    expect(started.texts[0]).toMatch(/^Hoe krijgt de leerling tijdens de pauze wat nodig is\? Bij een medische grond/);
    expect((await say('m.devries', ['Weet niet'])).texts[0]).toBe('Dat is te kort. Schrijf minstens 10 tekens.');
    const paused = await say('m.devries', ['De mentor kijkt elk uur met de leerling naar de meldingen.', 'Opnieuw chatten in de les; na twee weken zonder misbruik weer.']);
    expect(paused.texts[0]).toMatch(/^De uitzondering is gepauzeerd tot 11-12-2026\..*Op 11-12-2026 geldt ze vanzelf weer/);
    const r = await request();
    expect(r.status).toBe('suspended');
    expect(r.misuse.at(-1)).toMatchObject({ kind: 'suspend', until: '2026-12-11', meanwhile: 'De mentor kijkt elk uur met de leerling naar de meldingen.', skipReason: 'Foto van een toets gedeeld; direct pauzeren.' });
    expect(await texts('t.bakker')).toEqual([
      'De uitzondering op het telefoonverbod van L1001 is tijdelijk gepauzeerd. Vragen? Neem contact op met Marloes de Vries (mentor) of Anouk Jansen (zorgcoördinator).',
    ]);

    // Extended once: the first end date passes without ending it.
    await say('m.devries', ['misbruik opvolgen', '1', 'De pauze verlengen', '18-12-2026', 'Nog een week, in overleg met ouders.']);
    expect(await at('2026-12-11T09:00:00+01:00')).toBe(0);
    expect((await request()).status).toBe('suspended');

    // On the new end date it applies again, the teachers are told, and the mentor hears of it.
    expect(await at('2026-12-18T09:00:00+01:00')).toBe(1);
    expect((await request()).status).toBe('granted');
    expect((await request()).misuse.at(-1)).toMatchObject({ kind: 'pause-ended', byStaffId: 'system' });
    expect(await texts('t.bakker')).toEqual([
      'De uitzondering op het telefoonverbod van L1001 geldt weer zoals eerder afgesproken. Vragen? Neem contact op met Marloes de Vries (mentor) of Anouk Jansen (zorgcoördinator).',
    ]);
    expect((await texts('m.devries'))[0]).toMatch(/^Pauze uitzondering afgelopen\n- De pauze van de uitzondering voor L1001 is afgelopen; de uitzondering geldt weer/);
    expect((await say('t.bakker', ['heeft L1001 een uitzondering?'])).texts[0]).toMatch(/^L1001 \(1A\) heeft een uitzondering/);
  });

  it('reminds the kernteam when the decision term of ten school days has passed', async () => {
    await say('m.devries', [
      'uitzondering aanvragen', 'L1001', '1', '2', '-', '1', '3', '1', '2', '-', 'dossier in Magister', '1', 'alle lessen', 'glucose-app', '1', '1, 4', '2', 'Indienen',
    ]);
    expect(await at('2026-12-11T09:00:00+01:00')).toBe(0);
    expect(await at('2026-12-14T08:45:00+01:00')).toBe(2); // ten school days after Monday 30 November
    for (const member of ['a.jansen', 'l.verhoeven']) {
      expect((await texts(member)).at(-1)).toBe(
        'Besluit kernteam nodig\n- De aanvraag voor L1001 (ingediend 30-11-2026) wacht nog op een besluit van het kernteam; de termijn is 10 schooldagen.',
      );
    }
  });

  it('shows the school\'s criteria on the kernteam card, and asks teachers to signal without accusing', async () => {
    await say('m.devries', [
      'uitzondering aanvragen', 'L1001', '1', '2', '-', '1', '3', '1', '2', '-', 'dossier in Magister', '1', 'alle lessen', 'glucose-app', '1', '1, 4', '2', 'Indienen',
    ]);
    const card = await kernteamCard();
    expect(JSON.stringify(card.card)).toContain('Is er geen passend alternatief zonder telefoon?');
    expect((await say('t.bakker', ['misbruik melden', 'L1001'])).texts[0]).toMatch(/Signaleren is geen beschuldigen/);
  });
});

describe('a subject teacher asking to request an exception', () => {
  it('is told the route through the mentor, not "not allowed"', async () => {
    const bot = await startTestApp();
    try {
      const reply = await bot.say('t.bakker', 'uitzondering aanvragen');
      expect(reply.texts[0]).toMatch(/^Een uitzondering loopt via de mentor\nDe mentor vraagt een uitzondering op het telefoonverbod aan, samen met de leerling en de ouders\./);
      expect(reply.texts.join('\n')).not.toMatch(/alleen voor/);
      // The mentor still gets the request itself.
      expect((await bot.say('m.devries', 'uitzondering aanvragen')).texts.at(-1)).toMatch(/^Voor welke leerling\?/);
    } finally {
      await bot.stop();
    }
  });
});
