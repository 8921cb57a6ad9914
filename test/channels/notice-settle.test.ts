import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { OutboundMessage } from '../../src/core/app/assistant.js';
import { cardProblems } from '../helpers/adaptive-cards.js';
import { buttonData, startTestApp, type TestApp } from '../helpers/app.js';
import { playground } from '../helpers/conversations.js';
import { cardTitle, type SentActivity } from '../helpers/fake-connector.js';
import { blockText, buttons, FakeSlack, slackDms, type Block, type SlackCall } from '../helpers/fake-slack.js';
import { cardAction, installPersonal, personalConversation, startTeamsTest, type TeamsTest } from '../helpers/teams.js';

/**
 * A notification's buttons settle when the step they ask for is done, by the recipient or by anyone
 * else: the earlier message is replaced by one that says what was done and when, without buttons
 * (Teams: the activity updated; Slack: chat.update of its ts; the playground: the post replaced).
 */

/** Tessa (vakdocent) reports that L1002 (1A, mentor Marloes) is bullied by L1003. */
const REPORT = ['pesten melden', 'Het is pesten', 'L1002', 'L1003', 'geen', 'In de les', 'vandaag', '1', 'Binnen de klas', 'nee', 'Uitgelachen in de les.', 'ja'];
/** The CLZ records the talk with the bullied student from her case menu (the mentor's due step). */
const CLZ_TALK = ['mijn zaken', '1', 'Gesprek met de gepeste leerling (apart)', '-', '-', '-', '-', '-', '-', '-', '-', 'Niet nodig', 'De leerling voelt zich gehoord.'];
/** The CLZ proposes a one-day suspension for L1003; directie is asked to decide. */
const PROPOSAL = ['mijn zaken', '1', 'Maatregel vastleggen of voorstellen', '1', 'Schorsing van één dag voorstellen', 'Ondanks afspraken gaat het uitlachen door!', 'ja'];
/** Directie decides on it, from the case menu. */
const DECISION = ['mijn zaken', '1', 'Besluiten over een voorgestelde maatregel', '1', 'Overnemen', 'ja', 'Niet nodig (schorsing van één dag)', 'Leerling en ouders gehoord; schorsing is passend.', 'ja'];

const STEP_DONE = /Zaak rond L1002 \(1A\)\.\n\nVastgelegd op \d\d-\d\d-\d{4} door de CLZ: gesprek met de gepeste leerling\./;
const DECIDED_BY_YOU = /Besloten op \d\d-\d\d-\d{4} door jou: schorsing van één dag voor L1003 is overgenomen\./;

