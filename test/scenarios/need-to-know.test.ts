import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExceptionRequest } from '../../src/core/exceptions/model.js';
import { buttonData, startTestApp, type TestApp } from '../helpers/app.js';
import { playground } from '../helpers/conversations.js';
import { buttons, FakeSlack, slackDms, slackHeaders, type Block } from '../helpers/fake-slack.js';
import { cardAction, channelConversationUpdate, installPersonal, KERNTEAM_CHANNEL as TEAMS_KERNTEAM, personalConversation, personalMessage, startTeamsTest, type TeamsTest } from '../helpers/teams.js';

/**
 * Need-to-know for phone-ban exceptions, on every channel path: a mentor types the same medical words
 * into every free-text field of a request, and the kernteam into its motivations. The subject teachers
 * of the class get the discreet signal and ask "heeft L1001 een uitzondering?"; nothing they receive in
 * any message, card or payload contains those words. The kernteam does see them.
 */
const SECRET = 'glucose-app Dexcom diabetes';
const LEAK = /glucose|dexcom|diabetes/i;

/** The request, with SECRET in every free-text answer: purpose, the student's words, where documents are, apps. */
const REQUEST = [
  'uitzondering aanvragen',
  'L1001',
  'Medisch',
  'Medische app (bijvoorbeeld glucosemeting)',
  SECRET,
  'Aanwezig',
  'Niet van toepassing',
  'Aanwezig',
  'Volgt nog',
  SECRET,
  SECRET,
  'Ook in toetsweken',
  'alle lessen',
  SECRET,
  'Meldingen bekijken en er meteen op reageren',
  '1, 4',
  '2',
  'Indienen',
];
/** The subject teachers of 1A other than the requesting mentor. */
const TEACHERS = ['t.bakker', 'r.elmoussaoui', 'p.vandam'];

async function grantedRequest(bot: TestApp): Promise<ExceptionRequest> {
  const [request] = await bot.app.store.collection('exceptionRequests').findBy('studentRef', 'L1001');
  expect(request).toMatchObject({ status: 'granted', apps: SECRET, purposeDetail: SECRET, studentWords: SECRET, documentsLocation: SECRET });
  return request!;
}

