import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type App, type StartOptions } from '../../src/app.js';
import { parseConfig } from '../../src/config/env.js';
import type { OutboundMessage } from '../../src/core/app/assistant.js';
import type { AdaptiveCardJson } from '../../src/core/cards/render.js';
import { createLogger } from '../../src/log/logger.js';
import type { Clock, Logger } from '../../src/core/kernel/ports.js';

export interface TestApp {
  app: App;
  base: string;
  dataDir: string;
  /** Sends typed text as a persona through the playground's HTTP API. */
  say(persona: string, text: string, opts?: { deliveryId?: string; locale?: 'nl' | 'en' }): Promise<PlaygroundReply>;
  /** Sends card data as a persona, as the rendered card's button would. */
  click(persona: string, card: unknown): Promise<PlaygroundReply>;
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface PlaygroundReply {
  messages: OutboundMessage[];
  duplicate: boolean;
  /** For card actions: the card that replaces the clicked one. */
  card?: AdaptiveCardJson;
  /** The question answered or closed, settled without buttons: the page puts it in the clicked card's (typed: the last question's) place. */
  settled?: AdaptiveCardJson;
  /** All message texts, for easy assertions. */
  texts: string[];
}

export type TestStore = 'sqlite' | 'mongodb';

/** The stores the app-level scenarios run on: SQLite always, MongoDB when MONGODB_URI is set. */
export function testStores(): TestStore[] {
  return process.env.MONGODB_URI ? ['sqlite', 'mongodb'] : ['sqlite'];
}

/**
 * Starts the whole bot on a free loopback port with a fresh store: a SQLite file in a temporary
 * directory, or a fresh database on MONGODB_URI.
 */
export async function startTestApp(env: Record<string, string> = {}, store: TestStore = 'sqlite', clock?: Clock, options: StartOptions & { log?: Logger } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zorgpad-app-'));
  const mongo = store === 'mongodb' ? { MONGODB_URI: process.env.MONGODB_URI!, MONGODB_DB: `zorgpad_app_${randomUUID().slice(0, 8)}` } : {};
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', ZORGPAD_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...mongo, ...env });
  // Silent, unless the test reads what is logged.
  const log = options.log ?? createLogger('silent');
  let app = await startApp(config, log, clock, options);
  const test: TestApp = {
    get app() {
      return app;
    },
    get base() {
      return `http://127.0.0.1:${app.port}`;
    },
    dataDir,
    post(body, headers = {}) {
      return fetch(`${test.base}/playground/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    async say(persona, text, opts = {}) {
      return toReply(
        await test.post({ personaId: persona, locale: opts.locale ?? 'nl', deliveryId: opts.deliveryId ?? randomUUID(), text }),
      );
    },
    async click(persona, card) {
      return toReply(await test.post({ personaId: persona, locale: 'nl', deliveryId: randomUUID(), card }));
    },
    async restart() {
      await app.close();
      app = await startApp(config, log, clock, options);
    },
    async stop() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (config.store.kind === 'mongodb') {
        const client = await MongoClient.connect(config.store.uri);
        await client.db(config.store.dbName).dropDatabase();
        await client.close();
      }
    },
  };
  return test;
}

/**
 * Waits until the app has finished everything the requests so far set going: the turn behind an
 * acknowledgement, and the delivery round or job that work woke. `idle()`, then once more after the
 * timers due now have fired (the work loop starts a pass it was woken for on a zero-delay timer), until a
 * timer turn passes with nothing running. A test that checks that something did NOT happen checks after
 * this, not after a guessed time. Throws when the app is still busy after `limitMs`.
 */
export async function quiet(app: App, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (let calm = 0; calm < 2; ) {
    if (!(await app.idle(Math.max(0, deadline - Date.now())))) throw new Error(`the app is still busy after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
    calm = (await app.idle(0)) ? calm + 1 : 0;
  }
}

async function toReply(res: Response): Promise<PlaygroundReply> {
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { messages: OutboundMessage[]; duplicate: boolean; card?: AdaptiveCardJson };
  return { ...body, texts: body.messages.map((m) => m.text) };
}

/** The data a card's button with this title sends back (as the renderer would, without inputs). */
export function buttonData(message: OutboundMessage | undefined, title: string): unknown {
  const actions = (message?.card?.actions ?? []) as Array<{ title: string; data: unknown }>;
  const action = actions.find((a) => a.title === title);
  if (!action) throw new Error(`no button "${title}" in ${JSON.stringify(message?.card)}`);
  return action.data;
}
