import { z } from 'zod';
import { roleSchema } from '../people/roles.js';
import { recordSchema } from '../kernel/record-schema.js';

export const GROUNDS = ['medisch', 'psychisch', 'didactisch', 'beperking'] as const;
export const PURPOSES = ['prikkelregulatie', 'medische-app', 'structuur-app', 'communicatie', 'anders'] as const;
export const DOCUMENTS = ['verwijsbrief', 'opp', 'diagnose', 'motivatie'] as const;
export const DOCUMENT_STATES = ['aanwezig', 'volgt', 'nvt'] as const;
export const SCOPES = ['lessen', 'ook-toetsen', 'ook-tussenuren'] as const;
export const KINDS = ['tijdelijk', 'structureel'] as const;
/** What the student may do with the phone in class: shown to teachers, never a reason. */
export const FUNCTIONS = ['meldingen', 'hulp-app', 'communicatie', 'contact', 'geluid'] as const;
/** What is asked of the subject teacher. */
export const TEACHER_ACTIONS = ['zichtbaar', 'zonder-vragen', 'even-weg', 'geen-uitleg', 'contactpersoon'] as const;
export const VOTES = ['approve', 'reject', 'discuss'] as const;

/**
 * The value when it is one of `values`, else null: a record holds only the values its schema names (an
 * answer that is none of them is not stored, rather than making the record unreadable).
 */
export function oneOf<T extends string>(values: readonly T[], value: unknown): T | null {
  return typeof value === 'string' && (values as readonly string[]).includes(value) ? (value as T) : null;
}

export type DocumentName = (typeof DOCUMENTS)[number];
export type DocumentState = (typeof DOCUMENT_STATES)[number];
export type VoteChoice = (typeof VOTES)[number];

export const kernteamVoteSchema = z.object({
  staffId: z.string(),
  /** The kernteam role the member voted in (the first kernteam role they hold). */
  role: roleSchema,
  vote: z.enum(VOTES),
  /** Sensitive. */
  motivation: z.string(),
  at: z.number(),
});
export type KernteamVote = z.infer<typeof kernteamVoteSchema>;

export const decisionSchema = z.object({
  outcome: z.enum(['granted', 'rejected']),
  at: z.number(),
  /** `rule` when the votes decided; otherwise the zorgcoördinator who recorded the joint decision. */
  decidedBy: z.string(),
  /** Sensitive. */
  motivation: z.string(),
});
export type Decision = z.infer<typeof decisionSchema>;

export const reviewSchema = z.object({
  at: z.number(),
  byStaffId: z.string(),
  effective: z.boolean(),
  stillNeeded: z.boolean(),
  /** Sensitive. */
  adjust: z.string(),
  outcome: z.enum(['continue', 'end']),
  parentsAndStudentHeard: z.boolean(),
});
export type Review = z.infer<typeof reviewSchema>;

/** A step in the layered, supportive response to possible misuse. */
export const misuseEventSchema = z.object({
  at: z.number(),
  byStaffId: z.string(),
  /** `extend` moves a pause's end; `pause-ended` is the pause ending by itself on its end date. */
  kind: z.enum(['signal', 'conversation', 'support', 'suspend', 'extend', 'resume', 'pause-ended', 'revoke']),
  /** Confidential note (what was seen, what was agreed, conditions, motivation). */
  note: z.string(),
  /** For a suspension: until when, YYYY-MM-DD. */
  until: z.string().optional(),
  /** For a suspension: how the student's need (a medical one above all) is met during the pause. */
  meanwhile: z.string().optional(),
  /** For a suspension without an informative talk and a repeat on record: why those steps were skipped. Sensitive. */
  skipReason: z.string().optional(),
});
export type MisuseEvent = z.infer<typeof misuseEventSchema>;

/** A review that could not be held because the student and parents were not heard yet: why, and when the talk is. */
export const reviewTalkSchema = z.object({
  at: z.number(),
  byStaffId: z.string(),
  /** Why they were not heard. Sensitive. */
  reason: z.string(),
  /** The planned conversation, YYYY-MM-DD. */
  date: z.string(),
});
export type ReviewTalk = z.infer<typeof reviewTalkSchema>;

