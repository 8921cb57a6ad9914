import { createServer, request, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddressOf, parseTrustProxy } from '../../src/http/client-address.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { FILLED } from '../helpers/parents.js';

describe('the client address behind proxies', () => {
  it('reads X-Forwarded-For only from a trusted peer, walking back past trusted proxies', () => {
    expect(clientAddressOf('127.0.0.1', '203.0.113.9', null)).toBe('127.0.0.1');
    expect(clientAddressOf('127.0.0.1', '198.51.100.1, 203.0.113.9', { hops: 1 })).toBe('203.0.113.9');
    expect(clientAddressOf('127.0.0.1', '198.51.100.1, 203.0.113.9', { hops: 2 })).toBe('198.51.100.1');
    expect(clientAddressOf('127.0.0.1', '203.0.113.9', { hops: 5 })).toBe('203.0.113.9');
    expect(clientAddressOf('::ffff:10.0.0.2', 'spoofed, 203.0.113.9, 10.0.0.1', { addresses: ['10.0.0.1', '10.0.0.2'] })).toBe('203.0.113.9');
    // A peer that is not a trusted proxy: what it writes is not believed.
    expect(clientAddressOf('198.51.100.7', '203.0.113.9', { addresses: ['10.0.0.1'] })).toBe('198.51.100.7');
    // A port some proxies add is not an address of its own; an entry that is no address is never the client.
    expect(clientAddressOf('127.0.0.1', '6.6.6.6, 203.0.113.9:5123', { hops: 1 })).toBe('203.0.113.9');
    expect(clientAddressOf('127.0.0.1', '6.6.6.6, [2001:db8::1]:443', { hops: 1 })).toBe('2001:db8::1');
    expect(clientAddressOf('127.0.0.1', '6.6.6.6, unknown', { hops: 1 })).toBe('127.0.0.1');
    expect(clientAddressOf('10.0.0.1', '6.6.6.6, unknown', { addresses: ['10.0.0.1'] })).toBe('10.0.0.1');
    expect(parseTrustProxy('1')).toEqual({ hops: 1 });
    expect(parseTrustProxy('10.0.0.1, ::1')).toEqual({ addresses: ['10.0.0.1', '::1'] });
    expect(parseTrustProxy('nginx')).toBe('invalid');
  });
});

/**
 * Zorgpad behind a reverse proxy as nginx is set up by default: it connects from its own address
 * (127.0.0.2 here), passes its upstream's name as Host and appends the client's address to
 * X-Forwarded-For. The test's clients all sit on loopback, so each says which public address it
 * stands for (`x-test-client`), and the proxy forwards that as the client.
 */
describe('the parents\' pages behind a reverse proxy (ZORGPAD_TRUST_PROXY)', () => {
  let bot: TestApp;
  let proxy: Server;
  let proxyBase = '';
  const PUBLIC = 'zorgpad.example.nl';

  beforeAll(async () => {
    bot = await startTestApp({ ZORGPAD_TRUST_PROXY: '127.0.0.2', ZORGPAD_PUBLIC_HOST: PUBLIC });
    const upstream = new URL(bot.base);
    proxy = createServer((req, res) => {
      const client = String(req.headers['x-test-client'] ?? req.socket.remoteAddress);
      const forwarded = req.headers['x-forwarded-for'] ? `${String(req.headers['x-forwarded-for'])}, ${client}` : client;
      const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: upstream.host, 'x-forwarded-for': forwarded };
      delete headers['x-test-client'];
      const out = request({ host: upstream.hostname, port: upstream.port, localAddress: '127.0.0.2', method: req.method, path: req.url, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.writeHead(502).end());
      req.pipe(out);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyBase = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => proxy.close(resolve));
    await bot.stop();
  });

  const formGet = (base: string, headers: Record<string, string>) => fetch(`${base}/ouders/formulier?t=onbekend`, { headers }).then((r) => r.status);

  it('gives two parents behind the proxy a limit each', async () => {
    const first: number[] = [];
    for (let i = 0; i < 31; i++) first.push(await formGet(proxyBase, { 'x-test-client': '203.0.113.10' }));
    expect(first.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(first[30]).toBe(429);
    expect(await formGet(proxyBase, { 'x-test-client': '203.0.113.20' })).toBe(404);
  });

  it('ignores X-Forwarded-For from a peer that is not the trusted proxy', async () => {
    const statuses: number[] = [];
    // Straight to Zorgpad from 127.0.0.1, each request claiming to be someone else.
    for (let i = 0; i < 31; i++) statuses.push(await formGet(bot.base, { 'x-forwarded-for': `198.51.100.${i + 1}` }));
    expect(statuses[30]).toBe(429);
  });

  it('accepts a form posted from the public host\'s page though the proxy rewrote Host, and refuses another site', async () => {
    await bot.say('m.devries', 'formulier voor ouders');
    const reply = await bot.say('m.devries', 'L1002');
    const url = new URL(/https:\/\/\S+\/ouders\/formulier\?t=[A-Za-z0-9_-]+/.exec(reply.texts.join('\n'))![0]);
    expect(url.host).toBe(PUBLIC);
    const parent = { 'x-test-client': '203.0.113.30' };
    const page = await fetch(`${proxyBase}${url.pathname}${url.search}`, { headers: parent });
    const html = await page.text();
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
    const fields = { t: /name="t" value="([^"]+)"/.exec(html)![1]!, csrf: /name="csrf" value="([^"]+)"/.exec(html)![1]!, ...FILLED };
    const post = (origin: string) =>
      fetch(`${proxyBase}/ouders/formulier`, {
        method: 'POST',
        headers: { ...parent, 'content-type': 'application/x-www-form-urlencoded', cookie, origin },
        body: new URLSearchParams(fields).toString(),
      });
    expect((await post('https://evil.example')).status).toBe(403);
    const sent = await post(`https://${PUBLIC}`);
    expect(sent.status).toBe(200);
    expect(await sent.text()).toMatch(/Dank u wel/);
  });
});
