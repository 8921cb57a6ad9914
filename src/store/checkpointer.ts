import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** How often the thread looks whether there is something to copy. */
const EVERY_MS = 200;
/**
 * The log size (pages of 4 KiB) at which the connection copies what is left of the log itself, as SQLite
 * does by default at 1,000. At a moderate rate the thread's copies complete between commits, the log
 * starts over by itself and never gets here, and no commit waits. Under steady writes a copy by the thread
 * is never complete (a commit lands while it runs), and only a complete copy lets the log start over:
 * here a commit of the connection copies what is left (at a later commit when the thread is copying at
 * that moment), mostly copied by the thread already, and the log starts over. Measured with steady writes
 * of 25,000 records a second: the log file stays under about 21 MB.
 */
const FALLBACK_PAGES = 4_000;
/** The log file is cut back to this size when it starts over (SQLite keeps it at its largest otherwise). */
const LOG_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * The thread: its own connection to the file, which copies the write-ahead log into the database file
 * (a passive checkpoint: it never waits for a writer or a reader, and none waits for it) whenever another
 * connection committed something since the last copy. Plain JavaScript, so it runs the same under tsx
 * and from the compiled build.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
let seen = -1;
const copy = () => {
  try {
    const version = db.pragma('data_version', { simple: true });
    if (version === seen) return;
    const [done] = db.pragma('wal_checkpoint(PASSIVE)');
    // Only a complete copy counts: what is left is copied at the next look, commit or not.
    if (done && done.busy === 0 && done.log === done.checkpointed) seen = version;
  } catch {
    // Busy or gone: the next look tries again; the connection copies the log itself past its fallback size.
  }
};
const timer = setInterval(copy, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  copy();
  db.close();
  parentPort.close();
});
`;

/**
 * Copies a WAL-mode database's log into its file on a thread of its own, so that no request waits for it.
 * SQLite does this by default inside the commit that makes the log pass 1,000 pages, with two fsyncs:
 * in the paced Slack turn of `npm run bench` that commit took 4-9 ms, which was most of its p99. The
 * connection `db` copies what is left itself from a larger log (FALLBACK_PAGES: under steady writes), and
 * from the usual size when the thread fails or cannot start. Returns the stop, which makes a last copy
 * and closes the thread's connection.
 */
export function checkpointInBackground(db: Database.Database, file: string): () => Promise<void> {
  db.pragma(`journal_size_limit = ${LOG_LIMIT_BYTES}`);
  let thread: Worker;
  try {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    thread = new Worker(THREAD, { eval: true, workerData: { driver, file, everyMs: EVERY_MS } });
  } catch {
    // No thread (a permission model without worker threads, say): SQLite copies the log itself, as by default.
    return async () => undefined;
  }
  db.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`);
  // A thread that keeps copying never keeps the process alive.
  thread.unref();
  const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  thread.once('error', () => {
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  });
  return async () => {
    thread.postMessage('stop');
    const late = setTimeout(() => void thread.terminate(), 2_000);
    await exited;
    clearTimeout(late);
  };
}
