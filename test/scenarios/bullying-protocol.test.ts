import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BullyingCase } from '../../src/core/cases/model.js';
import type { CollectionName } from '../../src/core/kernel/ports.js';
import { buttonData, startTestApp, testStores, type PlaygroundReply, type TestApp } from '../helpers/app.js';
import { playground } from '../helpers/conversations.js';

/**
 * The anti-bullying protocol held against the school's protocol, step by step: the report with its
 * bystanders, the mentor's talks, repetition, the CLZ, and measures for the student who bullies (never
 * the bullied student), applied by the CLZ or proposed by the CLZ and decided by directie.
 */
describe.each(testStores())('bullying protocol, right student and right role (%s store)', (store) => {
  let bot: TestApp;
  beforeEach(async () => {
    bot = await startTestApp({}, store);
  });
  afterEach(async () => {
    await bot.stop();
  });

  const { conversation, inbox } = playground(() => bot, { checkReplyCards: true });

  const cases = () => bot.app.store.collection('bullyingCases');
  async function theCase(): Promise<BullyingCase> {
    const [found] = await cases().findBy('studentRef', 'L1002');
    return found!;
  }
  /** The Magister texts in a reply (the text after the title line). */
  const magister = (reply: PlaygroundReply) =>
    reply.texts.filter((t) => t.startsWith('Tekst voor Magister')).map((t) => t.split('\n').slice(1).join('\n'));
  /** The options of the question a reply ends with, as numbered in its text. */
  const options = (reply: PlaygroundReply) =>
    reply.texts.at(-1)!.split('\n').filter((l) => /^\d+\. /.test(l)).map((l) => l.replace(/^\d+\. /, ''));

  /** A teacher reports that L1002 (1A) is bullied by L1003, with followers and an audience. */
  const REPORT = ['pesten melden', 'Het is pesten', 'L1002', 'L1003', '1, 3', 'Twee klasgenoten filmden het.', 'In de les', 'vandaag', '1', 'Binnen de klas', 'nee', 'Uitgelachen en nageroepen.', 'ja'];

  it('walks report → mentor → repetition → CLZ → measures, and every measure and Magister text names L1003', async () => {
    // The report names bystander roles; the mentor hears of them.
    const reported = await conversation('t.bakker', REPORT);
    expect(magister(reported)[0]).toMatch(/rond leerling L1002\./);
    const [notice] = await inbox('m.devries');
    expect(notice!.text).toMatch(/Ook betrokken: meelopers, publiek \(keek toe of filmde\)\./);
    expect((await theCase()).signals[0]).toMatchObject({ bullies: ['L1003'], bystanders: ['meelopers', 'publiek'] });

    // The mentor's talk with the student who bullies: the protocol's causes, and a note about L1003.
    await conversation('m.devries', ['mijn zaken', '1', 'Gesprek met de leerling die pest']);
    const causes = await conversation('m.devries', ['L1003', 'Het uitlachen in de les benoemd.']);
    expect(options(causes)).toEqual([
      'Een moeilijke situatie thuis',
      'Het gevoel er niet toe te doen ("ik besta niet")',
      'Strijd om de macht in de klas',
      'Zich tekortschieten voelen op school (cijfers, resultaten)',
      'Weinig zelfstandigheid of verantwoordelijkheid',
      'Iets anders',
      'Nog niet duidelijk',
    ]);
    const talk = await conversation('m.devries', ['3', 'Wil stoer doen voor de groep.', 'ja', 'ja', 'Erkent het gedrag.']);
    expect(magister(talk)).toEqual(['Gesprek met de leerling die pest, met leerling L1003. Uitkomst: Erkent het gedrag.']);
    expect((await theCase()).steps.at(-1)).toMatchObject({ kind: 'gesprek-pester', studentRef: 'L1003', notes: { oorzaken: 'Strijd om de macht in de klas' } });

    // Repetition: the mentor hands the case to the CLZ from the notification.
    await inbox('m.devries');
    await conversation('r.elmoussaoui', REPORT);
    const [again] = await inbox('m.devries');
    await bot.click('m.devries', buttonData(again, 'Naar de CLZ'));
    const handed = await conversation('m.devries', ['ja']);
    expect(magister(handed)).toEqual(['Het pesten rond leerling L1002 heeft zich herhaald. De mentor heeft de zaak overgedragen aan de CLZ.']);
    expect(await theCase()).toMatchObject({ stage: 'clz', ownerStaffId: 's.yilmaz' });

    // The CLZ applies a measure: for whom comes from the students bullying in the case.
    const forWhom = await conversation('s.yilmaz', ['mijn zaken', '1', 'Maatregel vastleggen of voorstellen']);
    expect(forWhom.texts.at(-1)).toMatch(/^Voor welke leerling is de maatregel\?/);
    expect(options(forWhom)).toEqual(['L1003 (1A)']);
    const rungs = await conversation('s.yilmaz', ['L1003 (1A)']);
    expect(options(rungs)).toEqual([
      'Gesprek met duidelijke afspraken',
      'Directie inschakelen (geweld, bedreiging)',
      'Schorsing van één dag voorstellen',
      'Langere schorsing voorstellen',
      'Verwijdering van school voorstellen',
    ]);
    const confirm = await conversation('s.yilmaz', ['Gesprek met duidelijke afspraken', 'Afspraken gemaakt over gedrag in de les.']);
    expect(confirm.texts.at(-1)).toMatch(/^Klopt dit\? Gesprek met duidelijke afspraken, voor L1003 \(1A\)\./);
    const applied = await conversation('s.yilmaz', ['ja']);
    expect(applied.texts[0]).toBe('Vastgelegd: gesprek met afspraken voor L1003, met datum en motivatie.');
    expect(magister(applied)).toEqual(['Maatregel voor leerling L1003: gesprek met afspraken. Motivatie: Afspraken gemaakt over gedrag in de les.']);

    // The CLZ proposes a one-day suspension; directie is asked to decide.
    await conversation('s.yilmaz', ['mijn zaken', '1', 'Maatregel vastleggen of voorstellen', '1', 'Schorsing van één dag voorstellen']);
    const proposed = await conversation('s.yilmaz', ['Ondanks afspraken gaat het uitlachen door!', 'ja']);
    expect(proposed.texts[0]).toBe('Je voorstel (schorsing van één dag voor L1003) ligt bij de directie. Die hoort leerling en ouders en besluit; je krijgt bericht.');
    expect(magister(proposed)).toEqual(['Voorstel aan de directie voor leerling L1003: schorsing van één dag. Motivatie: Ondanks afspraken gaat het uitlachen door!']);
    expect((await theCase()).stage).toBe('clz');

    // The reasons come with the proposal: the CLZ's motivation and what was done before.
    const [proposal] = await inbox('h.smit');
    expect(proposal!.text).toMatch(/^Selin Yilmaz stelt voor: schorsing van één dag voor L1003, in de zaak rond L1002 \(1A\)\./);
    expect(proposal!.text).toContain('Motivatie van Selin Yilmaz: Ondanks afspraken gaat het uitlachen door!');
    expect(proposal!.text).toContain('Eerder in deze zaak: gesprek met de leerling die pest, gesprek met afspraken.');
    // The case summary says a proposal waits.
    expect((await conversation('s.yilmaz', ['mijn zaken', '1'])).texts[0]).toMatch(/Een voorstel wacht op de directie: schorsing van één dag voor L1003\./);
    const which = await bot.click('h.smit', buttonData(proposal, 'Voorstel beoordelen'));
    expect(options(which)).toEqual(['schorsing van één dag voor L1003 (voorstel van Selin Yilmaz)']);
    // The directie reads the motivation right before deciding.
    const reasons = await conversation('h.smit', ['1']);
    expect(reasons.texts[0]).toBe('Motivatie van Selin Yilmaz: Ondanks afspraken gaat het uitlachen door!\nEerder in deze zaak: gesprek met de leerling die pest, gesprek met afspraken.');
    expect(reasons.texts.at(-1)).toMatch(/^Wat besluit je\?/);
    // Not heard yet: nothing is decided and the proposal stays open.
    const notHeard = await conversation('h.smit', ['Overnemen', 'nee']);
    expect(notHeard.texts).toEqual(['Nodig de leerling en de ouders eerst uit om gehoord te worden. Het voorstel blijft openstaan; er is niets vastgelegd.']);
    expect((await theCase()).sanctions.at(-1)!.status).toBe('proposed');

    await bot.click('h.smit', buttonData(proposal, 'Voorstel beoordelen'));
    const decided = await conversation('h.smit', ['1', 'Overnemen', 'ja', 'Niet nodig (schorsing van één dag)', 'Leerling en ouders gehoord; schorsing is passend.', 'ja']);
    expect(decided.texts[0]).toBe('Besloten: schorsing van één dag voor L1003. De CLZ krijgt bericht.');
    expect(magister(decided)).toEqual([
      'De directie heeft besloten tot schorsing van één dag voor leerling L1003, na het horen van leerling en ouders. Motivatie: Leerling en ouders gehoord; schorsing is passend.',
    ]);
    expect((await inbox('s.yilmaz')).map((m) => m.text)).toContain('De directie heeft besloten: schorsing van één dag voor L1003 (zaak rond L1002).');

    const stored = await theCase();
    expect(stored.stage).toBe('directie');
    expect(stored.sanctions).toMatchObject([
      { rung: 'gesprek-afspraken', studentRefs: ['L1003'], status: 'applied', decidedBy: 's.yilmaz' },
      {
        rung: 'schorsing-dag',
        studentRefs: ['L1003'],
        status: 'decided',
        proposedBy: 's.yilmaz',
        decidedBy: 'h.smit',
        decision: { outcome: 'decided', heard: true, inspectie: 'niet-nodig' },
      },
    ]);
    // No measure and no Magister text about a measure names the bullied student.
    for (const s of stored.sanctions) expect(s.studentRefs).not.toContain('L1002');
    for (const text of [...magister(applied), ...magister(proposed), ...magister(decided)]) {
      expect(text).toMatch(/L1003/);
      expect(text).not.toMatch(/L1002/);
    }
    const audit = (await bot.app.store.audit.forRecord('bullyingCase', stored.id)).map((e) => `${e.actor} ${e.action}`);
    expect(audit).toEqual(expect.arrayContaining(['s.yilmaz case.sanction.gesprek-afspraken', 's.yilmaz case.sanction.propose.schorsing-dag', 'h.smit case.sanction.decide.schorsing-dag']));
    expect(audit.some((a) => a.endsWith('case.denied'))).toBe(false);
  });

  it('never refuses a rung it offered: every rung offered to the CLZ, the mentor and directie completes', async () => {
    await conversation('t.bakker', REPORT);
    const offered = async (persona: string, start: string[]) => options(await conversation(persona, start));
    const walk = async (persona: string, start: string[], count: number) => {
      for (let i = 1; i <= count; i++) {
        const rungs = await offered(persona, start);
        expect(rungs).toHaveLength(count);
        const done = await conversation(persona, [String(i), `Motivatie voor ${rungs[i - 1]}.`, 'ja']);
        expect(done.texts[0], `${persona}: ${rungs[i - 1]}`).toMatch(/^(Vastgelegd: .* voor L1003|Je voorstel \(.* voor L1003\) ligt bij de directie)/);
      }
    };
    await walk('s.yilmaz', ['mijn zaken', '1', 'Maatregel vastleggen of voorstellen', '1'], 5);
    // The mentor records the consultation with the CLZ, and is offered the rungs a mentor may apply.
    await walk('m.devries', ['mijn zaken', '1', 'Maatregel vastleggen (na overleg met de CLZ)', '1', 'Selin Yilmaz'], 2);
    await walk('h.smit', ['mijn zaken', '1', 'Maatregel vastleggen of voorstellen', '1'], 5);
    const stored = await theCase();
    expect(stored.sanctions.filter((s) => s.status === 'proposed').map((s) => s.rung)).toEqual(['schorsing-dag', 'schorsing-lang', 'verwijdering']);
    expect(stored.sanctions.filter((s) => s.decidedBy === 'm.devries').every((s) => s.consultedStaffId === 's.yilmaz')).toBe(true);
    expect(stored.sanctions.every((s) => s.studentRefs?.join() === 'L1003')).toBe(true);
  });

  it('tells the CLZ a mentor consulted what was recorded in their name; involving the directie informs it with the reasons and leaves the case where it was', async () => {
    await conversation('t.bakker', REPORT);
    await inbox('s.yilmaz');
    // The mentor records a talk with agreements after consulting the CLZ: the CLZ hears it, with the motivation.
    await conversation('m.devries', ['mijn zaken', '1', 'Maatregel vastleggen (na overleg met de CLZ)', '1', 'Selin Yilmaz', 'Gesprek met duidelijke afspraken', 'Afspraken over gedrag in de pauze.', 'ja']);
    const told = (await inbox('s.yilmaz')).map((m) => m.text);
    expect(told).toContainEqual(expect.stringMatching(/^Marloes de Vries heeft na overleg met jou vastgelegd: gesprek met afspraken voor L1003, in de zaak rond L1002 \(1A\)\. Motivatie: "Afspraken over gedrag in de pauze"\./));

    // The mentor, again after consulting the CLZ, involves the directie.
    await inbox('h.smit');
    await conversation('m.devries', ['mijn zaken', '1', 'Maatregel vastleggen (na overleg met de CLZ)', '1', 'Selin Yilmaz', 'Directie inschakelen (geweld, bedreiging)', 'Hij dreigde een klasgenoot te slaan.', 'ja']);
    const [notice] = await inbox('h.smit');
    expect(notice!.text).toMatch(/^Marloes de Vries schakelt de directie in voor L1003, in de zaak rond L1002 \(1A\)\. De zaak blijft bij Marloes de Vries/);
    expect(notice!.text).toContain('Hij dreigde een klasgenoot te slaan');
    expect(notice!.text).toMatch(/\nEerder in deze zaak: gesprek met afspraken\.$/); // what was done before, and only that
    // The case, and its reminders, stay where they were.
    expect(await theCase()).toMatchObject({ stage: 'mentor', ownerStaffId: 'm.devries' });
  });

  it('keeps the typed motivation and says what to do when a measure is refused after all', async () => {
    await conversation('t.bakker', REPORT);
    await conversation('s.yilmaz', ['mijn zaken', '1', 'Maatregel vastleggen of voorstellen', '1', 'Langere schorsing voorstellen', 'Herhaald en ernstig pesten in de les.']);
    // The CLZ loses the role while the question is open.
    expect(await bot.app.roleBook.setRole('b.koster', 's.yilmaz', 'clz', false, 'test')).toBe('changed');
    const refused = await conversation('s.yilmaz', ['ja']);
    expect(refused.texts[0]).toMatch(/^Deze zaak kun je met jouw rollen niet openen/);
    expect(refused.texts.at(-1)).toBe('Je motivatie is niet verloren; kopieer haar als je haar nodig hebt:\nHerhaald en ernstig pesten in de les.');
    expect((await theCase()).sanctions).toEqual([]);
  });

  it('does not let a measure or a talk with "the one who bullies" be about the bullied student', async () => {
    await conversation('t.bakker', REPORT);
    const asVictim = await conversation('m.devries', ['mijn zaken', '1', 'Leerling die pest toevoegen', 'L1002']);
    expect(asVictim.texts).toEqual(['L1002 is in deze zaak de gepeste leerling, niet de leerling die pest. Er is niets veranderd.']);
    const added = await conversation('m.devries', ['mijn zaken', '1', 'Leerling die pest toevoegen', 'L1001']);
    expect(added.texts).toEqual(['L1001 staat nu als leerling die pest in deze zaak.']);
    const forWhom = await conversation('s.yilmaz', ['mijn zaken', '1', 'Maatregel vastleggen of voorstellen']);
    expect(options(forWhom)).toEqual(['L1003 (1A)', 'L1001 (1A)']);
    // Typing the bullied student's number is not one of the choices.
    expect((await conversation('s.yilmaz', ['L1002'])).texts[0]).toBe('Kies een van de mogelijkheden uit de lijst: typ het nummer.');
    const both = await conversation('s.yilmaz', ['1, 2', 'Gesprek met duidelijke afspraken', 'Beiden afspraken over de les.', 'ja']);
    expect(both.texts[0]).toBe('Vastgelegd: gesprek met afspraken voor L1003, L1001, met datum en motivatie.');
  });

  it('says the roles are reversed when the student who bullied before is now reported as bullied', async () => {
    await conversation('t.bakker', REPORT);
    await inbox('m.devries');
    await conversation('t.bakker', ['pesten melden', 'Het is pesten', 'L1003', 'L1002', 'geen', 'Schoolplein', 'vandaag', '2', 'Binnen de klas', 'nee', '-', 'ja']);
    const [notice] = await inbox('m.devries');
    expect(notice!.text).toMatch(/^Er is pesten gemeld rond leerling L1003 \(1A\)/);
    expect(notice!.text).toMatch(/Let op: de rollen zijn omgedraaid\./);
    expect(notice!.text).toMatch(/herhaling/i);
  });

  it('lets the CLZ record talks apart or together as what they were, and inform all parents on the protocol\'s points', async () => {
    const severe = [...REPORT];
    severe.splice(10, 1, 'ja', 'Nee'); // severe (no image): straight to the CLZ
    await conversation('t.bakker', severe);
    const menu = await conversation('s.yilmaz', ['mijn zaken', '1']);
    expect(menu.texts[0]).toMatch(/Volgende stap volgens het protocol: gesprekken door de CLZ, met beide leerlingen apart of samen\./);
    expect(options(menu)).not.toContain('Besluiten over een voorgestelde maatregel'); // directie only

    await conversation('s.yilmaz', ['Gezamenlijk gesprek met beide leerlingen en afspraken', 'L1003 laat L1002 met rust in en buiten de les.', '31-12-2099', 'nee']);
    const afterTalk = await conversation('s.yilmaz', ['mijn zaken', '1']);
    expect(afterTalk.texts[0]).toMatch(/Volgende stap volgens het protocol: hulp van de leerlingbegeleider aangeboden\./);

    await conversation('s.yilmaz', ['Alle ouders geïnformeerd']);
    const parents = await conversation('s.yilmaz', ['1, 2', 'ja', 'ja', 'ja', 'In een gesprek op school', 'vandaag', 'Beide ouderparen gesproken; ze praten thuis met hun kind.']);
    expect(parents.texts[0]).toBe('Vastgelegd: alle betrokken ouders geïnformeerd.');
    const steps = (await theCase()).steps;
    expect(steps.map((s) => s.kind)).toEqual(['gezamenlijk-gesprek', 'alle-ouders-geinformeerd']);
    expect(steps[1]!.notes).toMatchObject({ welkeOuders: 'Ouders van de gepeste leerling, Ouders van de leerling(en) die pesten', gevraagdTePraten: 'ja', vervolgUitgelegd: 'ja', hulpBesproken: 'ja' });

    // Agreements with a date alone do not record a joint talk.
    await conversation('s.yilmaz', ['mijn zaken', '1', 'Afspraken met datum (zonder gesprek)', 'L1003 meldt zich elke vrijdag bij de CLZ.', '31-12-2099', 'nee']);
    expect((await theCase()).steps.filter((s) => s.kind === 'gezamenlijk-gesprek')).toHaveLength(1);
  });

  it('records the protocol\'s short steps with a Magister text each, and closes the case', async () => {
    await conversation('t.bakker', REPORT);
    for (const [label, outcome] of [
      ['Notitie in Magister gemaakt', 'Situatie genoteerd bij beide leerlingen.'],
      ['Vervolg bij herhaling uitgelegd', 'Uitgelegd dat de CLZ het bij herhaling overneemt.'],
      ['Klassengesprek gehouden', 'Mentoruur over groepssfeer gehouden!'],
    ] as const) {
      const done = await conversation('m.devries', ['mijn zaken', '1', label, outcome]);
      expect(done.texts[0]).toMatch(/^Vastgelegd: /);
      expect(magister(done)[0]).toMatch(new RegExp(`, in de zaak rond leerling L1002\\. Uitkomst: ${outcome.replace(/[.!?]$/, '')}[.!?]$`));
    }
    const help = await conversation('s.yilmaz', ['mijn zaken', '1', 'Hulp leerlingbegeleider aangeboden', 'Beide leerlingen krijgen een gesprek aangeboden.']);
    expect(help.texts[0]).toBe('Vastgelegd: hulp van de leerlingbegeleider aangeboden.');
    const closed = await conversation('m.devries', ['mijn zaken', '1', 'Zaak sluiten', 'Pesten is gestopt, afspraken nagekomen.', 'ja']);
    expect(closed.texts[0]).toMatch(/^De zaak is gesloten\./);
    expect((await theCase()).status).toBe('closed');
  });

  it('erases a student who bullied from the measures and talks that name them', async () => {
    await conversation('t.bakker', REPORT);
    await conversation('m.devries', ['mijn zaken', '1', 'Gesprek met de leerling die pest', 'L1003', 'Uitlachen benoemd.', '7', '-', 'ja', 'ja', 'Erkent het.']);
    await conversation('s.yilmaz', ['mijn zaken', '1', 'Maatregel vastleggen of voorstellen', '1', 'Schorsing van één dag voorstellen', 'Gaat door ondanks afspraken.', 'ja']);
    const erased = await bot.app.privacy.eraseStudent({ staffId: 'b.koster', roles: new Set(['beheerder']) }, 'L1003', 'test');
    expect(erased).toMatchObject({ ok: true, value: { mentions: 1 } });
    const raw = await bot.app.store.collection('bullyingCases').findBy('schoolId', 'demo');
    expect(JSON.stringify(raw)).not.toMatch(/L1003/);
  });

  it('offers the protocol\'s next step as a button after each recorded step, which opens that step for the case', async () => {
    await conversation('t.bakker', REPORT);
    // The mentor's notification opens the step that is due.
    const [notice] = await inbox('m.devries');
    const due = await bot.click('m.devries', buttonData(notice, 'Nu: gesprek met de gepeste leerling'));
    expect(due.texts.at(-1)).toBe('Herkent de leerling dat hij of zij gepest wordt?');
    await bot.say('m.devries', 'stop');
    const talk = await conversation('m.devries', ['mijn zaken', '1', 'Gesprek met de leerling die pest', 'L1003', 'Uitlachen benoemd.', '7', '-', 'ja', 'ja', 'Erkent het.']);
    const next = talk.messages.at(-1)!;
    expect(next.text).toBe('Volgende stap volgens het protocol: gesprek met de gepeste leerling.');
    const opened = await bot.click('m.devries', buttonData(next, 'Nu: gesprek met de gepeste leerling'));
    expect(opened.texts[0]).toMatch(/^Gesprek met de gepeste leerling\n/);
    expect(opened.texts.at(-1)).toBe('Herkent de leerling dat hij of zij gepest wordt?');
    // A short step: the button opens it with its name, for this case.
    const [c] = await cases().findBy('studentRef', 'L1002');
    const noted = await bot.click('m.devries', { zorgpad: { start: 'stap-vastleggen', caseId: c!.id, stap: 'magister-notitie' } });
    expect(noted.texts.at(-1)).toBe('Notitie in Magister — wat is er gebeurd of afgesproken? Eén of twee zinnen.');
    // Someone who may not work the case gets nothing from such a button.
    expect((await bot.click('t.bakker', { zorgpad: { start: 'stap-vastleggen', caseId: c!.id, stap: 'magister-notitie' } })).texts[0]).toMatch(/^Deze zaak kun je/);
  });

  it('shows a reopened case as where it stands and what comes next, with the whole history one choice away', async () => {
    await conversation('t.bakker', REPORT);
    await conversation('m.devries', ['mijn zaken', '1', 'Ouders geïnformeerd', 'Telefonisch', 'vandaag', 'Moeder gebeld; zij herkent het.']);
    const reopened = await conversation('m.devries', ['mijn zaken', '1']);
    expect(reopened.texts[0]).toMatch(/^Zaak rond L1002 \(1A\) — ligt bij: mentor\. Meldingen: 1\.\nLaatst vastgelegd \(\d\d-\d\d-\d{4}\): ouders geïnformeerd\.\nVolgende stap volgens het protocol: gesprek met de gepeste leerling\.$/);
    expect(reopened.texts[0]).not.toMatch(/Moeder gebeld/);
    const history = await conversation('m.devries', ['Geschiedenis van de zaak']);
    expect(history.texts[0]).toMatch(/ouders geïnformeerd — Moeder gebeld; zij herkent het\./);
  });

  it('keeps one open case when two teachers report the same student at the same moment', async () => {
    // A store that is slow to create a case: both reports look for an open case before either exists.
    await bot.stop();
    bot = await startTestApp({}, store, undefined, {
      wrapStore: (inner) => ({
        ...inner,
        collection: <N extends CollectionName>(name: N) => {
          const base = inner.collection(name);
          if (name !== 'bullyingCases') return base;
          return { ...base, create: async (record: Parameters<typeof base.create>[0]) => (await new Promise((r) => setTimeout(r, 150)), base.create(record)) };
        },
      }),
    });
    const upToConfirm = REPORT.slice(0, -1);
    await Promise.all([conversation('t.bakker', upToConfirm), conversation('r.elmoussaoui', upToConfirm)]);
    const [a, b] = await Promise.all([bot.say('t.bakker', 'ja'), bot.say('r.elmoussaoui', 'ja')]);
    expect(a.texts[0]).toMatch(/^Je melding is vastgelegd/);
    expect(b.texts[0]).toMatch(/^Je melding is vastgelegd/);
    const found = await cases().findBy('studentRef', 'L1002');
    expect(found).toHaveLength(1);
    expect(found[0]!.signals.map((s) => s.byStaffId).sort()).toEqual(['r.elmoussaoui', 't.bakker']);
    // The case id names no student.
    expect(found[0]!.id).not.toMatch(/L100/);
  });

  it('offers expulsion among the steps for a severe incident', async () => {
    const severe = [...REPORT];
    severe.splice(10, 1, 'ja', 'Nee');
    await conversation('t.bakker', severe);
    expect((await inbox('h.smit'))[0]!.text).toMatch(/schorsing of verwijdering\./);
  });

  it('gives directie and the anti-pestcoördinator yearly figures without names, and nobody else', async () => {
    await conversation('t.bakker', REPORT);
    await conversation('s.yilmaz', ['mijn zaken', '1', 'Maatregel vastleggen of voorstellen', '1', 'Gesprek met duidelijke afspraken', 'Afspraken over de les gemaakt.', 'ja']);
    const figures = await conversation('p.vandam', ['pestcijfers']);
    expect(figures.texts[0]).toMatch(/^Pesten in cijfers, schooljaar \d{4}-\d{4} \(alleen aantallen\):\nZaken: 1 \(open 1, gesloten 0\); herhaling: 0; bij de CLZ: 0; bij de directie: 0;/);
    const csv = figures.texts[1]!.split('\n').slice(1);
    expect(csv[0]).toBe('schooljaar;groep;zaken;herhaling;bleef bij mentor;bereikte CLZ;bereikte directie;maatregelen;gestopt na controle;gesloten;open\r');
    expect(csv.some((l) => /;leerjaar 1;1;0;1;0;0;1;0;0;1/.test(l))).toBe(true);
    expect(csv.some((l) => /;vorm woorden-beelden;1;/.test(l))).toBe(true);
    expect(figures.texts.join('\n')).not.toMatch(/L100\d|Uitgelachen|Afspraken over/);
    expect((await conversation('h.smit', ['pestcijfers'])).texts[0]).toMatch(/^Pesten in cijfers/);
    expect((await conversation('t.bakker', ['pestcijfers'])).texts[0]).toMatch(/^Dit onderdeel is alleen voor: anti-pestcoördinator, directie\./);
  });
});
