// Longer than 350 lines: the school file's schema with its checks and the directory built from it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { roleSchema, type Role } from './roles.js';

/** A school file: who works there, which classes and students it has. Validated at start-up. */
const staffSchema = z.strictObject({
  /** Stable id used in records, e.g. `m.devries`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected lower-case letters, digits, dots and dashes'),
  name: z.string().min(1),
  /**
   * The school e-mail address (as the student administration exports it): how `npm run school:import`
   * recognises the same person on the next import, and how an account can be found without a typed id.
   */
  email: z.string().email('expected an e-mail address').optional(),
  roles: z.array(roleSchema),
  /** The accounts this person uses on each platform; optional (explicit ids win over any lookup). */
  identities: z
    .strictObject({
      /** Microsoft Entra object id (Teams `from.aadObjectId`). */
      teams: z.string().min(1).optional(),
      /** Slack user id, e.g. U024BE7LH. */
      slack: z.string().min(1).optional(),
    })
    .default({}),
});

const classSchema = z.strictObject({
  id: z.string().min(1),
  yearGroup: z.number().int().min(1).max(6),
  /** Staff id of the class mentor. */
  mentor: z.string().min(1).optional(),
  /** Who teaches which subject to this class (for discreet signals about exceptions). */
  teachers: z.array(z.strictObject({ staff: z.string().min(1), subject: z.string().min(1) })).default([]),
});

const studentSchema = z.strictObject({
  /** The school's student number; the only reference Zorgpad stores. */
  ref: z.string().regex(/^[A-Za-z0-9-]{2,20}$/, 'expected a student number of 2-20 letters or digits'),
  initials: z.string().min(1).max(10),
  class: z.string().min(1),
});

const documentName = z.enum(['verwijsbrief', 'opp', 'diagnose', 'motivatie']);

