import { createHmac, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activitySchema } from '../../src/channels/teams/activity.js';
import { parseSlackBody } from '../../src/channels/slack/requests.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { FakeConnector } from '../helpers/fake-connector.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { account, personalMessage, cardAction, KERNTEAM_CHANNEL } from '../helpers/teams.js';

/**
 * Throws at least 10,000 random and mutated payloads at every inbound endpoint and checks what a
 * school would care about: no crash, never a 5xx, a refused payload changes nothing in the store, and
 * the process still answers afterwards. The generator is seeded; a failure prints the seed and case.
 */
const PER_ENDPOINT = Number(process.env.FUZZ_CASES ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const SECRET = 'fuzz-signing-secret-0123456789';

/** mulberry32: small, fast, reproducible. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = unknown;

class Mutator {
  constructor(private readonly random: () => number) {}
  int(n: number) {
    return Math.floor(this.random() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  string(): string {
    const kinds = [
      () => '',
      () => 'x'.repeat(this.int(20_000)),
      () => String.fromCharCode(...Array.from({ length: this.int(40) }, () => this.int(0xffff))),
      () => '{"zorgpad":{"vote":"approve"}}',
      () => '\u0000\u202e<script>alert(1)</script>',
      () => 'help',
      () => 'L1001',
      () => '../../etc/passwd',
      () => '$where',
      () => String(this.random()),
    ];
    return this.pick(kinds)();
  }
  value(depth = 0): Json {
    const kinds: Array<() => Json> = [
      () => null,
      () => this.int(2) === 0,
      () => this.random() * 1e12 - 5e11,
      () => this.string(),
      () => (depth > 4 ? [] : Array.from({ length: this.int(4) }, () => this.value(depth + 1))),
      () => (depth > 4 ? {} : Object.fromEntries(Array.from({ length: this.int(4) }, () => [this.pick(['zorgpad', 'vote', 'type', '$set', '__proto__', 'value', this.string().slice(0, 20)]), this.value(depth + 1)]))),
    ];
    return this.pick(kinds)();
  }
  /** One to three changes somewhere in a copy of `base`, never at the paths in `keep`. */
  mutate(base: Json, keep: string[] = []): Json {
    const copy = structuredClone(base) as Record<string, unknown>;
    const changes = 1 + this.int(3);
    for (let c = 0; c < changes; c++) {
      const paths = this.paths(copy).filter((p) => !keep.some((k) => p.join('.') === k || p.join('.').startsWith(`${k}.`)));
      if (!paths.length) break;
      const path = this.pick(paths);
      let parent: Record<string, unknown> = copy;
      for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
      const last = path.at(-1)!;
      const action = this.int(3);
      if (action === 0) delete parent[last];
      else if (action === 1) parent[last] = this.value();
      else parent[`${last}_${this.int(9)}`] = this.value();
    }
    return copy;
  }
  private paths(node: unknown, prefix: string[] = []): string[][] {
    if (!node || typeof node !== 'object') return [];
    const out: string[][] = [];
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      out.push([...prefix, key]);
      out.push(...this.paths(value, [...prefix, key]));
    }
    return out;
  }
  /** Bytes that are not JSON at all, or JSON of the wrong shape. */
  garbage(): string {
    return this.pick([
      () => '',
      () => '{',
      () => 'null',
      () => '[]',
      () => '"text"',
      () => String.fromCharCode(...Array.from({ length: this.int(200) }, () => this.int(256))),
      () => JSON.stringify(this.value()),
      () => `${'['.repeat(5000)}${']'.repeat(5000)}`,
    ])();
  }
}

