import type { Role } from '../people/roles.js';
import type { VersionedRecord } from '../ports.js';

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

export type DocumentName = (typeof DOCUMENTS)[number];
export type DocumentState = (typeof DOCUMENT_STATES)[number];
export type VoteChoice = (typeof VOTES)[number];

export interface KernteamVote {
  staffId: string;
  /** The kernteam role the member voted in (the first kernteam role they hold). */
  role: Role;
  vote: VoteChoice;
  motivation: string;
  at: number;
}

export interface Decision {
  outcome: 'granted' | 'rejected';
  at: number;
  /** `rule` when the votes decided; otherwise the zorgcoördinator who recorded the joint decision. */
  decidedBy: string;
  motivation: string;
}

export interface Review {
  at: number;
  byStaffId: string;
  effective: boolean;
  stillNeeded: boolean;
  adjust: string;
  outcome: 'continue' | 'end';
  parentsAndStudentHeard: boolean;
}

/** A step in the layered, supportive response to possible misuse. */
export interface MisuseEvent {
  at: number;
  byStaffId: string;
  /** `extend` moves a pause's end; `pause-ended` is the pause ending by itself on its end date. */
  kind: 'signal' | 'conversation' | 'support' | 'suspend' | 'extend' | 'resume' | 'pause-ended' | 'revoke';
  /** Confidential note (what was seen, what was agreed, conditions, motivation). */
  note: string;
  /** For a suspension: until when, YYYY-MM-DD. */
  until?: string;
  /** For a suspension: how the student's need (a medical one above all) is met during the pause. */
  meanwhile?: string;
}

/** A review that could not be held because the student and parents were not heard yet: why, and when the talk is. */
export interface ReviewTalk {
  at: number;
  byStaffId: string;
  /** Why they were not heard. Sensitive. */
  reason: string;
  /** The planned conversation, YYYY-MM-DD. */
  date: string;
}

/** An exception to the phone ban, from draft to decision and the reviews after it. */
export interface ExceptionRequest extends VersionedRecord {
  schoolId: string;
  studentRef: string;
  classId: string;
  yearGroup: number;
  requesterStaffId: string;
  status: 'draft' | 'submitted' | 'agenda' | 'granted' | 'rejected' | 'suspended' | 'revoked' | 'ended';
  createdAt: number;
  updatedAt: number;
  submittedAt: number | null;
  ground: string | null;
  purpose: string | null;
  /** Sensitive: free text about the purpose (may touch on health). Kernteam and requester only. */
  purposeDetail: string;
  documents: Partial<Record<DocumentName, DocumentState>>;
  /** Where the documents are kept, e.g. "dossier in Magister". Kernteam and requester only. */
  documentsLocation: string;
  /** Sensitive: the student's own words, verbatim as typed by staff. */
  studentWords: string;
  /** The first of `scopes` (older records have only this). */
  scope: string | null;
  /** Where it applies: in lessons, also in test weeks, also in free periods (shown to teachers). */
  scopes?: string[];
  /** Which subjects, as the names in the school file, or `alle` (shown to teachers). */
  subjects?: string[];
  /** The subjects as shown ("Alle lessen", "wiskunde, Engels"); older records: as typed. */
  when: string;
  /** Which apps or functions, as typed. Kernteam and requester only (may name a condition). */
  apps: string;
  /** What the student may do with the phone (FUNCTIONS; shown to teachers). */
  functions?: string[];
  /** What is asked of the subject teacher (TEACHER_ACTIONS; shown to teachers). */
  teacherActions?: string[];
  kind: string | null;
  votes: KernteamVote[];
  decision: Decision | null;
  /** The date the next review is due, YYYY-MM-DD. */
  reviewDue: string | null;
  reviews: Review[];
  /** Why the next review is due: the regular moment, a change of class or year group, the new school year. */
  reviewReason?: 'regular' | 'class-change' | 'school-year';
  reviewTalks?: ReviewTalk[];
  /** The school year whose start-of-year review was planned, e.g. "2026-2027". */
  schoolYearReview?: string;
  misuse: MisuseEvent[];
  /** When retention first found the student gone from the school file (they left the school). */
  studentLeftAt?: number | null;
}
