import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatReport, importSchool, ImportError, MappingError, writeSchoolFile } from '../../src/core/people/import/index.js';
import { loadSchoolFile } from '../../src/core/people/school.js';
import { startTestApp } from '../helpers/app.js';
import { generateSchool, writeExport } from './fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'zorgpad-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function place(): string {
  const dir = join(tmp, String(++n));
  mkdirSync(dir);
  return dir;
}

/** Runs the script as `npm run school:import -- …` does. */
function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/school-import.ts', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A small export in Magister's format, written line by line so that the line numbers are plain. */
function smallExport(dir: string, files: Partial<Record<'leerlingen' | 'personeel' | 'klassen' | 'lesgroepen', string[]>> = {}): string {
  mkdirSync(dir, { recursive: true });
  const all = {
    leerlingen: ['Stamnr;Roepnaam;Tussenv;Achternaam;Klas;Leerjaar', '300001;Noor;;Veldkamp;1A;1', '300002;Daan;de;Hoekstra;2B;2'],
    personeel: [
      'Roepnaam;Tussenv;Achternaam;E-mail;Functie',
      'Anouk;;Veldkamp;a.veldkamp@fictief.example;Zorgcoördinator',
      'Lotte;;Brinkman;l.brinkman@fictief.example;Orthopedagoog',
      'Marloes;de;Hoekstra;m.hoekstra@fictief.example;Docent, Mentor',
      'Joost;;Postma;j.postma@fictief.example;Docent',
    ],
    klassen: ['Klas;Leerjaar;Mentor e-mail', '1A;1;m.hoekstra@fictief.example', '2B;2;j.postma@fictief.example'],
    lesgroepen: ['Lesgroep;Vak;Klas;Docent e-mail', '1a.ne;Nederlands;1A;m.hoekstra@fictief.example', '2b.wi;wiskunde;2B;j.postma@fictief.example'],
    ...files,
  };
  for (const [name, lines] of Object.entries(all)) writeFileSync(join(dir, `${name}.csv`), `${lines.join('\r\n')}\r\n`);
  return dir;
}

