import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BullyingCase } from '../../src/core/cases/model.js';
import { buttonData, startTestApp, testStores, type PlaygroundReply, type TestApp } from '../helpers/app.js';
import { playground } from '../helpers/conversations.js';

/**
 * The anti-bullying protocol, role by role, through the playground's HTTP API: what each person
 * types or clicks, what they are told, what is stored and who is notified.
 */
describe.each(testStores())('anti-bullying protocol (%s store)', (store) => {
  let bot: TestApp;
  beforeEach(async () => {
    bot = await startTestApp({}, store);
  });
  afterEach(async () => {
    await bot.stop();
  });

  /** Types each text in turn, and reads the inbox; checks every card that comes back with the official parser. */
  const { conversation, inbox } = playground(() => bot, { checkReplyCards: true, checkInboxCards: true });

  const cases = () => bot.app.store.collection('bullyingCases');

  /** Tessa (vakdocent) reports that L1001 (class 1A, mentor Marloes) is bullied by L1002 and L1003. */
  const SIGNAL = [
    'pesten melden',
    'Het is pesten',
    'L1001',
    'L1002, l1003',
    'geen',
    'In de les',
    'vandaag',
    '1, 4',
    'Binnen de klas',
    'nee',
    'Tijdens de les werd de leerling uitgelachen en buiten de groep gehouden.',
  ];

  async function reportSignal(persona = 't.bakker', signal = SIGNAL): Promise<PlaygroundReply> {
    const check = await conversation(persona, signal);
    expect(check.texts[0]).toMatch(/^Klopt dit\? Leerling L1001 \(1A\), pester\(s\) L1002 \(1A\), L1003 \(1A\), In de les/);
    return conversation(persona, ['ja']);
  }

  async function theCase(): Promise<BullyingCase> {
    const found = await cases().findBy('studentRef', 'L1001');
    expect(found).toHaveLength(1);
    return found[0]!;
  }

  it('turns a teacher\'s signal into a case, tells the mentor and gives the teacher a Magister note', async () => {
    const done = await reportSignal();
    expect(done.texts[0]).toBe('Je melding is vastgelegd. Marloes de Vries is op de hoogte gebracht en neemt het op. Dank je wel voor het melden.');
    expect(done.texts[1]).toMatch(
      /^Tekst voor Magister \(kopieer en plak\):\nOp \d\d-\d\d-\d{4} is via Zorgpad pesten gemeld rond leerling L1001\. Het ging om woorden en beelden, uitsluiten \(plaats: in de les\)\. De mentor of de CLZ volgt het op/,
    );

    const stored = await theCase();
    expect(stored).toMatchObject({
      status: 'open',
      stage: 'mentor',
      ownerStaffId: 'm.devries',
      classId: '1A',
      studentsInvolved: ['L1001', 'L1002', 'L1003'],
      signals: [{ byStaffId: 't.bakker', bullies: ['L1002', 'L1003'], forms: ['woorden-beelden', 'uitsluiten'], scope: 'klas', severe: false }],
    });

    const mentorInbox = await inbox('m.devries');
    expect(mentorInbox).toHaveLength(1);
    expect(mentorInbox[0]!.text).toMatch(/^Er is pesten gemeld rond leerling L1001 \(1A\)/);
    expect(mentorInbox[0]!.text).not.toMatch(/herhaling/i);
    expect(await inbox('m.devries')).toEqual([]); // delivered once
    expect(await inbox('t.bakker')).toEqual([]);
  });

  it('shows the teacher that her report was picked up, without what was discussed', async () => {
    expect((await conversation('t.bakker', ['mijn meldingen'])).texts).toEqual(['Je hebt nog geen pesten gemeld.']);
    await reportSignal();
    expect((await conversation('t.bakker', ['mijn meldingen'])).texts[0]).toMatch(
      /^Jouw meldingen van pesten:\n- \d\d-\d\d-\d{4} L1001: ontvangen door de mentor, nog geen stap vastgelegd$/,
    );
    await conversation('m.devries', ['mijn zaken', '1', 'Ouders geïnformeerd', 'Telefonisch', 'vandaag', 'Moeder gebeld; zij herkent het.']);
    const after = await conversation('t.bakker', ['mijn meldingen']);
    expect(after.texts[0]).toMatch(/L1001: opgepakt door de mentor$/);
    expect(after.texts.join('\n')).not.toMatch(/Moeder|herkent/);
  });

  it('offers the difference between teasing and bullying to a teacher who is unsure', async () => {
    const unsure = await conversation('t.bakker', ['pesten melden', 'Ik twijfel']);
    expect(unsure.texts[0]).toMatch(/^Plagen of pesten\?\nPlagen gebeurt tussen gelijken/);
    expect((await conversation('t.bakker', ['nee'])).texts[0]).toMatch(/^Goed\. Blijf opletten/);
    expect(await cases().findBy('schoolId', 'demo')).toEqual([]);
  });

  it('lets the mentor work the case step by step from the notification', async () => {
    await reportSignal();
    const [notice] = await inbox('m.devries');
    const opened = await bot.click('m.devries', buttonData(notice, 'Zaak openen'));
    expect(opened.texts[0]).toMatch(/^Zaak rond L1001 \(1A\) — ligt bij: mentor\. Meldingen: 1\./);
    expect(opened.texts[0]).toMatch(/Volgende stap volgens het protocol: gesprek met de gepeste leerling\./);

    // Conversation with the bullied student: the guide's questions one by one, any can be skipped.
    const guide = await conversation('m.devries', ['1']);
    expect(guide.texts[0]).toMatch(/^Gesprek met de gepeste leerling\n/);
    expect(guide.texts[1]).toBe('Herkent de leerling dat hij of zij gepest wordt?');
    const step1 = await conversation('m.devries', [
      'Ja, al een paar weken',
      'L1002 en L1003',
      '-',
      'Bijna elke dag, sinds de herfstvakantie',
      '-',
      '-',
      '-',
      'Dat het ophoudt',
      '1, 2',
      'Leerling voelt zich gehoord; extra mentorgesprekken afgesproken.',
    ]);
    expect(step1.texts[0]).toBe('Vastgelegd: gesprek met de gepeste leerling.');
    expect(step1.texts.at(-1)).toBe('Volgende stap volgens het protocol: gesprek met de leerling die pest.');

    // Conversation with the student who bullies, from "mijn zaken".
    await conversation('m.devries', ['mijn zaken', '1', '2']);
    const step2 = await conversation('m.devries', ['L1002', 'Uitlachen tijdens de les benoemd', 'Nog niet duidelijk', '-', 'ja', 'ja', 'Leerling erkent het gedrag.']);
    expect(step2.texts[0]).toBe('Vastgelegd: gesprek met de leerling die pest.');
    // The note for Magister names the student the talk was with, not the bullied student.
    expect(step2.texts[1]).toBe(
      'Tekst voor Magister (kopieer en plak):\nGesprek met de leerling die pest, met leerling L1002. Uitkomst: Leerling erkent het gedrag.',
    );

    // Joint conversation with a dated agreement: a follow-up job is stored for the reminders.
    await conversation('m.devries', ['mijn zaken', '1', '3']);
    const agreed = await conversation('m.devries', ['L1002 en L1003 laten L1001 met rust en werken in de les normaal samen.', '31-12-2099']);
    expect(agreed.texts[0]).toBe('De afspraak is vastgelegd. Op 31-12-2099 vraag ik je of het pesten is gestopt.');
    await conversation('m.devries', ['nee']);

    const stored = await theCase();
    expect(stored.steps.map((s) => s.kind)).toEqual(['gesprek-gepeste', 'gesprek-pester', 'gezamenlijk-gesprek']);
    expect(stored.steps[0]!.notes).toMatchObject({ herkenning: 'Ja, al een paar weken', hoeVaak: 'Bijna elke dag, sinds de herfstvakantie' });
    expect(stored.steps[0]!.notes.waar).toBeUndefined();
    expect(stored.agreements).toMatchObject([{ dueDate: '2099-12-31', ownerStaffId: 'm.devries' }]);
    const job = await bot.app.store.jobs.get(`agreement:${stored.id}:${stored.agreements[0]!.id}`);
    expect(job).toMatchObject({ kind: 'agreement-followup', status: 'pending', payload: { caseId: stored.id, staffId: 'm.devries' } });
    expect(new Date(job!.dueAt).toISOString()).toBe('2099-12-31T07:30:00.000Z'); // 08:30 in Amsterdam, winter time
  });

  it('keeps the case from people who may not see it', async () => {
    await reportSignal();
    const stored = await theCase();
    const openCase = { zorgpad: { start: 'zaak', caseId: stored.id } };

    // The teacher who reported it cannot open the case or its notes.
    expect((await bot.say('t.bakker', 'mijn zaken')).texts[0]).toMatch(/alleen voor: mentor/);
    expect((await bot.click('t.bakker', openCase)).texts).toEqual([
      'Deze zaak kun je met jouw rollen niet openen of wijzigen. Er is niets veranderd.',
    ]);
    // The mentor of another class does not see it in his list and cannot open it by its id.
    expect((await bot.say('j.pietersen', 'mijn zaken')).texts).toEqual(['Je hebt op dit moment geen open zaken.']);
    expect((await bot.click('j.pietersen', openCase)).texts).toEqual([
      'Deze zaak kun je met jouw rollen niet openen of wijzigen. Er is niets veranderd.',
    ]);
    // Someone unknown gets nothing but how to get access.
    expect((await bot.click('onbekend', openCase)).texts[0]).toMatch(/^Zorgpad is er alleen voor medewerkers/);
    expect((await theCase()).version).toBe(stored.version);
  });

  it('treats a new signal within 90 days as repetition and lets the mentor hand the case to the CLZ', async () => {
    await reportSignal();
    await inbox('m.devries');
    const again = await reportSignal('r.elmoussaoui', SIGNAL);
    expect(again.texts[1]).toMatch(/^Over deze leerling\(en\) liep al een melding/);

    const [notice] = await inbox('m.devries');
    expect(notice!.text).toMatch(/Volgens het protocol meld je herhaling bij de CLZ\./);
    expect((await theCase()).signals).toHaveLength(2);

    const confirm = await bot.click('m.devries', buttonData(notice, 'Naar de CLZ'));
    expect(confirm.texts[0]).toMatch(/^Het pesten rond L1001 \(1A\) herhaalt zich\./);
    const handed = await conversation('m.devries', ['ja']);
    expect(handed.texts[0]).toBe('De zaak is overgedragen aan Selin Yilmaz (CLZ), met alles wat er tot nu toe is vastgelegd.');
    expect(await theCase()).toMatchObject({ stage: 'clz', ownerStaffId: 's.yilmaz' });
    // Both reports' notices to the mentor settle: handed over, without their buttons.
    const settled = await inbox('m.devries');
    expect(settled).toHaveLength(2);
    for (const m of settled) expect(m.text).toMatch(/Op \d\d-\d\d-\d{4} door jou overgedragen aan de CLZ\./);

    const clzInbox = await inbox('s.yilmaz');
    expect(clzInbox.at(-1)!.text).toMatch(/^De mentor heeft de zaak rond L1001 \(1A\) aan jou overgedragen\.[\s\S]*Meldingen: 2\./);

    // The CLZ works it and reports back to the mentor.
    await conversation('s.yilmaz', ['mijn zaken', '1', 'Terugkoppeling aan de mentor']);
    const feedback = await conversation('s.yilmaz', ['Beide ouders gesproken; leerlingbegeleider ingeschakeld.']);
    expect(feedback.texts[0]).toBe('Vastgelegd: terugkoppeling aan de mentor.');
    expect((await inbox('m.devries')).map((m) => m.text)).toEqual([
      'Terugkoppeling van de CLZ over L1001: Beide ouders gesproken; leerlingbegeleider ingeschakeld.',
    ]);
  });

  it('sends a severe incident straight to the CLZ and directie', async () => {
    const severe = [...SIGNAL];
    severe.splice(9, 1, 'ja', 'Nee'); // violence, no image
    await reportSignal('t.bakker', severe);
    expect(await theCase()).toMatchObject({ stage: 'clz', ownerStaffId: 's.yilmaz', escalations: [{ to: 'clz', reason: 'ernstig' }] });
    expect((await inbox('s.yilmaz'))[0]!.text).toMatch(/^Er is een ernstig incident gemeld rond leerling L1001 \(1A\)\. Dit gaat direct naar CLZ en directie\./);
    expect((await inbox('h.smit'))[0]!.text).toMatch(/aangifte bij de politie/);
    expect(await inbox('m.devries')).toEqual([]);
  });

  it('tells the CLZ of a severe incident also when the case was already with the mentor', async () => {
    await reportSignal();
    expect(await inbox('m.devries')).toHaveLength(1);
    const severe = [...SIGNAL];
    severe.splice(9, 1, 'ja', 'Nee');
    await reportSignal('t.bakker', severe);
    expect((await inbox('s.yilmaz'))[0]!.text).toMatch(/^Er is een ernstig incident gemeld rond leerling L1001 \(1A\)\. Dit gaat direct naar CLZ en directie\./);
    expect((await inbox('h.smit'))[0]!.text).toMatch(/^Er is een ernstig incident gemeld rond leerling L1001/);
  });

  /** The safeguard for sexual images of minors on the report's paths (issue: "the safeguard on every path"). */
  const SAFEGUARD = /^Eerst dit: niet kopiëren, niet bewaren, niet doorsturen\n/;
  const NOTICE_SAFEGUARD = /^Eerst dit: het kan gaan om een seksueel beeld van een minderjarige\. Vraag er niet om, maak geen screenshot of kopie/;

  it('gives the safeguard at once when an incident in class may involve a sexual image, and the CLZ and directie get it with the report', async () => {
    const said: string[] = [];
    for (const text of [...SIGNAL.slice(0, 9), 'ja']) said.push(...(await bot.say('t.bakker', text)).texts);
    expect(said.at(-1)).toMatch(/^Speelt er \(misschien\) een seksuele foto, naaktfoto of video van een leerling mee\?/);
    const afterAnswer = (await bot.say('t.bakker', 'Weet ik niet')).texts;
    // The safeguard comes before the reporter is asked to describe anything.
    expect(afterAnswer[0]).toMatch(SAFEGUARD);
    expect(afterAnswer[0]).toMatch(/Maak geen screenshot of kopie, sla niets op en stuur niets door, ook niet naar collega's of de CLZ\./);
    expect(afterAnswer.at(-1)).toMatch(/^Beschrijf in een paar zinnen/);
    const done = await conversation('t.bakker', [SIGNAL[10]!, 'ja']);
    expect(done.texts).toContain('Omdat er een seksueel beeld bij kan zijn: de CLZ en de directie hebben je melding nu, met het advies erbij. Kopieer, bewaar of stuur het beeld niet door, ook niet naar hen.');
    for (const person of ['s.yilmaz', 'h.smit']) {
      const [notice] = await inbox(person);
      expect(notice!.text).toMatch(NOTICE_SAFEGUARD);
      expect(notice!.text).toMatch(/Schakel de politie in/);
      expect(JSON.stringify(notice!.card)).toContain('Ernstig incident: mogelijk een seksueel beeld van een leerling');
    }
    expect(await theCase()).toMatchObject({ stage: 'clz', signals: [{ severe: true, sexualImage: true }] });
  });

  it('gives the safeguard, not evidence advice, when the advice is opened from an online report with a possible sexual image', async () => {
    const online = [...SIGNAL.slice(0, 5), 'Online', ...SIGNAL.slice(6, 9), 'ja', 'Ja', SIGNAL[10]!, 'ja'];
    const reported = await conversation('t.bakker', online);
    expect(reported.texts.at(-1)).toMatch(/^Het speelde online\. Wil je ook het advies bij cyberpesten zien\?/);
    const said: string[] = [];
    for (const text of ['Ja, graag', 'Ongewenst contact met vreemden', 'Snapchat']) said.push(...(await bot.say('t.bakker', text)).texts);
    // Handed on from the report: not asked again, the safeguard first, no screenshots.
    expect(said.join('\n')).not.toMatch(/Speelt er \(misschien\)/);
    expect(said[said.findIndex((t) => t.startsWith('Op welk platform')) + 1]).toMatch(/^Eerst dit: niet kopiëren, niet bewaren, niet doorsturen\n/);
    expect(said.join('\n')).not.toMatch(/Bewijs bewaren|screenshots waarop|Is het ernstig/);
    expect((await inbox('s.yilmaz'))[0]!.text).toMatch(NOTICE_SAFEGUARD);
  });

  it('passes the safeguard on to the CLZ and directie when the cyberbullying advice about an image goes on into a report', async () => {
    const advice = await conversation('t.bakker', ['cyberpesten', 'Account gehackt of berichten op iemands naam', 'Instagram', 'Ja']);
    expect(advice.texts.join('\n')).toMatch(/Eerst dit: niet kopiëren/);
    await conversation('t.bakker', ['Ja, melden']);
    // The reporter says no to the question about violence; the image was already named in the advice.
    await reportSignal('t.bakker', SIGNAL.slice(1));
    for (const person of ['s.yilmaz', 'h.smit']) expect((await inbox(person))[0]!.text).toMatch(NOTICE_SAFEGUARD);
  });

  it('passes the safeguard on when only the description names a nude picture', async () => {
    const signal = [...SIGNAL];
    signal[10] = 'Er ging een naaktfoto van de leerling rond in de klassenapp.';
    await conversation('t.bakker', signal);
    const done = await conversation('t.bakker', ['ja']);
    expect(done.texts.join('\n')).toMatch(/Kopieer, bewaar of stuur het beeld niet door/);
    for (const person of ['s.yilmaz', 'h.smit']) expect((await inbox(person))[0]!.text).toMatch(NOTICE_SAFEGUARD);
  });

  it('gives the anti-pestcoördinator counts by stage, without notes', async () => {
    await reportSignal();
    const overview = await conversation('p.vandam', ['overzicht']);
    expect(overview.texts[0]).toBe('Open zaken: 1 (gesloten: 0).\nmentor: 1\nCLZ: 0\ndirectie: 0');
    expect(overview.texts.join('\n')).not.toMatch(/L1001|uitgelachen/);
    expect(overview.texts[1]).toMatch(/denk je mee wanneer mentor en CLZ samen niet verder komen/);
  });

  it('lets the CLZ ask the anti-pestcoördinator to think along, who hears about the case but not its notes', async () => {
    await reportSignal();
    await conversation('s.yilmaz', ['mijn zaken', '1', 'Anti-pestcoördinator laten meedenken']);
    const asked = await conversation('s.yilmaz', ['ja']);
    expect(asked.texts).toEqual(['Pieter van Dam is gevraagd mee te denken. De zaak blijft bij jou.']);
    const [notice] = await inbox('p.vandam');
    expect(notice!.text).toMatch(/^Selin Yilmaz vraagt je mee te denken over de zaak rond L1001 \(1A\)/);
    expect(notice!.text).not.toMatch(/uitgelachen/);
    expect((await bot.click('p.vandam', { zorgpad: { start: 'zaak', caseId: (await theCase()).id } })).texts[0]).toMatch(/^Deze zaak kun je/);
  });

  it('works in English too', async () => {
    const check = await conversation(
      'm.devries',
      ['report bullying', '1', 'L1001', 'L1002', '5', '1', 'today', '2', '1', 'no', '-'],
      'en',
    );
    expect(check.texts[0]).toMatch(/^Is this right\? Student L1001 \(1A\), bully\/bullies L1002 \(1A\), In class/);
    const done = await conversation('m.devries', ['yes'], 'en');
    expect(done.texts[1]).toMatch(/^Text for Magister \(copy and paste\):\nOn .* bullying around student L1001 was reported through Zorgpad\. It involved physical violence \(place: in class\)\./);
    expect((await theCase()).ownerStaffId).toBe('m.devries');
  });
});
