// Longer than 350 lines: every check of an imported row (students, staff, classes, groups), each with its
// file, line and reason.
/**
 * Reads a folder of exports (students, staff, classes, teaching groups) into a roster: every row
 * checked with zod, a row that cannot be used left out with its file, line and reason, and a file or
 * column that is missing a fatal error. Names are read only to make a student's initials and a staff
 * member's display name; a student's name is never kept.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ROLES, type Role } from '../roles.js';
import { CsvError, readCsv, type CsvRow, type CsvTable } from './csv.js';
import { FIELDS, FILE_KINDS, normalise, presetMapping, PRESET_NAMES, type Field, type FileKind, type Mapping } from './mapping.js';

/** A fatal problem: nothing is written. */
export class ImportError extends Error {
  override name = 'ImportError';
}

export interface Rejected {
  file: string;
  line: number;
  reason: string;
}

export interface Warning {
  file?: string;
  line?: number;
  text: string;
}

export interface RosterStaff {
  email: string;
  name: string;
  roles: Role[];
  line: number;
}
export interface RosterClass {
  id: string;
  yearGroup: number;
  mentor?: string; // e-mail
  teachers: Array<{ email: string; subject: string }>;
}
export interface RosterStudent {
  ref: string;
  initials: string;
  class: string;
}

export interface ReadFile {
  kind: FileKind;
  name: string;
  delimiter: string;
  encoding: string;
  rows: number;
}

export interface Roster {
  mapping: string;
  files: ReadFile[];
  staff: RosterStaff[];
  classes: RosterClass[];
  students: RosterStudent[];
  /** Teaching-group rows taken (a group may teach several classes). */
  groups: number;
  rejected: Rejected[];
  warnings: Warning[];
}

/** Where each field's column is in one file. */
type Columns<K extends FileKind> = Partial<Record<Field<K>, number>>;

interface Table<K extends FileKind> {
  kind: K;
  name: string;
  csv: CsvTable;
  columns: Columns<K>;
}

const KIND_NAMES: Record<FileKind, string> = { students: 'students', staff: 'staff', classes: 'classes', groups: 'teaching groups' };

/** The column of each field whose header the mapping names (the first header that is there). */
function locate<K extends FileKind>(kind: K, header: string[], mapping: Mapping): Columns<K> {
  const at = new Map<string, number>();
  header.forEach((h, i) => {
    const key = normalise(h);
    if (!at.has(key)) at.set(key, i);
  });
  const columns: Columns<K> = {};
  for (const field of FIELDS[kind] as readonly Field<K>[]) {
    const names = (mapping.columns[kind] as Partial<Record<Field<K>, string[]>>)[field] ?? [];
    const index = names.map((n) => at.get(normalise(n))).find((i) => i !== undefined);
    if (index !== undefined) columns[field] = index;
  }
  return columns;
}

/** The required columns a file lacks, each as "field (headers looked for)". */
function missingColumns<K extends FileKind>(kind: K, columns: Columns<K>, mapping: Mapping): string[] {
  const looked = (field: Field<K>) => {
    const names = (mapping.columns[kind] as Partial<Record<Field<K>, string[]>>)[field];
    return names?.length ? `"${names.join('" or "')}"` : 'no header given in the mapping';
  };
  const has = (field: Field<K>) => columns[field] !== undefined;
  const need = (field: Field<K>) => (has(field) ? [] : [`${field} (${looked(field)})`]);
  const c = columns as Record<string, number | undefined>;
  switch (kind) {
    case 'students': {
      const name = c.initials !== undefined || (c.firstName !== undefined && c.lastName !== undefined);
      return [...need('number' as Field<K>), ...need('class' as Field<K>), ...(name ? [] : [`initials, or firstName and lastName (${looked('initials' as Field<K>)}; ${looked('firstName' as Field<K>)}; ${looked('lastName' as Field<K>)})`])];
    }
    case 'staff': {
      const name = c.name !== undefined || (c.firstName !== undefined && c.lastName !== undefined);
      return [...need('email' as Field<K>), ...(name ? [] : [`name, or firstName and lastName (${looked('name' as Field<K>)}; ${looked('firstName' as Field<K>)}; ${looked('lastName' as Field<K>)})`])];
    }
    case 'classes':
      return need('class' as Field<K>);
    default:
      return [...need('subject' as Field<K>), ...need('class' as Field<K>), ...need('teacher' as Field<K>)];
  }
}