describe('notification buttons settle in the playground', () => {
  let bot: TestApp;
  beforeEach(async () => {
    bot = await startTestApp();
  });
  afterEach(() => bot.stop());

  const { conversation, inbox } = playground(() => bot);

  it('replaces the mentor\'s report notice when the CLZ records its step, and the proposal when directie decides', async () => {
    await conversation('t.bakker', REPORT);
    const [notice] = await inbox('m.devries');
    expect(buttonData(notice, 'Nu: gesprek met de gepeste leerling')).toBeTruthy();

    // Someone else (the CLZ) records the step the notice asks for: the notice is replaced, without buttons.
    await conversation('s.yilmaz', CLZ_TALK);
    const [settled, ...rest] = await inbox('m.devries');
    expect(rest).toEqual([]);
    expect(settled!.replaces).toBe(notice!.key);
    expect(settled!.card).toBeDefined();
    expect(cardProblems(settled!.card!)).toEqual([]);
    expect(settled!.card!.actions ?? []).toEqual([]);
    expect(settled!.text).toMatch(/^Nieuwe melding van pesten \(afgehandeld\)\n/);
    expect(settled!.text).toMatch(STEP_DONE);
    expect(settled!.text).not.toMatch(/Selin|Yilmaz/);

    // Directie's proposal notice settles once directie decided; a press on its old button changes nothing.
    await conversation('s.yilmaz', PROPOSAL);
    const [proposal] = (await inbox('h.smit')).filter((m) => /^Voorstel voor een maatregel/.test(cardTitleOf(m)));
    await conversation('h.smit', DECISION);
    const after = (await inbox('h.smit')).filter((m) => m.replaces === proposal!.key);
    expect(after).toHaveLength(1);
    expect(after[0]!.card!.actions ?? []).toEqual([]);
    expect(after[0]!.text).toMatch(DECIDED_BY_YOU);
    const stale = await bot.click('h.smit', buttonData(proposal, 'Voorstel beoordelen'));
    expect(stale.texts).toEqual(['Er ligt in deze zaak geen voorstel voor een maatregel (meer). Er is niets veranderd.']);
  });

  it('settles the reports\' notices when the case is handed over, and the hand-over notice when the case is closed', async () => {
    await conversation('t.bakker', REPORT);
    const [first] = await inbox('m.devries');
    // A second report within the window: the mentor's notice offers the hand-over.
    await conversation('r.elmoussaoui', REPORT);
    const [again] = await inbox('m.devries');
    await bot.click('m.devries', buttonData(again, 'Naar de CLZ'));
    await conversation('m.devries', ['ja']);
    const settled = await inbox('m.devries');
    // Both reports' notices: the first offered the mentor's first talk, the second the hand-over.
    expect(settled.map((m) => m.replaces).sort()).toEqual([first!.key, again!.key].sort());
    for (const m of settled) {
      expect(m.card!.actions ?? []).toEqual([]);
      expect(m.text).toMatch(/Op \d\d-\d\d-\d{4} door jou overgedragen aan de CLZ\./);
    }
    const [handOver] = await inbox('s.yilmaz');
    expect(buttonData(handOver, 'Zaak openen')).toBeTruthy();
    await conversation('s.yilmaz', ['mijn zaken', '1', 'Zaak sluiten', 'Het pesten is gestopt, bevestigd door beide leerlingen.', 'ja']);
    const closed = (await inbox('s.yilmaz')).find((m) => m.replaces === handOver!.key);
    expect(closed!.card!.actions ?? []).toEqual([]);
    expect(closed!.text).toMatch(/Op \d\d-\d\d-\d{4} door jou gesloten\./);
  });
});

function cardTitleOf(m: OutboundMessage): string {
  const body = m.card?.body as Array<{ text?: string }> | undefined;
  return body?.find((b) => typeof b.text === 'string')?.text ?? '';
}

