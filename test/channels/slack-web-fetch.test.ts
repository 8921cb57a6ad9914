import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ErrorCode, WebClient } from '@slack/web-api';
import { webApiFetch } from '../../src/channels/slack/web-fetch.js';

/** A local Web API: each test sets how it answers; it counts the connections it was opened on. */
let answer: (req: IncomingMessage, body: string, res: ServerResponse) => void = () => undefined;
let server: Server;
let base = '';
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A client set up as Zorgpad's (channels/slack/routes.ts). */
const client = (timeout = 10_000) => new WebClient('xoxb-test', { slackApiUrl: base, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, fetch: webApiFetch(timeout) });
const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));

describe('the Slack Web API client on node:http (webApiFetch)', () => {
  it('sets no timer per call that outlives it (the client timeout made one, firing 10 s later)', async () => {
    answer = (_req, _body, res) => json(res, 200, { ok: true });
    const timers = vi.spyOn(AbortSignal, 'timeout');
    try {
      const web = client(60_000);
      for (let i = 0; i < 5; i++) await web.chat.postMessage({ channel: 'D1', text: `bericht ${i}` });
      expect(timers).not.toHaveBeenCalled();
    } finally {
      timers.mockRestore();
    }
  });

  it('posts the form the client makes, with the token, and returns what Slack answered', async () => {
    let seen: { path?: string; auth?: string; type?: string; form?: URLSearchParams } = {};
    answer = (req, body, res) => {
      seen = { path: req.url, auth: req.headers.authorization, type: req.headers['content-type'], form: new URLSearchParams(body) };
      json(res, 200, { ok: true, channel: 'D1', ts: '1.000001' }, { 'x-oauth-scopes': 'chat:write, im:history' });
    };
    const result = await client().chat.postMessage({ channel: 'D1', text: 'Hallo, 100% “zeker” ✓', blocks: [{ type: 'divider' }] });
    expect(result).toMatchObject({ ok: true, channel: 'D1', ts: '1.000001', response_metadata: { scopes: ['chat:write', 'im:history'] } });
    expect(seen.path).toBe('/api/chat.postMessage');
    expect(seen.auth).toBe('Bearer xoxb-test');
    expect(seen.type).toBe('application/x-www-form-urlencoded');
    expect(seen.form?.get('text')).toBe('Hallo, 100% “zeker” ✓');
    expect(JSON.parse(seen.form?.get('blocks') ?? 'null')).toEqual([{ type: 'divider' }]);
  });

  it('keeps the connection open between calls', async () => {
    answer = (_req, _body, res) => json(res, 200, { ok: true });
    const web = client();
    await web.chat.postMessage({ channel: 'D1', text: 'een' });
    const before = connections;
    for (let i = 0; i < 5; i++) await web.chat.postMessage({ channel: 'D1', text: `bericht ${i}` });
    expect(connections).toBe(before);
  });

  it("reports Slack's refusal, a rate limit with its Retry-After, and an HTTP error as the client's own errors", async () => {
    answer = (_req, _body, res) => json(res, 200, { ok: false, error: 'channel_not_found' });
    await expect(client().chat.postMessage({ channel: 'D9', text: 'x' })).rejects.toMatchObject({ code: ErrorCode.PlatformError, data: { error: 'channel_not_found' } });

    answer = (_req, _body, res) => json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '7' });
    await expect(client().chat.postMessage({ channel: 'D1', text: 'x' })).rejects.toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });

    answer = (_req, _body, res) => res.writeHead(503, { 'content-type': 'text/plain' }).end('even geduld');
    await expect(client().chat.postMessage({ channel: 'D1', text: 'x' })).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503, body: 'even geduld' });
  });

  it('follows no redirect and gives up after the timeout, as request errors', async () => {
    let redirected = 0;
    answer = (req, _body, res) => {
      if (req.url?.includes('elders')) redirected++;
      res.writeHead(302, { location: `${base}elders` }).end();
    };
    await expect(client().chat.postMessage({ channel: 'D1', text: 'x' })).rejects.toMatchObject({ code: ErrorCode.RequestError });
    expect(redirected).toBe(0);

    answer = () => undefined; // never answers
    const started = Date.now();
    await expect(client(300).chat.postMessage({ channel: 'D1', text: 'x' })).rejects.toMatchObject({ code: ErrorCode.RequestError });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