export const schoolFileSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/, 'expected lower-case letters, digits and dashes'),
  name: z.string().min(1),
  locale: z.enum(['nl', 'en']).default('nl'),
  timeZone: z.string().default('Europe/Amsterdam'),
  /** Protocol settings; defaults follow the anti-bullying protocol. */
  protocol: z
    .strictObject({
      /** A new signal within this many days of an open or closed case counts as repetition. */
      repetitionWindowDays: z.number().int().min(1).max(730).default(90),
      /** When reminders about agreements are due on their date, HH:MM school time. */
      reminderTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time as HH:MM').default('08:30'),
    })
    .default({ repetitionWindowDays: 90, reminderTime: '08:30' }),
  /** Who decides on phone-ban exceptions, and how. */
  kernteam: z
    .strictObject({
      /** Roles whose members vote. */
      roles: z.array(roleSchema).min(1).default(['zorgcoordinator', 'orthopedagoog']),
      /** How many different roles must vote alike for a decision. */
      minRoles: z.number().int().min(1).max(5).default(2),
      /** A role that must be among them (null: none). */
      requiredRole: roleSchema.nullable().default('zorgcoordinator'),
      /** The Teams channel where the kernteam gets its cards (the channel's conversation id, 19:…@thread.tacv2). */
      teamsChannel: z.string().min(1).optional(),
      /** The Slack channel where the kernteam gets its cards (a channel id, C…); invite the app there. */
      slackChannel: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'expected a Slack channel id such as C0123ABCD').optional(),
    })
    .default({ roles: ['zorgcoordinator', 'orthopedagoog'], minRoles: 2, requiredRole: 'zorgcoordinator' }),
  /** Phone-ban exception settings. */
  exceptions: z
    .strictObject({
      /** Documents that must be present for every ground (on top of `requiredDocuments`). */
      blockingDocuments: z.array(z.enum(['verwijsbrief', 'opp', 'diagnose', 'motivatie'])).default([]),
      /** Documents that must be present before a request on this ground can be submitted. */
      requiredDocuments: z
        .strictObject({
          medisch: z.array(documentName).default(['verwijsbrief']),
          psychisch: z.array(documentName).default(['verwijsbrief']),
          didactisch: z.array(documentName).default([]),
          beperking: z.array(documentName).default(['verwijsbrief']),
        })
        .default({ medisch: ['verwijsbrief'], psychisch: ['verwijsbrief'], didactisch: [], beperking: ['verwijsbrief'] }),
      /** Staff ids, besides the mentor, whom teachers may ask about an exception (zorgcoördinator or IB). */
      contacts: z.array(z.string().min(1)).default([]),
      /** Weeks until the first review: temporary exceptions 6-8, structural 2-3 months. */
      reviewWeeks: z
        .strictObject({ tijdelijk: z.number().int().min(1).max(8).default(6), structureel: z.number().int().min(4).max(26).default(10) })
        .default({ tijdelijk: 6, structureel: 10 }),
      /** School days before a review's due date that the first reminder goes out, so the talk can be planned. */
      reviewNoticeSchoolDays: z.number().int().min(0).max(40).default(10),
      /** School days the kernteam has to decide; when they pass, the kernteam is reminded. */
      decisionSchoolDays: z.number().int().min(1).max(40).default(10),
      /** The school's assessment criteria, shown on the kernteam card next to the request. */
      criteria: z.array(z.string().min(1).max(200)).max(10).default([]),
      /** The day (MM-DD) from which exceptions get their start-of-year review. */
      schoolYearStart: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected a day as MM-DD').default('08-20'),
    })
    .default({
      blockingDocuments: [],
      requiredDocuments: { medisch: ['verwijsbrief'], psychisch: ['verwijsbrief'], didactisch: [], beperking: ['verwijsbrief'] },
      contacts: [],
      reviewWeeks: { tijdelijk: 6, structureel: 10 },
      reviewNoticeSchoolDays: 10,
      decisionSchoolDays: 10,
      criteria: [],
      schoolYearStart: '08-20',
    }),
  /** When reminders go out, and the protocol's timings for them. */
  reminders: z
    .strictObject({
      start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time as HH:MM').default('08:00'),
      end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time as HH:MM').default('17:00'),
      /** ISO weekdays: 1 = Monday … 7 = Sunday. */
      days: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
      holidays: z
        .array(z.strictObject({ from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }))
        .default([]),
      /** An open bullying case without a recorded step for this many days gets a nudge. */
      nudgeDays: z.number().int().min(1).max(90).default(14),
      /** A review this many days overdue is reported to the zorgcoördinator too. */
      missedReviewDays: z.number().int().min(1).max(60).default(7),
    })
    .default({ start: '08:00', end: '17:00', days: [1, 2, 3, 4, 5], holidays: [], nudgeDays: 14, missedReviewDays: 7 }),
  /**
   * The parents' and students' side of the exception rule: the public information page, and the
   * personal form links a mentor or zorgcoördinator can ask for (sent by the school itself).
   */
  parents: z
    .strictObject({
      /** Serve `/info/telefoon-uitzondering`, the information page in plain language. */
      infoPage: z.boolean().default(false),
      /** Offer personal form links (`ouderformulier`). */
      forms: z.boolean().default(false),
      /** How many days a form link works. */
      linkDays: z.number().int().min(1).max(60).default(14),
      /**
       * A folder (relative to the school file) with the school's own translations of the parents'
       * pages, one YAML file per language, each made and checked by a person (`translatedBy`).
       */
      translations: z.string().min(1).optional(),
      /** The one point of contact named on the page and the form. */
      contact: z
        .strictObject({
          name: z.string().min(1).max(100),
          role: z.string().min(1).max(100),
          email: z.string().email().optional(),
          phone: z.string().regex(/^[0-9 +()-]{6,20}$/, 'expected a phone number').optional(),
        })
        .optional(),
    })
    .default({ infoPage: false, forms: false, linkDays: 14 }),
  /** How long records are kept once a case is closed or an exception has ended; then they are anonymised. */
  retention: z.strictObject({ days: z.number().int().min(30).max(3650).default(730) }).default({ days: 730 }),
  staff: z.array(staffSchema).min(1, 'expected at least one staff member'),
  classes: z.array(classSchema).default([]),
  students: z.array(studentSchema).default([]),
});

