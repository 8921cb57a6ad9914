import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { nl } from '../../src/channels/parents/texts.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

/** A school file with a translations folder holding one file, as a school would add it. */
function schoolWithTranslation(texts: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'zorgpad-school-'));
  const school = readFileSync('schools/demo.yaml', 'utf8').replace('  linkDays: 14\n', '  linkDays: 14\n  translations: vertalingen\n');
  writeFileSync(join(dir, 'demo.yaml'), school);
  mkdirSync(join(dir, 'vertalingen'));
  writeFileSync(join(dir, 'vertalingen', 'fy.yaml'), stringify(texts));
  return dir;
}

describe('a school’s own translation of the parents’ pages', () => {
  let bot: TestApp | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('serves a complete translation that names its translator, and links to it from the other languages', async () => {
    const frisian = { ...nl, lang: 'fy', langName: 'Frysk', translatedBy: 'J. de Vries (docent Fries)', info: { ...nl.info, title: 'Tillefoan yn de les: in útsûndering freegje' } };
    const dir = schoolWithTranslation(frisian);
    dirs.push(dir);
    bot = await startTestApp({ ZORGPAD_SCHOOL_FILE: join(dir, 'demo.yaml') });
    const page = await (await fetch(`${bot.base}/info/telefoon-uitzondering?lang=fy`)).text();
    expect(page).toContain('<html lang="fy"');
    expect(page).toContain('Tillefoan yn de les: in útsûndering freegje');
    const dutch = await (await fetch(`${bot.base}/info/telefoon-uitzondering`)).text();
    expect(dutch).toContain('hreflang="fy">Frysk</a>');
    expect(dutch).toContain('hreflang="en">English</a>');
  });

  it('refuses at start-up a translation without a translator, or with a text missing, naming the file', async () => {
    const { translatedBy: _none, ...unsigned } = { ...nl, lang: 'fy', langName: 'Frysk', translatedBy: undefined };
    const dir = schoolWithTranslation(unsigned);
    dirs.push(dir);
    await expect(startTestApp({ ZORGPAD_SCHOOL_FILE: join(dir, 'demo.yaml') })).rejects.toThrow(/vertalingen\/fy\.yaml: translatedBy is missing/);
    const { infoLink: _gone, ...incomplete } = { ...nl, lang: 'fy', langName: 'Frysk', translatedBy: 'J. de Vries' };
    writeFileSync(join(dir, 'vertalingen', 'fy.yaml'), stringify(incomplete));
    await expect(startTestApp({ ZORGPAD_SCHOOL_FILE: join(dir, 'demo.yaml') })).rejects.toThrow(/vertalingen\/fy\.yaml: infoLink/);
  });
});
