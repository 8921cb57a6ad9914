import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BullyingCase } from '../../src/core/cases/model.js';
import type { ExceptionRequest } from '../../src/core/exceptions/model.js';
import { composeLetter, LETTER_KINDS, type LetterData } from '../../src/core/parents/letters.js';
import { MEDICAL_WORDS } from '../../src/core/parents/letter-service.js';
import { readability, withinB1 } from '../../src/core/text/plain-language.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { TestClock } from '../helpers/clock.js';

const NOW = Date.parse('2026-11-30T10:00:00+01:00');

/** A decided request as the kernteam leaves it (for L1002, class 1A, mentor M. de Vries). */
function granted(over: Partial<ExceptionRequest> = {}): Omit<ExceptionRequest, 'version'> {
  return {
    id: 'req-brief',
    schoolId: 'demo',
    studentRef: 'L1002',
    classId: '1A',
    yearGroup: 1,
    requesterStaffId: 'm.devries',
    status: 'granted',
    createdAt: NOW - 20 * 86_400_000,
    updatedAt: NOW,
    submittedAt: NOW - 15 * 86_400_000,
    ground: 'medisch',
    purpose: 'medische-app',
    purposeDetail: 'Sensor met app voor diabetes type 1.',
    documents: { verwijsbrief: 'aanwezig' },
    documentsLocation: 'dossier',
    studentWords: 'Ik wil niet steeds naar de gang.',
    scope: 'lessen',
    scopes: ['lessen', 'ook-toetsen'],
    subjects: ['alle'],
    when: 'Alle lessen',
    apps: 'Dexcom',
    functions: ['meldingen'],
    teacherActions: ['zonder-vragen'],
    kind: 'structureel',
    votes: [],
    decision: { outcome: 'granted', at: NOW, decidedBy: 'rule', motivation: 'De app waarschuwt op tijd bij diabetes, zodat zij in de les kan blijven' },
    reviewDue: '2027-02-08',
    reviews: [],
    misuse: [],
    ...over,
  };
}

const DEMO: LetterData = {
  student: 'B.M.',
  school: 'Demo College (fictief)',
  staff: 'Marloes de Vries',
  contact: 'A. Jansen (zorgcoördinator), 010 123 45 67, zorg@demo-school.example',
  motivation: 'De app waarschuwt op tijd, zodat zij in de les kan blijven',
  allowed: ['meldingen op de telefoon bekijken en er meteen iets mee doen'],
  where: 'in de lessen, ook bij toetsen',
  date: '8 februari 2027',
};

