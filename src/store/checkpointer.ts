import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** How often the thread looks whether there is something to copy. */
const EVERY_MS = 200;
/**
 * The log size (pages of 4 KiB) at which the connection copies it itself after all, as SQLite does by
 * default at 1,000: only when the thread is not there or cannot keep up.
 */
const FALLBACK_PAGES = 10_000;

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
    db.pragma('wal_checkpoint(PASSIVE)');
    seen = version;
  } catch {
    // Busy or gone: the next look tries again; the main connection copies it itself past its fallback size.
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
 * connection `db` keeps copying itself as a fallback, from a much larger log (FALLBACK_PAGES), and again
 * from the usual size when the thread fails. Returns the stop, which makes a last copy and closes the
 * thread's connection.
 */
export function checkpointInBackground(db: Database.Database, file: string): () => Promise<void> {
  db.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const thread = new Worker(THREAD, { eval: true, workerData: { driver, file, everyMs: EVERY_MS } });
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