describe('npm run school:import', () => {
  it('imports a school of 1,500 students, 150 staff, 60 classes and 600 teaching groups into a school file that starts Zorgpad', async () => {
    const dir = place();
    const fixture = generateSchool(28);
    writeExport(join(dir, 'export'), fixture, 'magister');
    const file = join(dir, 'school.yaml');
    const started = performance.now();
    const result = cli([join(dir, 'export'), '--school', file, '--id', 'fictief-college', '--name', 'Fictief College']);
    console.log(`school:import of 1,500 students, 150 staff, 60 classes, 600 groups: ${Math.round(performance.now() - started)} ms (with starting node)`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('taken: 1500 students, 150 staff, 60 classes, 600 teaching groups (600 class teachers)\nrejected: 0 rows\n');
    expect(result.stdout).toContain('personeel.csv: role "Teamleider" is not mapped to a Zorgpad role (1 staff)');
    expect(result.stdout).toContain(`written`);

    const school = loadSchoolFile(file);
    expect(school).toMatchObject({ id: 'fictief-college', name: 'Fictief College' });
    expect(school.students).toHaveLength(1500);
    // Student numbers of digits only stay text; only the initials are kept, never a name.
    const first = fixture.students[0]!;
    expect(school.students[0]).toEqual({ ref: first.number, initials: `${first.firstName[0]}.${first.lastName[0]}.`, class: first.class });
    const studentLines = readFileSync(file, 'utf8').split('\nstudents:\n')[1]!;
    expect(studentLines).not.toContain(first.lastName);
    expect(school.staff.every((m) => m.email && Object.keys(m.identities).length === 0)).toBe(true);
    expect(school.staff[0]).toMatchObject({ roles: ['zorgcoordinator'] });
    const mentor = school.staff.find((m) => m.email === fixture.classes[0]!.mentor)!;
    expect(mentor.roles).toEqual(['vakdocent', 'mentor']);
    expect(school.classes[0]).toMatchObject({ id: fixture.classes[0]!.id, yearGroup: 1, mentor: mentor.id });
    expect(school.classes.reduce((sum, c) => sum + c.teachers.length, 0)).toBe(600);

    // Zorgpad starts on it, and its people can work: the mentor finds a student of their class by number.
    const bot = await startTestApp({ ZORGPAD_SCHOOL_FILE: file });
    try {
      expect(bot.app.directory.school.students).toHaveLength(1500);
      expect((await bot.say(mentor.id, 'uitzondering aanvragen')).texts.at(-1)).toBe('Voor welke leerling? Typ het leerlingnummer.');
      expect((await bot.say(mentor.id, first.number)).texts[0]).toMatch(/^Op welke grond\?/);
    } finally {
      await bot.stop();
    }
  });

  it('reads the Somtoday preset (",", every field quoted) to the same school file', () => {
    const dir = place();
    const fixture = generateSchool(5, { students: 120, staff: 30, classes: 12, groups: 48 });
    writeExport(join(dir, 'magister'), fixture, 'magister');
    writeExport(join(dir, 'somtoday'), fixture, 'somtoday');
    const a = importSchool({ folder: join(dir, 'magister'), schoolFile: join(dir, 'a.yaml'), id: 'x', name: 'X' });
    const b = importSchool({ folder: join(dir, 'somtoday'), schoolFile: join(dir, 'b.yaml'), id: 'x', name: 'X' });
    expect(a.roster.mapping).toBe('preset magister');
    expect(b.roster.mapping).toBe('preset somtoday');
    expect(b.text).toBe(a.text);
  });

  it('reports every rejected row with its file, line and reason, and takes the rest', () => {
    const dir = smallExport(place(), {
      leerlingen: [
        'Stamnr;Roepnaam;Tussenv;Achternaam;Klas;Leerjaar',
        '300001;Noor;;Veldkamp;1A;1',
        '300002;Daan;de;Hoekstra;9Z;1',
        '300001;Evi;;Postma;1A;1',
        '30 0003;Sem;;Kuipers;1A;1',
        '"300004";"Yara";"";"Brink;man";1A;1',
        '300005;"Ilias',
        'Tweede";;Wolters;2B;2',
        '300006;Fenna;;Oosting;1A;zeven',
        '300007;;;;1A;1',
        '300008;Joep;;Lindeboom;1A;1;extra',
      ],
      personeel: [
        'Roepnaam;Tussenv;Achternaam;E-mail;Functie',
        'Anouk;;Veldkamp;a.veldkamp@fictief.example;Zorgcoördinator',
        'Lotte;;Brinkman;l.brinkman@fictief.example;Orthopedagoog',
        'Marloes;de;Hoekstra;m.hoekstra@fictief.example;Docent, Mentor',
        'Tessa;;Kuipers;tessa.kuipers(at)fictief.example;Docent',
        'Joost;;Postma;M.Hoekstra@Fictief.example;Docent',
        'Bram;;Zwartjes;b.zwartjes@fictief.example;Docent',
      ],
      klassen: ['Klas;Leerjaar;Mentor e-mail', '1A;1;m.hoekstra@fictief.example', '2B;2;onbekend@fictief.example', '1a;1;b.zwartjes@fictief.example'],
      lesgroepen: [
        'Lesgroep;Vak;Klas;Docent e-mail',
        '1a.ne;Nederlands;1A;m.hoekstra@fictief.example',
        '1a.wi;wiskunde;1A;t.kuipers@fictief.example',
        '3c.en;Engels;3C;b.zwartjes@fictief.example',
        '1a2b.lo;lichamelijke opvoeding;"1A, 2B";b.zwartjes@fictief.example',
      ],
    });
    const outcome = importSchool({ folder: dir, schoolFile: join(dir, 'school.yaml'), id: 'klein', name: 'Klein College' });
    expect(outcome.roster.rejected).toEqual([
      { file: 'leerlingen.csv', line: 3, reason: 'unknown class 9Z' },
      { file: 'leerlingen.csv', line: 4, reason: 'student number 300001 appears twice (first on line 2)' },
      { file: 'leerlingen.csv', line: 5, reason: 'Stamnr "30 0003": not a student number (2-20 letters, digits or dashes)' },
      { file: 'leerlingen.csv', line: 9, reason: 'Leerjaar "zeven": not a year group (1-6)' },
      { file: 'leerlingen.csv', line: 10, reason: 'no name or initials to make the initials from' },
      { file: 'leerlingen.csv', line: 11, reason: '7 fields where the header has 6 (a ";" in a value without quotes?)' },
      { file: 'personeel.csv', line: 5, reason: 'E-mail "tessa.kuipers(at)fictief.example": not an e-mail address' },
      { file: 'personeel.csv', line: 6, reason: 'e-mail address m.hoekstra@fictief.example appears twice (first on line 4)' },
      { file: 'klassen.csv', line: 4, reason: 'class 1a appears twice (first on line 2)' },
      { file: 'lesgroepen.csv', line: 3, reason: 'teacher t.kuipers@fictief.example is not in staff' },
      { file: 'lesgroepen.csv', line: 4, reason: 'unknown class 3C' },
    ]);
    expect(outcome.school.students).toEqual([
      { ref: '300001', initials: 'N.V.', class: '1A' },
      { ref: '300004', initials: 'Y.B.', class: '1A' },
      { ref: '300005', initials: 'I.W.', class: '2B' },
    ]);
    expect(outcome.school.classes).toEqual([
      { id: '1A', yearGroup: 1, mentor: 'm.hoekstra', teachers: [{ staff: 'm.hoekstra', subject: 'Nederlands' }, { staff: 'b.zwartjes', subject: 'lichamelijke opvoeding' }] },
      { id: '2B', yearGroup: 2, teachers: [{ staff: 'b.zwartjes', subject: 'lichamelijke opvoeding' }] },
    ]);
    const report = formatReport(outcome, { folder: dir, schoolFile: 'school.yaml' });
    expect(report).toContain('rejected: 11 rows\n  leerlingen.csv line 3: unknown class 9Z\n');
    expect(report).toContain('  lesgroepen.csv line 3: teacher t.kuipers@fictief.example is not in staff\n');
    expect(report).toContain('  klassen.csv line 3: mentor onbekend@fictief.example is not in staff: class 2B is taken without a mentor\n');
  });

  describe('writes nothing on a fatal error', () => {
    const cases: Array<[string, (dir: string) => void, RegExp]> = [
      ['a missing file', (dir) => rmSync(join(dir, 'lesgroepen.csv')), /^school:import: no teaching groups file in .* \(looked for lesgroepen\.csv; preset magister\)\n/],
      [
        'a missing required column',
        (dir) => writeFileSync(join(dir, 'leerlingen.csv'), 'Nummer;Roepnaam;Tussenv;Achternaam;Klas;Leerjaar\n300001;Noor;;Veldkamp;1A;1\n'),
        /^school:import: leerlingen\.csv: required column missing: number \("Stamnr" or "Stamnummer"\) \(preset magister\)\n/,
      ],
      [
        'a school file that would not load',
        (dir) => writeFileSync(join(dir, 'personeel.csv'), 'Roepnaam;Tussenv;Achternaam;E-mail;Functie\nAnouk;;Veldkamp;geen-adres;Docent\n'),
        /^school:import: the school file would not load, so nothing is written: .*: staff: expected at least one staff member\n/,
      ],
      ['a quoted field that never closes', (dir) => writeFileSync(join(dir, 'klassen.csv'), 'Klas;Leerjaar;Mentor e-mail\n"1A;1;\n'), /^school:import: klassen\.csv line 2: a quoted field opened on line 2 is never closed\n/],
    ];
    it.each(cases)('%s: the school file stays as it was, byte for byte, and it exits 1', (_name, breakIt, message) => {
      const dir = place();
      const file = join(dir, 'school.yaml');
      smallExport(join(dir, 'export'));
      expect(cli([join(dir, 'export'), '--school', file, '--id', 'klein', '--name', 'Klein College']).code).toBe(0);
      const before = readFileSync(file);
      breakIt(join(dir, 'export'));
      const result = cli([join(dir, 'export')], { ZORGPAD_SCHOOL_FILE: file });
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/Nothing was written\.\n$/);
      expect(result.stdout).toBe('');
      expect(result.code).toBe(1);
      expect(readFileSync(file).equals(before)).toBe(true);
    });

    it('a missing folder, no school file given, or a new one without its id and name: exits 1 and makes no file', () => {
      const dir = place();
      expect(cli([join(dir, 'nergens'), '--school', join(dir, 'school.yaml')])).toMatchObject({ code: 1, stderr: `school:import: ${join(dir, 'nergens')}: folder not found\nNothing was written.\n` });
      expect(cli([smallExport(join(dir, 'export'))])).toMatchObject({ code: 1, stderr: 'school:import: give the school file with --school <file> (or set ZORGPAD_SCHOOL_FILE)\nNothing was written.\n' });
      expect(cli([join(dir, 'export'), '--school', join(dir, 'school.yaml')])).toMatchObject({ code: 1, stderr: `school:import: ${join(dir, 'school.yaml')} does not exist yet: give --id and --name for a new school file\nNothing was written.\n` });
      // A dry run reports and writes nothing either.
      const dry = cli([join(dir, 'export'), '--school', join(dir, 'school.yaml'), '--id', 'klein', '--name', 'Klein College', '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/^taken: 2 students, 4 staff, 2 classes, 2 teaching groups \(2 class teachers\)$/m);
      expect(dry.stdout).toMatch(/dry run \(\d+\.\d s\): .*school\.yaml is not written\n$/);
      expect(existsSync(join(dir, 'school.yaml'))).toBe(false);
    });
  });

  it('on re-import keeps the ids typed in the school file for the same e-mail address, and the rest of the file, and reports what changed', () => {
    const dir = place();
    const file = join(dir, 'school.yaml');
    writeFileSync(
      file,
      [
        '# Our school.',
        'id: klein',
        'name: Klein College',
        'kernteam:',
        '  # The kernteam channel.',
        '  teamsChannel: "19:kern@thread.tacv2"',
        'exceptions:',
        '  contacts: [a.veldkamp]',
        'staff:',
        '  - { id: a.veldkamp, name: A. Veldkamp, email: A.Veldkamp@fictief.example, roles: [zorgcoordinator], identities: { teams: 00000000-0000-4000-8000-0000000000aa, slack: UKLEIN01 } }',
        '  - { id: marloes, name: M. de Hoekstra, email: m.hoekstra@fictief.example, roles: [vakdocent], identities: { slack: UKLEIN02 } }',
        '  - { id: j.postma, name: Joost Postma, roles: [vakdocent, mentor] }',
        '  - { id: k.weg, name: Kees Weg, email: k.weg@fictief.example, roles: [vakdocent] }',
        'classes:',
        '  - { id: 1A, yearGroup: 1, mentor: marloes }',
        '  - { id: 2B, yearGroup: 2, mentor: j.postma }',
        '  - { id: 3C, yearGroup: 3 }',
        'students:',
        '  - { ref: "300001", initials: N.V., class: 2B }',
        '  - { ref: "300009", initials: X.Y., class: 3C }',
        '',
      ].join('\n'),
    );
    const outcome = importSchool({ folder: smallExport(join(dir, 'export')), schoolFile: file });
    writeSchoolFile(file, outcome.text);
    const school = loadSchoolFile(file);
    expect(school.staff).toEqual([
      { id: 'a.veldkamp', name: 'Anouk Veldkamp', email: 'a.veldkamp@fictief.example', roles: ['zorgcoordinator'], identities: { teams: '00000000-0000-4000-8000-0000000000aa', slack: 'UKLEIN01' } },
      { id: 'l.brinkman', name: 'Lotte Brinkman', email: 'l.brinkman@fictief.example', roles: ['orthopedagoog'], identities: {} },
      { id: 'marloes', name: 'Marloes de Hoekstra', email: 'm.hoekstra@fictief.example', roles: ['vakdocent', 'mentor'], identities: { slack: 'UKLEIN02' } },
      { id: 'j.postma', name: 'Joost Postma', email: 'j.postma@fictief.example', roles: ['vakdocent', 'mentor'], identities: {} },
    ]);
    expect(school.kernteam.teamsChannel).toBe('19:kern@thread.tacv2');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# Our school\.\nid: klein\n/);
    expect(text).toContain('  # The kernteam channel.\n');
    const report = formatReport(outcome, { folder: 'export', schoolFile: file });
    expect(report).toContain(
      [
        'changes since the last import:',
        '  students: +1 added, -1 removed, 1 changed class',
        '    300001: 2B → 1A',
        '  staff: +1 added, -1 removed, 1 with other roles',
        '    + l.brinkman@fictief.example',
        '    - k.weg@fictief.example',
        '    m.hoekstra@fictief.example: vakdocent → vakdocent, mentor',
        '  recognised by id (the school file had no e-mail address for them; check these are the same people):',
        '    j.postma@fictief.example = j.postma',
        '  classes: +0 added, -1 removed, 0 with another mentor',
        '    - 3C',
        '  class teachers: +2 added, -0 removed',
      ].join('\n'),
    );
    // The same export again: nothing to change.
    expect(importSchool({ folder: join(dir, 'export'), schoolFile: file }).changed).toBe(false);
  });

  it('reads any other export with a mapping file (YAML or JSON), checked before anything is read', () => {
    const dir = place();
    const exportDir = join(dir, 'export');
    mkdirSync(exportDir);
    writeFileSync(join(exportDir, 'lln.csv'), 'llnr,groep,initialen\nA-17,H1a,"P.Q."\n');
    writeFileSync(join(exportDir, 'mdw.csv'), 'mail,weergavenaam,taak\nr.dekker@fictief.example,Rik Dekker,Leerlingbegeleider|Docent\n');
    writeFileSync(join(exportDir, 'groepen.csv'), 'groep,jaar,mentor\nH1a,1,r.dekker@fictief.example\n');
    writeFileSync(join(exportDir, 'vakken.csv'), 'vak,groep,docent\nnask,H1a,r.dekker@fictief.example\n');
    const mapping = join(dir, 'mapping.yaml');
    writeFileSync(
      mapping,
      [
        'files: { students: lln.csv, staff: mdw.csv, classes: groepen.csv, groups: vakken.csv }',
        'columns:',
        '  students: { number: llnr, class: groep, initials: initialen }',
        '  staff: { email: mail, name: weergavenaam, roles: taak }',
        '  classes: { class: groep, year: jaar, mentor: mentor }',
        '  groups: { subject: vak, class: groep, teacher: docent }',
        'roles:',
        '  Leerlingbegeleider: [clz, zorgcoordinator]',
      ].join('\n'),
    );
    const outcome = importSchool({ folder: exportDir, schoolFile: join(dir, 'school.yaml'), mappingFile: mapping, id: 'anders', name: 'Anders' });
    expect(outcome.roster.rejected).toEqual([]);
    expect(outcome.school.staff).toEqual([{ id: 'r.dekker', name: 'Rik Dekker', email: 'r.dekker@fictief.example', roles: ['vakdocent', 'mentor', 'clz', 'zorgcoordinator'], identities: {} }]);
    expect(outcome.school.students).toEqual([{ ref: 'A-17', initials: 'P.Q.', class: 'H1a' }]);

    writeFileSync(mapping, JSON.stringify({ preset: 'magister', columns: { students: { number: 'Leerlingnr', klas: 'Klas' } } }));
    expect(() => importSchool({ folder: exportDir, schoolFile: join(dir, 'school.yaml'), mappingFile: mapping })).toThrow(
      new MappingError(`${mapping}: columns.students: Unrecognized key: "klas"`),
    );
    expect(() => importSchool({ folder: exportDir, schoolFile: join(dir, 'school.yaml') })).toThrow(ImportError);
  });
});
