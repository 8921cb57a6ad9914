import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { expect } from 'vitest';
import type { TestApp } from './app.js';

/** One Web API call the bot made to the fake Slack. */
export interface SlackCall {
  method: string;
  at: number;
  /** What the fake answered (for chat.postMessage: the message's channel and ts). */
  result?: Record<string, unknown>;
  args: Record<string, unknown> & { channel?: string; ts?: string; text?: string; blocks?: Array<Record<string, unknown>>; view?: Record<string, unknown> };
}

/**
 * A local stand-in for the Slack Web API (`SLACK_API_URL`): answers auth.test, chat.postMessage,
 * chat.update, conversations.open and .history (with message metadata), views.open, views.update and
 * views.publish as Slack does, records every call, and can
 * answer with 429 + Retry-After or with a platform error for a channel.
 */
export class FakeSlack {
  readonly calls: SlackCall[] = [];
  /** Methods that answer 429 the next N times. */
  readonly rateLimited = new Map<string, number>();
  /** Channels whose next N posts answer 429. */
  readonly rateLimitedChannels = new Map<string, number>();
  /** Channels that answer `channel_not_found`. */
  readonly missingChannels = new Set<string>();
  /** Channels whose next N posts fail with an internal error (Slack having a bad moment). */
  readonly failingChannels = new Map<string, number>();
  /** The workspace's people, by user id: what `users.info` answers (with the `users:read.email` scope). */
  readonly users = new Map<string, { email?: string; name?: string }>();
  /** How long every answer takes (a slow Slack): 0 answers at once. */
  delayMs = 0;
  /** The messages in each conversation, oldest first, as `conversations.history` gives them (with their metadata). */
  readonly history = new Map<string, Array<{ ts: string; text: string; metadata?: unknown }>>();
  private server: Server | undefined;
  private counter = 0;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const method = (req.url ?? '/').replace(/^\/api\//, '').replace(/^\//, '').split('?')[0]!;
        const args = parseArgs(body, req.headers['content-type'] ?? '');
        const reply = (status: number, json: Record<string, unknown>, headers: Record<string, string> = {}) => {
          const last = this.calls.at(-1);
          if (last && last.args === args) last.result = json;
          const send = () => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(json));
          if (this.delayMs > 0) setTimeout(send, this.delayMs);
          else send();
        };
        const at = Date.now();
        const channel = typeof args.channel === 'string' ? args.channel : '';
        const limited = this.rateLimited.get(method) ?? 0;
        const channelLimited = this.rateLimitedChannels.get(channel) ?? 0;
        if (limited > 0 || channelLimited > 0) {
          if (limited > 0) this.rateLimited.set(method, limited - 1);
          else this.rateLimitedChannels.set(channel, channelLimited - 1);
          this.calls.push({ method: `${method}:429`, at, args });
          reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
          return;
        }
        const failing = this.failingChannels.get(channel) ?? 0;
        if (failing > 0) {
          this.failingChannels.set(channel, failing - 1);
          this.calls.push({ method: `${method}:error`, at, args });
          reply(200, { ok: false, error: 'internal_error' });
          return;
        }
        if (typeof args.channel === 'string' && this.missingChannels.has(args.channel)) {
          this.calls.push({ method: `${method}:error`, at, args });
          reply(200, { ok: false, error: 'channel_not_found' });
          return;
        }
        this.calls.push({ method, at, args });
        switch (method) {
          case 'auth.test':
            return reply(200, { ok: true, user_id: 'UZORGPAD', bot_id: 'BZORGPAD', team_id: 'TDEMO', user: 'zorgpad' });
          case 'chat.postMessage': {
            const channel = String(args.channel ?? '');
            // Posting to a user id lands in the app's DM with them.
            const where = channel.startsWith('U') ? `D${channel.slice(1)}` : channel;
            const ts = `1700000000.${String(++this.counter).padStart(6, '0')}`;
            const kept = this.history.get(where) ?? [];
            kept.push({ ts, text: String(args.text ?? ''), ...(args.metadata ? { metadata: args.metadata } : {}) });
            this.history.set(where, kept);
            return reply(200, { ok: true, channel: where, ts });
          }
          case 'users.info': {
            const user = this.users.get(String(args.user ?? ''));
            if (!user) return reply(200, { ok: false, error: 'user_not_found' });
            return reply(200, { ok: true, user: { id: args.user, name: user.name ?? 'someone', profile: { ...(user.email ? { email: user.email } : {}) } } });
          }
          case 'conversations.open':
            return reply(200, { ok: true, channel: { id: `D${String(args.users ?? '').slice(1)}` } });
          case 'conversations.history': {
            // Newest first; metadata only when asked for, as Slack does.
            const all = [...(this.history.get(channel) ?? [])].reverse().slice(0, Number(args.limit ?? 100));
            const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
            return reply(200, { ok: true, messages: all.map((m) => ({ type: 'message', ts: m.ts, text: m.text, ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}) })), has_more: false });
          }
          case 'chat.update':
            return reply(200, { ok: true, channel: args.channel, ts: args.ts });
          case 'views.open':
            return reply(200, { ok: true, view: { id: `V${++this.counter}` } });
          case 'views.update':
            return reply(200, { ok: true, view: { id: args.view_id } });
          case 'views.publish':
            return reply(200, { ok: true, view: { id: `VH${++this.counter}` } });
          default:
            return reply(200, { ok: false, error: 'unknown_method' });
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/`;
    return this;
  }

  of(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Waits until `predicate` holds for the recorded calls (delivery runs after the HTTP answer); an async predicate is awaited. */
  async until<T>(predicate: (calls: SlackCall[]) => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
    const started = Date.now();
    for (;;) {
      const found = await predicate(this.calls);
      if (found) return found;
      if (Date.now() - started > timeoutMs) throw new Error(`fake Slack: condition not met within ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function parseArgs(body: string, contentType: string): SlackCall['args'] {
  if (contentType.includes('application/json')) return JSON.parse(body || '{}') as SlackCall['args'];
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = (key === 'blocks' || key === 'view' || key === 'attachments') && value.startsWith('[') || value.startsWith('{') ? safeJson(value) : value;
  }
  return args as SlackCall['args'];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Signs a request as Slack does: v0 HMAC-SHA256 over `v0:{timestamp}:{body}`. */
