import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { BullyingCase } from '../../src/core/cases/model.js';
import { startTestApp, type PlaygroundReply, type TestApp } from '../helpers/app.js';
import { playground } from '../helpers/conversations.js';

/**
 * A school's own protocol (issue 28, item 3): the fixture school Lyceum De Linde has a folder next to its
 * school file with its own ladder (an extra rung "herstelgesprek met ouders" before the directie, other
 * labels), contacts, terms and a few changed texts. `school:check` checks it; Zorgpad and the playground
 * run with it; a case keeps the ladder it was opened under.
 */
const FIXTURE = 'test/fixtures/schools';
const run = promisify(execFile);

/** A copy of the fixture school in a temporary folder, to break or change. */
function copyFixture(): { dir: string; schoolFile: string; folder: string } {
  const dir = mkdtempSync(join(tmpdir(), 'zorgpad-school-'));
  cpSync(join(FIXTURE, 'lyceum.yaml'), join(dir, 'lyceum.yaml'));
  cpSync(join(FIXTURE, 'lyceum'), join(dir, 'lyceum'), { recursive: true });
  return { dir, schoolFile: join(dir, 'lyceum.yaml'), folder: join(dir, 'lyceum') };
}

function edit(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  const changed = text.replace(from, to);
  expect(changed, `${file}: ${String(from)}`).not.toBe(text);
  writeFileSync(file, changed);
}

async function schoolCheck(arg: string): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/school-check.ts', arg]);
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
}

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function temp() {
  const copy = copyFixture();
  temps.push(copy.dir);
  return copy;
}

describe('npm run school:check', () => {
  it('passes the fixture school with a short summary of its own protocol', async () => {
    const { code, out } = await schoolCheck(`${FIXTURE}/lyceum.yaml`);
    expect(code).toBe(0);
    expect(out).toContain('ok: test/fixtures/schools/lyceum.yaml: Lyceum De Linde (fictief) (lyceum)');
    expect(out).toContain('sanctions ladder: gesprek-afspraken → herstelgesprek-ouders [clz] → mt-directie → schorsing-dag [directie] → schorsing-lang [directie] → verwijdering [directie]');
    expect(out).toMatch(/texts changed: 3, extra options: 1, contacts: 2, terms: 2/);
  });

  it('refuses a broken copy, naming the file, the line and the step', async () => {
    const { schoolFile, folder } = temp();
    edit(join(folder, 'texts.yaml'), '      gang: ', '      gangpad: ');
    const { code, err } = await schoolCheck(schoolFile);
    expect(code).toBe(1);
    expect(err).toContain(`${join(folder, 'texts.yaml')}:6: pesten-melden/waar: option "gangpad" is not an option of that step`);
  });

  it('refuses a school file that lets the mentor decide on expulsion, or apply it', async () => {
    const { schoolFile, folder } = temp();
    edit(join(folder, 'protocol.yaml'), '      decidedBy: directie', '      decidedBy: mentor');
    const decided = await schoolCheck(schoolFile);
    expect(decided.code).toBe(1);
    expect(decided.err).toContain(`${join(folder, 'protocol.yaml')}:30: sanctions.ladder.5 (verwijdering): the law leaves verwijdering to the directie`);

    edit(join(folder, 'protocol.yaml'), '      decidedBy: mentor', '      appliedBy: [clz, mentor]');
    const applied = await schoolCheck(schoolFile);
    expect(applied.code).toBe(1);
    expect(applied.err).toContain(`${join(folder, 'protocol.yaml')}:30: sanctions.ladder.5 (verwijdering): verwijdering is decided by the directie`);
  });

  it('refuses a rung of the school\'s own that is a suspension under another name', async () => {
    const { folder, schoolFile } = temp();
    const protocol = join(folder, 'protocol.yaml');
    const text = readFileSync(protocol, 'utf8');
    const own = /    - rung: herstelgesprek-ouders\n/;
    expect(text).toMatch(own);
    writeFileSync(protocol, text.replace(own, '    - rung: weekje-thuis\n      label: { nl: een week schorsing, en: a week of suspension }\n      appliedBy: [clz]\n    - rung: herstelgesprek-ouders\n'));
    const { code, err } = await schoolCheck(schoolFile);
    expect(code).toBe(1);
    expect(err).toMatch(/protocol\.yaml:\d+: .*"weekje-thuis" reads as a suspension or expulsion/);
  });

  it('refuses switching off the report to the Inspectie, and an extra option a command cannot take', async () => {
    const { schoolFile, folder } = temp();
    edit(join(folder, 'protocol.yaml'), '    - rung: schorsing-lang\n', '    - rung: schorsing-lang\n      inspectie: false\n');
    const inspectie = await schoolCheck(schoolFile);
    expect(inspectie.err).toMatch(/protocol\.yaml:29: sanctions\.ladder\.4 \(schorsing-lang\): the law has a decision on schorsing-lang reported to the Inspectie/);

    cpSync(join(FIXTURE, 'lyceum', 'protocol.yaml'), join(folder, 'protocol.yaml'));
    edit(join(folder, 'texts.yaml'), 'sanctie:\n', '  reikwijdte:\n    extraOptions:\n      - { value: elders, label: { nl: Elders, en: Elsewhere }, goto: ernstig }\nsanctie:\n');
    const option = await schoolCheck(schoolFile);
    expect(option.err).toMatch(/texts\.yaml:13: pesten-melden\/reikwijdte: option "elders" cannot be used here/);
  });
});

