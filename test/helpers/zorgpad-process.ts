import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
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

/**
 * `npm start` (src/main.ts) in a child process with `workers` worker processes on a free loopback
 * port, logging at info; resolves once every worker has started.
 */
export async function startZorgpad(workers: number, env: Record<string, string>): Promise<ZorgpadProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ZORGPAD_WORKERS: String(workers), PORT: String(port), LOG_LEVEL: 'info', ...env },
  });
  const out = { text: '', errors: '' };
  child.stdout!.on('data', (d: Buffer) => (out.text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.errors += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = Date.now();
  while ((out.text.match(/"event":"started"/g) ?? []).length < workers || !out.text.includes('/playground')) {
    if (Date.now() - started > 25_000 || child.exitCode !== null) throw new Error(`Zorgpad did not start: ${out.text.slice(-500)}${out.errors.slice(-500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, child, out, exited };
}