export function slackHeaders(secret: string, body: string, contentType: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

export interface SlackDmOptions {
  /** The app under test (a getter: a suite starts a new one before each test). */
  bot: () => TestApp;
  /** The fake Slack the app was started with (`SLACK_API_URL`). */
  slack: () => FakeSlack;
  /** The signing secret the app was started with. */
  secret: string;
  /** Also the posts addressed to the user id (how the outbox delivers to a person), not only those in the DM channel. */
  toUserToo?: boolean;
}

/**
 * A person typing in their direct messages with the app, as Slack sends it: a signed `message` event,
 * acknowledged with 200. Each waits for the first answer and then for the rest of the turn (it runs after
 * the acknowledgement), and returns the app's posts to the person since it was sent.
 */
export function slackDms(options: SlackDmOptions) {
  const dmChannel = (user: string) => `D${user.slice(1)}`;
  const postsTo = (user: string) =>
    options.slack().of('chat.postMessage').filter((c) => c.args.channel === dmChannel(user) || (options.toUserToo === true && c.args.channel === user));
  async function dm(user: string, text: string): Promise<SlackCall[]> {
    const bot = options.bot();
    const before = postsTo(user).length;
    const body = JSON.stringify({ type: 'event_callback', team_id: 'TDEMO', event_id: `Ev${randomUUID()}`, event: { type: 'message', user, channel: dmChannel(user), channel_type: 'im', text } });
    const res = await fetch(`${bot.base}/slack/events`, { method: 'POST', headers: slackHeaders(options.secret, body, 'application/json'), body });
    expect(res.status).toBe(200);
    await options.slack().until(() => postsTo(user).length > before);
    // The rest of this turn's messages: the turn runs after the acknowledgement.
    await bot.app.idle();
    return postsTo(user).slice(before);
  }
  return {
    dm,
    /** Each text in turn, each answered before the next; returns the posts that answered the last. */
    async conversation(user: string, texts: readonly string[]): Promise<SlackCall[]> {
      let last: SlackCall[] = [];
      for (const text of texts) last = await dm(user, text);
      return last;
    },
  };
}

export type Block = Record<string, unknown> & { type: string; elements?: Array<Record<string, unknown>>; text?: { text: string }; accessory?: Record<string, unknown> };

/** Every text in a list of blocks, for assertions. */
export function blockText(blocks: Block[] | undefined): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.text === 'string') out.push(o.text);
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(blocks ?? []);
  return out.join('\n');
}

export function buttons(blocks: Block[] | undefined): Array<{ action_id: string; text: string; value: string }> {
  const found: Array<{ action_id: string; text: string; value: string }> = [];
  for (const block of blocks ?? []) {
    const elements = block.type === 'actions' ? (block.elements ?? []) : block.accessory ? [block.accessory] : [];
    for (const e of elements) {
      if (e.type === 'button') found.push({ action_id: String(e.action_id), text: (e.text as { text: string }).text, value: String(e.value ?? '') });
    }
  }
  return found;
}

