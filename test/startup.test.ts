import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

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
