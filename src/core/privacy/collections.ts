import { createHash } from 'node:crypto';
import type { CollectionName } from '../kernel/ports.js';

/**
 * How each collection can refer to a student, so that export, erasure and retention cover all of them.
 * A new collection does not compile until it says how it refers to students (and a test checks what
 * erasure leaves behind in every collection).
 * - `records`: records about a student, found by their number in named fields.
 * - `text`: may name a student anywhere in what was typed or said (dialog answers, message texts).
 * - `none`: holds no student data, with the reason.
 * Outside the record collections: jobs carry only record ids (a job whose record is gone does nothing),
 * idempotency keys and write claims carry delivery ids and versions, and the audit trail keeps students
 * under a pseudonym (`auditSubject`), never their number.
 */
export type StudentReference =
  | { kind: 'records'; fields: readonly string[] }
  | { kind: 'text'; what: string }
  | { kind: 'none'; why: string };

export const STUDENT_DATA: Record<CollectionName, StudentReference> = {
  bullyingCases: { kind: 'records', fields: ['studentRef', 'studentsInvolved', 'addedBullies', 'signals[].bullies', 'sanctions[].studentRefs', 'steps[].studentRef'] },
  exceptionRequests: { kind: 'records', fields: ['studentRef'] },
  dialogStates: { kind: 'text', what: 'answers typed in a dialog and a turn not yet carried out (student numbers, drafts)' },
  outbox: { kind: 'text', what: 'messages and reminders, which name students' },
  roleAssignments: { kind: 'none', why: 'staff members and their roles' },
  conversationRefs: { kind: 'none', why: 'where to reach staff members in Teams' },
  parentLinks: { kind: 'records', fields: ['studentRef'] },
  inbox: { kind: 'text', what: 'a chat request waiting for its turn (what was typed); emptied once the turn is done' },
  accounts: { kind: 'none', why: 'platform accounts linked to staff; an account nobody matched keeps the e-mail address the platform gave (it may be a student\'s, never a student number) until a beheerder links it or for 30 days after it was last seen' },
  transient: { kind: 'none', why: 'pacing, counters and which message holds an open question (ids only); a letter PDF waits here encrypted for at most an hour and is removed by its one download or at expiry' },
};

/** The student's number as a whole word, case-insensitive (`g` to replace every one). */
export function studentPattern(studentRef: string, flags = 'i'): RegExp {
  const escaped = studentRef.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\b${escaped}\\b`, flags);
}

/** Whether a stored value (any shape) names the student, as a whole word (case-insensitive). */
export function mentions(value: unknown, studentRef: string): boolean {
  return studentPattern(studentRef).test(JSON.stringify(value) ?? '');
}

/**
 * A stable, unkeyed hash of a student at a school, for places that must point at the student without
 * holding the number: the audit trail's subject (`auditSubject`, which the store keys before it is kept)
 * and the ids of the student's bullying cases (which still carry it as it is).
 */
export function studentPseudonym(schoolId: string, studentRef: string): string {
  return createHash('sha256').update(`${schoolId}:${studentRef.toUpperCase()}`).digest('hex').slice(0, 16);
}
