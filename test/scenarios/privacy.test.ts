import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BullyingCase, CaseStep, Sanction } from '../../src/core/cases/model.js';
import type { ExceptionRequest } from '../../src/core/exceptions/model.js';
import { startTestApp, testStores, type TestApp } from '../helpers/app.js';
import { playground, SIGNAL } from '../helpers/conversations.js';

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
    // Retention is called here as the daily upkeep calls it; the upkeep job itself would run it too, at
    // the first tick after the clock moves past its due time, beside the call the test makes.
    bot = await startTestApp({}, store, clock, { dailyUpkeep: false });
  });
  afterEach(async () => {
    await bot.stop();
  });

  const { conversation } = playground(() => bot);

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

  /**
   * The walk of the protocols issue (item 10): L1002 is bullied by L1003; the description names L1002 by
   * initials and number; the mentor talks with both, writes to L1002's parents, and the CLZ proposes a
   * measure for L1003 whose motivation names L1002 by initials.
   */
  const BULLY_CASE = async () => {
    await conversation('t.bakker', ['pesten melden', 'Het is pesten', 'L1002', 'L1003', '1, 3', 'D.R. filmde het.', 'In de les', 'vandaag', '1', 'Binnen de klas', 'nee', 'B.M. werd door C.O. uitgelachen; L1002 huilde.', 'ja']);
    const bullied = await conversation('m.devries', ['mijn zaken', '1', 'Gesprek met de gepeste leerling', 'ja', 'C.O.', 'In de les', 'Twee keer', 'Niemand', 'Nee', 'Niemand', 'Dat het stopt', 'Niet nodig', 'B.M. is verdrietig en wil dat het stopt.']);
    expect(bullied.texts[0]).toBe('Vastgelegd: gesprek met de gepeste leerling.');
    const bully = await conversation('m.devries', ['mijn zaken', '1', 'Gesprek met de leerling die pest', 'L1003', 'Uitlachen van B.M. benoemd.', '7', '-', 'ja', 'ja', 'C.O. erkent het en zegt sorry tegen L1002.']);
    expect(bully.texts[0]).toBe('Vastgelegd: gesprek met de leerling die pest.');
    const letter = await conversation('m.devries', ['brief aan ouders', 'Pesten', '1', 'De leerling die gepest wordt', 'Nederlands', '-']);
    expect(letter.texts[0]).toMatch(/^Vastgelegd: de ouders zijn geïnformeerd/);
    const measure = await conversation('s.yilmaz', ['mijn zaken', '1', 'Maatregel vastleggen of voorstellen', '1', 'Schorsing van één dag voorstellen', 'C.O. lachte B.M. na de afspraken opnieuw uit.', 'ja']);
    expect(measure.texts.join('\n')).toMatch(/voorgesteld|voorstel/i);
    const [c] = await bot.app.store.collection('bullyingCases').findBy('studentRef', 'L1002');
    expect(c!.steps.map((s) => s.kind)).toEqual(['gesprek-gepeste', 'gesprek-pester', 'ouders-geinformeerd']);
    expect(c!.sanctions).toHaveLength(1);
    return c!;
  };

  it('exports for a student who bullies only what concerns them: no trace of the bullied student, and says what it left out', async () => {
    const stored = await BULLY_CASE();
    const reply = await bot.say('b.koster', 'gegevens van L1003');
    expect(reply.texts[0]).toMatch(/^Gegevens van L1003: 1 zaak\/zaken, 0 aanvraag\/aanvragen/);
    const json = reply.texts[1]!;
    // Not the bullied student's number, initials, description, talk or letter; not the case id (a hash of
    // their number), nor the bystander the reporter named.
    expect(json).not.toMatch(/L1002/i);
    expect(json).not.toMatch(/B\.\s?M\b/);
    expect(json).not.toContain(stored.id);
    expect(json).not.toMatch(/uitgelachen|huilde|verdrietig|D\.R\.|filmde/i);
    const exported = JSON.parse(json) as { bullyingCases: Array<Record<string, unknown> & { steps: CaseStep[]; sanctions: Sanction[]; signals: Array<Record<string, unknown>> }>; leftOut: string[]; note: string };
    const [own] = exported.bullyingCases;
    expect(own).toMatchObject({ id: 'zaak-1', role: 'bullies', studentRef: 'een andere leerling', studentsInvolved: ['een andere leerling', 'L1003'] });
    // The report that names them, without its text; their own talk in full, the other student replaced.
    expect(own!.signals).toHaveLength(1);
    expect(own!.signals[0]).toMatchObject({ bullies: ['L1003'], where: 'In de les', forms: ['woorden-beelden'] });
    expect(own!.signals[0]).not.toHaveProperty('description');
    expect(own!.steps.map((s) => s.kind)).toEqual(['gesprek-pester']);
    expect(own!.steps[0]).toMatchObject({ studentRef: 'L1003', outcome: 'C.O. erkent het en zegt sorry tegen een andere leerling.', notes: { gedrag: 'Uitlachen van een andere leerling benoemd.' } });
    // The measure for them, with its motivation.
    expect(own!.sanctions).toEqual([expect.objectContaining({ rung: 'schorsing-dag', studentRefs: ['L1003'], motivation: 'C.O. lachte een andere leerling na de afspraken opnieuw uit.' })]);
    expect(exported.leftOut).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^zaak-1: de beschrijving van de melding\(en\)/),
        expect.stringMatching(/^zaak-1: 2 stap\(pen\) met of over een andere leerling/),
      ]),
    );
    // The reporter's dialog names the bullied student: left out, and said.
    expect(exported.leftOut).toContain('Een gesprek van Tessa Bakker met Zorgpad: noemt ook de gepeste leerling van een zaak rond een ander; de inhoud is weggelaten.');
    expect(exported.note).toMatch(/"een andere leerling"/);
    // The audit trail names the case by its export name.
    expect((await bot.say('b.koster', 'audit L1003')).texts[0]).toMatch(/Bram Koster — privacy\.export/);
  });

  it('exports the case in full for the bullied student, with those who bully as "een andere leerling" and without their talk, letter or measure', async () => {
    const stored = await BULLY_CASE();
    const json = (await bot.say('b.koster', 'gegevens van L1002')).texts[1]!;
    expect(json).not.toMatch(/L1003|C\.O\.|D\.R\./i);
    const exported = JSON.parse(json) as { bullyingCases: Array<BullyingCase & { role: string }>; leftOut: string[] };
    const [own] = exported.bullyingCases;
    expect(own).toMatchObject({ id: stored.id, role: 'bullied', studentRef: 'L1002', studentsInvolved: ['L1002', 'een andere leerling'] });
    expect(own!.signals[0]).toMatchObject({ bullies: ['een andere leerling'], description: 'B.M. werd door een andere leerling uitgelachen; L1002 huilde.' });
    expect(own!.signals[0]).not.toHaveProperty('others');
    const [talk, withBully, letter] = own!.steps;
    expect(talk).toMatchObject({ kind: 'gesprek-gepeste', outcome: 'B.M. is verdrietig en wil dat het stopt.' });
    expect(talk!.notes).toMatchObject({ doorWie: 'een andere leerling' });
    // That the school talked with the one who bullies, not what was said.
    expect(withBully).toEqual({ at: expect.any(Number), byStaffId: 'm.devries', kind: 'gesprek-pester', studentRef: 'een andere leerling' });
    expect(letter).toMatchObject({ kind: 'ouders-geinformeerd', studentRef: 'L1002', notes: { brief: 'bullying-bullied' } });
    // That a measure was taken, not which one or why.
    expect(own!.sanctions).toEqual([{ at: expect.any(Number), status: 'proposed', studentRefs: ['een andere leerling'] }]);
    expect(exported.leftOut).toEqual([
      `${stored.id}: wat de melder schreef over meelopers en omstanders (1 melding(en)); dat gaat over andere leerlingen.`,
      `${stored.id}: wat er is besproken of geschreven in 1 stap(pen) met of over een andere leerling; alleen dat de stap er was, staat erin.`,
      `${stored.id}: 1 maatregel(en) voor een andere leerling: welke en waarom (of een maatregel waarvan niet vastligt voor wie).`,
    ]);
  });

  it('leaves out, for the bullied student, what an older record says about informing parents without saying whose', async () => {
    const stored = await BULLY_CASE();
    // An older record: parents informed, without the student (they may be the parents of the one who bullies).
    const older = { at: stored.createdAt + 1, byStaffId: 'm.devries', kind: 'ouders-geinformeerd' as const, outcome: 'Vader van de andere jongen gebeld; hij was boos.', notes: {} };
    await bot.app.store.collection('bullyingCases').update({ ...stored, steps: [...stored.steps, older] });
    const json = (await bot.say('b.koster', 'gegevens van L1002')).texts[1]!;
    expect(json).not.toContain('Vader van de andere jongen');
    const [own] = (JSON.parse(json) as { bullyingCases: BullyingCase[] }).bullyingCases;
    expect(own!.steps.at(-1)).toEqual({ at: older.at, byStaffId: 'm.devries', kind: 'ouders-geinformeerd' });
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

  it('erases the student\'s initials from other people\'s text, and lists what may name them but was not changed', async () => {
    // L1001 (A.K. in the school file) is named only by initials, in a case about L1003 and the mentor's notice of it.
    await conversation('t.bakker', ['pesten melden', 'Het is pesten', 'L1003', 'L1002', 'geen', 'In de les', 'vandaag', '1', 'Binnen de klas', 'nee', 'A.K. en AK keken toe, o.a. in de pauze.', 'ja']);
    const erased = await bot.app.privacy.eraseStudent({ staffId: 'b.koster', roles: new Set(['beheerder']) }, 'L1001', 'test');
    if (!erased.ok) throw new Error(erased.reason);
    const [other] = await bot.app.store.collection('bullyingCases').findBy('studentRef', 'L1003');
    // "A.K." goes; "AK" may be an abbreviation, so it stays and is listed; "o.a." is not A.K.
    expect(other!.signals[0]!.description).toBe('geanonimiseerd en AK keken toe, o.a. in de pauze.');
    const [notice] = await bot.app.store.collection('outbox').findBy('staffId', 'm.devries');
    expect(notice!.text).toContain('geanonimiseerd en AK keken toe');
    expect(notice!.text).not.toMatch(/A\.K\./);
    // The case, the reporter's dialog (its last answers) and the message.
    expect(erased.value.scrubbed).toBe(3);
    expect(erased.value.unchanged).toEqual([
      'De zaak rond L1003 (1A): "AK" kan deze leerling zijn, maar ook iets anders. Niet veranderd.',
      'Een gesprek van Tessa Bakker met Zorgpad: "AK" kan deze leerling zijn, maar ook iets anders. Niet veranderd.',
      'Een bericht aan Marloes de Vries van 26-11-2026: "AK" kan deze leerling zijn, maar ook iets anders. Niet veranderd.',
    ]);
    // The beheerder's command gives the same count as before.
    const again = await conversation('b.koster', ['gegevens wissen', 'L1001', 'ja']);
    expect(again.texts[0]).toMatch(/^Gewist voor L1001: 0 zaak\/zaken/);
    // And tells the beheerder where to look: "AK" is still there.
    expect(again.texts[1]).toMatch(/^Hier is niet alles weggehaald; lees het na:\n- De zaak rond L1003 \(1A\): "AK" kan deze leerling zijn/);
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
    const own = await startTestApp({ ZORGPAD_SCHOOL_FILE: file }, store, clock, { dailyUpkeep: false });
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

describe('erasure when two students share initials', () => {
  it('replaces no initials another student of the school also has, and lists where they appear', async () => {
    // L3001 gets A.K. too: "A.K." in a text may be either of them.
    const dir = mkdtempSync(join(tmpdir(), 'zorgpad-school-'));
    const schoolFile = join(dir, 'school.yaml');
    writeFileSync(schoolFile, readFileSync('schools/demo.yaml', 'utf8').replace('{ ref: L3001, initials: F.T., class: 3C }', '{ ref: L3001, initials: A.K., class: 3C }'));
    const bot = await startTestApp({ ZORGPAD_SCHOOL_FILE: schoolFile });
    try {
      for (const text of ['pesten melden', 'Het is pesten', 'L1003', 'L1002', 'geen', 'In de les', 'vandaag', '1', 'Binnen de klas', 'nee', 'A.K. keek toe.', 'ja']) await bot.say('t.bakker', text);
      const erased = await bot.app.privacy.eraseStudent({ staffId: 'b.koster', roles: new Set(['beheerder']) }, 'L1001', 'test');
      if (!erased.ok) throw new Error(erased.reason);
      const [other] = await bot.app.store.collection('bullyingCases').findBy('studentRef', 'L1003');
      expect(other!.signals[0]!.description).toBe('A.K. keek toe.');
      expect(erased.value.unchanged).toContainEqual(expect.stringMatching(/^De zaak rond L1003 \(1A\): "A\.K\." kan deze leerling zijn/));
    } finally {
      await bot.stop();
    }
  });
});
