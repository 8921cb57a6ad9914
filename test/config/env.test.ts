import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/env.js';

describe('configuration', () => {
  it('defaults to the embedded store under ./data, port 3978 and the playground on', () => {
    expect(parseConfig({})).toMatchObject({
      port: 3978,
      store: { kind: 'sqlite', dataDir: './data' },
      playground: true,
    });
  });

  it('uses MongoDB when MONGODB_URI is set', () => {
    expect(parseConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27017', MONGODB_DB: 'school' }).store).toEqual({
      kind: 'mongodb',
      uri: 'mongodb://127.0.0.1:27017',
      dbName: 'school',
      writeClaims: 'auto',
    });
    expect(parseConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27017', ZORGPAD_MONGODB_WRITE_CLAIMS: 'off' }).store).toMatchObject({ writeClaims: 'off' });
    expect(() => parseConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27017', ZORGPAD_MONGODB_WRITE_CLAIMS: 'sometimes' })).toThrow(/ZORGPAD_MONGODB_WRITE_CLAIMS: expected auto, on or off/);
  });

  // 32 random-looking bytes (a fixed value, so the test is repeatable).
  const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 73 + 41) % 256)).toString('base64');

  it('turns the playground off in production unless it is switched on explicitly', () => {
    expect(parseConfig({ NODE_ENV: 'production', ZORGPAD_DATA_KEY: KEY }).playground).toBe(false);
    // Switched on in production it is refused, unless the loudly named second variable says so too.
    expect(() => parseConfig({ NODE_ENV: 'production', ZORGPAD_DATA_KEY: KEY, ZORGPAD_PLAYGROUND: 'true' })).toThrow(
      /^Configuration error: ZORGPAD_PLAYGROUND: not allowed when NODE_ENV=production/,
    );
    expect(
      parseConfig({ NODE_ENV: 'production', ZORGPAD_DATA_KEY: KEY, ZORGPAD_PLAYGROUND: 'true', ZORGPAD_PLAYGROUND_IN_PRODUCTION_ANYONE_CAN_ACT_AS_ANYONE: 'true' }).playground,
    ).toBe(true);
    expect(parseConfig({ ZORGPAD_PLAYGROUND: 'false' }).playground).toBe(false);
  });

  it('refuses to start in production without a data key, and refuses a key of the wrong length', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(
      'Configuration error: ZORGPAD_DATA_KEY: expected 32 bytes, base64-encoded, in production (not set)',
    );
    expect(() => parseConfig({ ZORGPAD_DATA_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/^Configuration error: ZORGPAD_DATA_KEY: expected 32 bytes/);
    // Weak keys: all zeros, one repeated byte, a few values over and over.
    for (const weak of [Buffer.alloc(32), Buffer.alloc(32, 7), Buffer.from(Array.from({ length: 32 }, (_, i) => i % 4))]) {
      expect(() => parseConfig({ ZORGPAD_DATA_KEY: weak.toString('base64') })).toThrow(/^Configuration error: ZORGPAD_DATA_KEY: expected 32 random bytes/);
    }
  });

  it('keeps Slack off without credentials, on with both, and refuses half a pair', () => {
    expect(parseConfig({}).slack).toEqual({ mode: 'off' });
    expect(parseConfig({ SLACK_SIGNING_SECRET: 'secret-123456', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_API_URL: 'http://127.0.0.1:9/api' }).slack).toEqual({
      mode: 'on',
      signingSecret: 'secret-123456',
      botToken: 'xoxb-1',
      apiUrl: 'http://127.0.0.1:9/api/',
    });
    expect(() => parseConfig({ SLACK_SIGNING_SECRET: 'secret-123456' })).toThrow(
      'Configuration error: SLACK_BOT_TOKEN: expected both SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN for Slack (not set)',
    );
    expect(() => parseConfig({ SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_SIGNING_SECRET: 'secret-123456' })).toThrow(/SLACK_BOT_TOKEN: expected a bot token starting with xoxb-/);
  });

  it.each([
    [{ PORT: 'abc' }, 'Configuration error: PORT: expected a port number (got "abc")'],
    [{ PORT: '70000' }, 'Configuration error: PORT: expected a port number from 0 to 65535 (got "70000")'],
    [{ MONGODB_URI: 'postgres://x' }, 'Configuration error: MONGODB_URI: expected a mongodb:// or mongodb+srv:// connection string (got "postgres://x")'],
    [{ NODE_ENV: 'staging' }, 'Configuration error: NODE_ENV: expected development, production or test (got "staging")'],
    [{ ZORGPAD_PLAYGROUND: 'yes' }, 'Configuration error: ZORGPAD_PLAYGROUND: expected true or false (got "yes")'],
  ])('stops with one line naming the variable for %o', (env, message) => {
    expect(() => parseConfig(env)).toThrow(message);
  });
});