/** The export's files by kind, found by the mapping's names without regard to letter case. */
function findFiles(folder: string, mapping: Mapping): Record<FileKind, string> | string {
  const present = new Map(readdirSync(folder).map((name) => [name.toLowerCase(), name]));
  const found = {} as Record<FileKind, string>;
  for (const kind of FILE_KINDS) {
    const name = mapping.files[kind].map((n) => present.get(n.toLowerCase())).find((n) => n !== undefined);
    if (!name) return `no ${KIND_NAMES[kind]} file in ${folder} (looked for ${mapping.files[kind].join(', ')}; ${mapping.source})`;
    found[kind] = name;
  }
  return found;
}

function readTable<K extends FileKind>(folder: string, kind: K, name: string, mapping: Mapping): Table<K> {
  let csv: CsvTable;
  try {
    csv = readCsv(readFileSync(join(folder, name)));
  } catch (error) {
    if (error instanceof CsvError) throw new ImportError(`${name} line ${error.line}: ${error.message}`);
    throw new ImportError(`${name}: cannot be read`);
  }
  return { kind, name, csv, columns: locate(kind, csv.header, mapping) };
}

/**
 * Which preset fits this folder best: the one with most of its files there and most of its columns in
 * them (so that a broken export still gets the preset's own error: the file or column it lacks). Null
 * when no preset finds even one file.
 */
export function detectPreset(folder: string): Mapping | null {
  let best: { mapping: Mapping; score: number } | null = null;
  for (const name of PRESET_NAMES) {
    const mapping = presetMapping(name);
    const present = new Map(readdirSync(folder).map((file) => [file.toLowerCase(), file]));
    let score = 0;
    for (const kind of FILE_KINDS) {
      const file = mapping.files[kind].map((n) => present.get(n.toLowerCase())).find((n) => n !== undefined);
      if (!file) continue;
      score++;
      try {
        score += Object.keys(readTable(folder, kind, file, mapping).columns).length;
      } catch {
        // An unreadable file counts as there; reading it again says what is wrong.
      }
    }
    if (score > 0 && (!best || score > best.score)) best = { mapping, score };
  }
  return best?.mapping ?? null;
}

// Rows, checked with zod; a failed check's message is the reason in the report.
const text = z.string().trim();
const email = text.toLowerCase().pipe(z.string().min(1, 'no e-mail address').email('not an e-mail address'));
const year = text.transform((v) => (v === '' ? undefined : Number(v))).pipe(z.number({ message: 'not a year group (1-6)' }).int('not a year group (1-6)').min(1, 'not a year group (1-6)').max(6, 'not a year group (1-6)').optional());
const optionalEmail = text.transform((v) => (v === '' ? undefined : v.toLowerCase())).pipe(z.string().email('not an e-mail address').optional());
const staffRow = z.object({
  email,
  name: text.optional(),
  firstName: text.optional(),
  prefix: text.optional(),
  lastName: text.optional(),
  roles: text.optional(),
});
const classRow = z.object({ class: text.pipe(z.string().min(1, 'no class')), year: year.optional(), mentor: optionalEmail.optional() });
const groupRow = z.object({
  group: text.optional(),
  subject: text.pipe(z.string().min(1, 'no subject')),
  class: text.pipe(z.string().min(1, 'no class')),
  teacher: email,
});
const studentRow = z.object({
  number: text.pipe(z.string().regex(/^[A-Za-z0-9-]{2,20}$/, 'not a student number (2-20 letters, digits or dashes)')),
  class: text.pipe(z.string().min(1, 'no class')),
  year: year.optional(),
  initials: text.optional(),
  firstName: text.optional(),
  prefix: text.optional(),
  lastName: text.optional(),
});

