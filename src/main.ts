import cluster, { type Worker } from 'node:cluster';
import { loadFiles, startApp, startupWarnings, type App } from './app.js';
import { ConfigError, loadConfig, type Config } from './config/env.js';
import { CardTemplateError } from './core/cards/render.js';
import { SchoolFileError } from './core/people/school.js';
import { DialogFileError } from './core/protocol/loader.js';
import { TranslationError } from './channels/parents/texts.js';
import type { LogFields, Logger } from './core/kernel/ports.js';
import { createLogger } from './log/logger.js';
import { openStore } from './store/open.js';

const STARTUP_ERRORS = [ConfigError, DialogFileError, SchoolFileError, CardTemplateError, TranslationError];

/** After the grace period, how long a stopping primary waits for its workers before it kills them. */
const STOP_MARGIN_MS = 3_000;

/** A worker that dies before it has started is replaced after this, doubling up to `REPLACE_MAX_MS` (a school file broken meanwhile). */
const REPLACE_MS = 1_000;
const REPLACE_MAX_MS = 30_000;

/**
 * Messages between the primary and its workers: the playground's demo clock, "started" (with what to
 * log), and "read the school file again" (the primary got SIGHUP).
 */
type WorkerMessage = { type: 'zorgpad.ready'; port: number; started: LogFields } | { type: 'zorgpad.clock'; offsetMs: number } | { type: 'zorgpad.reload' };

function isWorkerMessage(value: unknown): value is WorkerMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'zorgpad.ready' || type === 'zorgpad.clock' || type === 'zorgpad.reload';
}

/**
 * SIGHUP reads the school file (and its translations) again, as a change to the file does by itself.
 * Listened for from the first moment, so that a SIGHUP during start-up does not end the process (its
 * default); one that comes then is done once the app has started.
 */
function onReload(): { started(app: App): void; request(): void } {
  let app: App | undefined;
  let waiting = false;
  const request = () => {
    if (app) void app.reloadSchool();
    else waiting = true;
  };
  process.on('SIGHUP', request);
  return {
    started(started) {
      app = started;
      if (waiting) request();
    },
    request,
  };
}

/**
 * N identical worker processes on one port (`ZORGPAD_WORKERS`, default one per core; node:cluster
 * shares the port). Each receives, acknowledges and works; what one needs of another's work lives in
 * the store (the inbox, leases, pacing, limits). The primary only starts and replaces workers and
 * passes a stop on. Two Zorgpad instances on two machines over one MongoDB work the same way. With one
 * worker, Zorgpad runs in this process.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  if (cluster.isWorker) return runWorker(config, log);
  if (config.workers === 1) return runSingle(config, log);
  return runPrimary(config, log);
}

async function runSingle(config: Config, log: Logger): Promise<void> {
  const reload = onReload();
  const app = await startApp(config, log);
  reload.started(app);
  onStop(log, () => app.close());
  announce(config, app.port);
}

async function runWorker(config: Config, log: Logger): Promise<void> {
  let app: App | undefined;
  // The playground's demo clock moves for every worker (also one still starting), not only the one asked.
  let offsetMs: number | undefined;
  // The school file is watched here too; SIGHUP (to this worker, or passed on by the primary) reads it now.
  const reload = onReload();
  process.on('message', (message: unknown) => {
    if (!isWorkerMessage(message)) return;
    if (message.type === 'zorgpad.reload') return reload.request();
    if (message.type !== 'zorgpad.clock') return;
    offsetMs = message.offsetMs;
    app?.clock.follow(offsetMs);
  });
  // The primary says what concerns the whole start (warnings, "started"); this worker only works.
  const started = await startApp(config, log, undefined, { worker: true });
  app = started;
  reload.started(started);
  if (offsetMs !== undefined) started.clock.follow(offsetMs);
  started.clock.onAdvance = (offset) => process.send?.({ type: 'zorgpad.clock', offsetMs: offset } satisfies WorkerMessage);
  onStop(log, () => started.close());
  // The primary is gone (killed): nobody hands this worker connections any more, so it stops too.
  process.once('disconnect', () => process.emit('SIGTERM'));
  process.send?.({ type: 'zorgpad.ready', port: started.port, started: started.startedFields } satisfies WorkerMessage);
}

/**
 * Checks the files and prepares the store once (schema, development key), then starts the workers. A
 * worker that dies is replaced; a worker that fails before any has started stops the whole start-up.
 * What concerns the whole start is said here, once: the files' and the data key's warnings, and one
 * "started" line with the port the workers share (the public one, not a worker's).
 */
