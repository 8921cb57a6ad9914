import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
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

export class SchoolFileError extends Error {
  override name = 'SchoolFileError';
}

export function parseSchoolFile(name: string, text: string): SchoolFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new SchoolFileError(`${name}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const result = schoolFileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new SchoolFileError(`${name}: ${issue.path.map(String).join('.') || 'file'}: ${issue.message}`);
  }
  const school = result.data;
  const staffIds = new Set<string>();
  for (const member of school.staff) {
    if (staffIds.has(member.id)) throw new SchoolFileError(`${name}: staff id "${member.id}" appears twice`);
    staffIds.add(member.id);
  }
  const emails = new Set<string>();
  for (const member of school.staff) {
    const email = member.email?.toLowerCase();
    if (email && emails.has(email)) throw new SchoolFileError(`${name}: e-mail address of "${member.id}" is used twice`);
    if (email) emails.add(email);
  }
  for (const platform of ['teams', 'slack'] as const) {
    const seen = new Set<string>();
    for (const member of school.staff) {
      const id = member.identities[platform];
      if (id && seen.has(id)) throw new SchoolFileError(`${name}: ${platform} account of "${member.id}" is used twice`);
      if (id) seen.add(id);
    }
  }
  const classIds = new Set(school.classes.map((c) => c.id));
  for (const cls of school.classes) {
    if (cls.mentor && !staffIds.has(cls.mentor)) {
      throw new SchoolFileError(`${name}: class "${cls.id}": mentor "${cls.mentor}" is not in staff`);
    }
    for (const teacher of cls.teachers) {
      if (!staffIds.has(teacher.staff)) {
        throw new SchoolFileError(`${name}: class "${cls.id}": teacher "${teacher.staff}" is not in staff`);
      }
    }
  }
  const refs = new Set<string>();
  for (const student of school.students) {
    if (!classIds.has(student.class)) {
      throw new SchoolFileError(`${name}: student "${student.ref}": class "${student.class}" is not in classes`);
    }
    if (refs.has(student.ref.toUpperCase())) throw new SchoolFileError(`${name}: student "${student.ref}" appears twice`);
    refs.add(student.ref.toUpperCase());
  }
  return school;
}

export function loadSchoolFile(path: string): SchoolFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SchoolFileError(`${path}: school file cannot be read`);
  }
  return parseSchoolFile(path, text);
}

export type Platform = 'teams' | 'slack' | 'playground';

/** Read-only look-ups over a school file. */
export class SchoolDirectory {
  private readonly byId = new Map<string, StaffMember>();
  private readonly byAccount = new Map<string, StaffMember>();
  private readonly studentsByRef = new Map<string, Student>();
  private readonly classesById = new Map<string, SchoolClass>();

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

  /** The staff member behind a platform account; playground accounts are staff ids. */
  findStaff(platform: Platform, account: string): StaffMember | null {
    if (platform === 'playground') return this.byId.get(account) ?? null;
    return this.byAccount.get(`${platform}:${account}`) ?? null;
  }

  staffById(id: string): StaffMember | null {
    return this.byId.get(id) ?? null;
  }

  get staff(): readonly StaffMember[] {
    return this.school.staff;
  }

  /** Everyone the school file gives `role`, in school-file order (worked out once per role). */
  fileHolders(role: Role): readonly StaffMember[] {
    let holders = this.holders.get(role);
    if (!holders) {
      holders = this.school.staff.filter((member) => member.roles.includes(role));
      this.holders.set(role, holders);
    }
    return holders;
  }
  private readonly holders = new Map<Role, readonly StaffMember[]>();

  findStudent(ref: string): Student | null {
    return this.studentsByRef.get(ref.trim().toUpperCase()) ?? null;
  }

  classOf(student: Student): SchoolClass | null {
    return this.classesById.get(student.class) ?? null;
  }

  mentorOf(student: Student): StaffMember | null {
    const mentor = this.classOf(student)?.mentor;
    return mentor ? this.staffById(mentor) : null;
  }

  /** An example student number for help texts; the first student's, or a made-up one. */
  get studentExample(): string {
    return this.school.students[0]?.ref ?? 'L1001';
  }

  fileRoles(staffId: string): Role[] {
    return this.byId.get(staffId)?.roles ?? [];
  }
}
