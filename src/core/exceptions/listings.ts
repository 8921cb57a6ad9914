/**
 * What people look up: their own requests, the agenda, the requests they manage, the figures, the
 * functional answer for teachers, and the subjects to choose from. Each returns the records; the
 * labels and texts are presentation's (presentation/options.ts, presentation/replies.ts).
 */
import { kernteamRole } from './decision.js';
import type { Actor } from '../turn.js';
import { auditSubject } from '../privacy/service.js';
import { can } from '../permissions.js';
import { computeFigures, type Figures } from './figures.js';
import type { ExceptionRequest } from './model.js';
import { ExceptionCore } from './context.js';
import type { FunctionalResult } from './results.js';

/** The person's requests, oldest first: drafts to resume and submitted ones to follow. */
export async function myRequests(x: ExceptionCore, actor: Actor): Promise<ExceptionRequest[]> {
  const mine = await x.requests.findBy('requesterStaffId', actor.staffId);
  return mine.filter((r) => r.schoolId === x.school.id).sort((a, b) => a.createdAt - b.createdAt);
}

/**
 * Requests that wait for this person's vote: submitted, undecided, and this member of the kernteam has
 * not voted yet. Oldest first.
 */
export async function votesWaiting(x: ExceptionCore, actor: Actor): Promise<ExceptionRequest[]> {
  if (!can(actor, 'exception.vote', { kernteamRoles: x.rule.kernteamRoles }) || !kernteamRole(actor.roles, x.rule)) return [];
  const open = await x.requests.findBy('status', 'submitted');
  return open
    .filter((r) => r.schoolId === x.school.id && !r.decision && !r.votes.some((v) => v.staffId === actor.staffId))
    .sort((a, b) => (a.submittedAt ?? 0) - (b.submittedAt ?? 0));
}

/** The person's drafts, oldest first. */
export async function draftsWaiting(x: ExceptionCore, actor: Actor): Promise<ExceptionRequest[]> {
  const mine = await x.requests.findBy('requesterStaffId', actor.staffId);
  return mine.filter((r) => r.schoolId === x.school.id && r.status === 'draft').sort((a, b) => a.createdAt - b.createdAt);
}

/** Requests on the kernteam agenda, for the zorgcoördinator to record the joint decision. */
export async function agendaRequests(x: ExceptionCore, actor: Actor): Promise<ExceptionRequest[]> {
  if (!can(actor, 'exception.joint')) return [];
  const all = await x.requests.findBy('status', 'agenda');
  return all.filter((r) => r.schoolId === x.school.id);
}

/** Active or paused exceptions this person looks after (requester, class mentor, zorgcoördinator). */
export async function managed(x: ExceptionCore, actor: Actor): Promise<ExceptionRequest[]> {
  const out: ExceptionRequest[] = [];
  for (const status of ['granted', 'suspended'] as const) {
    for (const r of await x.requests.findBy('status', status)) {
      if (r.schoolId === x.school.id && x.mayManage(actor, r)) out.push(r);
    }
  }
  return out;
}

/** Submitted and decided requests the person manages, for a letter to the parents. */
export async function decided(x: ExceptionCore, actor: Actor): Promise<ExceptionRequest[]> {
  const out: ExceptionRequest[] = [];
  // Submitted ones too: the parents can be told the request is with the kernteam, and by when it decides.
  for (const status of ['submitted', 'agenda', 'granted', 'rejected', 'suspended', 'revoked'] as const) {
    for (const r of await x.requests.findBy('status', status)) {
      if (r.schoolId === x.school.id && x.mayManage(actor, r)) out.push(r);
    }
  }
  return out;
}

/** Who may see the figures: zorgcoördinator, anti-pestcoördinator, directie. */
export function maySeeFigures(x: ExceptionCore, actor: Actor): boolean {
  return can(actor, 'exception.figures');
}

/** The year's figures (no student references), for those who may see them; null for anyone else. The read is audited. */
export async function figures(x: ExceptionCore, actor: Actor, channel: string): Promise<Figures | null> {
  if (!maySeeFigures(x, actor)) return null;
  await x.audit(actor.staffId, 'exception.figures', 'figures', channel);
  const all = (await x.requests.findBy('schoolId', x.school.id)).filter((r) => r.status !== 'draft');
  return computeFigures(all, x.school, x.deps.clock.now());
}

/**
 * "Heeft L1001 een uitzondering?" for any staff member: the active or paused exception, whose
 * functional facts only are told (for which lessons or times, which apps, until when, who to contact),
 * never the ground or documents.
 */
export async function functionalAnswer(x: ExceptionCore, actor: Actor, studentRef: string, channel: string): Promise<FunctionalResult> {
  const student = x.deps.directory.findStudent(studentRef);
  if (!student) return { kind: 'not-found' };
  const active = (await x.requests.findBy('studentRef', student.ref)).find((r) => r.schoolId === x.school.id && (r.status === 'granted' || r.status === 'suspended'));
  // With no exception to point at, the read is kept under the student's pseudonym, never the number.
  await x.audit(actor.staffId, 'exception.functional-read', active?.id ?? auditSubject(x.school.id, student.ref), channel);
  if (!active) return { kind: 'none', studentRef: student.ref };
  if (active.status === 'suspended') return { kind: 'paused', studentRef: student.ref, request: active };
  return { kind: 'active', request: active };
}

/** The subjects of the student's class, for "bij welke vakken" (options: presentation/options.ts `subjectOptions`). */
export function classSubjects(x: ExceptionCore, studentRef: string): string[] {
  const student = x.deps.directory.findStudent(studentRef);
  const teachers = student ? (x.school.classes.find((c) => c.id === student.class)?.teachers ?? []) : [];
  return [...new Set(teachers.map((s) => s.subject))];
}