export type SchoolFile = z.infer<typeof schoolFileSchema>;
export type StaffMember = z.infer<typeof staffSchema>;
export type Student = z.infer<typeof studentSchema>;
export type SchoolClass = z.infer<typeof classSchema>;

/** Where a school file is wrong, in words fit for a log: file, line, path, problem; no names, no student numbers. */
export interface SchoolFileProblem {
  file: string;
  /** 1-based line in the file, where it is known. */
  line?: number;
  /** The path of the value in the file, e.g. `students.12.class`. */
  path?: string;
  problem: string;
}

export class SchoolFileError extends Error {
  override name = 'SchoolFileError';
  constructor(
    message: string,
    /** The same, without the values themselves (student numbers, names): for logs. */
    readonly where: SchoolFileProblem,
  ) {
    super(message);
  }
}

/** A zod issue as a problem without what was typed (an unknown key may be anything: it is named by its line). */
function issueProblem(issue: z.core.$ZodIssue): string {
  return issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
}

export function parseSchoolFile(name: string, text: string): SchoolFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const yamlError = doc.errors[0];
  let raw: unknown;
  try {
    if (yamlError) throw yamlError;
    raw = doc.toJS();
  } catch (error) {
    const line = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    const code = (error as { code?: unknown }).code;
    throw new SchoolFileError(`${name}: not valid YAML: ${(error as Error).message.split('\n')[0]}`, {
      file: name,
      ...(line ? { line } : {}),
      problem: `not valid YAML${typeof code === 'string' ? ` (${code})` : ''}`,
    });
  }
  /** The line of the value at `path` (or of the nearest part of it that is in the file). */
  const lineOf = (path: ReadonlyArray<string | number>): number | undefined => {
    for (let p = [...path]; ; p = p.slice(0, -1)) {
      const node = p.length ? doc.getIn(p, true) : doc.contents;
      if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
      if (!p.length) return undefined;
    }
  };
  const fail = (message: string, path: Array<string | number>, problem: string): never => {
    const line = lineOf(path);
    throw new SchoolFileError(`${name}: ${message}`, { file: name, ...(line ? { line } : {}), path: path.join('.') || 'file', problem });
  };
  const result = schoolFileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    const at = issue.code === 'unrecognized_keys' && issue.keys[0] ? [...path, issue.keys[0]] : path;
    fail(`${issue.path.map(String).join('.') || 'file'}: ${issue.message}`, at, issueProblem(issue));
  }
  const school = result.data!;
  const staffIds = new Set<string>();
  school.staff.forEach((member, i) => {
    if (staffIds.has(member.id)) fail(`staff id "${member.id}" appears twice`, ['staff', i, 'id'], 'staff id appears twice');
    staffIds.add(member.id);
  });
  const emails = new Set<string>();
  school.staff.forEach((member, i) => {
    const email = member.email?.toLowerCase();
    if (email && emails.has(email)) fail(`e-mail address of "${member.id}" is used twice`, ['staff', i, 'email'], 'e-mail address is used twice');
    if (email) emails.add(email);
  });
  for (const platform of ['teams', 'slack'] as const) {
    const seen = new Set<string>();
    school.staff.forEach((member, i) => {
      const id = member.identities[platform];
      if (id && seen.has(id)) fail(`${platform} account of "${member.id}" is used twice`, ['staff', i, 'identities', platform], `${platform} account is used twice`);
      if (id) seen.add(id);
    });
  }
  const classIds = new Set(school.classes.map((c) => c.id));
  school.classes.forEach((cls, i) => {
    if (cls.mentor && !staffIds.has(cls.mentor)) {
      fail(`class "${cls.id}": mentor "${cls.mentor}" is not in staff`, ['classes', i, 'mentor'], 'mentor is not in staff');
    }
    cls.teachers.forEach((teacher, j) => {
      if (!staffIds.has(teacher.staff)) {
        fail(`class "${cls.id}": teacher "${teacher.staff}" is not in staff`, ['classes', i, 'teachers', j, 'staff'], 'teacher is not in staff');
      }
    });
  });
  const refs = new Set<string>();
  school.students.forEach((student, i) => {
    if (!classIds.has(student.class)) {
      fail(`student "${student.ref}": class "${student.class}" is not in classes`, ['students', i, 'class'], 'class is not in classes');
    }
    if (refs.has(student.ref.toUpperCase())) fail(`student "${student.ref}" appears twice`, ['students', i, 'ref'], 'student number appears twice');
    refs.add(student.ref.toUpperCase());
  });
  return school;
}