/** The row's fields by name; more fields than the header has is an error (a delimiter in an unquoted value). */
function fieldsOf<K extends FileKind>(table: Table<K>, row: CsvRow): Record<string, string> | string {
  const extra = row.fields.slice(table.csv.header.length).filter((f) => f.trim() !== '');
  if (extra.length > 0) return `${row.fields.length} fields where the header has ${table.csv.header.length} (a "${table.csv.delimiter === '\t' ? 'tab' : table.csv.delimiter}" in a value without quotes?)`;
  const out: Record<string, string> = {};
  for (const [field, index] of Object.entries(table.columns) as Array<[string, number]>) out[field] = row.fields[index] ?? '';
  return out;
}

/** The first problem of a row, naming the column as the export's header has it, and the value. */
function firstIssue<K extends FileKind>(table: Table<K>, fields: Record<string, string>, error: z.ZodError): string {
  const issue = error.issues[0]!;
  const field = issue.path.map(String)[0];
  const index = field === undefined ? undefined : (table.columns as Record<string, number | undefined>)[field];
  if (field === undefined || index === undefined) return issue.message;
  const value = fields[field]?.trim() ?? '';
  return `${table.csv.header[index]}${value ? ` "${value}"` : ''}: ${issue.message}`;
}

/** The initials as the school file writes them: first name's and last name's first letters, "A.K."; written initials are kept. */
export function initialsOf(row: { initials?: string | undefined; firstName?: string | undefined; lastName?: string | undefined }): string {
  const given = row.initials?.trim();
  if (given) return given.slice(0, 10);
  const first = [...(row.firstName ?? '').matchAll(/\p{L}/gu)][0]?.[0];
  const last = [...(row.lastName ?? '').matchAll(/\p{L}/gu)][0]?.[0];
  return [first, last].filter(Boolean).map((l) => `${l!.toUpperCase()}.`).join('');
}

function splitList(value: string | undefined): string[] {
  return (value ?? '').split(/[,;|/]+/).map((v) => v.trim()).filter(Boolean);
}

/** Throws ImportError unless `folder` is a folder. */
export function checkFolder(folder: string): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    throw new ImportError(`${folder}: folder not found`);
  }
  if (!isFolder) throw new ImportError(`${folder}: not a folder`);
}

