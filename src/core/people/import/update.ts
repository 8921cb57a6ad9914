/**
 * Puts a roster into a school file: staff, classes and students are replaced, everything else in the
 * file (kernteam, exceptions, parents, reminders, comments) stays as it was. A member of staff keeps
 * the id and the Teams and Slack ids the file has for the same e-mail address; a new one gets an id
 * made from the e-mail address. The result is checked by the same loader Zorgpad starts with.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Document, isMap, isSeq, parseDocument, type Node } from 'yaml';
import { parseSchoolFile, SchoolFileError, type SchoolFile, type StaffMember } from '../school.js';
import type { Role } from '../roles.js';
import { ImportError, type Roster, type Warning } from './roster.js';

export interface Changes {
  /** There was no school file before. */
  first: boolean;
  studentsAdded: string[];
  studentsRemoved: string[];
  classChanges: Array<{ ref: string; from: string; to: string }>;
  /** By e-mail (or id, for a member the old file had without one). */
  staffAdded: string[];
  staffRemoved: string[];
  rolesChanged: Array<{ who: string; from: Role[]; to: Role[] }>;
  /** Members the old file had without an e-mail address, recognised by their id. */
  matchedById: string[];
  classesAdded: string[];
  classesRemoved: string[];
  mentorsChanged: Array<{ cls: string; from?: string; to?: string }>;
  teachersAdded: number;
  teachersRemoved: number;
}

export interface Updated {
  /** The school file's new text. */
  text: string;
  /** The text differs from the file as it is. */
  changed: boolean;
  school: SchoolFile;
  changes: Changes;
  warnings: Warning[];
}

