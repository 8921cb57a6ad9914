import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config/env.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { FakeConnector } from '../helpers/fake-connector.js';
import { cardAction } from '../helpers/teams.js';

/**
 * Inbound Bot Framework tokens, checked by botbuilder against signing keys that a local OpenID
 * endpoint publishes (as botbuilder's own CloudAdapter tests do), so no request leaves the machine.
 */
describe('Teams channel authentication', () => {
  const appId = randomUUID();
  const kid = 'test-key-1';
  const issuer = 'https://api.botframework.com';
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  let openId: Server;
  let connector: FakeConnector;
  let bot: TestApp;

  beforeAll(async () => {
    openId = createServer((req, res) => {
      const base = `http://127.0.0.1:${(openId.address() as { port: number }).port}`;
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openidconfiguration') res.end(JSON.stringify({ issuer, jwks_uri: `${base}/keys` }));
      else if (req.url === '/keys') res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', endorsements: ['msteams'] }] }));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => openId.listen(0, '127.0.0.1', resolve));
    connector = await new FakeConnector().start();
    bot = await startTestApp({
      MicrosoftAppId: appId,
      MicrosoftAppPassword: 'not-used-in-these-tests',
      TEAMS_OPENID_METADATA_URL: `http://127.0.0.1:${(openId.address() as { port: number }).port}/.well-known/openidconfiguration`,
      ZORGPAD_PLAYGROUND: 'false',
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector?.stop();
    await new Promise<void>((resolve) => openId.close(() => resolve()));
  });

  /** A vote on an unknown request: answered in the invoke response, nothing sent outward. */
  const invoke = () => cardAction(connector.url, 'a.jansen', '19:demo-kernteam@thread.tacv2', 'zorgpad.vote', { zorgpad: { vote: 'approve', requestId: 'unknown' }, motivation: 'Prima.' });

  function token(key: KeyObject, claims: Record<string, unknown> = {}, expiresIn: number = 300): string {
    return jwt.sign({ serviceurl: connector.url, ...claims }, key.export({ format: 'pem', type: 'pkcs1' }) as string, {
      algorithm: 'RS256',
      keyid: kid,
      issuer,
      audience: appId,
      expiresIn,
    });
  }

  async function post(authorization?: string): Promise<Response> {
    return fetch(`${bot.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(invoke()),
    });
  }

  it('accepts a request signed by a published key for this bot', async () => {
    const res = await post(`Bearer ${token(privateKey)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
  });

  it('rejects a request without a token', async () => {
    expect((await post()).status).toBe(401);
  });

  it('rejects an expired token', async () => {
    // Ten minutes past expiry: beyond botbuilder's five minutes of clock tolerance.
    expect((await post(`Bearer ${token(privateKey, {}, -600)}`)).status).toBe(401);
  });

  it('rejects a token signed with a key that was not published', async () => {
    expect((await post(`Bearer ${token(stranger)}`)).status).toBe(401);
  });

  it('rejects a token meant for another bot', async () => {
    const other = jwt.sign({ serviceurl: connector.url }, privateKey.export({ format: 'pem', type: 'pkcs1' }) as string, {
      algorithm: 'RS256', keyid: kid, issuer, audience: randomUUID(), expiresIn: 300,
    });
    expect((await post(`Bearer ${other}`)).status).toBe(401);
  });

  it('keeps refused tokens off the console: botbuilder prints nothing (no stack trace, no key) for a bad signature or an expired token', async () => {
    const printed = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'log')].map((spy) => spy.mockImplementation(() => undefined));
    try {
      expect((await post(`Bearer ${token(stranger)}`)).status).toBe(401);
      expect((await post(`Bearer ${token(privateKey, {}, -600)}`)).status).toBe(401);
      expect(printed.flatMap((spy) => spy.mock.calls)).toEqual([]);
      // A good token still passes the first look.
      expect((await post(`Bearer ${token(privateKey)}`)).status).toBe(200);
    } finally {
      for (const spy of printed) spy.mockRestore();
    }
  });

  it('rejects a token whose serviceUrl claim is not the activity\'s', async () => {
    expect((await post(`Bearer ${token(privateKey, { serviceurl: 'http://127.0.0.1:1/' })}`)).status).toBe(401);
  });
});

describe('Teams channel configuration', () => {
  it('is off without credentials, and never silently unauthenticated', () => {
    expect(parseConfig({}).teams).toEqual({ mode: 'off' });
    expect(parseConfig({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' }).teams).toEqual({ mode: 'unauthenticated' });
  });

  it('refuses the unauthenticated switch and test key endpoints in production', () => {
    expect(() => parseConfig({ NODE_ENV: 'production', TEAMS_ALLOW_UNAUTHENTICATED: 'true' })).toThrow(
      'Configuration error: TEAMS_ALLOW_UNAUTHENTICATED: not allowed when NODE_ENV=production',
    );
    expect(() => parseConfig({ NODE_ENV: 'production', MicrosoftAppId: randomUUID(), MicrosoftAppPassword: 'x', TEAMS_OPENID_METADATA_URL: 'http://127.0.0.1/x' })).toThrow(
      /TEAMS_OPENID_METADATA_URL: only for development and tests/,
    );
  });

  it('asks for the client secret and, for single-tenant bots, the tenant', () => {
    expect(() => parseConfig({ MicrosoftAppId: randomUUID() })).toThrow(/^Configuration error: MicrosoftAppPassword: /);
    expect(() => parseConfig({ MicrosoftAppId: randomUUID(), MicrosoftAppPassword: 'x', MicrosoftAppType: 'SingleTenant' })).toThrow(
      /^Configuration error: MicrosoftAppTenantId: /,
    );
    expect(() => parseConfig({ MicrosoftAppId: 'not-a-guid' })).toThrow(/^Configuration error: MicrosoftAppId: expected the bot's Microsoft app id/);
  });
});
