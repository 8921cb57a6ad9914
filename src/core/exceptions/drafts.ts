/**
 * Exception drafts: saved at every answer of the request dialog, resumed, checked for completeness
 * and submitted to the kernteam. Each reports what happened; presentation/ words it.
 */
import type { Answer } from '../protocol/answers.js';
import type { Actor } from '../turn.js';
import { KEEP, updateOnce, writeRecord } from '../kernel/records.js';
import { DOCUMENTS, GROUNDS, KINDS, oneOf, PURPOSES, SCOPES, type ExceptionRequest } from './model.js';
import { ExceptionCore, KERNTEAM_CHANNEL } from './context.js';
import type { CheckResult, Missing, OpenDraftResult, RequestField, SaveDraftResult, SubmitResult } from './results.js';
import { kernteamPost } from './presentation/kernteam.js';

/** Keeps the dialog's answers so far in the draft; called after every answer of the request dialog. */
export async function saveDraft(x: ExceptionCore, actor: Actor, draftId: string, answers: Record<string, Answer>): Promise<SaveDraftResult> {
  const now = x.deps.clock.now();
  const student = typeof answers.leerling?.value === 'string' ? x.deps.directory.findStudent(answers.leerling.value) : null;
  const text = (key: string) => (typeof answers[key]?.value === 'string' ? (answers[key]!.value as string) : '');
  const choice = (key: string) => text(key) || null;
  const list = (key: string): string[] => {
    const value = answers[key]?.value;
    return Array.isArray(value) ? value : typeof value === 'string' && value ? [value] : [];
  };
  const documents: ExceptionRequest['documents'] = {};
  for (const doc of DOCUMENTS) {
    const state = text(`doc_${doc}`);
    if (state === 'aanwezig' || state === 'volgt' || state === 'nvt') documents[doc] = state;
  }
  const scopes = list('reikwijdte').flatMap((v) => oneOf(SCOPES, v) ?? []);
  const fields = {
    studentRef: student?.ref ?? '',
    classId: student?.class ?? '',
    yearGroup: student ? (x.deps.directory.classOf(student)?.yearGroup ?? 0) : 0,
    ground: oneOf(GROUNDS, choice('grond')),
    purpose: oneOf(PURPOSES, choice('doel')),
    purposeDetail: text('doelToelichting'),
    documents,
    documentsLocation: text('bewaarplaats'),
    studentWords: text('woordenLeerling'),
    scope: scopes[0] ?? null,
    scopes,
    subjects: list('wanneer'),
    when: answers.wanneer?.display ?? '',
    apps: text('apps'),
    functions: list('functies'),
    teacherActions: list('aanpak'),
    kind: oneOf(KINDS, choice('soort')),
    updatedAt: now,
  };
  const { record, written } = await writeRecord(x.requests, draftId, (current): Omit<ExceptionRequest, 'version'> | typeof KEEP => {
    if (!current) {
      return {
        id: draftId,
        schoolId: x.school.id,
        requesterStaffId: actor.staffId,
        status: 'draft',
        createdAt: now,
        submittedAt: null,
        votes: [],
        decision: null,
        reviewDue: null,
        reviews: [],
        misuse: [],
        ...fields,
      };
    }
    return x.isRequester(actor, current) && current.status === 'draft' ? { ...current, ...fields } : KEEP;
  });
  return written && record ? { kind: 'saved', request: record } : { kind: 'denied' };
}

/** A draft to resume elsewhere (its answers: presentation/options.ts `resumeAnswers`). Only for its requester. */
export async function openDraft(x: ExceptionCore, actor: Actor, id: string): Promise<OpenDraftResult> {
  const r = await x.requests.get(id);
  if (!r || !x.isRequester(actor, r) || r.status !== 'draft') return { kind: 'not-found' };
  return { kind: 'draft', request: r };
}

/** What is missing, and whether it stops submission. */
export function missing(x: ExceptionCore, r: ExceptionRequest): Missing {
  const blocking: RequestField[] = [];
  const notes: RequestField[] = [];
  if (!r.studentRef) blocking.push('leerling');
  if (!r.ground) blocking.push('grond');
  if (!r.purpose) blocking.push('doel');
  if (!r.scope) blocking.push('reikwijdte');
  if (r.subjects !== undefined && r.subjects.length === 0) blocking.push('wanneer');
  if (!r.kind) blocking.push('soort');
  // Which documents must be there depends on the ground (school file); "not applicable" only blocks
  // a document the ground requires.
  const required = x.requiredDocuments(r.ground);
  for (const doc of DOCUMENTS) {
    const state = r.documents[doc];
    if (required.includes(doc) && state !== 'aanwezig') blocking.push(doc);
    else if (!state || state === 'volgt') notes.push(doc);
  }
  return { blocking, notes };
}

/** The completeness check of the person's own draft. */
export async function check(x: ExceptionCore, actor: Actor, id: string): Promise<CheckResult> {
  const r = await x.requests.get(id);
  if (!r) return { kind: 'not-found' };
  if (!x.isRequester(actor, r)) return { kind: 'denied' };
  return { kind: 'checked', missing: missing(x, r) };
}

/** Submits a complete draft and posts the card to the kernteam channel. */
export async function submit(x: ExceptionCore, actor: Actor, id: string, channel: string): Promise<SubmitResult> {
  const now = x.deps.clock.now();
  const r = await x.requests.get(id);
  if (!r) return { kind: 'not-found' };
  if (!x.isRequester(actor, r)) return { kind: 'denied' };
  if (r.status === 'draft' && missing(x, r).blocking.length) return { kind: 'incomplete' };
  // Applied once; run again after a failure later in the turn, it goes on with the announcements.
  const result = await updateOnce(x.requests, id, (cur): ExceptionRequest =>
    cur.status === 'draft' && !missing(x, cur).blocking.length ? { ...cur, status: 'submitted', submittedAt: now } : cur,
  );
  if (!result) return { kind: 'not-found' };
  if (!result.applied) return result.record.status === 'draft' ? { kind: 'incomplete' } : { kind: 'already-submitted', request: result.record };
  const submitted = result.record;
  await x.audit(actor.staffId, 'exception.submit', id, channel);
  await x.planDecisionDeadline(submitted);
  await x.deps.outbox.notify(`kernteam:${id}`, KERNTEAM_CHANNEL, await kernteamPost(x, submitted));
  // The term goes with it: the mentor can tell the parents when to expect the decision.
  return { kind: 'submitted', request: submitted, decisionDue: x.decisionDue(submitted) };
}