/** A staff id from an e-mail address: its local part in lower case, without accents; -2, -3… when taken. */
export function staffIdFor(email: string, taken: ReadonlySet<string>): string {
  const local = email.split('@')[0]!;
  const base =
    local
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'medewerker';
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

/** The comment on top of a school file the import makes. */
const HEADER = [
  ' Staff, classes and students below are written by `npm run school:import` from the student',
  " administration's export; the next import replaces them (edit the export, not these lists). Teams and",
  ' Slack ids added by hand are kept for the same e-mail address. Everything else in this file is yours.',
].join('\n');

/**
 * The school file with this roster. `existing` is the file's current text (undefined: a new file, which
 * then needs `id` and `name`).
 */
export function updateSchoolFile(path: string, roster: Roster, options: { id?: string | undefined; name?: string | undefined }): Updated {
  const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  let old: SchoolFile | undefined;
  if (before !== undefined) {
    try {
      old = parseSchoolFile(path, before);
    } catch (error) {
      throw new ImportError(`the current school file does not load, so it is not updated: ${(error as Error).message}`);
    }
    if (options.id && options.id !== old.id) throw new ImportError(`${path} is school "${old.id}", not "${options.id}"; leave out --id to update it`);
  } else if (!options.id || !options.name) {
    throw new ImportError(`${path} does not exist yet: give --id and --name for a new school file`);
  }

  const warnings: Warning[] = [];
  const oldStaff = old?.staff ?? [];
  const byEmail = new Map(oldStaff.filter((m) => m.email).map((m) => [m.email!.toLowerCase(), m]));
  const withoutEmail = new Map(oldStaff.filter((m) => !m.email).map((m) => [m.id, m]));
  // Every id the old file used stays reserved: records may name it.
  const taken = new Set(oldStaff.map((m) => m.id));
  const matched = new Set<string>();
  const matchedById: string[] = [];
  const staff: StaffMember[] = [];
  const idOf = new Map<string, string>();
  for (const member of roster.staff) {
    let previous = byEmail.get(member.email);
    if (!previous) {
      const candidate = staffIdFor(member.email, new Set());
      const same = withoutEmail.get(candidate);
      if (same && !matched.has(same.id)) {
        previous = same;
        matchedById.push(`${member.email} = ${same.id}`);
      }
    }
    const id = previous ? previous.id : staffIdFor(member.email, taken);
    taken.add(id);
    if (previous) matched.add(previous.id);
    idOf.set(member.email, id);
    const identities = previous?.identities ?? {};
    staff.push({ id, name: member.name, email: member.email, roles: member.roles, identities });
  }

  const classes = roster.classes.map((c) => ({
    id: c.id,
    yearGroup: c.yearGroup,
    ...(c.mentor ? { mentor: idOf.get(c.mentor)! } : {}),
    ...(c.teachers.length ? { teachers: c.teachers.map((t) => ({ staff: idOf.get(t.email)!, subject: t.subject })) } : {}),
  }));
  const students = roster.students.map((s) => ({ ref: s.ref, initials: s.initials, class: s.class }));

  // References elsewhere in the file to staff who are gone.
  const ids = new Set(staff.map((m) => m.id));
  for (const contact of old?.exceptions.contacts ?? []) {
    if (!ids.has(contact)) warnings.push({ text: `exceptions.contacts names ${contact}, who is no longer in staff: change it in the school file` });
  }
  const holds = (role: Role) => staff.some((m) => m.roles.indexOf(role) >= 0);
  const kernteam = old?.kernteam.roles ?? ['zorgcoordinator', 'orthopedagoog'];
  for (const role of kernteam) if (!holds(role)) warnings.push({ text: `nobody has the role ${role}, a kernteam role: exception requests cannot be decided` });

  const doc = before !== undefined ? parseDocument(before) : newDocument(options.id!, options.name!);
  // As written: no empty identities.
  const staffOut = staff.map(({ identities, ...m }) => (Object.keys(identities).length ? { ...m, identities } : m));
  doc.set('staff', styled(doc, staffOut, 'staff'));
  doc.set('classes', styled(doc, classes, 'classes'));
  doc.set('students', styled(doc, students, 'students'));
  const text = doc.toString({ lineWidth: 0 });

  let school: SchoolFile;
  try {
    school = parseSchoolFile(path, text);
  } catch (error) {
    if (error instanceof SchoolFileError) throw new ImportError(`the school file would not load, so nothing is written: ${error.message}`);
    throw error;
  }
  return { text, changed: text !== before, school, changes: diff(old, school, matchedById), warnings };
}

function newDocument(id: string, name: string): Document {
  const doc = new Document({ id, name, locale: 'nl', timeZone: 'Europe/Amsterdam' });
  doc.commentBefore = HEADER;
  return doc;
}

/** Lists as the demo school writes them: a student or a class teacher on one line, roles and ids inline. */
function styled(doc: Document, value: unknown, kind: 'staff' | 'classes' | 'students'): Node {
  const node = doc.createNode(value);
  if (!isSeq(node)) return node;
  for (const item of node.items) {
    if (!isMap(item)) continue;
    if (kind === 'students') item.flow = true;
    for (const pair of item.items) {
      const key = String((pair.key as { value?: unknown }).value ?? pair.key);
      const v = pair.value;
      if (kind === 'staff' && (key === 'roles' || key === 'identities') && (isSeq(v) || isMap(v))) v.flow = true;
      if (kind === 'classes' && key === 'teachers' && isSeq(v)) for (const t of v.items) if (isMap(t)) t.flow = true;
    }
  }
  return node;
}

function diff(old: SchoolFile | undefined, now: SchoolFile, matchedById: string[]): Changes {
  const key = (m: StaffMember) => m.email?.toLowerCase() ?? m.id;
  const oldStudents = new Map((old?.students ?? []).map((s) => [s.ref.toUpperCase(), s]));
  const newStudents = new Map(now.students.map((s) => [s.ref.toUpperCase(), s]));
  const oldStaff = new Map((old?.staff ?? []).map((m) => [m.id, m]));
  const newStaff = new Map(now.staff.map((m) => [m.id, m]));
  const oldClasses = new Map((old?.classes ?? []).map((c) => [c.id, c]));
  const newClasses = new Map(now.classes.map((c) => [c.id, c]));
  const pairs = (cs: SchoolFile['classes']) => new Set(cs.flatMap((c) => c.teachers.map((t) => `${c.id}\u0000${t.staff}\u0000${t.subject}`)));
  const oldPairs = pairs(old?.classes ?? []);
  const newPairs = pairs(now.classes);
  const sameRoles = (a: Role[], b: Role[]) => a.length === b.length && a.every((r) => b.indexOf(r) >= 0);
  return {
    first: old === undefined,
    studentsAdded: now.students.filter((s) => !oldStudents.has(s.ref.toUpperCase())).map((s) => s.ref),
    studentsRemoved: (old?.students ?? []).filter((s) => !newStudents.has(s.ref.toUpperCase())).map((s) => s.ref),
    classChanges: now.students.flatMap((s) => {
      const was = oldStudents.get(s.ref.toUpperCase());
      return was && was.class !== s.class ? [{ ref: s.ref, from: was.class, to: s.class }] : [];
    }),
    staffAdded: now.staff.filter((m) => !oldStaff.has(m.id)).map(key),
    staffRemoved: (old?.staff ?? []).filter((m) => !newStaff.has(m.id)).map(key),
    rolesChanged: now.staff.flatMap((m) => {
      const was = oldStaff.get(m.id);
      return was && !sameRoles(was.roles, m.roles) ? [{ who: key(m), from: was.roles, to: m.roles }] : [];
    }),
    matchedById,
    classesAdded: now.classes.filter((c) => !oldClasses.has(c.id)).map((c) => c.id),
    classesRemoved: (old?.classes ?? []).filter((c) => !newClasses.has(c.id)).map((c) => c.id),
    mentorsChanged: now.classes.flatMap((c) => {
      const was = oldClasses.get(c.id);
      return was && was.mentor !== c.mentor ? [{ cls: c.id, ...(was.mentor ? { from: was.mentor } : {}), ...(c.mentor ? { to: c.mentor } : {}) }] : [];
    }),
    teachersAdded: [...newPairs].filter((p) => !oldPairs.has(p)).length,
    teachersRemoved: [...oldPairs].filter((p) => !newPairs.has(p)).length,
  };
}