/** Reads and checks the whole export. Throws ImportError on a missing file or column. */
export function readRoster(folder: string, mapping: Mapping): Roster {
  checkFolder(folder);
  const names = findFiles(folder, mapping);
  if (typeof names === 'string') throw new ImportError(names);
  const tables = {
    students: readTable(folder, 'students', names.students, mapping),
    staff: readTable(folder, 'staff', names.staff, mapping),
    classes: readTable(folder, 'classes', names.classes, mapping),
    groups: readTable(folder, 'groups', names.groups, mapping),
  };
  for (const kind of FILE_KINDS) {
    const missing = missingColumns(kind, tables[kind].columns as never, mapping);
    if (missing.length > 0) throw new ImportError(`${tables[kind].name}: required column missing: ${missing.join('; ')} (${mapping.source})`);
  }

  const rejected: Rejected[] = [];
  const warnings: Warning[] = [];
  const reject = (table: Table<FileKind>, line: number, reason: string) => rejected.push({ file: table.name, line, reason });

  // Staff, by e-mail.
  const staff = new Map<string, RosterStaff>();
  const unmapped = new Map<string, number>();
  for (const row of tables.staff.csv.rows) {
    const fields = fieldsOf(tables.staff, row);
    if (typeof fields === 'string') {
      reject(tables.staff, row.line, fields);
      continue;
    }
    const parsed = staffRow.safeParse(fields);
    if (!parsed.success) {
      reject(tables.staff, row.line, firstIssue(tables.staff, fields, parsed.error));
      continue;
    }
    const r = parsed.data;
    const name = r.name || [r.firstName, r.prefix, r.lastName].filter(Boolean).join(' ');
    if (!name) {
      reject(tables.staff, row.line, 'no name');
      continue;
    }
    const first = staff.get(r.email);
    if (first) {
      reject(tables.staff, row.line, `e-mail address ${r.email} appears twice (first on line ${first.line})`);
      continue;
    }
    const roles = new Set<Role>();
    for (const roleName of splitList(r.roles)) {
      const mapped = mapping.roles.get(normalise(roleName));
      if (mapped) for (const role of mapped) roles.add(role);
      else unmapped.set(roleName, (unmapped.get(roleName) ?? 0) + 1);
    }
    staff.set(r.email, { email: r.email, name, roles: [...roles], line: row.line });
  }
  for (const [roleName, count] of unmapped) {
    warnings.push({ file: tables.staff.name, text: `role "${roleName}" is not mapped to a Zorgpad role (${count} staff); it is ignored (map it under roles: in a mapping file)` });
  }

  // Classes, with their mentor by e-mail.
  interface ClassDraft extends RosterClass {
    line: number;
    year?: number;
  }
  const classes = new Map<string, ClassDraft>();
  for (const row of tables.classes.csv.rows) {
    const fields = fieldsOf(tables.classes, row);
    if (typeof fields === 'string') {
      reject(tables.classes, row.line, fields);
      continue;
    }
    const parsed = classRow.safeParse(fields);
    if (!parsed.success) {
      reject(tables.classes, row.line, firstIssue(tables.classes, fields, parsed.error));
      continue;
    }
    const r = parsed.data;
    const first = classes.get(r.class.toUpperCase());
    if (first) {
      reject(tables.classes, row.line, `class ${r.class} appears twice (first on line ${first.line})`);
      continue;
    }
    let mentor: string | undefined;
    if (r.mentor) {
      if (staff.has(r.mentor)) mentor = r.mentor;
      else warnings.push({ file: tables.classes.name, line: row.line, text: `mentor ${r.mentor} is not in staff: class ${r.class} is taken without a mentor` });
    }
    classes.set(r.class.toUpperCase(), { id: r.class, yearGroup: 0, line: row.line, teachers: [], ...(r.year ? { year: r.year } : {}), ...(mentor ? { mentor } : {}) });
  }

  // Teaching groups: a teacher and subject for each class the group has.
  let groups = 0;
  for (const row of tables.groups.csv.rows) {
    const fields = fieldsOf(tables.groups, row);
    if (typeof fields === 'string') {
      reject(tables.groups, row.line, fields);
      continue;
    }
    const parsed = groupRow.safeParse(fields);
    if (!parsed.success) {
      reject(tables.groups, row.line, firstIssue(tables.groups, fields, parsed.error));
      continue;
    }
    const r = parsed.data;
    if (!staff.has(r.teacher)) {
      reject(tables.groups, row.line, `teacher ${r.teacher} is not in staff`);
      continue;
    }
    const ids = splitList(r.class);
    const unknown = ids.filter((id) => !classes.has(id.toUpperCase()));
    if (unknown.length > 0) {
      reject(tables.groups, row.line, `unknown class ${unknown.join(', ')}`);
      continue;
    }
    groups++;
    for (const id of ids) {
      const cls = classes.get(id.toUpperCase())!;
      if (!cls.teachers.some((t) => t.email === r.teacher && t.subject === r.subject)) cls.teachers.push({ email: r.teacher, subject: r.subject });
    }
  }

  // Students.
  const students: Array<RosterStudent & { line: number; year?: number }> = [];
  const refs = new Map<string, number>();
  for (const row of tables.students.csv.rows) {
    const fields = fieldsOf(tables.students, row);
    if (typeof fields === 'string') {
      reject(tables.students, row.line, fields);
      continue;
    }
    const parsed = studentRow.safeParse(fields);
    if (!parsed.success) {
      reject(tables.students, row.line, firstIssue(tables.students, fields, parsed.error));
      continue;
    }
    const r = parsed.data;
    const first = refs.get(r.number.toUpperCase());
    if (first !== undefined) {
      reject(tables.students, row.line, `student number ${r.number} appears twice (first on line ${first})`);
      continue;
    }
    const cls = classes.get(r.class.toUpperCase());
    if (!cls) {
      reject(tables.students, row.line, `unknown class ${r.class}`);
      continue;
    }
    const initials = initialsOf(r);
    if (!initials) {
      reject(tables.students, row.line, 'no name or initials to make the initials from');
      continue;
    }
    refs.set(r.number.toUpperCase(), row.line);
    students.push({ ref: r.number, initials, class: cls.id, line: row.line, ...(r.year ? { year: r.year } : {}) });
  }

  // A class's year group: its own column, else what most of its students' rows say, else the first digit of its name.
  const taken = new Set<string>();
  for (const cls of classes.values()) {
    const counts = new Map<number, number>();
    for (const s of students) if (s.class === cls.id && s.year) counts.set(s.year, (counts.get(s.year) ?? 0) + 1);
    const fromStudents = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
    const digit = /[1-6]/.exec(cls.id)?.[0];
    const yearGroup = cls.year ?? fromStudents ?? (digit ? Number(digit) : undefined);
    if (!yearGroup) {
      reject(tables.classes, cls.line, `class ${cls.id} has no year group (no year column, no students with a year, no digit 1-6 in its name)`);
      continue;
    }
    cls.yearGroup = yearGroup;
    taken.add(cls.id);
  }
  const keptStudents: RosterStudent[] = [];
  for (const s of students) {
    if (taken.has(s.class)) keptStudents.push({ ref: s.ref, initials: s.initials, class: s.class });
    else reject(tables.students, s.line, `class ${s.class} was not taken (see ${tables.classes.name} line ${classes.get(s.class.toUpperCase())!.line})`);
  }

  // Whoever mentors a class is a mentor; whoever teaches a group is a vakdocent.
  const keptClasses = [...classes.values()].filter((c) => taken.has(c.id));
  let mentorsAdded = 0;
  let teachersAdded = 0;
  const give = (email: string, role: Role) => {
    const member = staff.get(email)!;
    if (member.roles.indexOf(role) >= 0) return false;
    member.roles.push(role);
    return true;
  };
  for (const cls of keptClasses) {
    if (cls.mentor && give(cls.mentor, 'mentor')) mentorsAdded++;
    for (const t of cls.teachers) if (give(t.email, 'vakdocent')) teachersAdded++;
  }
  if (mentorsAdded) warnings.push({ text: `${mentorsAdded} staff get the role mentor because they mentor a class (not in their roles column)` });
  if (teachersAdded) warnings.push({ text: `${teachersAdded} staff get the role vakdocent because they teach a group (not in their roles column)` });
  for (const member of staff.values()) member.roles.sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b));

  return {
    mapping: mapping.source,
    files: FILE_KINDS.map((kind) => ({ kind, name: tables[kind].name, delimiter: tables[kind].csv.delimiter, encoding: tables[kind].csv.encoding, rows: tables[kind].csv.rows.length })),
    staff: [...staff.values()],
    classes: keptClasses.map(({ id, yearGroup, mentor, teachers }) => ({ id, yearGroup, teachers, ...(mentor ? { mentor } : {}) })),
    students: keptStudents,
    groups,
    rejected: rejected.sort((a, b) => FILE_KINDS.indexOf(kindOf(a.file, tables)) - FILE_KINDS.indexOf(kindOf(b.file, tables)) || a.line - b.line),
    warnings,
  };
}

function kindOf(file: string, tables: Record<FileKind, { name: string }>): FileKind {
  return FILE_KINDS.find((k) => tables[k].name === file) ?? 'students';
}
