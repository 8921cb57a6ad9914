import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack, slackHeaders } from '../helpers/fake-slack.js';
import { alive, call, processTree, signalGroup, startZorgpad, storeSettled, type ZorgpadProcess } from '../helpers/zorgpad-process.js';
import { freePort } from '../helpers/net.js';

const SECRET = 'test-signing-secret-0123456789';
const USERS = ['UDEMO0001', 'UDEMO0002', 'UDEMO0004', 'UDEMO0005', 'UDEMO0006', 'UDEMO0007', 'UDEMO0008', 'UDEMO0010'];
/** Every "help" turn ends by asking this, once. */
const QUESTION = 'Waarmee kan ik je helpen?';
const dm = (user: string) => `D${user.slice(1)}`;

interface SlackEvent {
  user: string;
  body: string;
}

const events = (count: number): SlackEvent[] =>
  Array.from({ length: count }, (_, i) => {
    const user = USERS[i % USERS.length]!;
    const body = JSON.stringify({ type: 'event_callback', team_id: 'TDEMO', event_id: `Ev${randomUUID()}`, event: { type: 'message', user, channel: dm(user), channel_type: 'im', text: 'help' } });
    return { user, body };
  });

/**
 * Nothing acknowledged is ever lost: a burst of signed Slack DMs, and in the middle of it a process is
 * killed (-9, or the whole group signalled as Ctrl-C and systemd do). Slack does not send again what it
 * was told we received; what it was not told, it sends again (a retry with the same event id). After the
 * next start every event has been answered, once, whether the process stopped cleanly or was killed -9.
 */