export function loadSchoolFile(path: string): SchoolFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SchoolFileError(`${path}: school file cannot be read`, { file: path, problem: 'school file cannot be read' });
  }
  return parseSchoolFile(path, text);
}

/**
 * A fingerprint of who is in which class and who mentors and teaches each class: what the class-change
 * check (exceptions/reviews.ts) looks at. Two processes reading the same file get the same one.
 */
export function classesFingerprint(school: SchoolFile): string {
  const students = school.students.map((s) => `${s.ref.toUpperCase()}>${s.class}`).sort();
  const classes = [...school.classes]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((c) => [c.id, c.yearGroup, c.mentor ?? null, c.teachers.map((t) => `${t.staff}:${t.subject}`).sort()]);
  return createHash('sha256').update(JSON.stringify({ students, classes })).digest('base64url').slice(0, 16);
}

export type Platform = 'teams' | 'slack' | 'playground';

/** Everything a SchoolDirectory knows of one version of the school file, built at once. */
class DirectoryState {
  readonly byId = new Map<string, StaffMember>();
  readonly byAccount = new Map<string, StaffMember>();
  readonly studentsByRef = new Map<string, Student>();
  readonly classesById = new Map<string, SchoolClass>();
  /** Worked out when first asked. */
  byEmail: Map<string, StaffMember> | undefined;
  readonly holders = new Map<Role, readonly StaffMember[]>();

  constructor(readonly school: SchoolFile) {
    for (const member of school.staff) {
      this.byId.set(member.id, member);
      for (const platform of ['teams', 'slack'] as const) {
        const account = member.identities[platform];
        if (account) this.byAccount.set(`${platform}:${account}`, member);
      }
    }
    for (const student of school.students) this.studentsByRef.set(student.ref.toUpperCase(), student);
    for (const cls of school.classes) this.classesById.set(cls.id, cls);
  }
}

/**
 * Look-ups over the school file. The file can be read again while Zorgpad runs (`replace`): every
 * look-up reads the current version, which is swapped in one assignment, so a turn never sees half of
 * one version and half of another in one look-up.
 */
export class SchoolDirectory {
  private state: DirectoryState;

  constructor(school: SchoolFile) {
    this.state = new DirectoryState(school);
  }

  /** The school file as last read. */
  get school(): SchoolFile {
    return this.state.school;
  }

  /**
   * Swaps in another version of the school file (already checked by `parseSchoolFile`). The accounts
   * linked in this process stay, except those of someone no longer in the file, or to whom the file now
   * gives another account on that platform. Returns how many links were dropped.
   */
  replace(school: SchoolFile): { linksDropped: number } {
    const next = new DirectoryState(school);
    let linksDropped = 0;
    for (const [key, staffId] of [...this.linked]) {
      const platform = key.slice(0, key.indexOf(':')) as 'teams' | 'slack';
      const account = key.slice(platform.length + 1);
      const member = next.byId.get(staffId);
      const fileOwner = next.byAccount.get(key);
      if (!member || (member.identities[platform] && member.identities[platform] !== account) || (fileOwner && fileOwner.id !== staffId)) {
        this.linked.delete(key);
        if (this.linkedBack.get(`${platform}:${staffId}`) === account) this.linkedBack.delete(`${platform}:${staffId}`);
        linksDropped++;
      }
    }
    this.state = next;
    return { linksDropped };
  }

