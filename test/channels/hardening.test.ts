import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quiet, startTestApp, type TestApp } from '../helpers/app.js';
import { SIGNAL } from '../helpers/conversations.js';
import { blockText, FakeSlack, slackDms, slackHeaders, type Block } from '../helpers/fake-slack.js';
import { freePort } from '../helpers/net.js';
import { personalConversation, personalMessage, startTeamsTest, type TeamsTest } from '../helpers/teams.js';

/** What an attack run and a code review found at the edges of the two channels, now answered properly. */
describe('Slack, the findings', () => {
  const SECRET = 'test-signing-secret-0123456789';
  const BAKKER = 'UDEMO0001';
  const DEVRIES = 'UDEMO0003';
  const dm = (user: string) => `D${user.slice(1)}`;
  let slack: FakeSlack;
  let bot: TestApp;
  beforeEach(async () => {
    slack = await new FakeSlack().start();
    bot = await startTestApp({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: slack.url, ZORGPAD_DELIVERY_INTERVAL_MS: '100', ZORGPAD_PLAYGROUND: 'false' });
  });
  afterEach(async () => {
    await bot.stop();
    await slack.stop();
  });
  const send = (body: string, contentType: string) => fetch(`${bot.base}/slack/events`, { method: 'POST', headers: slackHeaders(SECRET, body, contentType), body });
  const posts = (channel: string) => slack.of('chat.postMessage').filter((c) => c.args.channel === channel);
  const toPerson = (user: string) => slack.of('chat.postMessage').filter((c) => c.args.channel === user || c.args.channel === dm(user));
  /** A direct message; the answer counts what came in the DM and what the outbox sent to the person. */
  const { dm: say } = slackDms({ bot: () => bot, slack: () => slack, secret: SECRET, toUserToo: true });

  it('still brings the question when Slack refuses to post it once: through the outbox, once, in order', async () => {
    slack.failingChannels.set(dm(BAKKER), 1);
    const got = await say(BAKKER, 'pesten melden');
    expect(String(got.at(-1)!.args.text)).toMatch(/Je wilt pesten melden/);
    expect(got.at(-1)!.args.channel).toBe(BAKKER); // delivered by the outbox to the person
    // One more delivery round over the outbox, as the interval brings, and all it set going: the question is not sent again.
    await bot.app.slack!.delivery.tick();
    await quiet(bot.app);
    expect(toPerson(BAKKER).filter((c) => /Je wilt pesten melden/.test(String(c.args.text)))).toHaveLength(1);
    // The answer to it works as usual.
    const next = await say(BAKKER, 'Het is pesten');
    expect(String(next.at(-1)!.args.text)).toMatch(/Welke leerling wordt gepest\?/);
  });

  it('answers a direct message of 5,000 characters instead of staying silent', async () => {
    await say(BAKKER, 'pesten melden');
    await say(BAKKER, 'Het is pesten');
    const long = await say(BAKKER, 'x'.repeat(5000));
    expect(String(long[0]!.args.text)).toMatch(/leerling/i);
  });

  it('takes "/zorgpad constructor" and "/zorgpad __proto__" as plain text', async () => {
    for (const text of ['constructor', '__proto__', 'toString']) {
      const body = new URLSearchParams({ command: '/zorgpad', text, user_id: BAKKER, team_id: 'TDEMO', trigger_id: `trig-${randomUUID()}`, channel_id: dm(BAKKER) }).toString();
      const res = await send(body, 'application/x-www-form-urlencoded');
      expect(res.status, text).toBe(200);
    }
    const shown = await slack.until(() => slack.of('views.update').filter((c) => /Dat herken ik niet/.test(JSON.stringify(c.args))).length >= 3 && true);
    expect(shown).toBe(true);
  });

  it('shows Slack control sequences typed into an answer as typed, to the person who gets the message', async () => {
    const signal = [...SIGNAL];
    signal[signal.length - 2] = '<!channel> kijk <@U0BADBAD1> en <https://voorbeeld.nl|deze link>';
    for (const text of signal) await say(BAKKER, text);
    const toMentor = await slack.until((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === DEVRIES));
    const sent = `${toMentor.args.text}\n${blockText(toMentor.args.blocks as Block[])}`;
    expect(sent).toContain('&lt;!channel&gt; kijk &lt;@U0BADBAD1&gt; en &lt;https://voorbeeld.nl|deze link&gt;');
    expect(sent).not.toMatch(/<!channel>|<@U0BADBAD1>|<https:/);
    expect(posts(dm(DEVRIES))).toEqual([]);
  });
});

describe('Teams, the findings', () => {
  let teams: TeamsTest;
  beforeEach(async () => {
    teams = await startTeamsTest('600000');
  });
  afterEach(() => teams.stop());

  it('refuses an activity id with a lone surrogate and a serviceUrl that is not http(s) with 400, and writes nothing', async () => {
    const { bot, connector, post } = teams;
    const surrogate = { ...personalMessage(connector.url, 'm.devries', 'help'), id: 'abc\ud800def' };
    expect((await post(surrogate)).status).toBe(400);
    for (const serviceUrl of ['ftp://127.0.0.1/', 'javascript:alert(1)', 'file:///etc/passwd']) {
      expect((await post(personalMessage(serviceUrl, 'm.devries', 'help'))).status, serviceUrl).toBe(400);
    }
    expect(await bot.app.store.collection('dialogStates').findBy('schoolId', 'demo')).toEqual([]);
  });

  it('answers 200 when the loopback connector does not answer, and keeps the reply for later', async () => {
    const { bot, connector, post } = teams;
    const dead = `http://127.0.0.1:${await freePort()}/`;
    const res = await post(personalMessage(dead, 'm.devries', 'help'));
    expect(res.status).toBe(200);
    const queued = (await bot.app.store.collection('outbox').findBy('staffId', 'm.devries')).filter((n) => n.id.startsWith('reply:'));
    expect(queued).toHaveLength(1);
    // Once Teams is reachable again the person gets it (after the outbox's back-off).
    expect((await post(personalMessage(connector.url, 'm.devries', 'stop'))).status).toBe(200);
    bot.app.clock.advance(10 * 60_000);
    const ticking = setInterval(() => void bot.app.teams!.delivery.tick(), 200);
    try {
      const got = await connector.waitFor((s) => s.conversationId === personalConversation('m.devries') && s.activity.attachments !== undefined, 60_000);
      expect(got.activity.attachments![0]!.content).toMatchObject({ type: 'AdaptiveCard' });
      for (let i = 0; i < 50 && (await bot.app.outbox.get(queued[0]!.id))?.status !== 'delivered'; i++) await new Promise((r) => setTimeout(r, 100));
      expect((await bot.app.outbox.get(queued[0]!.id))?.status).toBe('delivered');
    } finally {
      clearInterval(ticking);
      // The rounds started by the interval finish before the app stops.
      await bot.app.idle();
    }
    // botbuilder retries a connector that does not answer for some seconds before giving up.
  }, 90_000);
});