describe('notification buttons settle in Teams (activities against a fake connector)', () => {
  let teams: TeamsTest;
  beforeEach(async () => {
    teams = await startTeamsTest();
  });
  afterEach(() => teams.stop());

  const say = (staffId: string, texts: readonly string[]) => teams.say(staffId, texts);
  const card = (s: SentActivity) => s.activity.attachments?.[0]?.content as { actions?: Array<{ title: string; verb: string; data: unknown }>; body?: unknown } | undefined;
  const shown = (s: SentActivity) => `${s.activity.text ?? ''}\n${JSON.stringify(card(s)?.body ?? '')}`;

  it('updates the mentor\'s report notice when the CLZ records its step, and the proposal notice once directie decides', async () => {
    for (const person of ['m.devries', 'h.smit']) await teams.post(installPersonal(teams.connector.url, person));
    await say('t.bakker', REPORT);
    const notice = await teams.connector.waitFor((s) => s.method === 'POST' && s.conversationId === personalConversation('m.devries') && cardTitle(s.activity) === 'Nieuwe melding van pesten');
    expect(card(notice)!.actions!.map((a) => a.title)).toContain('Nu: gesprek met de gepeste leerling');

    await say('s.yilmaz', CLZ_TALK);
    const updated = await teams.connector.waitFor((s) => s.method === 'PUT' && s.activityId === notice.id);
    expect(updated.conversationId).toBe(personalConversation('m.devries'));
    expect(cardProblems(card(updated)!)).toEqual([]);
    expect(card(updated)!.actions ?? []).toEqual([]);
    expect(cardTitle(updated.activity)).toBe('Nieuwe melding van pesten (afgehandeld)');
    expect(shown(updated)).toMatch(/Vastgelegd op \d\d-\d\d-\d{4} door de CLZ: gesprek met de gepeste leerling\./);

    await say('s.yilmaz', PROPOSAL);
    const proposal = await teams.connector.waitFor((s) => s.method === 'POST' && s.conversationId === personalConversation('h.smit') && cardTitle(s.activity) === 'Voorstel voor een maatregel');
    const decide = card(proposal)!.actions!.find((a) => a.title === 'Voorstel beoordelen')!;
    await say('h.smit', DECISION);
    const decided = await teams.connector.waitFor((s) => s.method === 'PUT' && s.activityId === proposal.id);
    expect(card(decided)!.actions ?? []).toEqual([]);
    expect(shown(decided)).toMatch(DECIDED_BY_YOU);

    // The old button pressed anyway (a client that had not refreshed): refused in words, nothing changes.
    const res = await teams.post(cardAction(teams.connector.url, 'h.smit', personalConversation('h.smit'), decide.verb, decide.data));
    expect(res.status).toBe(200);
    await teams.connector.waitFor((s) => s.conversationId === personalConversation('h.smit') && /geen voorstel voor een maatregel \(meer\)/.test(`${s.activity.text ?? ''}${JSON.stringify(card(s) ?? '')}`));
  });
});

describe('notification buttons settle in Slack (signed requests against a fake Web API)', () => {
  const SECRET = 'test-signing-secret-0123456789';
  const USERS = { bakker: 'UDEMO0001', devries: 'UDEMO0003', yilmaz: 'UDEMO0005', smit: 'UDEMO0009' } as const;
  let slack: FakeSlack;
  let bot: TestApp;

  beforeEach(async () => {
    slack = await new FakeSlack().start();
    bot = await startTestApp({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: slack.url, ZORGPAD_DELIVERY_INTERVAL_MS: '100' });
  });
  afterEach(async () => {
    await bot.stop();
    await slack.stop();
  });

  const { conversation } = slackDms({ bot: () => bot, slack: () => slack, secret: SECRET });
  const shown = (c: SlackCall) => `${String(c.args.text)}\n${blockText(c.args.blocks as Block[])}`;

  it('updates the mentor\'s report DM when the CLZ records its step, and the proposal DM once directie decides', async () => {
    await conversation(USERS.bakker, REPORT);
    const notice = await slack.until((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === USERS.devries && /Nieuwe melding van pesten/.test(shown(c))));
    expect(buttons(notice.args.blocks as Block[]).map((b) => b.text)).toContain('Nu: gesprek met de gepeste leerling');

    await conversation(USERS.yilmaz, CLZ_TALK);
    const updated = await slack.until((calls) => calls.find((c) => c.method === 'chat.update' && c.args.ts === notice.result!.ts));
    expect(updated.args.channel).toBe(notice.result!.channel);
    expect(buttons(updated.args.blocks as Block[])).toEqual([]);
    expect(shown(updated)).toMatch(/Vastgelegd op \d\d-\d\d-\d{4} door de CLZ: gesprek met de gepeste leerling\./);

    await conversation(USERS.yilmaz, PROPOSAL);
    const proposal = await slack.until((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === USERS.smit && /Voorstel voor een maatregel/.test(shown(c))));
    expect(buttons(proposal.args.blocks as Block[]).map((b) => b.text)).toContain('Voorstel beoordelen');
    await conversation(USERS.smit, DECISION);
    const decided = await slack.until((calls) => calls.find((c) => c.method === 'chat.update' && c.args.ts === proposal.result!.ts));
    expect(buttons(decided.args.blocks as Block[])).toEqual([]);
    expect(shown(decided)).toMatch(DECIDED_BY_YOU);
  });
});
