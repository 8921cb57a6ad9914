import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startZorgpad } from './helpers/zorgpad-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'zorgpad-start-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `src/main.ts` as `npm start` does, until it exits or prints `until`. */
function start(env: Record<string, string>, until = '/playground'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH ?? '', ZORGPAD_DATA_DIR: join(tmp, 'data'), PORT: '0', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes(until) && !child.killed) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('start-up', () => {
  it('starts on the embedded store with the playground and stops cleanly', async () => {
    const result = await start({});
    expect(result.stdout).toMatch(/"event":"started".*"store":"sqlite"/);
    expect(result.stdout).toMatch(/Zorgpad playground: http:\/\/localhost:\d+\/playground/);
    expect(result.code).toBe(0);
  });

  it('stops with one clear line for a wrong environment variable', async () => {
    const result = await start({ PORT: 'tachtig' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('zorgpad: Configuration error: PORT: expected a port number (got "tachtig")\n');
  });

  it('stops with one clear line naming the file and step of a malformed dialog', async () => {
    const dir = join(tmp, 'dialogs');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const broken = readFileSync('dialogs/rollen.yaml', 'utf8').replace('yes: uitvoeren', 'yes: uitvoren');
    writeFileSync(join(dir, 'rollen.yaml'), broken);
    const result = await start({ ZORGPAD_DIALOGS_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`zorgpad: ${join(dir, 'rollen.yaml')}: step "bevestig": "uitvoren" is not a step of this flow\n`);
  });

  it('stops with one clear line for a school file with a mentor who is not on the staff', async () => {
    const file = join(tmp, 'school.yaml');
    writeFileSync(file, readFileSync('schools/demo.yaml', 'utf8').replace('mentor: j.pietersen', 'mentor: j.pieters'));
    const result = await start({ ZORGPAD_SCHOOL_FILE: file });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`zorgpad: ${file}: class "2B": mentor "j.pieters" is not in staff\n`);
  });

  it('keeps the playground off in production unless it is switched on', async () => {
    const result = await start({ NODE_ENV: 'production', ZORGPAD_DATA_KEY: randomBytes(32).toString('base64') }, '"event":"started"');
    expect(result.stdout).toMatch(/"playground":false/);
    expect(result.stdout).not.toMatch(/Zorgpad playground:/);
  });
});

describe('start-up logs with two workers', () => {
  const lines = (text: string, event: RegExp) => text.split('\n').filter((line) => event.test(line));

  it('says each thing once, in the primary: the data-key warning, and one "started" line with the public port', async () => {
    const data = join(tmp, 'workers-data');
    for (const expected of ['data-key.generated', 'data-key.development']) {
      const z = await startZorgpad(2, { ZORGPAD_DATA_DIR: data });
      try {
        // The first start makes the development key, the second uses it: each says so once, not once per process.
        expect(lines(z.out.errors, /"event":"data-key\./)).toEqual([expect.stringContaining(`"event":"${expected}"`)]);
        const started = lines(z.out.text, /"event":"started"/);
        expect(started).toHaveLength(1);
        expect(JSON.parse(started[0]!)).toMatchObject({ port: z.port, workers: 2, store: 'sqlite', school: 'demo', playground: true });
        expect(z.out.text).toContain(`Zorgpad playground: http://localhost:${z.port}/playground`);
        // No line names another port (a worker's own).
        for (const line of [...z.out.text.split('\n'), ...z.out.errors.split('\n')]) {
          for (const [, port] of line.matchAll(/"port":(\d+)|localhost:(\d+)/g)) if (port) expect(Number(port)).toBe(z.port);
        }
      } finally {
        z.child.kill('SIGTERM');
        expect(await z.exited).toBe(0);
      }
    }
  }, 120_000);
});

