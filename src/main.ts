import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { setPriority } from 'node:os';
import { Front } from './http/front.js';
import { translator } from './core/i18n/index.js';
import { loadFiles, startApp, type App } from './app.js';
import { ConfigError, loadConfig, type Config } from './config/env.js';
import { CardTemplateError } from './core/cards/render.js';
import { SchoolFileError } from './core/people/school.js';
import { DialogFileError } from './core/protocol/loader.js';
import { TranslationError } from './channels/parents/texts.js';
import type { Logger } from './core/ports.js';
import { createLogger } from './log/logger.js';
import { openStore } from './store/open.js';

/** How much lower the workers' scheduling priority is than the front's (nice value). */
const WORKER_NICENESS = 5;

const STARTUP_ERRORS = [ConfigError, DialogFileError, SchoolFileError, CardTemplateError, TranslationError];

/** Messages between the primary and its workers. */
type WorkerMessage =
  | { type: 'zorgpad.hello' }
  | { type: 'zorgpad.front'; token: string; port: number }
  | { type: 'zorgpad.ready'; port: number }
  | { type: 'zorgpad.clock'; offsetMs: number };

function isWorkerMessage(value: unknown): value is WorkerMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'zorgpad.hello' || type === 'zorgpad.front' || type === 'zorgpad.ready' || type === 'zorgpad.clock';
}

/**
 * One worker process per core (`ZORGPAD_WORKERS`) behind one port. The primary process is the HTTP
 * front (http/front.ts): it takes every request, acknowledges Slack's events itself and hands the
 * work to the least busy worker, so that an acknowledgement never waits behind anyone's turn. The
 * workers share the store and nothing else; what must hold across them (delivery leases, pacing per
 * conversation, the parents' form limit, letter downloads, idempotency) lives in the store. With one
 * worker, Zorgpad runs in this process, without a front.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  if (cluster.isWorker) return runWorker(config, log);
  if (config.workers === 1) return runSingle(config, log);
  return runPrimary(config, log);
}

async function runSingle(config: Config, log: Logger): Promise<void> {
  const app = await startApp(config, log);
  onStop(log, () => app.close());
  announce(config, app.port);
}

async function runWorker(config: Config, log: Logger): Promise<void> {
  let app: App | undefined;
  // The playground's demo clock moves for every worker (also one still starting), not only the one asked.
  let offsetMs: number | undefined;
  let frontGiven: (front: { token: string; port: number }) => void = () => undefined;
  const front = new Promise<{ token: string; port: number }>((resolve) => (frontGiven = resolve));
  process.on('message', (message: unknown) => {
    if (!isWorkerMessage(message)) return;
    if (message.type === 'zorgpad.front') frontGiven({ token: message.token, port: message.port });
    if (message.type === 'zorgpad.clock') {
      offsetMs = message.offsetMs;
      app?.clock.follow(offsetMs);
    }
  });
  // The front says where it listens and how it signs what it forwards, before anything else.
  process.send?.({ type: 'zorgpad.hello' } satisfies WorkerMessage);
  const started = await startApp(config, log, undefined, { front: await front });
  app = started;
  if (offsetMs !== undefined) started.clock.follow(offsetMs);
  started.clock.onAdvance = (offset) => process.send?.({ type: 'zorgpad.clock', offsetMs: offset } satisfies WorkerMessage);
  onStop(log, () => started.close());
  process.send?.({ type: 'zorgpad.ready', port: started.port } satisfies WorkerMessage);
}

/**
 * Checks the files and prepares the store once (schema, development key), then starts the workers. A
 * worker that dies is replaced; a worker that fails before any has started stops the whole start-up.
 */
async function runPrimary(config: Config, log: Logger): Promise<void> {
  const { directory } = loadFiles(config, log);
  await (await openStore(config, log)).close();
  const token = randomBytes(24).toString('base64url');
  const slack = config.slack.mode === 'on' ? config.slack : null;
  const front = new Front({
    token,
    slackSigningSecret: slack?.signingSecret,
    busy: slack ? { apiUrl: slack.apiUrl, botToken: slack.botToken, text: translator(directory.school.locale)('slack.busy') } : undefined,
    log,
  });
  const port = await front.listen(config.port, config.host);
  let stopping = false;
  let started = false;
  let offsetMs = 0;
  const fork = (): Worker => {
    const worker = cluster.fork();
    // Turns yield the CPU to the front: an acknowledgement never waits while a worker computes a turn
    // (a process may always lower its children's priority; where the system says no, nothing changes).
    worker.once('online', () => {
      try {
        if (worker.process.pid) setPriority(worker.process.pid, WORKER_NICENESS);
      } catch {
        log.warn('workers.priority-unchanged', {});
      }
    });
    return worker;
  };
  cluster.on('message', (from, message: unknown) => {
    if (!isWorkerMessage(message)) return;
    if (message.type === 'zorgpad.hello') {
      from.send({ type: 'zorgpad.front', token, port } satisfies WorkerMessage);
      // A worker started after the demo clock moved starts where the others are.
      if (offsetMs !== 0) from.send({ type: 'zorgpad.clock', offsetMs } satisfies WorkerMessage);
    }
    if (message.type === 'zorgpad.ready') {
      front.addWorker(from.id, message.port);
      if (!started) {
        started = true;
        log.info('workers.started', { workers: config.workers, port });
        announce(config, port);
      }
    }
    if (message.type === 'zorgpad.clock') {
      offsetMs = message.offsetMs;
      for (const worker of Object.values(cluster.workers ?? {})) if (worker && worker !== from) worker.send(message);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    front.removeWorker(worker.id);
    if (stopping) return;
    if (!started) {
      // The worker said why on stderr; starting more would say it again.
      stopping = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.kill();
      void front.close().finally(() => process.exit(1));
      return;
    }
    log.warn('worker.replaced', { code: code ?? -1, signal: signal ?? 'none' });
    setTimeout(fork, 1000).unref();
  });
  for (let i = 0; i < config.workers; i++) fork();
  onStop(log, async () => {
    stopping = true;
    // The workers are stopped only once every acknowledged event has reached one and been answered.
    if (!(await front.drain(config.stopGraceMs))) log.warn('stopping.unfinished', { running: front.inHand });
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.kill('SIGTERM');
    })));
    await front.close();
  });
}

function onStop(log: Logger, close: () => Promise<void>): void {
  const stop = async () => {
    log.info('stopping');
    await close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

function announce(config: Config, port: number): void {
  if (config.playground) process.stdout.write(`Zorgpad playground: http://localhost:${port}/playground\n`);
}

main().catch((error: unknown) => {
  // A configuration or file problem: one clear line, no stack trace.
  if (STARTUP_ERRORS.some((E) => error instanceof E)) {
    process.stderr.write(`zorgpad: ${(error as Error).message}\n`);
  } else {
    process.stderr.write(`zorgpad: start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
