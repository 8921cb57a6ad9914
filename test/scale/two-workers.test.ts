import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCEPTION_REQUEST, SIGNAL } from '../helpers/conversations.js';
import { FakeSlack, slackHeaders, type SlackCall } from '../helpers/fake-slack.js';
import { call, startZorgpad, storeSettled, type ZorgpadProcess } from '../helpers/zorgpad-process.js';

const SECRET = 'test-signing-secret-0123456789';
const TEAM = 'TDEMO';
const dm = (user: string) => `D${user.slice(1)}`;

/**
 * `npm start` with two worker processes on one port and one SQLite file: connections go to both, a
 * dialog goes on whichever worker gets each message, a delivery Slack retries is answered once, two
 * messages of one person at the same moment both get their turn, and the mentor is told once.
 */
describe('two worker processes sharing one store', () => {
  const data = mkdtempSync(join(tmpdir(), 'zorgpad-workers-'));
  let slack: FakeSlack;
  let zorgpad: ZorgpadProcess;
  let port: number;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    zorgpad = await startZorgpad(2, {
      ZORGPAD_DATA_DIR: data,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: slack.url,
      ZORGPAD_DELIVERY_INTERVAL_MS: '100',
    });
    port = zorgpad.port;
  }, 30_000);

  afterAll(async () => {
    if (zorgpad.child.exitCode === null) {
      zorgpad.child.kill('SIGTERM');
      await zorgpad.exited;
    }
    await slack.stop();
    rmSync(data, { recursive: true, force: true });
  });

  const event = (user: string, text: string, eventId = `Ev${randomUUID()}`) =>
    JSON.stringify({ type: 'event_callback', team_id: TEAM, event_id: eventId, event: { type: 'message', user, channel: dm(user), channel_type: 'im', text } });
  const send = (body: string, headers: Record<string, string> = {}) => call(port, 'POST', '/slack/events', body, { ...slackHeaders(SECRET, body, 'application/json'), ...headers });
  const postsTo = (channel: string) => slack.of('chat.postMessage').filter((c) => c.args.channel === channel);
  /** Waits until both workers have run every turn acknowledged so far to its end (none open in the shared store); returns the channel's posts. */
  async function settled(channel: string): Promise<SlackCall[]> {
    await storeSettled(data);
    return postsTo(channel);
  }

  it('hands connections to both workers', async () => {
    const workers = new Set<number>();
    for (let i = 0; i < 10; i++) workers.add((JSON.parse((await call(port, 'GET', '/healthz')).text) as { worker: number }).worker);
    expect([...workers].sort()).toEqual([1, 2]);
  });

  it('carries a dialog on across the workers and tells the mentor once', async () => {
    const user = 'UDEMO0001';
    for (const text of SIGNAL) {
      const before = postsTo(dm(user)).length;
      expect((await send(event(user, text))).status).toBe(200);
      await slack.until(() => postsTo(dm(user)).length > before);
      await settled(dm(user));
    }
    expect(postsTo(dm(user)).map((c) => c.args.text).join('\n')).toMatch(/Je melding is vastgelegd/);
    // Both workers run delivery rounds over the same outbox: the mentor's message goes out once.
    await slack.until((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args.channel === 'UDEMO0003'));
    // Every turn has run to its end and the mentor's messages are out (none pending): nothing left to send it again.
    await storeSettled(data, { outboxFor: ['m.devries'] });
    expect(slack.of('chat.postMessage').filter((c) => c.args.channel === 'UDEMO0003' && /L1001/.test(JSON.stringify(c.args)))).toHaveLength(1);
  });

  it('answers a delivery Slack retries once, and two messages sent at the same moment both', async () => {
    // Every "help" turn ends by asking this (after a few lines of help when a menu was already open).
    const turns = (posts: SlackCall[]) => posts.filter((c) => c.args.text === 'Waarmee kan ik je helpen?').length;
    const retried = ['UDEMO0002', 'UDEMO0004', 'UDEMO0005', 'UDEMO0006'];
    const together = ['UDEMO0007', 'UDEMO0008', 'UDEMO0010'];
    await Promise.all([
      // The same event twice at once (Slack's retry), on two connections: usually two workers.
      ...retried.flatMap((user) => {
        const body = event(user, 'help');
        return [send(body), send(body, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })];
      }),
      // Two different messages of one person at once.
      ...together.flatMap((user) => [send(event(user, 'help')), send(event(user, 'help'))]),
    ]);
    for (const user of retried) {
      await slack.until(() => turns(postsTo(dm(user))) >= 1);
      expect(turns(await settled(dm(user)))).toBe(1);
    }
    for (const user of together) {
      await slack.until(() => turns(postsTo(dm(user))) >= 2);
      expect(turns(await settled(dm(user)))).toBe(2);
    }
  });

  it('holds the parents\' form limit per address across both workers', async () => {
    const statuses: number[] = [];
    // Each request on a connection of its own: they are spread over both workers.
    for (let i = 0; i < 31; i++) statuses.push((await call(port, 'GET', `/ouders/formulier?t=onbekend${i}`)).status);
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses[30]).toBe(429);
  });

  it('moves the playground\'s demo clock for every worker', async () => {
    const moved: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await call(port, 'POST', '/playground/api/clock', JSON.stringify({ days: 1 }), { 'content-type': 'application/json' });
      expect(res.status).toBe(200);
      moved.push(Date.parse((JSON.parse(res.text) as { now: string }).now));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Each step is a day on from the step before, whichever worker took it (not a day on from its own clock).
    for (let i = 1; i < moved.length; i++) expect(moved[i]! - moved[i - 1]!).toBeGreaterThanOrEqual(23 * 3_600_000);
  });

  it('shows each kernteam card once in the playground, whichever worker a member\'s page asks', async () => {
    const say = (persona: string, text: string) =>
      call(port, 'POST', '/playground/api/messages', JSON.stringify({ personaId: persona, locale: 'nl', deliveryId: randomUUID(), text }), { 'content-type': 'application/json' });
    for (const text of [...EXCEPTION_REQUEST, 'Indienen']) expect((await say('m.devries', text)).status).toBe(200);
    const shown: string[] = [];
    // Each poll on a connection of its own: spread over both workers, as a page that keeps asking.
    for (let i = 0; i < 8; i++) {
      const res = await call(port, 'GET', '/playground/api/inbox?personaId=a.jansen');
      shown.push(...(JSON.parse(res.text) as { messages: Array<{ channel?: string; key?: string }> }).messages.filter((m) => m.channel === 'kernteam').map((m) => m.key!));
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown).size).toBe(shown.length);
  });

  it('stops both workers on SIGTERM', async () => {
    zorgpad.child.kill('SIGTERM');
    expect(await zorgpad.exited).toBe(0);
    expect((zorgpad.out.text.match(/"event":"stopping"/g) ?? []).length).toBeGreaterThanOrEqual(3);
  });
});