describe('the durable inbox, when processes stop or die mid-burst', () => {
  let slack: FakeSlack;
  let data: string;
  const running: ZorgpadProcess[] = [];

  beforeEach(async () => {
    slack = await new FakeSlack().start();
    data = mkdtempSync(join(tmpdir(), 'zorgpad-inbox-'));
  });

  afterEach(async () => {
    for (const z of running.splice(0)) {
      for (const pid of processTree(z.child.pid!)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    await slack.stop();
    rmSync(data, { recursive: true, force: true });
  });

  const start = async (workers: number, options: { port?: number; detached?: boolean; env?: Record<string, string> } = {}) => {
    const z = await startZorgpad(
      workers,
      { ZORGPAD_DATA_DIR: data, SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: slack.url, ZORGPAD_INBOX_LEASE_MS: '3000', ZORGPAD_INBOX_POLL_MS: '100', ...options.env },
      { port: options.port, detached: options.detached ?? true },
    );
    running.push(z);
    return z;
  };

  const send = async (port: number, e: SlackEvent, retry = false): Promise<boolean> => {
    const headers = { ...slackHeaders(SECRET, e.body, 'application/json'), ...(retry ? { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } : {}) };
    try {
      return (await call(port, 'POST', '/slack/events', e.body, headers)).status === 200;
    } catch {
      return false; // the connection went with the process: Slack was not told, and will send it again
    }
  };

  /** Sends the events 40 at a time; `midway` runs once, when `after` of them were acknowledged. Returns those not acknowledged. */
  async function burst(port: number, all: SlackEvent[], after: number, midway: () => void): Promise<SlackEvent[]> {
    const missed: SlackEvent[] = [];
    let acked = 0;
    let fired = false;
    for (let i = 0; i < all.length; i += 40) {
      const wave = all.slice(i, i + 40);
      const results = await Promise.all(wave.map((e) => send(port, e)));
      results.forEach((ok, j) => (ok ? acked++ : missed.push(wave[j]!)));
      if (!fired && acked >= after) {
        fired = true;
        midway();
      }
    }
    return missed;
  }

  const answeredTo = (user: string) => slack.of('chat.postMessage').filter((c) => c.args.channel === dm(user) && c.args.text === QUESTION).length;
  const expected = (all: SlackEvent[], user: string) => all.filter((e) => e.user === user).length;

  /**
   * Waits until every user got at least as many answers as events, and then until the store holds nothing
   * that could still answer one again: no inbox entry open (also none left to a dead process's lease) and
   * no reply waiting in the outbox.
   */
  async function allAnswered(all: SlackEvent[], limitMs: number): Promise<Record<string, number>> {
    await slack.until(() => USERS.every((u) => answeredTo(u) >= expected(all, u)), limitMs).catch(() => {
      const short = USERS.map((u) => `${u}: ${answeredTo(u)} of ${expected(all, u)}`).join(', ');
      const logs = running.map((z) => z.out.errors.split('\n').filter((l) => !l.includes('"data-key')).slice(-8).join('\n')).join('\n---\n');
      throw new Error(`not every event was answered within ${limitMs} ms: ${short}\n${logs}`);
    });
    await storeSettled(data, { outboxFor: 'everyone', limitMs });
    return Object.fromEntries(USERS.map((u) => [u, answeredTo(u) - expected(all, u)]));
  }

  /**
   * After a kill -9: every event answered, once. A turn whose reply Slack took just before the kill, its
   * entry not yet marked done, runs again elsewhere; that run finds its reply in the conversation (by
   * the message metadata) and does not post it a second time.
   */
  async function answeredExactlyOnce(all: SlackEvent[]): Promise<void> {
    const extra = await allAnswered(all, 60_000);
    expect(extra).toEqual(Object.fromEntries(USERS.map((u) => [u, 0])));
    // No message of any reply posted twice: each names its turn and its place in the reply.
    const seen = new Map<string, number>();
    for (const c of slack.of('chat.postMessage')) {
      const payload = (c.args.metadata as { event_payload?: { turn: string; part: number } } | undefined)?.event_payload;
      expect(payload).toBeDefined();
      const key = `${payload!.turn}#${payload!.part}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
    expect(seen.size).toBeGreaterThanOrEqual(all.length);
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`answers every event once after ${signal} to the whole process group mid-burst of 600 and a restart; the stop keeps to the grace period`, async () => {
      const first = await start(2, { env: { ZORGPAD_STOP_GRACE_MS: '3000' } });
      slack.delayMs = 20; // Slack answers a little slowly: turns are in hand when the signal comes
      const all = events(600);
      let stoppedAt = 0;
      const missed = await burst(first.port, all, 200, () => {
        stoppedAt = Date.now();
        signalGroup(first.child, signal);
      });
      expect(await first.exited).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(3000 + 3000);
      expect(missed.length).toBeGreaterThan(0); // the stop came mid-burst
      const answeredAtStop = USERS.reduce((n, u) => n + answeredTo(u), 0);
      expect(answeredAtStop).toBeLessThan(all.length);

      slack.delayMs = 0;
      const second = await start(2, { port: first.port });
      for (const e of missed) expect(await send(second.port, e, true)).toBe(true);
      const extra = await allAnswered(all, 60_000);
      expect(extra).toEqual(Object.fromEntries(USERS.map((u) => [u, 0])));
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }, 150_000);
  }

  it('answers every acknowledged event after kill -9 of one worker mid-burst of 300 (the other takes over its leases), and after a restart', async () => {
    const z = await start(2);
    slack.delayMs = 25; // Slack keeps a reply a moment before it answers: the kill finds replies posted, not yet marked done
    const all = events(300);
    // Which worker is which: /healthz names its process.
    const pids = new Set<number>();
    for (let i = 0; i < 10 && pids.size < 2; i++) pids.add((JSON.parse((await call(z.port, 'GET', '/healthz')).text) as { pid: number }).pid);
    expect(pids.size).toBe(2);
    const victim = [...pids][0]!;
    const missed = await burst(z.port, all, 100, () => process.kill(victim, 'SIGKILL'));
    for (const e of missed) await send(z.port, e, true);
    await answeredExactlyOnce(all);
    expect(z.out.errors).toMatch(/"event":"worker.replaced"/);
  }, 150_000);

  it('answers every acknowledged event after kill -9 of the primary mid-burst of 300 and a restart on the same data', async () => {
    const first = await start(2);
    slack.delayMs = 25;
    const all = events(300);
    const missed = await burst(first.port, all, 100, () => first.child.kill('SIGKILL'));
    // The workers notice their primary is gone and stop by themselves.
    const tree = processTree(first.child.pid!);
    await slack.until(() => tree.every((pid) => !alive(pid)), 20_000).catch(() => undefined);
    expect(tree.filter(alive)).toEqual([]);
    const second = await start(2, { port: first.port });
    for (const e of missed) expect(await send(second.port, e, true)).toBe(true);
    await answeredExactlyOnce(all);
  }, 150_000);

  it('shares the work between two instances on two ports over one store, and one answers what the other acknowledged when that one is killed -9 for good', async () => {
    const a = await start(1);
    const b = await start(1, { port: await freePort() });
    slack.delayMs = 5;
    const all = events(400);
    const missed: SlackEvent[] = [];
    let killed = false;
    // Spread over both, as a load balancer would; when B's whole group dies, Slack's retries go to A.
    for (let i = 0; i < all.length; i += 40) {
      const wave = all.slice(i, i + 40);
      const results = await Promise.all(wave.map((e, j) => send(j % 2 === 0 || killed ? a.port : b.port, e)));
      results.forEach((ok, j) => ok || missed.push(wave[j]!));
      if (!killed && i >= 120) {
        killed = true;
        signalGroup(b.child, 'SIGKILL');
      }
    }
    for (const e of missed) expect(await send(a.port, e, true)).toBe(true);
    // B's leases run out (3 s here, 30 s by default) and A runs what B had acknowledged: well within a minute.
    await answeredExactlyOnce(all);
  }, 150_000);

  it('leaves no Zorgpad process 15 s after SIGTERM to what the README\'s start command runs (npm start)', async () => {
    const z = await startZorgpad(
      2,
      { ZORGPAD_DATA_DIR: data, SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: slack.url },
      { npm: true, detached: true },
    );
    running.push(z);
    const tree = processTree(z.child.pid!);
    expect(tree.length).toBeGreaterThanOrEqual(4); // npm, (sh,) node primary, two workers
    z.child.kill('SIGTERM');
    // Gone within 15 s: looked at until then, not only at the end.
    await slack.until(() => tree.every((pid) => !alive(pid)), 15_000).catch(() => undefined);
    expect(tree.filter(alive)).toEqual([]);
  }, 90_000);
});
