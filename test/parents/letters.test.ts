import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BullyingCase } from '../../src/core/cases/model.js';
import { GROUNDS, type ExceptionRequest } from '../../src/core/exceptions/model.js';
import { composeLetter, LETTER_KINDS, type LetterData } from '../../src/core/parents/letters.js';
import { healthWordsIn } from '../../src/core/text/health-words.js';
import { readability, withinB1 } from '../../src/core/text/plain-language.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { TestClock } from '../helpers/clock.js';
import { cardProblems } from '../helpers/adaptive-cards.js';
import { DEMO_LETTER } from '../helpers/letter-data.js';

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

const DEMO = DEMO_LETTER;

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
    expect(healthWordsIn(`${letter.subject}\n${letter.text}`)).toEqual([]);
  });

  it('tells why a request was granted by the kind of ground only, in general words, for every ground', () => {
    expect(composeLetter('exception-granted', DEMO, 'nl').text).toContain('Waarom: De telefoon helpt uw kind om goed voor de eigen gezondheid te zorgen.');
    expect(composeLetter('exception-granted', DEMO, 'en').text).toContain('Why: The phone helps your child take good care of their own health.');
    const whys = new Set<string>();
    for (const ground of [...GROUNDS, null]) {
      for (const lang of ['nl', 'en'] as const) {
        const why = composeLetter('exception-granted', { ...DEMO, ground }, lang).text.split('\n\n').find((p) => /^(Waarom|Why): /.test(p))!;
        expect(healthWordsIn(why), why).toEqual([]);
        expect(why).not.toMatch(/medisch|psychisch|didactisch|beperking/i);
        whys.add(why);
      }
    }
    expect(whys.size).toBe((GROUNDS.length + 1) * 2);
  });

  it('says "U vroeg" only when the parents asked, with the form; otherwise the mentor or someone at school asked', () => {
    const opening = (applicant: LetterData['applicant'], lang: 'nl' | 'en', kind: 'exception-granted' | 'exception-rejected' = 'exception-granted') =>
      composeLetter(kind, { ...DEMO, applicant }, lang).text.split('\n\n')[1];
    expect(opening('parents', 'nl')).toBe('U vroeg de school om een uitzondering voor de telefoon in de les. Het zorgteam van school heeft uw vraag besproken. Het antwoord is ja.');
    expect(opening('parents', 'en')).toMatch(/^You asked the school/);
    expect(opening('mentor', 'nl')).toBe('De mentor van uw kind vroeg de school om een uitzondering voor de telefoon in de les. Het zorgteam van school heeft die vraag besproken. Het antwoord is ja.');
    expect(opening('mentor', 'en', 'exception-rejected')).toMatch(/^The mentor of your child asked the school.*The answer is no\.$/);
    expect(opening('school', 'nl', 'exception-rejected')).toMatch(/^Iemand van school vroeg/);
    for (const applicant of ['mentor', 'school'] as const) {
      for (const kind of LETTER_KINDS) {
        for (const lang of ['nl', 'en'] as const) expect(composeLetter(kind, { ...DEMO, applicant }, lang).text).not.toMatch(/U vroeg|You asked|uw vraag|your request/);
      }
    }
  });

  describe('through the chat', () => {
    let bot: TestApp;
    let clock: TestClock;
    beforeEach(async () => {
      clock = new TestClock(NOW);
      bot = await startTestApp({}, 'sqlite', clock);
    });
    afterEach(async () => {
      await bot.stop();
    });
    const walk = async (persona: string, texts: string[]) => {
      let last = await bot.say(persona, texts[0]!);
      for (const text of texts.slice(1)) last = await bot.say(persona, text);
      return last;
    };

    it('leaves out the kernteam’s motivation and every health word, records that the parents were informed, and gives the PDF once', async () => {
      await bot.app.store.collection('exceptionRequests').create(granted());
      const draft = await walk('m.devries', ['brief aan ouders', 'Een uitzondering voor de telefoon', 'L1002 (1A)', 'Waar de aanvraag staat: ontvangen, het besluit, de pauze of het einde', 'Nederlands']);
      const text = draft.texts.join('\n');
      expect(text).toContain('Beste ouders of verzorgers van B.M.,');
      expect(text).toContain('De mentor van uw kind vroeg de school om een uitzondering');
      expect(text).toContain('Waarom: De telefoon helpt uw kind om goed voor de eigen gezondheid te zorgen.');
      expect(text).not.toMatch(/waarschuwt|weggelaten|uit de brief gehaald|U vroeg/);
      const letterPart = draft.texts.find((t) => t.startsWith('De telefoon in de les: de school zegt ja'))!;
      expect(healthWordsIn(letterPart)).toEqual([]);
      expect(letterPart).not.toMatch(/medisch|Dexcom|Sensor|L1002/);

      const taken = await bot.say('m.devries', '-');
      const url = /http:\/\/\S+\/brieven\/download\?t=[A-Za-z0-9_-]+/.exec(taken.texts.join('\n'))![0];
      const pdf = await fetch(url);
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      // Named after what it is: the kind of letter, the student number and the day.
      expect(pdf.headers.get('content-disposition')).toBe('attachment; filename="brief-uitzondering-toegekend-L1002-2026-11-30.pdf"');
      expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
      const used = await fetch(url);
      expect(used.status).toBe(410);
      const stored = await bot.app.store.collection('exceptionRequests').get('req-brief');
      expect(stored?.parentsInformed).toEqual([{ letter: 'exception-granted', at: NOW, byStaffId: 'm.devries' }]);
    });

    it('gives the PDF link as a button and the letter as a text to copy; a used, expired or unknown link answers a page in Dutch or English', async () => {
      await bot.app.store.collection('exceptionRequests').create(granted());
      const draft = await walk('m.devries', ['brief aan ouders', 'Een uitzondering voor de telefoon', 'L1002 (1A)', 'Waar de aanvraag staat: ontvangen, het besluit, de pauze of het einde', 'Nederlands']);
      // The draft to copy whole (the next question asks for it back, changed).
      const concept = draft.messages.find((m) => m.text.startsWith('De telefoon in de les: de school zegt ja'))!;
      expect(concept.card).toMatchObject({ body: [{ text: 'Concept van de brief (kopieer en plak):' }, { id: 'copy-text', fontType: 'Monospace' }] });
      expect(cardProblems(concept.card)).toEqual([]);

      const taken = await bot.say('m.devries', '-');
      const [link, letter] = taken.messages;
      const url = /http:\/\/\S+\/brieven\/download\?t=[A-Za-z0-9_-]+/.exec(link!.text)![0];
      expect(link!.card?.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Brief downloaden (PDF)', url }]);
      expect(cardProblems(link!.card)).toEqual([]);
      const body = (c: unknown) => (c as { body: Array<{ id?: string; text: string; fontType?: string }> }).body;
      expect(body(letter!.card)[0]!.text).toBe('Tekst van de brief (kopieer en plak):');
      const copy = body(letter!.card).find((b) => b.id === 'copy-text')!;
      expect(copy.fontType).toBe('Monospace');
      expect(copy.text.replace(/\\(.)/g, '$1')).toBe(letter!.text);
      expect(letter!.text).toMatch(/^Beste ouders of verzorgers van B\.M\.,/);

      expect((await fetch(url)).status).toBe(200);
      const used = await fetch(url);
      expect(used.status).toBe(410);
      expect(used.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const usedPage = await used.text();
      expect(usedPage).toContain('<html lang="nl"');
      expect(usedPage).toContain('Deze link is al gebruikt');
      expect(usedPage).not.toMatch(/L1002|B\.M\./);
      const english = await fetch(`${url}&lang=en`);
      expect(english.status).toBe(410);
      expect(await english.text()).toContain('This link has been used');
      // The browser's language when the link does not say.
      const asked = await fetch(url, { headers: { 'accept-language': 'en-GB,en;q=0.9,nl;q=0.5' } });
      expect(await asked.text()).toContain('This link has been used');

      // A link past its hour, never opened: expired.
      await bot.say('m.devries', 'brief aan ouders');
      await walk('m.devries', ['Een uitzondering voor de telefoon', 'L1002 (1A)', 'Waar de aanvraag staat: ontvangen, het besluit, de pauze of het einde', 'Engels']);
      const later = await bot.say('m.devries', '-');
      const late = /http:\/\/\S+\/brieven\/download\?t=[A-Za-z0-9_-]+/.exec(later.texts.join('\n'))![0];
      clock.t += 61 * 60_000;
      const expired = await fetch(late);
      expect(expired.status).toBe(410);
      expect(await expired.text()).toContain('Deze link is verlopen');

      // A link Zorgpad never made.
      const unknown = await fetch(url.replace(/t=.*/, `t=${'A'.repeat(32)}`));
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toContain('Deze link werkt niet');
    });

    it('says "U vroeg" when the parents asked with the form, and still names no health word, not even one the parents wrote', async () => {
      await bot.app.store.collection('exceptionRequests').create(
        granted({ fromParents: { at: NOW, linkId: 'link-x', need: 'Ze heeft diabetes en de app meet haar suiker.', studentWords: '-', documents: {}, documentsWhere: '', consent: true } }),
      );
      const draft = await walk('m.devries', ['brief aan ouders', 'Een uitzondering voor de telefoon', 'L1002 (1A)', 'Waar de aanvraag staat: ontvangen, het besluit, de pauze of het einde', 'Nederlands']);
      const letterPart = draft.texts.find((t) => t.startsWith('De telefoon in de les: de school zegt ja'))!;
      expect(letterPart).toContain('U vroeg de school om een uitzondering voor de telefoon in de les. Het zorgteam van school heeft uw vraag besproken.');
      expect(letterPart).not.toMatch(/diabetes|suiker|waarschuwt/i);
    });

    it('says someone at school asked when the zorgcoördinator made the request', async () => {
      await bot.app.store.collection('exceptionRequests').create(granted({ requesterStaffId: 'a.jansen' }));
      const draft = await walk('m.devries', ['brief aan ouders', 'Een uitzondering voor de telefoon', 'L1002 (1A)', 'Waar de aanvraag staat: ontvangen, het besluit, de pauze of het einde', 'Engels']);
      const letterPart = draft.texts.find((t) => t.startsWith('Phones in class: the school says yes'))!;
      expect(letterPart).toContain('Someone at school asked for an exception for the phone in class for your child.');
      expect(letterPart).not.toMatch(/You asked|your request/);
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
      const taken = await bot.say('m.devries', '-');
      // The PDF is named after the student whose parents get it: the one who bullies.
      const url = /http:\/\/\S+\/brieven\/download\?t=[A-Za-z0-9_-]+/.exec(taken.texts.join('\n'))![0];
      expect((await fetch(url)).headers.get('content-disposition')).toBe('attachment; filename="brief-pesten-leerling-die-pest-L1003-2026-11-30.pdf"');
      const stored = await bot.app.store.collection('bullyingCases').get('case-brief');
      expect(stored?.steps.map((s) => [s.kind, s.studentRef, s.byStaffId])).toEqual([['ouders-geinformeerd', 'L1003', 'm.devries']]);
    });

    it('refuses a letter about a request the person does not manage', async () => {
      await bot.app.store.collection('exceptionRequests').create(granted());
      const reply = await walk('j.pietersen', ['brief aan ouders', 'Een uitzondering voor de telefoon']);
      expect(reply.texts.join('\n')).toContain('Er is geen ingediende of besliste aanvraag waarover jij een brief kunt maken.');
    });
  });
});