describe('fuzzing every inbound endpoint', () => {
  let bot: TestApp;
  let connector: FakeConnector;
  let slack: FakeSlack;
  let db: Database.Database;

  beforeAll(async () => {
    connector = await new FakeConnector().start();
    slack = await new FakeSlack().start();
    bot = await startTestApp({
      TEAMS_ALLOW_UNAUTHENTICATED: 'true',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-fuzz',
      SLACK_API_URL: slack.url,
      ZORGPAD_DELIVERY_INTERVAL_MS: '600000',
      // The daily upkeep (30 s after start) writes too: it would be blamed on whichever case was refused then.
    }, undefined, undefined, { dailyUpkeep: false });
    db = new Database(join(bot.dataDir, 'zorgpad.sqlite'), { readonly: true });
  }, 60_000);

  afterAll(async () => {
    db?.close();
    await bot?.stop();
    await connector?.stop();
    await slack?.stop();
  });

  /** Everything that can change in the store, summed up. */
  const fingerprint = () =>
    JSON.stringify([
      db.prepare('SELECT count(*) AS n, coalesce(sum(version), 0) AS v FROM records').get(),
      db.prepare('SELECT count(*) AS n, coalesce(sum(version), 0) AS v FROM jobs').get(),
      db.prepare('SELECT count(*) AS n FROM idempotency_keys').get(),
      db.prepare('SELECT count(*) AS n FROM audit').get(),
    ]);

  /**
   * Sends the cases one by one. A refused case (4xx) must leave the store as it was; no case may get
   * a 5xx or kill the process. Work goes on after some answers (a Slack turn runs after its
   * acknowledgement; after a Teams turn the messages it queued are delivered): the app says when it
   * has nothing in hand, and the store is compared only then, so every write belongs to its own case.
   */
  async function throwAt(
    name: string,
    cases: Array<() => { body: string; headers: Record<string, string>; path: string; refused?: boolean }>,
  ) {
    const statuses = new Map<number, number>();
    let before = fingerprint();
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!();
      let status: number;
      try {
        const res = await fetch(`${bot.base}${c.path}`, { method: 'POST', headers: c.headers, body: c.body });
        status = res.status;
        await res.arrayBuffer();
      } catch (error) {
        throw new Error(`${name} case ${i} (seed ${SEED}): the request failed: ${(error as Error).message}; body ${c.body.slice(0, 300)}`);
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500) throw new Error(`${name} case ${i} (seed ${SEED}): HTTP ${status} for ${c.body.slice(0, 3000)}`);
      if (!(await bot.app.idle(30_000))) throw new Error(`${name} case ${i} (seed ${SEED}): still busy 30 s after the answer; body ${c.body.slice(0, 300)}`);
      const after = fingerprint();
      if (status >= 400 && after !== before) throw new Error(`${name} case ${i} (seed ${SEED}): refused with ${status} but the store changed; body ${c.body.slice(0, 300)}`);
      if (c.refused && status < 400) throw new Error(`${name} case ${i} (seed ${SEED}): an invalid payload was accepted (${status}); body ${c.body.slice(0, 300)}`);
      before = after;
    }
    const health = await fetch(`${bot.base}/healthz`);
    expect(health.status).toBe(200);
    return statuses;
  }

  it(`Teams /api/messages: ${PER_ENDPOINT} mutated and malformed activities`, async () => {
    const m = new Mutator(rng(SEED));
    const bases = [
      personalMessage(connector.url, 't.bakker', 'help'),
      personalMessage(connector.url, 'm.devries', 'uitzondering aanvragen'),
      cardAction(connector.url, 'a.jansen', KERNTEAM_CHANNEL, 'zorgpad.vote', { zorgpad: { vote: 'approve', requestId: 'req-x' }, motivation: 'ok ok ok' }),
      { ...personalMessage(connector.url, 't.bakker', ''), from: account('t.bakker'), value: { zorgpad: { flowId: 'menu', stepId: 'kies', value: 'pesten' } } },
    ];
    const cases = Array.from({ length: PER_ENDPOINT }, (_, i) => () => {
      const garbage = i % 10 === 0;
      // The serviceUrl is where the bot will post: it stays on the fake connector, always.
      const payload = garbage ? m.garbage() : JSON.stringify(m.mutate(m.pick(bases), ['serviceUrl']));
      let refused = false;
      try {
        refused = !activitySchema.safeParse(JSON.parse(payload)).success;
      } catch {
        refused = true;
      }
      return { path: '/api/messages', headers: { 'content-type': 'application/json' }, body: payload, refused };
    });
    const statuses = await throwAt('teams', cases);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    expect(statuses.get(400)).toBeGreaterThan(PER_ENDPOINT / 20);
  }, 600_000);

  it(`Slack /slack/events: ${PER_ENDPOINT} mutated events, commands and interactions, signed`, async () => {
    const m = new Mutator(rng(SEED + 1));
    const event = { type: 'event_callback', team_id: 'T1', event_id: 'Ev1', event: { type: 'message', user: 'UDEMO0001', channel: 'DDEMO0001', channel_type: 'im', text: 'help' } };
    const command = { command: '/zorgpad', text: 'pesten', user_id: 'UDEMO0001', team_id: 'T1', trigger_id: 't1', channel_id: 'D1' };
    const action = {
      type: 'block_actions',
      user: { id: 'UDEMO0007' },
      team: { id: 'T1' },
      trigger_id: 't2',
      container: { type: 'message', channel_id: 'CDEMOKERN', message_ts: '1.1' },
      actions: [{ action_id: 'zp.0', value: JSON.stringify({ d: { zorgpad: { vote: 'approve', requestId: 'r1' } } }), action_ts: '1' }],
    };
    const submission = { type: 'view_submission', user: { id: 'UDEMO0007' }, team: { id: 'T1' }, view: { id: 'V1', callback_id: 'zorgpad.vote', private_metadata: '{}', state: { values: {} } } };
    const sign = (body: string, contentType: string) => {
      const ts = String(Math.floor(Date.now() / 1000));
      return { 'content-type': contentType, 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}` };
    };
    const cases = Array.from({ length: PER_ENDPOINT }, (_, i) => () => {
      const kind = i % 5;
      let body: string;
      let contentType = 'application/json';
      if (kind === 0) body = m.garbage();
      else if (kind === 1) body = JSON.stringify(m.mutate({ ...event, event_id: `Ev${randomUUID()}` }));
      else if (kind === 2) {
        contentType = 'application/x-www-form-urlencoded';
        const fields = m.mutate({ ...command, trigger_id: `t${randomUUID()}` }) as Record<string, unknown>;
        body = new URLSearchParams(Object.entries(fields ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
      } else {
        contentType = 'application/x-www-form-urlencoded';
        const payload = m.mutate(kind === 3 ? { ...action, trigger_id: `t${randomUUID()}` } : { ...submission, view: { ...submission.view, id: `V${randomUUID()}` } });
        body = new URLSearchParams({ payload: i % 7 === 0 ? m.string() : JSON.stringify(payload) }).toString();
      }
      const refused = parseSlackBody(Buffer.from(body), contentType) === null;
      return { path: '/slack/events', headers: sign(body, contentType), body, refused };
    });
    const statuses = await throwAt('slack', cases);
    expect(statuses.get(400)).toBeGreaterThan(PER_ENDPOINT / 20);
  }, 600_000);

  it(`playground /playground/api/messages: ${PER_ENDPOINT} mutated messages and card submits`, async () => {
    const m = new Mutator(rng(SEED + 2));
    const bases = [
      { personaId: 't.bakker', locale: 'nl', deliveryId: 'd', text: 'help' },
      { personaId: 'a.jansen', locale: 'nl', deliveryId: 'd', card: { zorgpad: { vote: 'approve', requestId: 'r1' }, motivation: 'prima zo' } },
      { personaId: 'm.devries', locale: 'en', deliveryId: 'd', card: { zorgpad: { flowId: 'menu', stepId: 'kies' }, answer: ['a', 'b'] } },
    ];
    const cases = Array.from({ length: PER_ENDPOINT }, (_, i) => () => ({
      path: '/playground/api/messages',
      headers: { 'content-type': 'application/json' },
      body: i % 10 === 0 ? m.garbage() : JSON.stringify(m.mutate({ ...m.pick(bases), deliveryId: randomUUID() })),
    }));
    const statuses = await throwAt('playground', cases);
    expect(statuses.get(400)).toBeGreaterThan(PER_ENDPOINT / 20);
  }, 600_000);
});