/** What parents and their child filled in on the form, as it arrived. Sensitive. */
export const parentSubmissionSchema = z.object({
  at: z.number(),
  /** What the student needs the phone for, in the parents' words. */
  need: z.string(),
  /** The student's own words. */
  studentWords: z.string(),
  /** Which documents exist (or will follow, or are not needed). */
  documents: z.partialRecord(z.enum(DOCUMENTS), z.enum(DOCUMENT_STATES)),
  /** Where those documents are (no uploads: Zorgpad keeps no documents). */
  documentsWhere: z.string(),
  /** The parents agreed to share this with the school's kernteam. */
  consent: z.literal(true),
});
export type ParentSubmission = z.infer<typeof parentSubmissionSchema>;

export const EXCEPTION_STATUSES = ['draft', 'submitted', 'agenda', 'granted', 'rejected', 'suspended', 'revoked', 'ended'] as const;

/** An exception to the phone ban, from draft to decision and the reviews after it. */
export const exceptionRequestSchema = recordSchema({
  schoolId: z.string(),
  studentRef: z.string(),
  classId: z.string(),
  yearGroup: z.number(),
  requesterStaffId: z.string(),
  status: z.enum(EXCEPTION_STATUSES),
  createdAt: z.number(),
  updatedAt: z.number(),
  submittedAt: z.number().nullable(),
  ground: z.enum(GROUNDS).nullable(),
  purpose: z.enum(PURPOSES).nullable(),
  /** Sensitive: free text about the purpose (may touch on health). Kernteam and requester only. */
  purposeDetail: z.string(),
  documents: z.partialRecord(z.enum(DOCUMENTS), z.enum(DOCUMENT_STATES)),
  /** Where the documents are kept, e.g. "dossier in Magister". Kernteam and requester only. */
  documentsLocation: z.string(),
  /** Sensitive: the student's own words, verbatim as typed by staff. */
  studentWords: z.string(),
  /** The first of `scopes` (older records have only this). */
  scope: z.enum(SCOPES).nullable(),
  /** Where it applies: in lessons, also in test weeks, also in free periods (shown to teachers). */
  scopes: z.array(z.enum(SCOPES)).optional(),
  /** Which subjects, as the names in the school file, or `alle` (shown to teachers). */
  subjects: z.array(z.string()).optional(),
  /** The subjects as shown ("Alle lessen", "wiskunde, Engels"); older records: as typed. */
  when: z.string(),
  /** Which apps or functions, as typed. Kernteam and requester only (may name a condition). */
  apps: z.string(),
  /** What the student may do with the phone (FUNCTIONS; shown to teachers). */
  functions: z.array(z.string()).optional(),
  /** What is asked of the subject teacher (TEACHER_ACTIONS; shown to teachers). */
  teacherActions: z.array(z.string()).optional(),
  kind: z.enum(KINDS).nullable(),
  votes: z.array(kernteamVoteSchema),
  decision: decisionSchema.nullable(),
  /** The date the next review is due, YYYY-MM-DD. */
  reviewDue: z.string().nullable(),
  reviews: z.array(reviewSchema),
  /** Why the next review is due: the regular moment, a change of class or year group, the new school year. */
  reviewReason: z.enum(['regular', 'class-change', 'school-year']).optional(),
  reviewTalks: z.array(reviewTalkSchema).optional(),
  /** The school year whose start-of-year review was planned, e.g. "2026-2027". */
  schoolYearReview: z.string().optional(),
  misuse: z.array(misuseEventSchema),
  /** When retention first found the student gone from the school file (they left the school). */
  studentLeftAt: z.number().nullable().optional(),
  /** What the parents and the student sent with the form link (parents/service.ts), kept as they sent it. Sensitive. */
  fromParents: parentSubmissionSchema.extend({ linkId: z.string() }).optional(),
  /** Letters to the parents drafted by Zorgpad and taken by a member of staff to send: which, when, by whom. */
  parentsInformed: z.array(z.object({ letter: z.string(), at: z.number(), byStaffId: z.string() })).optional(),
});
export type ExceptionRequest = z.infer<typeof exceptionRequestSchema>;