describe('the school\'s own protocol in the playground (sqlite store)', () => {
  let bot: TestApp | undefined;
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  const { conversation } = playground(() => bot!);
  const options = (reply: PlaygroundReply) =>
    reply.texts.at(-1)!.split('\n').filter((l) => /^\d+\. /.test(l)).map((l) => l.replace(/^\d+\. /, ''));
  const caseOf = async (student: string): Promise<BullyingCase> => (await bot!.app.store.collection('bullyingCases').findBy('studentRef', student))[0]!;
  /** A teacher reports that `bullied` is bullied by `bully`, in the class. */
  const report = (bullied: string, bully: string, where = 'Fietsenstalling') =>
    conversation('k.dekker', ['pesten melden', 'Het is pesten', bullied, bully, '1, 3', '-', where, 'vandaag', '1', 'Binnen de klas', 'nee', 'Uitgelachen en geduwd.', 'ja']);
  /** The measure dialog for a case, up to the rungs offered. */
  const rungs = async (persona: string, student: string) => {
    const menu = persona === 'f.mulder' ? ['Maatregel vastleggen (na overleg met de CLZ)', '1', 'Wim Bos'] : ['Maatregel vastleggen of voorstellen', '1'];
    const cases = await conversation(persona, ['mijn zaken']);
    const line = options(cases).findIndex((o) => o.includes(student));
    expect(line, `${persona} sees the case of ${student}`).toBeGreaterThanOrEqual(0);
    return conversation(persona, [String(line + 1), ...menu]);
  };

  it('shows the school\'s texts and extra option, and offers its ladder with its labels to whom may apply each rung', async () => {
    const { schoolFile } = temp();
    bot = await startTestApp({ ZORGPAD_SCHOOL_FILE: schoolFile });
    const where = await conversation('k.dekker', ['pesten melden', 'Het is pesten', 'D2001', 'D2002', '1, 3', '-']);
    expect(where.texts.at(-1)).toMatch(/^Waar op of rond De Linde gebeurde het\?/);
    expect(options(where)).toEqual(['In de les', 'Gang, aula of kantine', 'Schoolplein', 'Onderweg of buiten school', 'Online', 'Ergens anders', 'Fietsenstalling']);
    await conversation('k.dekker', ['stop']);
    await report('D2001', 'D2002');
    expect((await caseOf('D2001')).signals[0]!.where).toBe('Fietsenstalling');

    const clz = await rungs('w.bos', 'D2001');
    expect(clz.texts.at(-1)).toMatch(/^Welke maatregel\? Op De Linde stel je schorsing en verwijdering voor; de directie besluit\./);
    expect(options(clz)).toEqual([
      'Gesprek met afspraken op papier',
      'Herstelgesprek met de ouders erbij',
      'Teamleider en directie inschakelen',
      'Schorsing van één dag voorstellen',
      'Langere schorsing voorstellen',
      'Verwijdering van school voorstellen',
    ]);
    const applied = await conversation('w.bos', ['Herstelgesprek met de ouders erbij', 'Ouders en leerling samen aan tafel gehad.', 'ja']);
    expect(applied.texts[0]).toBe('Vastgelegd: herstelgesprek met ouders voor D2002, met datum en motivatie.');
    // The mentor is offered only the rungs the school lets a mentor apply (after consulting the CLZ).
    expect(options(await rungs('f.mulder', 'D2001'))).toEqual(['Gesprek met afspraken op papier', 'Teamleider en directie inschakelen']);
    await conversation('f.mulder', ['stop']);
    // Directie applies every rung, by its own labels.
    expect(options(await rungs('n.visser', 'D2001'))).toEqual([
      'Gesprek met afspraken op papier',
      'Herstelgesprek met de ouders erbij',
      'Teamleider en directie inschakelen',
      'Schorsing van één dag',
      'Langere schorsing',
      'Verwijdering van school (via de Inspectie)',
    ]);
    await conversation('n.visser', ['stop']);
    // The history names the school's rung.
    const history = await conversation('w.bos', ['mijn zaken', '1', 'Geschiedenis']);
    expect(history.texts.join('\n')).toContain('- herstelgesprek met ouders (D2002): Ouders en leerling samen aan tafel gehad.');
  });

  it('a case opened before a change keeps its ladder; a case opened after gets the new one', async () => {
    const { schoolFile, folder } = temp();
    bot = await startTestApp({ ZORGPAD_SCHOOL_FILE: schoolFile });
    await report('D2001', 'D2002');
    const before = await caseOf('D2001');
    expect(before.protocol?.ladder.map((r) => r.id)).toContain('herstelgesprek-ouders');

    // The school drops its own rung and renames the first; Zorgpad starts again with the changed folder.
    const protocol = join(folder, 'protocol.yaml');
    edit(protocol, /    # Our own rung[\s\S]*?appliedBy: \[clz\]\n/, '');
    edit(protocol, 'Gesprek met afspraken op papier, en: Conversation with written agreements', 'Gesprek met een afsprakenkaart, en: Conversation with an agreement card');
    await bot.restart();

    await report('D2003', 'D2001', 'Schoolplein');
    const after = await caseOf('D2003');
    expect(after.protocol?.version).not.toBe(before.protocol?.version);

    // The old case: the rungs it started with, by their old labels.
    const old = await rungs('w.bos', 'D2001');
    expect(options(old)).toEqual([
      'Gesprek met afspraken op papier',
      'Herstelgesprek met de ouders erbij',
      'Teamleider en directie inschakelen',
      'Schorsing van één dag voorstellen',
      'Langere schorsing voorstellen',
      'Verwijdering van school voorstellen',
    ]);
    const kept = await conversation('w.bos', ['Herstelgesprek met de ouders erbij', 'Herstelgesprek volgens het oude protocol.', 'ja']);
    expect(kept.texts[0]).toBe('Vastgelegd: herstelgesprek met ouders voor D2002, met datum en motivatie.');

    // The new case: the new ladder.
    expect(options(await rungs('w.bos', 'D2003'))).toEqual([
      'Gesprek met een afsprakenkaart',
      'Teamleider en directie inschakelen',
      'Schorsing van één dag voorstellen',
      'Langere schorsing voorstellen',
      'Verwijdering van school voorstellen',
    ]);
  });

  it('takes a change to the folder without a restart (SIGHUP or the file watch), and keeps the version in use when the change is broken', async () => {
    const { schoolFile, folder } = temp();
    bot = await startTestApp({ ZORGPAD_SCHOOL_FILE: schoolFile });
    const texts = join(folder, 'texts.yaml');
    edit(texts, 'Waar op of rond De Linde gebeurde het?', 'Waar gebeurde het precies bij De Linde?');
    expect(await bot.app.reloadSchool()).toBe('reloaded');
    const asked = await conversation('k.dekker', ['pesten melden', 'Het is pesten', 'D2001', 'D2002', '1, 3', '-']);
    expect(asked.texts.at(-1)).toMatch(/^Waar gebeurde het precies bij De Linde\?/);
    await conversation('k.dekker', ['stop']);
    // A broken copy (an option the step does not have): refused, the version in use stays.
    edit(texts, '      gang: ', '      gangpad: ');
    expect(await bot.app.reloadSchool()).toBe('failed');
    const still = await conversation('k.dekker', ['pesten melden', 'Het is pesten', 'D2001', 'D2002', '1, 3', '-']);
    expect(still.texts.at(-1)).toMatch(/^Waar gebeurde het precies bij De Linde\?/);
    expect(options(still)).toContain('Gang, aula of kantine');
  });
});
