import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classesFingerprint, parseSchoolFile, SchoolDirectory } from '../../src/core/people/school.js';

const demo = readFileSync('schools/demo.yaml', 'utf8');
const parse = (text: string) => parseSchoolFile('school.yaml', text);
/** The demo school with Bram (beheerder) listed by e-mail only, as after an import. */
const byEmail = (text: string) => text.replace('    identities: { teams: 00000000-0000-4000-8000-000000000010, slack: UDEMO0010 }\n', '    email: b.koster@demo-school.example\n');

/**
 * The school file swapped while Zorgpad runs: every look-up answers from the new version at once, and
 * an account linked by e-mail in this process stays linked, unless its member of staff left the file or
 * the file now gives them another account.
 */
describe('SchoolDirectory.replace', () => {
  it('answers every look-up from the new version, and keeps the accounts linked in this process', () => {
    const directory = new SchoolDirectory(parse(byEmail(demo)));
    expect(directory.rememberAccount('slack', 'UNEW0010', 'b.koster')).toBe(true);
    expect(directory.fileHolders('clz').map((m) => m.id)).toEqual(['s.yilmaz']);
    expect(directory.staffByEmail('B.Koster@demo-school.example')?.name).toBe('Bram Koster');

    const next = byEmail(demo)
      .replace('name: Bram Koster', 'name: Bram de Koster')
      .replace('    name: Tessa Bakker\n    roles: [vakdocent]', '    name: Tessa Bakker\n    roles: [vakdocent, clz]')
      .replace('{ ref: L1001, initials: A.K., class: 1A }', '{ ref: L1001, initials: A.K., class: 2B }');
    expect(directory.replace(parse(next))).toEqual({ linksDropped: 0 });

    expect(directory.findStaff('slack', 'UNEW0010')?.name).toBe('Bram de Koster');
    expect(directory.accountOf('b.koster', 'slack')).toBe('UNEW0010');
    expect(directory.staffByEmail('b.koster@demo-school.example')?.name).toBe('Bram de Koster');
    expect(directory.fileHolders('clz').map((m) => m.id)).toEqual(['t.bakker', 's.yilmaz']);
    expect(directory.mentorOf(directory.findStudent('L1001')!)?.id).toBe('j.pietersen');
    expect(directory.school.students[0]!.class).toBe('2B');
  });

  it('drops a link whose member of staff left the file, or whom the file now gives another account', () => {
    const directory = new SchoolDirectory(parse(byEmail(demo)));
    directory.rememberAccount('slack', 'UNEW0010', 'b.koster');
    directory.rememberAccount('teams', 'aad-of-bram', 'b.koster');
    const next = byEmail(demo).replace('    email: b.koster@demo-school.example\n', '    email: b.koster@demo-school.example\n    identities: { slack: UFILE0010 }\n');
    expect(directory.replace(parse(next))).toEqual({ linksDropped: 1 });
    expect(directory.findStaff('slack', 'UNEW0010')).toBeNull();
    expect(directory.findStaff('slack', 'UFILE0010')?.id).toBe('b.koster');
    expect(directory.findStaff('teams', 'aad-of-bram')?.id).toBe('b.koster');

    const gone = byEmail(demo).replace(/  - id: b\.koster\n(    .*\n)+/, '');
    expect(directory.replace(parse(gone))).toEqual({ linksDropped: 1 });
    expect(directory.findStaff('teams', 'aad-of-bram')).toBeNull();
    expect(directory.accountOf('b.koster', 'teams')).toBeNull();
  });

  it('never lets a link take an account the school file gives to someone else, now or after a change', () => {
    const directory = new SchoolDirectory(parse(byEmail(demo)));
    // UDEMO0001 is Tessa's in the file: a stored link cannot make it Bram's.
    expect(directory.rememberAccount('slack', 'UDEMO0001', 'b.koster')).toBe(false);
    expect(directory.findStaff('slack', 'UDEMO0001')?.id).toBe('t.bakker');
    expect(directory.accountOf('b.koster', 'slack')).toBeNull();
    // Linked to Bram first; then the beheerder writes the account down for Tessa: Bram loses it.
    expect(directory.rememberAccount('slack', 'UWRONG01', 'b.koster')).toBe(true);
    const next = byEmail(demo).replace('identities: { teams: 00000000-0000-4000-8000-000000000001, slack: UDEMO0001 }', 'identities: { teams: 00000000-0000-4000-8000-000000000001, slack: UWRONG01 }');
    expect(directory.replace(parse(next))).toEqual({ linksDropped: 1 });
    expect(directory.findStaff('slack', 'UWRONG01')?.id).toBe('t.bakker');
    expect(directory.accountOf('b.koster', 'slack')).toBeNull();
  });

  it('fingerprints the classes: the same for the same classes, another when a student, mentor or teacher moves', () => {
    const base = classesFingerprint(parse(demo));
    expect(classesFingerprint(parse(demo.replace('name: Demo College (fictief)', 'name: Ander College')))).toBe(base);
    expect(classesFingerprint(parse(demo.replace('class: 1A }', 'class: 2B }')))).not.toBe(base);
    expect(classesFingerprint(parse(demo.replace('    mentor: j.pietersen', '    mentor: m.devries')))).not.toBe(base);
    expect(classesFingerprint(parse(demo.replace('{ staff: j.pietersen, subject: geschiedenis }', '{ staff: p.vandam, subject: geschiedenis }')))).not.toBe(base);
  });
});
