import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/core/app/assistant.js';
import type { ExceptionRequest } from '../../src/core/exceptions/model.js';
import { EXCEPTION_REQUEST, playground } from '../helpers/conversations.js';
import { buttonData, startTestApp, testStores, type TestApp } from '../helpers/app.js';

/** Phone-ban exceptions, from the mentor's request to the kernteam's decision and the review. */
describe.each(testStores())('phone-ban exceptions (%s store)', (store) => {
  let bot: TestApp;
  beforeEach(async () => {
    bot = await startTestApp({}, store);
  });
  afterEach(async () => {
    await bot.stop();
  });

  const { conversation, inbox } = playground(() => bot, { checkReplyCards: true, checkInboxCards: true });

  const requests = () => bot.app.store.collection('exceptionRequests');

  const REQUEST = EXCEPTION_REQUEST;

  async function submitRequest(): Promise<ExceptionRequest> {
    const check = await conversation('m.devries', REQUEST);
    expect(check.texts[0]).toBe('Nog niet aanwezig (indienen kan wel): motivatie leerling.');
    const submitted = await conversation('m.devries', ['Indienen']);
    // The decision term is told, with its last day: the day the kernteam is reminded.
    expect(submitted.texts).toHaveLength(1);
    const term = /^De aanvraag is ingediend bij het kernteam\. Het kernteam besluit binnen 10 schooldagen, dus uiterlijk op (\d\d)-(\d\d)-(\d{4}); je hoort het zodra er een besluit is\.$/.exec(submitted.texts[0]!);
    expect(term).not.toBeNull();
    const [request] = await requests().findBy('requesterStaffId', 'm.devries');
    const due = await bot.app.store.jobs.get(`decision-due:${request!.id}:a.jansen`);
    expect(new Date(due!.dueAt).toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' })).toBe(`${term![3]}-${term![2]}-${term![1]}`);
    expect(request).toMatchObject({ status: 'submitted', studentRef: 'L1001', yearGroup: 1 });
    return request!;
  }

  async function kernteamCard(persona: string) {
    const posts = (await inbox(persona)).filter((m) => m.channel === 'kernteam');
    expect(posts.length).toBeGreaterThan(0);
    return posts.at(-1)!;
  }

  const vote = (persona: string, card: OutboundMessage, title: string, motivation: string) =>
    bot.click(persona, { ...(buttonData(card, title) as object), motivation });

  it('saves the draft after every answer and resumes it from "mijn aanvragen"', async () => {
    await conversation('m.devries', REQUEST.slice(0, 4));
    const [draft] = await requests().findBy('requesterStaffId', 'm.devries');
    expect(draft).toMatchObject({ status: 'draft', studentRef: 'L1001', ground: 'medisch', purpose: 'medische-app' });

    await conversation('m.devries', ['stop']);
    const list = await conversation('m.devries', ['mijn aanvragen']);
    expect(list.texts).toEqual(['L1001 — concept']);
    const resumed = await bot.click('m.devries', buttonData(list.messages[0], 'Verder invullen'));
    expect(resumed.texts).toEqual([
      'Je gaat verder met "Uitzondering telefoonverbod aanvragen" voor L1001 (1A). Wat je al had ingevuld, staat er nog.',
      'Licht het doel kort toe (alleen het kernteam ziet dit). Typ "-" als het doel voor zich spreekt.',
    ]);
    const rest = await conversation('m.devries', REQUEST.slice(4));
    expect(rest.texts[0]).toBe('Nog niet aanwezig (indienen kan wel): motivatie leerling.');
  });

  it('does not submit while a required document is missing, and says which', async () => {
    const missing = [...REQUEST];
    missing[5] = 'Volgt nog';
    const check = await conversation('m.devries', missing);
    expect(check.texts[0]).toBe('Nog nodig voordat je kunt indienen: verwijsbrief.\nNog niet aanwezig (indienen kan wel): motivatie leerling.');
    const refused = await conversation('m.devries', ['Indienen']);
    expect(refused.texts[0]).toMatch(/^De aanvraag is nog niet compleet/);
    expect((await requests().findBy('requesterStaffId', 'm.devries'))[0]!.status).toBe('draft');
    expect(await inbox('a.jansen')).toEqual([]);
  });

  it('takes a request through two approvals to a decision, signals the teachers and plans the review', async () => {
    const request = await submitRequest();

    // The card in the kernteam channel shows categories and the checklist, never the free text.
    const card = await kernteamCard('a.jansen');
    const cardText = JSON.stringify(card.card);
    expect(cardText).toContain('medische app');
    expect(cardText).toContain('motivatie leerling: volgt');
    expect(cardText).not.toMatch(/Diabetes|suiker|Magister/);
    expect((await kernteamCard('l.verhoeven')).card).toEqual(card.card);

    const first = await vote('a.jansen', card, 'Toekennen', 'Medisch noodzakelijk, goed onderbouwd.');
    expect(first.texts).toEqual(['Je stem is vastgelegd.']);
    expect(JSON.stringify(first.card)).toContain('Jouw stem: Toekennen');
    // A double click changes nothing.
    await vote('a.jansen', card, 'Toekennen', 'Medisch noodzakelijk, goed onderbouwd.');
    expect((await requests().get(request.id))!.votes).toHaveLength(1);

    const second = await vote('l.verhoeven', card, 'Toekennen', 'Eens; alleen meldingen en waarden.');
    expect(second.texts).toEqual(['Je stem is vastgelegd en daarmee is er een besluit.']);
    expect((second.card!.body as Array<{ text?: string }>)[0]!.text).toBe('Besluit over L1001: toegekend');
    expect(second.card!.actions).toBeUndefined();

    const decided = (await requests().get(request.id))!;
    expect(decided).toMatchObject({ status: 'granted', decision: { outcome: 'granted', decidedBy: 'rule' } });
    expect(decided.votes.map((v) => [v.staffId, v.role, v.vote])).toEqual([
      ['a.jansen', 'zorgcoordinator', 'approve'],
      ['l.verhoeven', 'orthopedagoog', 'approve'],
    ]);

    // A click after the decision gets the outcome back and decides nothing twice.
    const late = await vote('a.jansen', card, 'Afwijzen', 'Toch niet.');
    expect(late.texts).toEqual(['Over deze aanvraag is al besloten; er is niets veranderd.']);
    expect((await requests().get(request.id))!.votes).toHaveLength(2);

    // The requester hears the decision with the text for Magister.
    const told = await inbox('m.devries');
    const decision = told.find((m) => m.text.startsWith('Het kernteam heeft besloten'))!;
    expect(decision.text).toMatch(/toegekend/);
    expect(decision.text).toMatch(
      /Tekst voor Magister\/SOMtoday:\nUitzondering telefoonverbod voor L1001 toegekend door het kernteam\. Geldt ook in toetsweken, bij alle lessen; de leerling mag: meldingen bekijken en er meteen op reageren; evaluatie uiterlijk \d\d-\d\d-\d{4}\./,
    );
    const opp = decision.text.split('Tekst voor het OPP (ontwikkelingsperspectiefplan):\n')[1]!;
    // The purpose here is a medical app: not named where colleagues read it. Only what was decided, and the
    // review date once (nothing "agreed with student and parents" that was never asked).
    expect(opp).toMatch(
      /^Ondersteuning: L1001 gebruikt de telefoon als hulpmiddel \(uitzondering op het telefoonverbod, toegekend door het kernteam op \d\d-\d\d-\d{4}\)\. Geldt ook in toetsweken, bij alle lessen; de leerling mag: meldingen bekijken en er meteen op reageren\. Evaluatie met leerling en ouders uiterlijk \d\d-\d\d-\d{4}\.$/,
    );
    expect(opp.match(/uiterlijk/g)).toHaveLength(1);
    expect(opp).not.toMatch(/Afgesproken|medisch/i);
    // Colleagues read Magister and the OPP: what the mentor typed about apps stays out.
    expect(decision.text).not.toMatch(/glucose/);

    // The subject teachers of 1A get the functional facts only.
    const signal = (await inbox('t.bakker')).map((m) => m.text).join('\n');
    expect(signal).toMatch(
      new RegExp(
        [
          '^L1001 \\(1A\\) heeft een uitzondering op het telefoonverbod\\.',
          'Waar: ook in toetsweken\\.',
          'Bij: alle lessen\\.',
          'Wat mag: meldingen bekijken en er meteen op reageren\\.',
          'Wat we van jou vragen: de telefoon mag zichtbaar op tafel liggen; vraag bij twijfel de contactpersoon, niet de leerling\\.',
          'Altijd: vraag de leerling in de klas niet naar de reden, en gebruik geen zichtbare pasjes, kaartjes of labels\\.',
          'Geldt in elk geval tot de evaluatie van \\d\\d-\\d\\d-\\d{4}\\.',
          'Vragen\\? Marloes de Vries \\(mentor\\) of Anouk Jansen \\(zorgcoördinator\\)\\.',
        ].join('\n'),
      ),
    );
    // What the mentor typed about apps is for the kernteam: the teachers never read it.
    expect(signal).not.toMatch(/glucose/i);
    expect(signal).toMatch(/niet in de klas op aan/);
    expect(signal).not.toMatch(/medisch|Diabetes|suiker|diagnose/i);
    expect((await inbox('r.elmoussaoui')).length).toBe(1);
    expect(await inbox('j.pietersen')).toEqual([]); // not a teacher of 1A

    // The review is planned ten weeks on (structural), as a job for the reminders.
    const job = await bot.app.store.jobs.get(`review:${request.id}:${decided.reviewDue}`);
    expect(job).toMatchObject({ kind: 'exception-review', status: 'pending', payload: { requestId: request.id, staffId: 'm.devries' } });
  });

  it('never shows a subject teacher the ground or the documents', async () => {
    const request = await submitRequest();
    const card = await kernteamCard('a.jansen');
    expect((await bot.click('t.bakker', buttonData(card, 'Details (alleen kernteam)'))).texts).toEqual([
      'De details zijn alleen voor het kernteam en wie de aanvraag deed. Er is niets veranderd.',
    ]);
    const teacherVote = await vote('t.bakker', card, 'Toekennen', 'Lijkt me prima.');
    expect(teacherVote.texts).toEqual(['Alleen leden van het kernteam kunnen stemmen. Er is niets veranderd.']);
    expect((await requests().get(request.id))!.votes).toEqual([]);

    const details = await bot.click('l.verhoeven', buttonData(card, 'Details (alleen kernteam)'));
    expect(JSON.stringify(details.messages[0]!.card)).toContain('Diabetes type 1');

    const asked = await conversation('t.bakker', ['heeft een leerling een uitzondering', 'L1001']);
    expect(asked.texts).toEqual(['L1001 heeft geen uitzondering op het telefoonverbod.']);
    for (const persona of ['a.jansen', 'l.verhoeven']) await vote(persona, card, 'Toekennen', 'Akkoord, onderbouwd.');
    const after = await conversation('t.bakker', ['heeft een leerling een uitzondering', 'L1001']);
    expect(after.texts[0]).toMatch(/^L1001 \(1A\) heeft een uitzondering op het telefoonverbod\./);
    expect(after.texts.join('\n')).not.toMatch(/medisch|Diabetes|verwijsbrief|Magister/i);
    const audit = await bot.app.store.audit.forRecord('exceptionRequest', request.id);
    expect(audit.map((e) => `${e.actor} ${e.action}`)).toEqual(
      expect.arrayContaining(['t.bakker exception.details-denied', 't.bakker exception.vote-denied', 'l.verhoeven exception.details']),
    );
  });

  it('gives exactly one decision when two members vote at the same moment', async () => {
    const request = await submitRequest();
    const card = await kernteamCard('a.jansen');
    await Promise.all([
      vote('a.jansen', card, 'Toekennen', 'Onderbouwd door de arts.'),
      vote('l.verhoeven', card, 'Toekennen', 'Akkoord vanuit orthopedagogiek.'),
    ]);
    const decided = (await requests().get(request.id))!;
    expect(decided.status).toBe('granted');
    expect(decided.votes).toHaveLength(2);
    expect((await inbox('m.devries')).filter((m) => m.text.startsWith('Het kernteam heeft besloten'))).toHaveLength(1);
    expect((await inbox('a.jansen')).filter((m) => m.channel === 'kernteam' && m.text.startsWith('Besluit'))).toHaveLength(1);
  });

  it('puts a disagreement on the kernteam agenda, where the zorgcoördinator records the joint decision', async () => {
    const request = await submitRequest();
    const card = await kernteamCard('a.jansen');
    await vote('a.jansen', card, 'Toekennen', 'Medisch nodig.');
    const second = await vote('l.verhoeven', card, 'Afwijzen', 'Eerst een alternatief proberen.');
    expect(JSON.stringify(second.card)).toContain('Staat op de agenda van het kernteamoverleg');
    expect((await requests().get(request.id))!.status).toBe('agenda');
    expect((await inbox('a.jansen')).map((m) => m.text)).toContain(
      'De aanvraag voor L1001 staat op de agenda van het kernteamoverleg. Leg daarna het gezamenlijke besluit vast met "kernteambesluit".',
    );
    expect((await conversation('l.verhoeven', ['kernteambesluit'])).texts[0]).toMatch(/alleen voor: zorgcoördinator/);
    const done = await conversation('a.jansen', ['kernteambesluit', '1', 'Toekennen', 'Besproken in het kernteam: proef van zes weken met alleen meldingen.']);
    expect(done.texts).toEqual(['Het gezamenlijke besluit is vastgelegd: toegekend.']);
    expect((await requests().get(request.id))!.decision).toMatchObject({ outcome: 'granted', decidedBy: 'a.jansen' });
  });

  it('records a rejection and tells the requester why', async () => {
    const request = await submitRequest();
    const card = await kernteamCard('a.jansen');
    await vote('a.jansen', card, 'Afwijzen', 'Smartwatch volstaat voor de meldingen.');
    await vote('l.verhoeven', card, 'Afwijzen', 'Eens, alternatief is er.');
    expect((await requests().get(request.id))!.status).toBe('rejected');
    const told = (await inbox('m.devries')).map((m) => m.text).join('\n');
    expect(told).toMatch(/afgewezen\. Motivatie: Smartwatch volstaat voor de meldingen\. \/ Eens, alternatief is er\./);
    expect(await inbox('t.bakker')).toEqual([]);
  });

  it('follows possible misuse step by step, supportive first, pausing and reinstating without telling teachers why', async () => {
    const request = await submitRequest();
    const card = await kernteamCard('a.jansen');
    await vote('a.jansen', card, 'Toekennen', 'Medisch nodig.');
    await vote('l.verhoeven', card, 'Toekennen', 'Akkoord.');
    for (const persona of ['m.devries', 'a.jansen', 't.bakker']) await inbox(persona);

    const signalled = await conversation('r.elmoussaoui', ['misbruik melden', 'L1001', 'Zat tijdens de toets op een chat-app te typen.']);
    expect(signalled.texts[0]).toMatch(/^Dank je\. De mentor en de zorgcoördinator zijn vertrouwelijk ingelicht/);
    for (const persona of ['m.devries', 'a.jansen']) {
      expect((await inbox(persona)).map((m) => m.text)).toEqual([
        'Vertrouwelijk: Rachid El Moussaoui meldt mogelijk misbruik van de uitzondering door L1001: "Zat tijdens de toets op een chat-app te typen". Bespreek het in het zorgteam en begin met een informatief gesprek; typ "misbruik opvolgen" om een stap vast te leggen.',
      ]);
    }
    expect(await inbox('t.bakker')).toEqual([]);

    await conversation('m.devries', ['misbruik opvolgen', '1', 'Informatief gesprek met leerling en/of ouders', 'Leerling legt uit dat een vriendin appte; afspraak: alleen de glucose-app.']);
    const support = await conversation('m.devries', ['misbruik opvolgen', '1', 'Ondersteunende maatregel', 'Dagelijkse check met de mentor', 'Elke ochtend kort langs.']);
    expect(support.texts).toEqual(['De ondersteunende maatregel is vastgelegd.']);

    const meanwhile = 'De mentor kijkt elk uur met de leerling naar de meldingen.';
    const pausing = ['misbruik opvolgen', '1', 'Tijdelijk pauzeren (bij herhaling)', 'Gesprek en herhaling zijn vastgelegd', '31-12-2099', meanwhile];
    // The talk is on record, but no repeat after it: no pause yet, and what was typed is handed back.
    const early = await conversation('m.devries', [...pausing, 'Opnieuw chatten in de les; weer in aanmerking na twee weken.']);
    expect(early.texts[0]).toBe('Nog niet pauzeren: na het informatieve gesprek is geen herhaling gemeld. Een pauze volgt pas bij herhaling, of kies bij het pauzeren "Ik sla ze over, met een reden". Er is niets veranderd.');
    expect(early.texts[1]).toContain(meanwhile);
    expect((await requests().get(request.id))!.status).toBe('granted');
    await conversation('r.elmoussaoui', ['misbruik melden', 'L1001', 'Weer aan het chatten tijdens de les.']);
    for (const persona of ['m.devries', 'a.jansen']) await inbox(persona);
    const short = await conversation('m.devries', [...pausing, 'Te kort']);
    expect(short.texts).toEqual(['Dat kon ik niet vastleggen: er ontbreekt iets of het klopt niet. Er is niets veranderd.']);
    const paused = await conversation('m.devries', [...pausing, 'Opnieuw chatten in de les; weer in aanmerking na twee weken zonder misbruik.']);
    expect(paused.texts[0]).toMatch(/^De uitzondering is gepauzeerd tot 31-12-2099\./);
    const pausedSignal = (await inbox('t.bakker')).map((m) => m.text);
    expect(pausedSignal).toEqual([
      'De uitzondering op het telefoonverbod van L1001 is tijdelijk gepauzeerd. Vragen? Neem contact op met Marloes de Vries (mentor) of Anouk Jansen (zorgcoördinator).',
    ]);
    expect((await conversation('t.bakker', ['heeft een leerling een uitzondering', 'L1001'])).texts[0]).toMatch(/is tijdelijk gepauzeerd/);
    expect(await bot.app.store.jobs.get(`reconsider:${request.id}:2099-12-31`)).toMatchObject({ kind: 'exception-reconsider', status: 'pending' });

    // Reinstating asks about the talk with student and parents, the kernteam's view and the causes.
    const notYet = await conversation('m.devries', ['misbruik opvolgen', '1', 'Weer laten gelden na herbeoordeling', 'ja', 'Nog niet besproken']);
    expect(notYet.texts[0]).toBe('Bespreek het eerst in het kernteam; daarna kun je de uitzondering weer laten gelden. Er is niets veranderd.');
    expect((await requests().get(request.id))!.status).toBe('suspended');
    await conversation('m.devries', ['misbruik opvolgen', '1', 'Weer laten gelden na herbeoordeling', 'ja', 'Het kernteam is akkoord', 'Impulsbeheersing besproken; de leerling zet de chat-app uit.', 'Herbeoordeeld met ouders, leerling en zorgteam.']);
    const resumed = (await requests().get(request.id))!;
    expect(resumed.status).toBe('granted');
    expect(resumed.misuse.at(-1)!.note).toBe('gesprek met leerling en ouders gehouden: Het kernteam is akkoord: oorzaken: Impulsbeheersing besproken; de leerling zet de chat-app uit.: Herbeoordeeld met ouders, leerling en zorgteam.');
    expect((await inbox('t.bakker')).map((m) => m.text)[0]).toMatch(/geldt weer zoals eerder afgesproken/);

    const revoked = await conversation('a.jansen', ['misbruik opvolgen', '1', 'Intrekken', 'Herhaald misbruik ondanks pauze en begeleiding; alternatief hulpmiddel afgesproken.']);
    expect(revoked.texts[0]).toMatch(/^De uitzondering is ingetrokken/);
    const final = (await requests().get(request.id))!;
    expect(final.status).toBe('revoked');
    expect(final.misuse.map((m) => m.kind)).toEqual(['signal', 'conversation', 'support', 'signal', 'suspend', 'resume', 'revoke']);
    expect(JSON.stringify(await inbox('t.bakker'))).not.toMatch(/chat|misbruik|impuls/i);
  });

  it('counts requests, grants and rejections per year group and subject, as a card and as CSV', async () => {
    await submitRequest();
    const card = await kernteamCard('a.jansen');
    await vote('a.jansen', card, 'Toekennen', 'Medisch nodig.');
    await vote('l.verhoeven', card, 'Toekennen', 'Akkoord.');
    // A second request, for a student in 2B, only for history lessons; rejected.
    const second = [...REQUEST];
    second[1] = 'L2001';
    second[12] = 'geschiedenis';
    await conversation('j.pietersen', [...second, 'Indienen']);
    const card2 = await kernteamCard('a.jansen');
    await vote('a.jansen', card2, 'Afwijzen', 'Niet nodig in de les.');
    await vote('l.verhoeven', card2, 'Afwijzen', 'Eens.');

    const figures = await conversation('a.jansen', ['overzicht uitzonderingen']);
    const text = figures.texts[0]!;
    expect(text).toMatch(/^Uitzonderingen telefoonverbod, schooljaar \d{4}-\d{4}\n/);
    expect(text).toMatch(/Totaal \d{4}-\d{4}: aanvragen 2, toegekend 1, afgewezen 1, gepauzeerd 0, ingetrokken 0, actief 1/);
    expect(text).toMatch(/leerjaar 1: aanvragen 1, toegekend 1, afgewezen 0/);
    expect(text).toMatch(/leerjaar 2: aanvragen 1, toegekend 0, afgewezen 1/);
    expect(text).toMatch(/geschiedenis: aanvragen 1, toegekend 0, afgewezen 1/);
    expect(text).toMatch(/wiskunde: aanvragen 1, toegekend 1/);
    expect(text).not.toMatch(/L1001|L2001/);
    expect((await conversation('t.bakker', ['overzicht uitzonderingen'])).texts[0]).toMatch(/alleen voor: zorgcoördinator/);

    const csv = await fetch(`${bot.base}/playground/api/figures.csv?personaId=h.smit`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = (await csv.text()).trim().split('\r\n');
    expect(rows[0]).toBe('schooljaar;groep;aanvragen;toegekend;afgewezen;gepauzeerd;ingetrokken;actief');
    expect(rows[1]).toMatch(/^\d{4}-\d{4};totaal;2;1;1;0;0;1$/);
    expect(rows).toContainEqual(expect.stringMatching(/;leerjaar 2;1;0;1;0;0;0$/));
    expect((await fetch(`${bot.base}/playground/api/figures.csv?personaId=t.bakker`)).status).toBe(403);
  });

  it('signals only the teachers of the subjects in scope, and answers "heeft L2001 een uitzondering?"', async () => {
    const second = [...REQUEST];
    second[1] = 'L2001';
    second[12] = 'geschiedenis';
    await conversation('j.pietersen', [...second, 'Indienen']);
    const card = await kernteamCard('a.jansen');
    await vote('a.jansen', card, 'Toekennen', 'Medisch nodig.');
    await vote('l.verhoeven', card, 'Toekennen', 'Akkoord.');
    // He teaches geschiedenis in 2B but asked for it himself: he hears the decision, not the teachers' signal.
    const requester = (await inbox('j.pietersen')).map((m) => m.text).join('\n');
    expect(requester).toMatch(/^Het kernteam heeft besloten/);
    expect(requester).not.toMatch(/Wat we van jou vragen/);
    expect(await inbox('t.bakker')).toEqual([]); // teaches wiskunde in 2B: not in scope
    const asked = await conversation('t.bakker', ['Heeft L2001 een uitzondering?']);
    expect(asked.texts[0]).toMatch(/^L2001 \(2B\) heeft een uitzondering op het telefoonverbod\.\nWaar: ook in toetsweken\.\nBij: geschiedenis\./);
    const unknown = await conversation('t.bakker', ['heeft X99 een uitzondering']);
    expect(unknown.texts[0]).toBe('Over welke leerling gaat het? Typ het leerlingnummer.');
  });

  it('lets the mentor record a review; the exception continues until a review ends it', async () => {
    const request = await submitRequest();
    const card = await kernteamCard('a.jansen');
    await vote('a.jansen', card, 'Toekennen', 'Medisch nodig.');
    await vote('l.verhoeven', card, 'Toekennen', 'Akkoord.');
    const firstDue = (await requests().get(request.id))!.reviewDue;
    const kept = await conversation('m.devries', ['evaluatie', '1', 'ja', 'ja', 'ja', '-', 'Voortzetten']);
    expect(kept.texts[0]).toMatch(/^De evaluatie is vastgelegd\. De uitzondering loopt door; de volgende evaluatie is uiterlijk/);
    const reviewed = (await requests().get(request.id))!;
    expect(reviewed).toMatchObject({ status: 'granted', reviews: [{ effective: true, stillNeeded: true, parentsAndStudentHeard: true, outcome: 'continue' }] });
    expect(reviewed.reviewDue).not.toBeNull();
    expect(firstDue).not.toBeNull();
    await inbox('t.bakker');
    await conversation('m.devries', ['evaluatie', '1', 'ja', 'ja', 'nee', '-', 'Beëindigen']);
    expect((await requests().get(request.id))!.status).toBe('ended');
    expect((await inbox('t.bakker')).map((m) => m.text)).toEqual(['De uitzondering op het telefoonverbod van L1001 is beëindigd.']);
  });
});
