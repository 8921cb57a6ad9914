import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { freePort } from './net.js';

/** One HTTP request on a connection of its own, so that the front hands it to the next worker. */
export function call(port: number, method: string, path: string, body = '', headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    // As Slack does: no answer within a few seconds is no answer.
    req.setTimeout(5_000, () => req.destroy(new Error('no answer within 5 s')));
    req.end(body);
  });
}

export interface ZorgpadProcess {
  port: number;
  child: ChildProcess;
  /** What it printed so far: log lines on stdout, warnings and errors on stderr. */
  out: { text: string; errors: string };
  /** Its exit code, once it has exited. */
  exited: Promise<number | null>;
}

export interface StartOptions {
  /** The port (default: a free one). */
  port?: number;
  /** Its own process group (as a service manager or a terminal starts it), so that the group can be signalled. */
  detached?: boolean;
  /** Through `npm start`, as the README says, instead of node itself. */
  npm?: boolean;
}

/**
 * `npm start` (src/main.ts) in a child process with `workers` worker processes on a free loopback
 * port, logging at info; resolves once every worker has started.
 */
export async function startZorgpad(workers: number, env: Record<string, string>, options: StartOptions = {}): Promise<ZorgpadProcess> {
  const port = options.port ?? (await freePort());
  const [command, args] = options.npm ? ['npm', ['start', '--silent']] : [process.execPath, ['--import', 'tsx', 'src/main.ts']];
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ZORGPAD_WORKERS: String(workers), PORT: String(port), LOG_LEVEL: 'info', ...env },
    detached: options.detached ?? false,
  });
  const out = { text: '', errors: '' };
  child.stdout!.on('data', (d: Buffer) => (out.text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.errors += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = Date.now();
  // One "started" line, once every worker has started (the primary's, with more than one worker).
  while (!out.text.includes('"event":"started"') || !out.text.includes('/playground')) {
    if (Date.now() - started > 40_000 || child.exitCode !== null) throw new Error(`Zorgpad did not start: ${out.text.slice(-500)}${out.errors.slice(-500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, child, out, exited };
}

/** Signals the whole process group of a child started with `detached` (as Ctrl-C or systemd do). */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  process.kill(-child.pid!, signal);
}

/** The process ids of a process and all its descendants (from /proc). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!) ?? []));
  return out;
}

/** Whether a process still runs (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Waits until the processes sharing the SQLite store in `dataDir` have nothing left in hand that would
 * post a message: no inbox entry still open (a platform request acknowledged whose turn has not yet run
 * to its end, in whichever process, also one left to a lease that has to run out first), no message
 * still pending in the outbox for the staff in `outboxFor` ('everyone': for anyone), and no outbox post
 * paced to a moment still to come (a delivery that waits for its slot, one per second per channel: the
 * slot reserved last has begun and its gap has passed). Read from the file, as one more process sharing
 * it does (src/store/sqlite.ts: every record's JSON in `records.data`; these fields are not encrypted).
 * A test that checks that no second message came checks after this, not after a guessed time. Throws
 * after `limitMs`, saying what is still open.
 */
export async function storeSettled(dataDir: string, options: { outboxFor?: readonly string[] | 'everyone'; limitMs?: number } = {}): Promise<void> {
  const limitMs = options.limitMs ?? 30_000;
  const outboxFor = options.outboxFor ?? [];
  const db = new Database(join(dataDir, 'zorgpad.sqlite'), { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const records = db.prepare<[string], { id: string; data: string }>('SELECT id, data FROM records WHERE collection = ?');
    const read = (collection: string) => records.all(collection).map((row) => ({ ...(JSON.parse(row.data) as { status?: string; staffId?: string; nextAt?: number }), id: row.id }));
    const left = () => ({
      inbox: read('inbox').filter((entry) => entry.status === 'open').length,
      outbox: read('outbox').filter((n) => n.status === 'pending' && (outboxFor === 'everyone' || outboxFor.includes(n.staffId ?? ''))).length,
      // src/core/kernel/transient.ts reserveSlot: `nextAt` is the last reserved slot plus the gap (wall-clock ms).
      paced: read('transient').filter((r) => r.id.startsWith('pace:') && (r.nextAt ?? 0) > Date.now()).length,
    });
    const started = Date.now();
    for (;;) {
      const open = left();
      if (open.inbox === 0 && open.outbox === 0 && open.paced === 0) return;
      if (Date.now() - started > limitMs) throw new Error(`still open after ${limitMs} ms: ${open.inbox} inbox entries, ${open.outbox} outbox messages, ${open.paced} paced posts`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    db.close();
  }
}
