import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, startZorgpad, type ZorgpadProcess } from '../helpers/zorgpad-process.js';

const UNKNOWN = /Zorgpad is er alleen voor medewerkers van de school\./;
/** Noor, new at school, takes over class 2B. */
const withNoor = (text: string, name = 'Noor Bos') =>
  text.replace('classes:', `  - id: n.bos\n    name: ${name}\n    roles: [mentor, vakdocent]\nclasses:`).replace('    mentor: j.pietersen', '    mentor: n.bos');

/**
 * `npm start` with two worker processes: a change to the school file reaches both without a restart
 * (each watches the file; SIGHUP to the primary is passed on to each), a broken file leaves both on the
 * version they had, and the class-change check for a new version runs once, not once per worker.
 */
describe('the school file read again by every worker process', () => {
  let dir: string;
  let file: string;
  let zorgpad: ZorgpadProcess;

  const start = (env: Record<string, string> = {}) =>
    startZorgpad(2, { ZORGPAD_DATA_DIR: join(dir, 'data'), ZORGPAD_SCHOOL_FILE: file, ZORGPAD_DELIVERY_INTERVAL_MS: '200', ...env });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zorgpad-reload-workers-'));
    file = join(dir, 'school.yaml');
    writeFileSync(file, readFileSync('schools/demo.yaml', 'utf8'));
  });
  afterEach(async () => {
    if (zorgpad && zorgpad.child.exitCode === null) {
      zorgpad.child.kill('SIGTERM');
      await zorgpad.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** Which version of the school file each worker answers with, over `n` connections (each to the next worker). */
  async function versions(n = 10): Promise<Map<number, Set<string>>> {
    const seen = new Map<number, Set<string>>();
    for (let i = 0; i < n; i++) {
      const health = JSON.parse((await call(zorgpad.port, 'GET', '/healthz')).text) as { worker: number; schoolVersion: string };
      seen.set(health.worker, (seen.get(health.worker) ?? new Set()).add(health.schoolVersion));
    }
    return seen;
  }
  /** Waits until both workers answer with one version other than `old`, and returns it. */
  async function bothOn(notVersion: string): Promise<string> {
    const startedAt = Date.now();
    for (;;) {
      const seen = await versions();
      const all = new Set([...seen.values()].flatMap((s) => [...s]));
      if (seen.size === 2 && all.size === 1 && !all.has(notVersion)) return [...all][0]!;
      if (Date.now() - startedAt > 10_000) throw new Error(`workers on ${JSON.stringify([...seen].map(([w, v]) => [w, [...v]]))}\n${zorgpad.out.text.slice(-800)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  /** What Noor is told when she types "help" in the playground, over six connections (both workers). */
  async function noorHears(): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < 6; i++) {
      const body = JSON.stringify({ personaId: 'n.bos', locale: 'nl', deliveryId: randomUUID(), text: 'help' });
      const res = await call(zorgpad.port, 'POST', '/playground/api/messages', body, { 'content-type': 'application/json' });
      out.push((JSON.parse(res.text) as { messages: Array<{ text: string }> }).messages.map((m) => m.text).join('\n'));
    }
    return out;
  }
  const lines = (event: string) => (zorgpad.out.text + zorgpad.out.errors).split('\n').filter((l) => l.includes(`"event":"${event}"`));
  /** The class-change checks run, besides the daily upkeep's (which says "retention" too). */
  const checks = () => lines('exception-checks').length - lines('retention').length;
  async function until(what: string, check: () => boolean): Promise<void> {
    const startedAt = Date.now();
    while (!check()) {
      if (Date.now() - startedAt > 10_000) throw new Error(`not within 10 s: ${what}\n${zorgpad.out.text.slice(-800)}${zorgpad.out.errors.slice(-800)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('applies a saved change in both workers within seconds, keeps both on it when the next save is broken, and checks the class changes once', async () => {
    zorgpad = await start();
    const first = await bothOn('none');
    // The first start has no earlier version to compare with: no check then (the day's upkeep does it).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(checks()).toBe(0);
    for (const said of await noorHears()) expect(said).toMatch(UNKNOWN);

    writeFileSync(file, withNoor(readFileSync(file, 'utf8')));
    const second = await bothOn(first);
    for (const said of await noorHears()) expect(said).not.toMatch(UNKNOWN);
    expect(lines('school.reloaded')).toHaveLength(2);
    expect(lines('school.reloaded').every((l) => l.includes('"reason":"change"') && l.includes('"staff":11'))).toBe(true);
    // The new version's class changes (2B has another mentor) are checked once, for both workers.
    await until('the check of the new version', () => checks() === 1);

    // A save with a syntax error: both say what is wrong (file and line), both keep serving the version they had.
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nstudents: [\n`);
    await until('both workers refused the broken file', () => lines('school.reload-failed').length === 2);
    for (const line of lines('school.reload-failed')) expect(JSON.parse(line)).toMatchObject({ level: 'error', file, line: expect.any(Number), kept: 'previous version' });
    const after = await versions();
    expect([...after.keys()].sort()).toEqual([1, 2]);
    expect(new Set([...after.values()].flatMap((s) => [...s]))).toEqual(new Set([second]));
    for (const said of await noorHears()) expect(said).not.toMatch(UNKNOWN);

    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(checks()).toBe(1);
    expect(zorgpad.child.exitCode).toBeNull();
  }, 90_000);

  it('reads the file again in both workers on SIGHUP to the primary (with watching off)', async () => {
    zorgpad = await start({ ZORGPAD_SCHOOL_WATCH: 'false' });
    const first = await bothOn('none');
    writeFileSync(file, withNoor(readFileSync(file, 'utf8')));
    // Not watched: nothing changes by itself.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(new Set([...(await versions()).values()].flatMap((s) => [...s]))).toEqual(new Set([first]));
    for (const said of await noorHears()) expect(said).toMatch(UNKNOWN);

    zorgpad.child.kill('SIGHUP');
    await bothOn(first);
    for (const said of await noorHears()) expect(said).not.toMatch(UNKNOWN);
    expect(lines('school.reload-requested')).toHaveLength(1);
    expect(lines('school.reloaded').filter((l) => l.includes('"reason":"signal"'))).toHaveLength(2);
    // The process is still there: SIGHUP no longer ends it.
    expect(zorgpad.child.exitCode).toBeNull();
  }, 90_000);
});