describe('need-to-know: medical words never reach a subject teacher', () => {
  it('in the playground: signal, lookup, and the kernteam card clicked by a teacher', async () => {
    const bot = await startTestApp();
    try {
      for (const text of REQUEST) await bot.say('m.devries', text);
      const { inbox } = playground(() => bot);
      const card = (await inbox('a.jansen')).find((m) => m.card)!;
      for (const persona of ['a.jansen', 'l.verhoeven']) await bot.click(persona, { ...(buttonData(card, 'Toekennen') as object), motivation: `Akkoord: ${SECRET}` });
      const request = await grantedRequest(bot);

      const seen: string[] = [];
      for (const teacher of TEACHERS) {
        const signal = await inbox(teacher);
        expect(signal.map((m) => m.text).join('\n'), teacher).toMatch(/^L1001 \(1A\) heeft een uitzondering op het telefoonverbod\./);
        seen.push(JSON.stringify(signal));
        seen.push(JSON.stringify(await bot.say(teacher, 'heeft L1001 een uitzondering?')));
        // A teacher who gets hold of the request id: refresh, details and a vote give nothing away.
        for (const data of [{ zorgpad: { refresh: request.id } }, { zorgpad: { details: request.id } }, { zorgpad: { vote: 'approve', requestId: request.id }, motivation: 'ok' }]) {
          const reply = await bot.click(teacher, data);
          expect(reply.texts[0], JSON.stringify(data)).toMatch(/kernteam/);
          seen.push(JSON.stringify(reply));
        }
      }
      for (const payload of seen) {
        expect(payload).not.toMatch(LEAK);
        expect(payload).not.toMatch(/Medisch|medische/);
      }
      const audit = (await bot.app.store.audit.forRecord('exceptionRequest', request.id)).map((e) => `${e.actor} ${e.action}`);
      expect(audit).toEqual(expect.arrayContaining(['t.bakker exception.card-denied', 't.bakker exception.details-denied', 't.bakker exception.vote-denied']));

      // The kernteam does see what was typed.
      const details = await bot.click('l.verhoeven', { zorgpad: { details: request.id } });
      expect(JSON.stringify(details)).toMatch(/Dexcom/);
      const refreshed = await bot.click('l.verhoeven', { zorgpad: { refresh: request.id } });
      expect(JSON.stringify(refreshed.card)).toMatch(/Dexcom/);
      expect(audit).toEqual(expect.arrayContaining(['a.jansen exception.card-read']));
    } finally {
      await bot.stop();
    }
  });

  describe('in Teams', () => {
    let teams: TeamsTest;
    beforeEach(async () => {
      teams = await startTeamsTest();
    });
    afterEach(() => teams.stop());

    it('sends the teachers only the functional facts, in 1:1 and in card answers', async () => {
      const { bot, connector, post } = teams;
      await post(channelConversationUpdate(connector.url, 'a.jansen'));
      for (const person of ['m.devries', 'a.jansen', 'l.verhoeven', ...TEACHERS]) await post(installPersonal(connector.url, person));
      await teams.say('m.devries', REQUEST);
      const posted = await connector.waitFor((s) => s.conversationId === TEAMS_KERNTEAM && s.method === 'POST' && s.activity.attachments !== undefined);
      const card = posted.activity.attachments![0]!.content;
      // The kernteam channel is the kernteam's: it shows what the mentor typed about apps.
      expect(JSON.stringify(card)).toMatch(/Dexcom/);
      const approve = (card.actions as Array<{ title: string; verb: string; data: Record<string, unknown> }>).find((a) => a.title === 'Toekennen')!;
      for (const member of ['a.jansen', 'l.verhoeven']) {
        await post(cardAction(connector.url, member, TEAMS_KERNTEAM, approve.verb, { ...approve.data, motivation: `Akkoord: ${SECRET}` }));
      }
      const request = await grantedRequest(bot);
      for (const teacher of TEACHERS) await connector.waitFor((s) => s.conversationId === personalConversation(teacher) && /heeft een uitzondering/.test(s.activity.text ?? ''));

      const invokes: string[] = [];
      for (const teacher of TEACHERS) {
        await post(personalMessage(connector.url, teacher, 'heeft L1001 een uitzondering?'));
        // A teacher's client refreshing or voting on the channel card (if they are in that channel).
        for (const [verb, data] of [['zorgpad.refresh', { zorgpad: { refresh: request.id } }], [approve.verb, { ...approve.data, motivation: 'ok' }]] as const) {
          const res = await post(cardAction(connector.url, teacher, TEAMS_KERNTEAM, verb, data));
          expect(res.status).toBe(200);
          const body = await res.text();
          expect(body).toMatch(/kernteam/);
          invokes.push(body);
        }
      }
      for (const teacher of TEACHERS) {
        const received = connector.to(personalConversation(teacher));
        expect(received.some((s) => /^L1001 \(1A\) heeft een uitzondering/.test(s.activity.text ?? ''))).toBe(true);
        expect(JSON.stringify(received.map((s) => s.activity)), teacher).not.toMatch(LEAK);
      }
      for (const body of invokes) expect(body).not.toMatch(LEAK);
    });
  });

  describe('in Slack', () => {
    const SIGNING = 'test-signing-secret-0123456789';
    const USERS: Record<string, string> = {
      't.bakker': 'UDEMO0001',
      'r.elmoussaoui': 'UDEMO0002',
      'm.devries': 'UDEMO0003',
      'p.vandam': 'UDEMO0006',
      'a.jansen': 'UDEMO0007',
      'l.verhoeven': 'UDEMO0008',
    };
    const dmChannel = (user: string) => `D${user.slice(1)}`;
    let slack: FakeSlack;
    let bot: TestApp;
    beforeEach(async () => {
      slack = await new FakeSlack().start();
      bot = await startTestApp({ SLACK_SIGNING_SECRET: SIGNING, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: slack.url, ZORGPAD_DELIVERY_INTERVAL_MS: '100', ZORGPAD_PLAYGROUND: 'false' });
    });
    afterEach(async () => {
      await bot.stop();
      await slack.stop();
    });
    const send = (body: string, contentType: string) =>
      fetch(`${bot.base}/slack/events`, { method: 'POST', headers: slackHeaders(SIGNING, body, contentType), body });
    const interact = (payload: unknown) => send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
    const postsTo = (channel: string) => slack.of('chat.postMessage').filter((c) => c.args.channel === channel);
    const dms = slackDms({ bot: () => bot, slack: () => slack, secret: SIGNING });
    const dm = (staffId: string, text: string) => dms.dm(USERS[staffId]!, text);

    it('sends the teachers only the functional facts by DM and in answers', async () => {
      for (const text of REQUEST) await dm('m.devries', text);
      const card = await slack.until((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === 'CDEMOKERN'));
      const approve = buttons(card.args.blocks as Block[]).find((b) => b.text === 'Toekennen')!;
      for (const member of ['a.jansen', 'l.verhoeven']) {
        const opens = slack.of('views.open').length;
        await interact({
          type: 'block_actions',
          user: { id: USERS[member] },
          team: { id: 'TDEMO' },
          trigger_id: `trig-${randomUUID()}`,
          container: { type: 'message', channel_id: 'CDEMOKERN', message_ts: card.result?.ts },
          channel: { id: 'CDEMOKERN' },
          actions: [{ action_id: approve.action_id, value: approve.value, action_ts: String(Date.now()) }],
        });
        const modal = await slack.until(() => slack.of('views.open').length > opens && slack.of('views.open').at(-1));
        const view = modal.args.view as { callback_id: string; private_metadata: string };
        await interact({
          type: 'view_submission',
          user: { id: USERS[member] },
          team: { id: 'TDEMO' },
          view: { id: `V-${randomUUID()}`, callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values: { motivation: { motivation: { type: 'plain_text_input', value: `Akkoord: ${SECRET}` } } } } },
        });
      }
      await slack.until(async () => (await bot.app.store.collection('exceptionRequests').findBy('studentRef', 'L1001'))[0]?.status === 'granted');
      await grantedRequest(bot);
      for (const teacher of TEACHERS) {
        await slack.until(() => postsTo(USERS[teacher]!).some((c) => /heeft een uitzondering/.test(String(c.args.text))));
        const answer = await dm(teacher, 'heeft L1001 een uitzondering?');
        expect(String(answer.at(-1)!.args.text)).toMatch(/^L1001 \(1A\) heeft een uitzondering/);
      }
      for (const teacher of TEACHERS) {
        const user = USERS[teacher]!;
        const toTeacher = slack.calls.filter((c) => c.args.channel === user || c.args.channel === dmChannel(user) || c.args.user_id === user);
        expect(toTeacher.length, teacher).toBeGreaterThan(1);
        expect(JSON.stringify(toTeacher.map((c) => c.args)), teacher).not.toMatch(LEAK);
      }
    });
  });
});