async function runPrimary(config: Config, log: Logger): Promise<void> {
  // SIGHUP (from the first moment: its default would end the process): every worker reads the school
  // file again, each keeping the version it has when the file is wrong. A worker still starting reads it anyway.
  process.on('SIGHUP', () => {
    const all = workers();
    log.info('school.reload-requested', { workers: all.length });
    for (const worker of all) {
      try {
        worker.send({ type: 'zorgpad.reload' } satisfies WorkerMessage);
      } catch {
        // a worker going away; its replacement reads the file when it starts
      }
    }
  });
  loadFiles(config, log);
  await (await openStore(config, log)).close();
  startupWarnings(config, log);
  let stopping = false;
  let ready = 0;
  let offsetMs = 0;
  // Workers that said they started; one that dies before is replaced later each time (its file may be broken).
  const started = new Set<number>();
  let replaceMs = REPLACE_MS;
  cluster.on('message', (from, message: unknown) => {
    if (!isWorkerMessage(message)) return;
    if (message.type === 'zorgpad.ready') {
      started.add(from.id);
      replaceMs = REPLACE_MS;
      // A started worker that moves the demo clock later is told where the others are first.
      if (offsetMs !== 0) from.send({ type: 'zorgpad.clock', offsetMs } satisfies WorkerMessage);
      if (++ready === config.workers) {
        // The port every worker listens on through the primary (PORT, or the one PORT=0 got).
        const port = config.port || message.port;
        log.info('started', { port, workers: config.workers, ...message.started });
        announce(config, port);
      }
    }
    if (message.type === 'zorgpad.clock') {
      offsetMs = message.offsetMs;
      for (const worker of workers()) if (worker !== from) worker.send(message);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (ready === 0) {
      // The worker said why on stderr; starting more would say it again.
      stopping = true;
      for (const other of workers()) other.kill();
      process.exit(1);
    }
    const delay = started.has(worker.id) ? REPLACE_MS : replaceMs;
    if (!started.has(worker.id)) replaceMs = Math.min(replaceMs * 2, REPLACE_MAX_MS);
    started.delete(worker.id);
    log.warn('worker.replaced', { code: code ?? -1, signal: signal ?? 'none', afterMs: delay });
    setTimeout(() => cluster.fork(), delay).unref();
  });
  for (let i = 0; i < config.workers; i++) cluster.fork();
  onStop(log, async () => {
    stopping = true;
    // Each worker finishes what it has in hand (within the grace) and gives the rest back to the inbox.
    await Promise.all(
      workers().map(
        (w) =>
          new Promise<void>((resolve) => {
            const kill = setTimeout(() => w.process.kill('SIGKILL'), config.stopGraceMs + STOP_MARGIN_MS);
            w.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
  });
}

function workers(): Worker[] {
  return Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
}

/**
 * SIGTERM or SIGINT (a deploy, Ctrl-C, `docker stop`, the whole process group), or the parent that
 * started us going away (`npm start` killed without passing the signal on): stop once, cleanly.
 */
function onStop(log: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log.info('stopping');
    await close().catch((error: unknown) => log.error('stopping.failed', { error: error instanceof Error ? error.name : 'unknown' }));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  if (!cluster.isWorker) {
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid !== parent) void stop();
    }, 1000);
    watch.unref();
  }
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
