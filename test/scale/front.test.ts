import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Front } from '../../src/http/front.js';
import { CLIENT_ADDRESS_HEADER, FRONT_TOKEN_HEADER } from '../../src/http/headers.js';
import { createLogger } from '../../src/log/logger.js';
import { FakeSlack, slackHeaders } from '../helpers/fake-slack.js';

const SECRET = 'test-signing-secret-0123456789';

/** A stand-in worker that answers each request after `delayMs`, and remembers what it got. */
async function slowWorker(delayMs: number) {
  const got: Array<{ path: string; headers: IncomingHttpHeaders; body: string; answeredAt?: number }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const entry: (typeof got)[number] = { path: req.url ?? '', headers: req.headers, body };
      got.push(entry);
      setTimeout(() => {
        entry.answeredAt = Date.now();
        res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': 'a=b' }).end(JSON.stringify({ from: 'worker' }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { got, port: (server.address() as { port: number }).port, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('the HTTP front of a multi-worker Zorgpad', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  async function setUp(delayMs: number) {
    const worker = await slowWorker(delayMs);
    const front = new Front({ token: 'tok', slackSigningSecret: SECRET, log: createLogger('silent') });
    front.addWorker(1, worker.port);
    const port = await front.listen(0, '127.0.0.1');
    stops.push(() => front.close(), worker.stop);
    return { worker, base: `http://127.0.0.1:${port}` };
  }

  const event = () => JSON.stringify({ type: 'event_callback', team_id: 'TDEMO', event_id: `Ev${randomUUID()}`, event: { type: 'message', user: 'UDEMO0001', channel: 'DDEMO0001', channel_type: 'im', text: 'help' } });

  it('acknowledges a signed Slack event before the worker has answered, and hands it to the worker with its token and the client address', async () => {
    const { worker, base } = await setUp(1500);
    const body = event();
    const res = await fetch(`${base}/slack/events`, { method: 'POST', headers: { ...slackHeaders(SECRET, body, 'application/json'), [CLIENT_ADDRESS_HEADER]: '203.0.113.9' }, body });
    const ackedAt = Date.now();
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await expect.poll(() => worker.got.length).toBe(1);
    expect(worker.got[0]!.answeredAt).toBeUndefined();
    expect(worker.got[0]!.body).toBe(body);
    expect(worker.got[0]!.headers[FRONT_TOKEN_HEADER]).toBe('tok');
    // What a client claims as its address is replaced by the real one.
    expect(worker.got[0]!.headers[CLIENT_ADDRESS_HEADER]).toBe('127.0.0.1');
    await expect.poll(() => worker.got[0]!.answeredAt, { timeout: 3000 }).toBeGreaterThan(ackedAt);
  });

  it('leaves everything else to the worker: a bad signature, interactivity, Teams, the parents\' pages', async () => {
    const { worker, base } = await setUp(50);
    const body = event();
    const forged = await fetch(`${base}/slack/events`, { method: 'POST', headers: slackHeaders('another-secret-123456', body, 'application/json'), body });
    expect(forged.status).toBe(201);
    const form = new URLSearchParams({ payload: JSON.stringify({ type: 'view_submission' }) }).toString();
    const interaction = await fetch(`${base}/slack/events`, { method: 'POST', headers: slackHeaders(SECRET, form, 'application/x-www-form-urlencoded'), body: form });
    expect(interaction.status).toBe(201);
    expect(await interaction.json()).toEqual({ from: 'worker' });
    const teams = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(teams.status).toBe(201);
    const page = await fetch(`${base}/ouders/formulier?t=x`);
    expect(page.status).toBe(201);
    expect(page.headers.get('set-cookie')).toBe('a=b');
    expect(worker.got.map((g) => g.path)).toEqual(['/slack/events', '/slack/events', '/api/messages', '/ouders/formulier?t=x']);
  });

  it('when its queue is full, acknowledges the event and tells the person in their DM to send it again, instead of handing it on', async () => {
    const worker = await slowWorker(10);
    const slack = await new FakeSlack().start();
    const front = new Front({ token: 'tok', slackSigningSecret: SECRET, maxWaiting: 0, busy: { apiUrl: slack.url, botToken: 'xoxb-test', text: 'Het is erg druk.' }, log: createLogger('silent') });
    front.addWorker(1, worker.port);
    const port = await front.listen(0, '127.0.0.1');
    stops.push(() => front.close(), worker.stop, () => slack.stop());
    const body = event();
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers: slackHeaders(SECRET, body, 'application/json'), body });
    expect(res.status).toBe(200);
    const told = await slack.until((calls) => calls.find((c) => c.method === 'chat.postMessage'));
    expect(told.args).toMatchObject({ channel: 'DDEMO0001', text: 'Het is erg druk.' });
    expect(worker.got).toHaveLength(0);
  });

  it('keeps an acknowledged Slack event when no worker is there for a moment, and hands it on when one is', async () => {
    const worker = await slowWorker(10);
    const front = new Front({ token: 'tok', slackSigningSecret: SECRET, log: createLogger('silent') });
    const port = await front.listen(0, '127.0.0.1');
    stops.push(() => front.close(), worker.stop);
    const body = event();
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers: slackHeaders(SECRET, body, 'application/json'), body });
    expect(res.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    front.addWorker(1, worker.port);
    await expect.poll(() => worker.got.map((g) => g.body), { timeout: 5000 }).toEqual([body]);
  });

  it('answers 503 when no worker is there (starting or restarting)', async () => {
    const front = new Front({ token: 'tok', slackSigningSecret: SECRET, log: createLogger('silent') });
    const port = await front.listen(0, '127.0.0.1');
    stops.push(() => front.close());
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
  });
});
