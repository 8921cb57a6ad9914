import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { cardProblems } from '../helpers/adaptive-cards.js';
import { quiet, type TestApp } from '../helpers/app.js';
import { cardTitle, FakeConnector } from '../helpers/fake-connector.js';
import {
  cardAction,
  channelConversationUpdate,
  channelMention,
  installPersonal,
  KERNTEAM_CHANNEL,
  personalConversation,
  personalMessage,
  startTeamsTest,
  TENANT,
  type TeamsTest,
} from '../helpers/teams.js';

/**
 * The Teams channel as Teams uses it: activities posted to /api/messages over HTTP, replies and
 * proactive messages arriving at a local fake Bot Connector (the activities' serviceUrl).
 */
describe('Teams channel (development mode, loopback connector)', () => {
  let teams: TeamsTest;
  let bot: TestApp;
  let connector: FakeConnector;

  beforeEach(async () => {
    teams = await startTeamsTest();
    ({ bot, connector } = teams);
  });
  afterEach(() => teams.stop());

  const post = (activity: unknown) => teams.post(activity);

  /** Sends 1:1 messages one by one, each answered before the next. */
  const say = (staffId: string, texts: readonly string[]) => teams.say(staffId, texts);

  const lastTo = (conversationId: string) => connector.to(conversationId).at(-1)!;

  it('welcomes a person who installs the app, and answers "help" with the menu card', async () => {
    expect((await post(installPersonal(connector.url, 'm.devries'))).status).toBe(200);
    expect(connector.texts(personalConversation('m.devries'))).toEqual(['Hallo! Ik ben Zorgpad. Typ "help" om te zien wat ik voor je kan doen.']);
    await say('m.devries', ['help']);
    const menu = lastTo(personalConversation('m.devries')).activity;
    expect(menu.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = menu.attachments![0]!.content;
    expect(cardProblems(card)).toEqual([]);
    expect(card.actions).toMatchObject([{ type: 'Action.Execute', verb: 'zorgpad.answer', fallback: { type: 'Action.Submit' } }, {}, {}, {}]);
  });

  it('carries a teacher\'s bullying signal in 1:1 to the mentor, proactively', async () => {
    await post(installPersonal(connector.url, 'm.devries'));
    await say('t.bakker', ['pesten melden', '1', 'L1001', 'L1002', 'geen', '1', 'vandaag', '2', '1', 'nee', '-', 'ja']);
    expect(connector.texts(personalConversation('t.bakker'))).toContain(
      'Je melding is vastgelegd. Marloes de Vries is op de hoogte gebracht en neemt het op. Dank je wel voor het melden.',
    );
    const notice = await connector.waitFor((s) => s.conversationId === personalConversation('m.devries') && cardTitle(s.activity) === 'Nieuwe melding van pesten');
    const card = notice.activity.attachments![0]!.content;
    expect(cardProblems(card)).toEqual([]);

    // The mentor opens the case with the card's Action.Execute button: answered at once with a message,
    // the case summary and menu follow in the chat.
    const open = (card.actions as Array<{ title: string; data: unknown; verb: string }>).find((a) => a.title === 'Zaak openen')!;
    const res = await post(cardAction(connector.url, 'm.devries', personalConversation('m.devries'), open.verb, open.data));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { statusCode: number; type: string; value: string };
    expect(body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    expect(body.value).toMatch(/^Zaak rond L1001 \(1A\)/);
    await connector.waitFor((s) => s.conversationId === personalConversation('m.devries') && /Zaak rond L1001/.test(s.activity.text ?? ''));
  });

  it('gives the parents’ form link as a card with the link alone to copy and an Action.OpenUrl button', async () => {
    await say('m.devries', ['formulier voor ouders', 'L1002']);
    const sent = connector.to(personalConversation('m.devries')).map((s) => s.activity).find((a) => /kopieer en stuur/.test(JSON.stringify(a.attachments ?? [])))!;
    expect(sent.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = sent.attachments![0]!.content as { body: Array<{ id?: string; text: string; fontType?: string }>; actions: Array<Record<string, unknown>> };
    expect(cardProblems(card)).toEqual([]);
    const copy = card.body.find((b) => b.id === 'copy-text')!;
    expect(copy.fontType).toBe('Monospace');
    const url = copy.text.replace(/\\(.)/g, '$1');
    expect(url).toMatch(/^https?:\/\/\S+\/ouders\/formulier\?t=[A-Za-z0-9_-]{32}$/);
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Formulier bekijken', url }]);
  });

  it('leaves nothing in the store for someone it does not know who installs the app and chats', async () => {
    const stranger = { id: '29:stranger', aadObjectId: '00000000-0000-4000-8000-0000000000ff', name: 'Onbekend' };
    const conversation = { id: 'a:personal-stranger', conversationType: 'personal', tenantId: TENANT };
    const activity = (extra: Record<string, unknown>) => ({
      ...installPersonal(connector.url, 't.bakker'),
      from: stranger,
      conversation,
      id: `act-${Math.random().toString(36).slice(2)}`,
      ...extra,
    });
    expect((await post(activity({ type: 'installationUpdate', action: 'add' }))).status).toBe(200);
    expect((await post(activity({ type: 'message', text: 'help' }))).status).toBe(200);
    await connector.waitFor((s) => s.conversationId === conversation.id && /geen toegang|medewerkers/i.test(s.activity.text ?? ''));
    // No welcome marker (claiming it now is the first claim), no reference, no dialog state.
    expect(await bot.app.store.idempotency.claim(`teams:welcome:${conversation.id}`, Date.now())).toBe(true);
    expect(await bot.app.store.collection('conversationRefs').findBy('schoolId', bot.app.directory.school.id)).toEqual([]);
    expect(await bot.app.store.collection('dialogStates').findBy('schoolId', bot.app.directory.school.id)).toEqual([]);
  });

  it('answers "wacht op jou" with a card of what waits, whose button (Action.Execute) opens the voting card in place', async () => {
    await post(installPersonal(connector.url, 'a.jansen'));
    await say('m.devries', [
      'uitzondering aanvragen', 'L1001', '1', '2', 'Glucosesensor', '1', '3', '1', '2', '-', 'dossier in Magister', '2', 'alle lessen', 'glucose-app', '1', '1, 4', '2', '1',
    ]);
    await say('a.jansen', ['wacht op jou']);
    const reply = lastTo(personalConversation('a.jansen')).activity;
    const card = reply.attachments![0]!.content;
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toMatch(/Stem uitbrengen: aanvraag voor L1001 \(1A\)/);
    expect(JSON.stringify(card)).not.toMatch(/Glucosesensor/);
    const open = (card.body as Array<{ type: string; items?: Array<{ type: string; actions?: Array<{ verb: string; data: unknown }> }> }>)
      .find((b) => b.type === 'Container')!
      .items!.find((i) => i.type === 'ActionSet')!.actions![0]!;
    const res = await post(cardAction(connector.url, 'a.jansen', personalConversation('a.jansen'), open.verb, open.data));
    const body = (await res.json()) as { statusCode: number; type: string; value: Record<string, unknown> };
    expect(body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(body.value)).toContain('Toekennen');
    // Someone outside the kernteam has nothing waiting, and learns nothing of the request.
    await say('t.bakker', ['wacht op jou']);
    expect(lastTo(personalConversation('t.bakker')).activity.text).toBe('Er wacht nu niets op jou.');
  });

  it('posts an exception request to the kernteam channel, takes two votes and replaces the card with the outcome', async () => {
    await post(channelConversationUpdate(connector.url, 'a.jansen'));
    // The kernteam members have the app in their personal scope, so Teams knows them for refresh.
    await post(installPersonal(connector.url, 'a.jansen'));
    await post(installPersonal(connector.url, 'l.verhoeven'));
    await say('m.devries', [
      'uitzondering aanvragen', 'L1001', '1', '2', 'Glucosesensor', '1', '3', '1', '2', '-', 'dossier in Magister', '2', 'alle lessen', 'glucose-app', '1', '1, 4', '2', '1',
    ]);
    const posted = await connector.waitFor((s) => s.conversationId === KERNTEAM_CHANNEL && s.method === 'POST' && /^Aanvraag uitzondering/.test(cardTitle(s.activity) ?? ''));
    const card = posted.activity.attachments![0]!.content;
    expect(cardProblems(card)).toEqual([]);
    expect(card.refresh).toMatchObject({ action: { type: 'Action.Execute', verb: 'zorgpad.refresh' }, userIds: ['29:a.jansen', '29:l.verhoeven'] });
    expect(JSON.stringify(card)).not.toMatch(/Glucosesensor/);
    const approve = (card.actions as Array<{ title: string; verb: string; data: Record<string, unknown> }>).find((a) => a.title === 'Toekennen')!;

    const vote = async (staffId: string, motivation: string) => {
      const res = await post(cardAction(connector.url, staffId, KERNTEAM_CHANNEL, approve.verb, { ...approve.data, motivation }));
      expect(res.status).toBe(200);
      return (await res.json()) as { statusCode: number; type: string; value: Record<string, unknown> };
    };
    // A blank motivation and a subject teacher's vote are refused in words, on the card Teams shows.
    const blank = await vote('a.jansen', '  ');
    expect((blank.value.body as Array<{ text: string }>)[0]!.text).toMatch(/motivatie/i);
    const teacher = await post(cardAction(connector.url, 't.bakker', KERNTEAM_CHANNEL, approve.verb, { ...approve.data, motivation: 'Prima.' }));
    const refused = (await teacher.json()) as { value: { body: Array<{ text: string }> } };
    expect(refused.value.body[0]!.text).toBe('Alleen leden van het kernteam kunnen stemmen. Er is niets veranderd.');
    expect(JSON.stringify(refused)).not.toMatch(/L1001/);
    const first = await vote('a.jansen', 'Medisch nodig, goed onderbouwd.');
    expect(first).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(first.value)).toContain('Jouw stem: Toekennen');
    expect(cardProblems(first.value)).toEqual([]);

    const second = await vote('l.verhoeven', 'Akkoord, alleen meldingen.');
    // What the bot says comes on top of the card that takes the clicked one's place.
    expect((second.value.body as Array<{ text: string }>).map((b) => b.text).slice(0, 2)).toEqual([
      'Je stem is vastgelegd en daarmee is er een besluit.',
      'Besluit over L1001: toegekend',
    ]);
    expect(second.value.actions).toBeUndefined();

    // Everyone in the channel sees the outcome: the request card is updated in place.
    const updated = await connector.waitFor(
      (s) => s.method === 'PUT' && s.conversationId === KERNTEAM_CHANNEL && cardTitle(s.activity) === 'Besluit over L1001: toegekend',
    );
    expect(updated.activityId).toBe(posted.id);
    // Members whose client does not refresh saw the first vote on the same card in between (unless the
    // decision overtook that update before it went out).
    const puts = connector.sent.filter((s) => s.method === 'PUT' && s.conversationId === KERNTEAM_CHANNEL);
    expect(puts.every((s) => s.activityId === posted.id)).toBe(true);
    expect(puts.at(-1)).toBe(updated);

    // A click on the old card after the decision gets the outcome back, and decides nothing twice.
    const late = await vote('a.jansen', 'Nog een klik.');
    expect((late.value.body as Array<{ text: string }>).map((b) => b.text).slice(0, 2)).toEqual([
      'Over deze aanvraag is al besloten; er is niets veranderd.',
      'Besluit over L1001: toegekend',
    ]);
    const [request] = await bot.app.store.collection('exceptionRequests').findBy('studentRef', 'L1001');
    expect(request!.votes).toHaveLength(2);
    expect(request!.status).toBe('granted');
  });

  it('greets a personal install once, asks each question as one card, and settles an answered card in place (clicked or typed)', async () => {
    // Teams sends an installationUpdate and a conversationUpdate for one install: one greeting.
    await post(installPersonal(connector.url, 't.bakker'));
    await post({ ...installPersonal(connector.url, 't.bakker'), type: 'conversationUpdate', membersAdded: [{ id: '28:zorgpad-bot' }] });
    expect(connector.texts(personalConversation('t.bakker')).filter((t) => /^Hallo! Ik ben Zorgpad/.test(t))).toHaveLength(1);

    const before = connector.to(personalConversation('t.bakker')).length;
    await say('t.bakker', ['pesten melden']);
    const question = connector.to(personalConversation('t.bakker')).slice(before);
    expect(question).toHaveLength(1); // one activity: the card, not also the numbered text
    const card = question[0]!.activity.attachments![0]!.content as { actions: Array<{ title: string; verb: string; data: unknown }> };
    const sure = card.actions.find((a) => a.title === 'Het is pesten')!;

    // Pressing the button: the invoke answer is the question settled with the answer, without buttons;
    // the next question arrives once, as a new card.
    const sent = connector.to(personalConversation('t.bakker')).length;
    const res = await post(cardAction(connector.url, 't.bakker', personalConversation('t.bakker'), sure.verb, sure.data));
    const answer = (await res.json()) as { type: string; value: { body: Array<{ text: string }>; actions?: unknown[] } };
    expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(answer.value.body.map((b) => b.text)).toEqual([
      'Je wilt pesten melden. Weet je zeker dat het om pesten gaat, of twijfel je of het plagen is?',
      'Jouw antwoord: Het is pesten',
    ]);
    expect(answer.value.actions).toBeUndefined();
    const next = connector.to(personalConversation('t.bakker')).slice(sent);
    expect(next).toHaveLength(1);
    expect(JSON.stringify(next[0]!.activity)).toContain('Welke leerling wordt gepest?');

    // A typed answer settles that question's card in place (an update of the same activity).
    await say('t.bakker', ['L1001']);
    const settled = await connector.waitFor((s) => s.method === 'PUT' && s.activityId === next[0]!.id);
    const settledCard = settled.activity.attachments![0]!.content as { body: Array<{ text: string }>; actions?: unknown[] };
    expect(settledCard.body.map((b) => b.text)).toEqual(['Welke leerling wordt gepest? Typ het leerlingnummer.', 'Jouw antwoord: L1001 (1A)']);
    expect(settledCard.actions).toBeUndefined();
  });

  it('closes an abandoned question card in place (typed stop, the Stop button), and answers a button of a closed card once', async () => {
    await post(installPersonal(connector.url, 't.bakker'));
    const chat = personalConversation('t.bakker');
    type Card = { body: Array<{ type: string; text?: string; actions?: Array<{ title: string; verb: string; data: unknown }> }>; actions?: Array<{ title: string; verb: string; data: unknown }> };
    const PROMPT = 'Je wilt pesten melden. Weet je zeker dat het om pesten gaat, of twijfel je of het plagen is?';
    const cardOf = (sent: { activity: { attachments?: Array<{ content: Record<string, unknown> }> } }) => sent.activity.attachments![0]!.content as unknown as Card;

    await say('t.bakker', ['pesten melden']);
    const question = lastTo(chat);
    await say('t.bakker', ['stop']);
    // The question's card is updated: its prompt, that it is closed, and no buttons at all.
    const closed = await connector.waitFor((s) => s.method === 'PUT' && s.activityId === question.id);
    expect(cardOf(closed).body.map((b) => b.text)).toEqual([PROMPT, 'Deze vraag is gesloten.']);
    expect(JSON.stringify(cardOf(closed))).not.toMatch(/Action\.(Execute|Submit)/);
    expect(connector.texts(chat).at(-1)).toBe('Gestopt. Typ "help" als je iets anders wilt doen.');

    // A client that still shows the old card: its button closes that card, with one message, not two.
    const sure = cardOf(question).actions!.find((a) => a.title === 'Het is pesten')!;
    const sent = connector.to(chat).length;
    const late = await post(cardAction(connector.url, 't.bakker', chat, sure.verb, sure.data));
    const lateBody = (await late.json()) as { type: string; value: Card };
    expect(lateBody.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(lateBody.value.body.map((b) => b.text)).toEqual([PROMPT, 'Deze vraag is gesloten.']);
    expect(lateBody.value.actions).toBeUndefined();
    await connector.waitFor((s) => s.conversationId === chat && s.activity.text === 'Die vraag is gesloten. Typ "help" voor het menu.');
    await quiet(bot.app);
    expect(connector.texts(chat).slice(sent)).toEqual(['Die vraag is gesloten. Typ "help" voor het menu.']);

    // The Stop button on the next question's card: the invoke answer is that card, closed.
    await say('t.bakker', ['pesten melden', 'Het is pesten']);
    const next = cardOf(lastTo(chat));
    const stop = next.body.find((b) => b.type === 'ActionSet')!.actions!.find((a) => a.title === 'Stop')!;
    const pressed = (await (await post(cardAction(connector.url, 't.bakker', chat, stop.verb, stop.data))).json()) as { type: string; value: Card };
    expect(pressed.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(pressed.value.body.map((b) => b.text)).toEqual(['Welke leerling wordt gepest? Typ het leerlingnummer.', 'Deze vraag is gesloten.']);
    expect(JSON.stringify(pressed.value)).not.toMatch(/Action\./);
  });

  it('closes the open question card when a button on another card (the "wacht op jou" list) starts something else', async () => {
    await post(installPersonal(connector.url, 'm.devries'));
    const chat = personalConversation('m.devries');
    await say('m.devries', ['uitzondering aanvragen', 'L1001', 'wacht op jou']);
    const waiting = lastTo(chat).activity.attachments![0]!.content as { body: Array<{ type: string; items?: Array<{ type: string; actions?: Array<{ verb: string; data: unknown }> }> }> };
    const finish = waiting.body.find((b) => b.type === 'Container')!.items!.find((i) => i.type === 'ActionSet')!.actions![0]!;
    await say('m.devries', ['pesten melden']);
    const question = lastTo(chat);
    expect(JSON.stringify(question.activity)).toContain('Je wilt pesten melden.');
    // The draft's button on the list: the request goes on, and the report's question card closes where it is.
    await post(cardAction(connector.url, 'm.devries', chat, finish.verb, finish.data));
    const closed = await connector.waitFor((s) => s.method === 'PUT' && s.activityId === question.id);
    const card = closed.activity.attachments![0]!.content as { body: Array<{ text: string }>; actions?: unknown[] };
    expect(card.body.map((b) => b.text)).toEqual([expect.stringMatching(/^Je wilt pesten melden\./), 'Deze vraag is gesloten.']);
    expect(card.actions).toBeUndefined();
  });

  it('starts a procedure typed at an open question, parks the dialog and brings it back with "verder"', async () => {
    await post(installPersonal(connector.url, 'm.devries'));
    await say('m.devries', ['uitzondering aanvragen', 'L1001']);
    // The request's first form: ground and purpose, its first field the question typed text answers.
    expect(connector.texts(personalConversation('m.devries')).at(-1)).toBe('Grond en doel');
    expect(JSON.stringify(lastTo(personalConversation('m.devries')).activity)).toContain('Op welke grond?');
    await say('m.devries', ['pesten melden']);
    const asked = lastTo(personalConversation('m.devries')).activity;
    expect(JSON.stringify(asked)).toContain('Je wilt pesten melden.');
    await say('m.devries', ['stop']);
    const offer = connector.to(personalConversation('m.devries')).at(-1)!.activity;
    expect(JSON.stringify(offer)).toContain('Je was nog bezig met \\"Uitzondering telefoonverbod aanvragen\\"');
    await say('m.devries', ['verder']);
    expect(JSON.stringify(lastTo(personalConversation('m.devries')).activity)).toContain('Op welke grond?');
  });

  it('answers a mention in the channel with a pointer to the 1:1 chat, and runs no dialog where everyone reads along', async () => {
    await post(channelConversationUpdate(connector.url, 'a.jansen'));
    // A request waits for her vote: in the channel, "wacht op jou" must not list it for everyone.
    await say('m.devries', [
      'uitzondering aanvragen', 'L1001', '1', '2', 'Glucosesensor', '1', '3', '1', '2', '-', 'dossier in Magister', '2', 'alle lessen', 'glucose-app', '1', '1, 4', '2', '1',
    ]);
    for (const text of ['help', 'wacht op jou', 'mijn zaken']) {
      const before = connector.sent.filter((s) => s.conversationId.startsWith(KERNTEAM_CHANNEL) && s.method === 'POST' && !s.activity.attachments).length;
      expect((await post(channelMention(connector.url, 'a.jansen', text))).status).toBe(200);
      const replies = await connector.waitFor((s) => s.conversationId.startsWith(KERNTEAM_CHANNEL) && s.method === 'POST' && !s.activity.attachments && connector.sent.filter((x) => x.conversationId.startsWith(KERNTEAM_CHANNEL) && x.method === 'POST' && !x.activity.attachments).length > before);
      expect(replies.activity.text).toMatch(/^Praat met mij in een 1-op-1-chat/);
    }
    expect(JSON.stringify(connector.sent.filter((s) => s.conversationId.startsWith(KERNTEAM_CHANNEL) && !/^Aanvraag uitzondering/.test(cardTitle(s.activity) ?? '')))).not.toMatch(/L1001|Stem uitbrengen/);
    // A start button pressed in the channel gets the same pointer, and nothing is posted there.
    const res = await post(cardAction(connector.url, 'a.jansen', KERNTEAM_CHANNEL, 'zorgpad.open', { zorgpad: { start: 'wacht-op-jou' } }));
    expect(((await res.json()) as { value: string }).value).toMatch(/^Praat met mij in een 1-op-1-chat/);
  });

  it('marks a person who blocked the bot unreachable and tells the beheerder once', async () => {
    await post(installPersonal(connector.url, 'm.devries'));
    await post(installPersonal(connector.url, 'b.koster'));
    connector.blocked.add(personalConversation('m.devries'));
    for (let i = 0; i < 2; i++) {
      await bot.app.outbox.notify(`test-${i}`, 'm.devries', { text: `Bericht ${i}` });
    }
    await bot.app.teams!.delivery.tick();
    await connector.waitFor((s) => s.conversationId === personalConversation('b.koster') && /niet te bereiken/.test(s.activity.text ?? ''));
    await bot.app.teams!.delivery.tick();
    expect(connector.texts(personalConversation('b.koster')).filter((t) => /niet te bereiken/.test(t))).toHaveLength(1);
    expect((await bot.app.outbox.get('test-0'))!.status).toBe('unreachable');
  });

  it('records a message for someone who never installed the app as undelivered after a day, and tells the beheerder', async () => {
    await post(installPersonal(connector.url, 'b.koster'));
    await bot.app.outbox.notify('old-1', 'h.smit', { text: 'Bericht' });
    const item = (await bot.app.outbox.get('old-1'))!;
    await bot.app.store.collection('outbox').update({ ...item, createdAt: Date.now() - 25 * 3_600_000 });
    await bot.app.teams!.delivery.tick();
    expect((await bot.app.outbox.get('old-1'))!.status).toBe('unreachable');
    await bot.app.teams!.delivery.tick();
    await connector.waitFor((s) => s.conversationId === personalConversation('b.koster') && /Henk Smit is via Teams niet te bereiken/.test(s.activity.text ?? ''));
    const list = await post(personalMessage(connector.url, 'b.koster', 'mislukte berichten'));
    expect(list.status).toBe(200);
    await connector.waitFor((s) => s.conversationId === personalConversation('b.koster') && /^Niet afgeleverde berichten:\n- Henk Smit \(teams\)/.test(s.activity.text ?? ''));
  });

  it('refuses activities it cannot read, and serviceUrls off this machine, and changes nothing', async () => {
    expect((await post({ type: 'message' })).status).toBe(400);
    const outside = personalMessage('https://smba.trafficmanager.net/emea/', 't.bakker', 'pesten melden');
    expect((await post(outside)).status).toBe(400);
    const res = await fetch(`${bot.base}/api/messages`, { method: 'POST', body: '{broken' });
    expect(res.status).toBe(400);
    expect(connector.sent).toEqual([]);
    expect(await bot.app.store.collection('dialogStates').findBy('schoolId', 'demo')).toEqual([]);
  });
});