describe('letters to parents, drafted from the record', () => {
  it.each(LETTER_KINDS.flatMap((kind) => (['nl', 'en'] as const).map((lang) => [kind, lang] as const)))('keeps the %s letter (%s), filled with the demo data, within the B1 budget', (kind, lang) => {
    const letter = composeLetter(kind, DEMO, lang);
    const r = readability([letter.subject, letter.text], lang);
    expect(r.averageSentence).toBeLessThanOrEqual(15);
    expect(r.longestSentence).toBeLessThanOrEqual(20);
    expect(r.ease).toBeGreaterThanOrEqual(60);
    expect(r.jargon).toEqual([]);
    expect(withinB1(r)).toBe(true);
    expect(letter.text).not.toMatch(/\{\w+\}/);
  });

  it('puts the kernteam’s motivation in the decision letters', () => {
    for (const kind of ['exception-granted', 'exception-rejected'] as const) {
      expect(composeLetter(kind, DEMO, 'nl').text).toContain('Waarom: De app waarschuwt op tijd, zodat zij in de les kan blijven.');
    }
  });

  describe('through the chat', () => {
    let bot: TestApp;
    beforeEach(async () => {
      bot = await startTestApp({}, 'sqlite', new TestClock(NOW));
    });
    afterEach(async () => {
      await bot.stop();
    });
    const walk = async (persona: string, texts: string[]) => {
      let last = await bot.say(persona, texts[0]!);
      for (const text of texts.slice(1)) last = await bot.say(persona, text);
      return last;
    };

    it('leaves out a health word the parents did not use, records that the parents were informed, and gives the PDF once', async () => {
      await bot.app.store.collection('exceptionRequests').create(granted());
      const draft = await walk('m.devries', ['brief aan ouders', 'Een uitzondering voor de telefoon', 'L1002 (1A)', 'Het besluit (of de pauze of het einde)', 'Nederlands']);
      const text = draft.texts.join('\n');
      expect(text).toContain('Beste ouders of verzorgers van B.M.,');
      expect(text).toContain('Waarom: De app waarschuwt op tijd bij […], zodat zij in de les kan blijven.');
      expect(text).toMatch(/weggelaten, omdat de ouders ze zelf niet noemden: diabetes/);
      const letterPart = draft.texts.find((t) => t.startsWith('De telefoon in de les: de school zegt ja'))!;
      for (const word of MEDICAL_WORDS) expect(letterPart.toLowerCase()).not.toMatch(new RegExp(`\\b${word}\\b`));
      expect(letterPart).not.toMatch(/medisch|Dexcom|Sensor|L1002/);

      const taken = await bot.say('m.devries', '-');
      const url = /http:\/\/\S+\/brieven\/download\?t=[A-Za-z0-9_-]+/.exec(taken.texts.join('\n'))![0];
      const pdf = await fetch(url);
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
      expect((await fetch(url)).status).toBe(404);
      const stored = await bot.app.store.collection('exceptionRequests').get('req-brief');
      expect(stored?.parentsInformed).toEqual([{ letter: 'exception-granted', at: NOW, byStaffId: 'm.devries' }]);
    });

    it('keeps a health word the parents wrote themselves', async () => {
      await bot.app.store.collection('exceptionRequests').create(
        granted({ fromParents: { at: NOW, linkId: 'link-x', need: 'Ze heeft diabetes en de app meet haar suiker.', studentWords: '-', documents: {}, documentsWhere: '', consent: true } }),
      );
      const draft = await walk('m.devries', ['brief aan ouders', 'Een uitzondering voor de telefoon', 'L1002 (1A)', 'Het besluit (of de pauze of het einde)', 'Nederlands']);
      expect(draft.texts.join('\n')).toContain('Waarom: De app waarschuwt op tijd bij diabetes, zodat zij in de les kan blijven.');
    });

    it('writes to the parents of a student who bullies without naming the bullied student, and records the step', async () => {
      const bullyCase: Omit<BullyingCase, 'version'> = {
        id: 'case-brief',
        schoolId: 'demo',
        studentRef: 'L1002',
        classId: '1A',
        studentsInvolved: ['L1002', 'L1003'],
        status: 'open',
        stage: 'mentor',
        ownerStaffId: 'm.devries',
        createdAt: NOW,
        closedAt: null,
        signals: [{ id: 's1', at: NOW, byStaffId: 't.bakker', bullies: ['L1003'], others: '', where: 'gang', date: '2026-11-30', forms: ['uitsluiten'], scope: 'klas', severe: false, description: 'B.M. wordt buitengesloten door C.O.' }],
        steps: [],
        agreements: [],
        sanctions: [],
        escalations: [],
      };
      await bot.app.store.collection('bullyingCases').create(bullyCase);
      const options = await walk('m.devries', ['brief aan ouders', 'Pesten']);
      const caseLabel = options.messages.at(-1)!.text.split('\n').find((l) => /^\d+\. /.test(l))!.replace(/^\d+\. /, '');
      const draft = await walk('m.devries', [caseLabel, 'Een leerling die pest', 'L1003', 'Nederlands']);
      const letter = draft.texts.find((t) => t.startsWith('Uw kind en pesten'))!;
      expect(letter).toContain('Beste ouders of verzorgers van C.O.,');
      expect(letter).not.toMatch(/B\.M\.|L1002|L1003|buitengesloten/);
      await bot.say('m.devries', '-');
      const stored = await bot.app.store.collection('bullyingCases').get('case-brief');
      expect(stored?.steps.map((s) => [s.kind, s.studentRef, s.byStaffId])).toEqual([['ouders-geinformeerd', 'L1003', 'm.devries']]);
    });

    it('refuses a letter about a request the person does not manage', async () => {
      await bot.app.store.collection('exceptionRequests').create(granted());
      const reply = await walk('j.pietersen', ['brief aan ouders', 'Een uitzondering voor de telefoon']);
      expect(reply.texts.join('\n')).toContain('Er is geen besliste aanvraag waarover jij een brief kunt maken.');
    });
  });
});