  /**
   * The staff member behind a platform account; playground accounts are staff ids. An id in the school
   * file first; else an account linked by e-mail or by a beheerder that this process has read from the
   * store (people/accounts.ts resolves it before a turn).
   */
  findStaff(platform: Platform, account: string): StaffMember | null {
    const { byId, byAccount } = this.state;
    if (platform === 'playground') return byId.get(account) ?? null;
    const linked = this.linked.get(`${platform}:${account}`);
    return byAccount.get(`${platform}:${account}`) ?? (linked !== undefined ? byId.get(linked) : undefined) ?? null;
  }

  /** The member of staff with this school e-mail address (case does not matter). */
  staffByEmail(email: string): StaffMember | null {
    const state = this.state;
    if (!state.byEmail) {
      const byEmail = new Map<string, StaffMember>();
      for (const member of state.school.staff) if (member.email) byEmail.set(member.email.toLowerCase(), member);
      state.byEmail = byEmail;
    }
    return state.byEmail.get(email.trim().toLowerCase()) ?? null;
  }

  /**
   * Remembers an account the store links to a member of staff (people/accounts.ts); false when that
   * member is not in the school file, or the school file names another account for them on that platform.
   */
  rememberAccount(platform: 'teams' | 'slack', account: string, staffId: string): boolean {
    const member = this.state.byId.get(staffId);
    if (!member || (member.identities[platform] && member.identities[platform] !== account)) return false;
    // An account the school file gives to someone else is theirs, whatever a stored link says.
    const fileOwner = this.state.byAccount.get(`${platform}:${account}`);
    if (fileOwner && fileOwner.id !== staffId) return false;
    this.linked.set(`${platform}:${account}`, staffId);
    this.linkedBack.set(`${platform}:${staffId}`, account);
    return true;
  }

  /** A member of staff's account on a platform as this process knows it: the school file's, or a remembered link. */
  accountOf(staffId: string, platform: 'teams' | 'slack'): string | null {
    return this.state.byId.get(staffId)?.identities[platform] ?? this.linkedBack.get(`${platform}:${staffId}`) ?? null;
  }
  /** Accounts linked in this process (`platform:account` → staff id); kept when the file is read again. */
  private readonly linked = new Map<string, string>();
  private readonly linkedBack = new Map<string, string>();

  staffById(id: string): StaffMember | null {
    return this.state.byId.get(id) ?? null;
  }

  get staff(): readonly StaffMember[] {
    return this.state.school.staff;
  }

  /** Everyone the school file gives `role`, in school-file order (worked out once per role and version). */
  fileHolders(role: Role): readonly StaffMember[] {
    const state = this.state;
    let holders = state.holders.get(role);
    if (!holders) {
      holders = state.school.staff.filter((member) => member.roles.includes(role));
      state.holders.set(role, holders);
    }
    return holders;
  }

  findStudent(ref: string): Student | null {
    return this.state.studentsByRef.get(ref.trim().toUpperCase()) ?? null;
  }

  classOf(student: Student): SchoolClass | null {
    return this.state.classesById.get(student.class) ?? null;
  }

  mentorOf(student: Student): StaffMember | null {
    const mentor = this.classOf(student)?.mentor;
    return mentor ? this.staffById(mentor) : null;
  }

  /** An example student number for help texts; the first student's, or a made-up one. */
  get studentExample(): string {
    return this.state.school.students[0]?.ref ?? 'L1001';
  }

  fileRoles(staffId: string): Role[] {
    return this.state.byId.get(staffId)?.roles ?? [];
  }
}
