import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.js';
import { alive, call, processTree } from '../helpers/zorgpad-process.js';

/**
 * Production runs the compiled build with node itself (README: `npm run build`, then `node
 * dist/main.js`), so the signal a deploy sends reaches Zorgpad, not npm, and no TypeScript loader runs.
 */
describe('the compiled build', () => {
  // Inside the project, so that the build finds node_modules as dist/ does.
  mkdirSync('.tmp', { recursive: true });
  const out = mkdtempSync(join('.tmp', 'build-'));
  const data = mkdtempSync(join(tmpdir(), 'zorgpad-build-data-'));
  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  });

  it('builds, serves with two workers from node alone, and stops on SIGTERM with nothing left running', async () => {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', out], { stdio: 'pipe' });
    const port = await freePort();
    const child = spawn(process.execPath, [join(out, 'main.js')], {
      env: { PATH: process.env.PATH ?? '', PORT: String(port), ZORGPAD_WORKERS: '2', ZORGPAD_DATA_DIR: data, LOG_LEVEL: 'info' },
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const started = Date.now();
    while (!log.includes('"event":"started"')) {
      if (Date.now() - started > 40_000 || child.exitCode !== null) throw new Error(`did not start: ${log.slice(-500)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(JSON.parse((await call(port, 'GET', '/healthz')).text)).toMatchObject({ status: 'ok', store: 'sqlite' });
    // No TypeScript loader in any Zorgpad process.
    const tree = processTree(child.pid!);
    expect(tree).toHaveLength(3);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(tree.filter(alive)).toEqual([]);
  }, 120_000);
});
