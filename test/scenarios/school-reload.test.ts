import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nl } from '../../src/channels/parents/texts.js';
import type { OutboundMessage } from '../../src/core/app/assistant.js';
import { createLogger } from '../../src/log/logger.js';
import { buttonData, quiet, startTestApp, type TestApp } from '../helpers/app.js';
import { playground } from '../helpers/conversations.js';
import { TestClock } from '../helpers/clock.js';

const UNKNOWN = /^Zorgpad is er alleen voor medewerkers van de school\./;

/**
 * The school file changes while Zorgpad runs (issue 28, "changes without a restart"): a valid change is
 * checked and applied within seconds, through the playground as a member of staff sees it; class changes
 * are applied at once by a job (the daily check's own path), not at the next night's upkeep; a broken
 * file leaves the version in use working, and the log names the file and the line, never a name or a
 * student number.
 */
describe('the school file read again while Zorgpad runs', () => {
  let bot: TestApp;
  let dir: string;
  let file: string;
  let logged: string[];
  let clock: TestClock;

  beforeEach(async () => {
    // Monday 30 November 2026, 10:00 in Amsterdam: school hours, so reminders go out at once.
    clock = new TestClock(Date.parse('2026-11-30T10:00:00+01:00'));
    dir = mkdtempSync(join(tmpdir(), 'zorgpad-reload-'));
    file = join(dir, 'school.yaml');
    writeFileSync(file, readFileSync('schools/demo.yaml', 'utf8'));
    logged = [];
    const log = createLogger('debug', (_level, line) => logged.push(line));
    // Jobs are looked for every ten minutes: a job that runs sooner was woken by the change.
    bot = await startTestApp({ ZORGPAD_DELIVERY_INTERVAL_MS: '600000', ZORGPAD_SCHOOL_FILE: file }, 'sqlite', clock, { log });
  });
  afterEach(async () => {
    await bot.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const events = (name: string) => logged.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === name);
  async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, limitMs = 8000): Promise<T> {
    const start = Date.now();
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() - start > limitMs) throw new Error(`not within ${limitMs} ms: ${what}\n${logged.slice(-5).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const personas = async () => (await (await fetch(`${bot.base}/playground/api/personas`)).json()) as Array<{ id: string; label: string }>;
  const { inbox } = playground(() => bot, { personalInbox: true });
  /** Edits the file as a person would, in place. */
  const edit = (change: (text: string) => string) => writeFileSync(file, change(readFileSync(file, 'utf8')));

  /** A new member of staff, Noor (mentor), who takes over class 2B from Joost; L1001 moves from 1A to 2B. */
  const NEW_COLLEAGUE = `  - id: n.bos
    name: Noor Bos
    roles: [mentor, vakdocent]
classes:`;
  const changed = (text: string) =>
    text
      .replace('classes:', NEW_COLLEAGUE)
      .replace('    mentor: j.pietersen', '    mentor: n.bos')
      .replace('{ ref: L1001, initials: A.K., class: 1A }', '{ ref: L1001, initials: A.K., class: 2B }')
      // Tessa is renamed and becomes CLZ as well.
      .replace('    name: Tessa Bakker\n    roles: [vakdocent]', '    name: Tessa de Boer\n    roles: [vakdocent, clz]');

  it('applies a valid change within seconds: a new colleague can use the bot, and the new mentor gets the class change at once', async () => {
    // Marloes (mentor of 1A) asks an exception for L1001; the kernteam grants it.
    for (const text of ['uitzondering aanvragen', 'L1001', '1', '2', '-', '1', '3', '1', '2', '-', 'dossier in Magister', '1', 'alle lessen', 'glucose-app', '1', '1, 4', '2', 'Indienen']) {
      await bot.say('m.devries', text);
    }
    const body = (await (await fetch(`${bot.base}/playground/api/inbox?personaId=a.jansen`)).json()) as { messages: OutboundMessage[] };
    const card = body.messages.find((m) => m.card && 'channel' in m)!;
    for (const persona of ['a.jansen', 'l.verhoeven']) await bot.click(persona, { ...(buttonData(card, 'Toekennen') as object), motivation: 'Akkoord.' });
    for (const persona of ['m.devries', 't.bakker', 'r.elmoussaoui', 'p.vandam', 'j.pietersen']) await inbox(persona);
    const request = async () => (await bot.app.store.collection('exceptionRequests').findBy('studentRef', 'L1001'))[0]!;
    expect(await request()).toMatchObject({ status: 'granted', classId: '1A', reviewDue: '2027-02-08' });

    // Before: Noor is unknown.
    expect((await bot.say('n.bos', 'help')).texts[0]).toMatch(UNKNOWN);

    edit(changed);

    // The playground follows without a restart: Noor is a member of staff, Tessa has her new name and role.
    const list = await until('the new version in the playground', async () => {
      const found = await personas();
      return found.some((p) => p.id === 'n.bos') && found;
    });
    expect(list.find((p) => p.id === 'n.bos')!.label).toBe('Noor Bos — mentor, vakdocent');
    expect(list.find((p) => p.id === 't.bakker')!.label).toBe('Tessa de Boer — vakdocent, coördinator leerlingzaken (CLZ)');
    expect((await bot.say('n.bos', 'help')).texts[0]).not.toMatch(UNKNOWN);
    expect((await bot.say('t.bakker', 'mijn zaken')).texts.join('\n')).not.toMatch(/alleen voor/);
    expect(events('school.reloaded')).toEqual([expect.objectContaining({ reason: 'change', staff: 11, classes: 3, students: 6 })]);

    // The class change is applied now (not at 03:00 tomorrow), by the job the reload planned and woke:
    // the review comes soon, for the new mentor; the new class's teacher is signalled, the old ones told.
    await until('the class change applied', async () => (await request()).classId === '2B');
    expect(await request()).toMatchObject({ classId: '2B', yearGroup: 2, reviewDue: '2026-12-14', reviewReason: 'class-change' });
    const noor = await until('the new mentor reminded', async () => {
      const got = await inbox('n.bos');
      return got.length > 0 && got;
    });
    expect(noor.map((m) => m.text)).toEqual([
      'Evaluatie plannen\n- L1001 zit in een andere klas of een ander leerjaar. Evalueer de uitzondering uiterlijk 14-12-2026 met leerling en ouders: vakken en docenten kunnen veranderd zijn.',
    ]);
    expect((await inbox('j.pietersen')).map((m) => m.text)).toEqual([expect.stringMatching(/^L1001 \(2B\) heeft een uitzondering op het telefoonverbod\./)]);
    for (const persona of ['r.elmoussaoui', 'p.vandam']) expect((await inbox(persona)).map((m) => m.text)).toEqual([expect.stringMatching(/^L1001 zit niet meer in een klas waaraan jij lesgeeft\./)]);
    expect(await inbox('m.devries')).toEqual([]);
    // Not at the first start (no earlier version to compare with: the day's upkeep checks), once for this version.
    expect(events('exception-checks').map((e) => e.classChanges)).toEqual([1]);

    // Saved once more without a change to the classes, or by an editor that writes a new file and renames
    // it over the old one: read again, applied, and the class change is not applied twice.
    writeFileSync(join(dir, '.school.yaml.swp'), readFileSync(file, 'utf8').replace('name: Noor Bos', 'name: Noor Bos-Visser'));
    renameSync(join(dir, '.school.yaml.swp'), file);
    await until('the renamed-over file read', async () => (await personas()).some((p) => p.label.startsWith('Noor Bos-Visser')));
    // What that reload set going (its class-change check, a job it woke) has finished.
    await quiet(bot.app);
    expect(events('exception-checks').reduce((n, e) => n + Number(e.classChanges), 0)).toBe(1);
    expect(await inbox('n.bos')).toEqual([]);
    // The file that took the old one's place is watched as well.
    edit((text) => text.replace('name: Noor Bos-Visser', 'name: Noor Visser'));
    await until('the next save read', async () => (await personas()).some((p) => p.label.startsWith('Noor Visser')));
  }, 60_000);

  it('keeps the version in use when the file is broken, and logs the file and line without names or student numbers', async () => {
    // A YAML syntax error.
    edit((text) => text.replace('  - { ref: L1002, initials: B.M., class: 1A }', '  - { ref: L1002, initials: B.M., class: 1A\n'));
    const syntax = await until('the syntax error logged', () => events('school.reload-failed')[0]);
    expect(syntax).toMatchObject({ level: 'error', reason: 'change', file, kept: 'previous version', problem: expect.stringMatching(/^not valid YAML/) });
    expect(syntax.line).toEqual(expect.any(Number));

    // Zorgpad keeps serving the version it had.
    expect((await bot.say('t.bakker', 'help')).texts[0]).not.toMatch(UNKNOWN);
    expect((await personas()).find((p) => p.id === 't.bakker')!.label).toBe('Tessa Bakker — vakdocent');

    // A schema error (a class that does not exist, for one student), with a new colleague in the same file:
    // nothing of this version is used.
    writeFileSync(file, changed(readFileSync('schools/demo.yaml', 'utf8')).replace('{ ref: L1002, initials: B.M., class: 1A }', '{ ref: L1002, initials: B.M., class: 9Z }'));
    const schema = await until('the schema error logged', () => events('school.reload-failed')[1]);
    const lineOf = (needle: string) => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(schema).toMatchObject({ level: 'error', file, line: lineOf('class: 9Z'), path: 'students.1.class', problem: 'class is not in classes', kept: 'previous version' });
    expect((await bot.say('n.bos', 'help')).texts[0]).toMatch(UNKNOWN);
    expect((await personas()).some((p) => p.id === 'n.bos')).toBe(false);
    expect(bot.app.directory.findStudent('L1001')!.class).toBe('1A');

    // An unknown field, and a role that does not exist: named by line and path.
    writeFileSync(file, readFileSync('schools/demo.yaml', 'utf8').replace('roles: [clz]', 'roles: [cl]'));
    const role = await until('the role error logged', () => events('school.reload-failed')[2]);
    expect(role).toMatchObject({ file, line: lineOf('roles: [cl]'), path: 'staff.4.roles.0' });

    // Whatever the file says, the log says no names or student numbers.
    const failures = events('school.reload-failed').map((e) => JSON.stringify(e));
    for (const line of failures) expect(line).not.toMatch(/L10\d\d|Tessa|Bakker|Noor|A\.K\.|B\.M\./);
    expect(events('school.reloaded')).toEqual([]);

    // Mended: the next save is applied.
    writeFileSync(file, changed(readFileSync('schools/demo.yaml', 'utf8')));
    await until('the mended file applied', async () => (await personas()).some((p) => p.id === 'n.bos'));
    expect((await bot.say('n.bos', 'help')).texts[0]).not.toMatch(UNKNOWN);
  }, 60_000);

  it('reads the file again on request (SIGHUP), and refuses a school of another id', async () => {
    // Asked at once after the save, before the watch has settled: the request reads it.
    edit(changed);
    expect(await bot.app.reloadSchool()).toBe('reloaded');
    expect((await personas()).some((p) => p.id === 'n.bos')).toBe(true);
    expect(events('school.reloaded')).toEqual([expect.objectContaining({ reason: 'signal' })]);
    expect(await bot.app.reloadSchool()).toBe('unchanged');
    edit((text) => text.replace('id: demo', 'id: een-andere-school'));
    expect(await bot.app.reloadSchool()).toBe('failed');
    expect(events('school.reload-failed').find((e) => e.reason === 'signal')).toMatchObject({ file, path: 'id' });
    expect(bot.app.directory.school.id).toBe('demo');
  }, 60_000);

  it("reads the school's translations and its name on the parents' pages again, and keeps them when a translation is broken", async () => {
    const info = async (lang = 'nl') => (await fetch(`${bot.base}/info/telefoon-uitzondering?lang=${lang}`)).text();
    expect(await info()).not.toContain('hreflang="fy"');
    const frisian = { ...nl, lang: 'fy', langName: 'Frysk', translatedBy: 'J. de Vries (docent Fries)', info: { ...nl.info, title: 'Tillefoan yn de les: in útsûndering freegje' } };
    mkdirSync(join(dir, 'vertalingen'));
    writeFileSync(join(dir, 'vertalingen', 'fy.yaml'), stringify(frisian));
    edit((text) => text.replace('  linkDays: 14\n', '  linkDays: 14\n  translations: vertalingen\n').replace('name: Demo College (fictief)', 'name: Het Nieuwe Lyceum (fictief)'));
    await until('the translation served', async () => (await info()).includes('hreflang="fy">Frysk</a>'));
    expect(await info()).toContain('Het Nieuwe Lyceum (fictief)');
    expect(await info('fy')).toContain('Tillefoan yn de les: in útsûndering freegje');
    expect(events('school.reloaded').at(-1)).toMatchObject({ translations: 1 });

    // A change to the translation alone is read too.
    writeFileSync(join(dir, 'vertalingen', 'fy.yaml'), stringify({ ...frisian, info: { ...nl.info, title: 'Tillefoan: in útsûndering' } }));
    await until('the changed translation served', async () => (await info('fy')).includes('Tillefoan: in útsûndering'));

    // One without its translator is refused; the pages stay as they were.
    const { translatedBy: _none, ...unsigned } = frisian;
    writeFileSync(join(dir, 'vertalingen', 'fy.yaml'), stringify(unsigned));
    const failed = await until('the broken translation logged', () => events('school.reload-failed')[0]);
    expect(failed.problem).toMatch(/vertalingen\/fy\.yaml: translatedBy is missing/);
    expect(JSON.stringify(failed)).not.toContain('J. de Vries');
    expect(await info('fy')).toContain('Tillefoan: in útsûndering');
  }, 60_000);
});

