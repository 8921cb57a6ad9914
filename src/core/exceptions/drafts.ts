/**
 * Exception drafts: saved at every answer of the request dialog, resumed, checked for completeness
 * and submitted to the kernteam.
 */
import { translator, type Locale, type MessageKey } from '../i18n/index.js';
import { formatDate, type Answer } from '../protocol/answers.js';
import type { Actor } from '../turn.js';
import { KEEP, updateOnce, writeRecord } from '../kernel/records.js';
import { DOCUMENTS, GROUNDS, KINDS, oneOf, PURPOSES, SCOPES, type ExceptionRequest } from './model.js';
import { ExceptionCore, scopesOf, KERNTEAM_CHANNEL, type ExceptionResult } from './context.js';
import { actionKey, docKey, docStateKey, functionKey, groundKey, kindKey, purposeKey, requestCard, scopeKey } from './presentation.js';

/** Keeps the dialog's answers so far in the draft; called after every answer of the request dialog. */
export async function saveDraft(x: ExceptionCore, actor: Actor, draftId: string, answers: Record<string, Answer>): Promise<void> {
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
  await writeRecord(x.requests, draftId, (current): Omit<ExceptionRequest, 'version'> | typeof KEEP => {
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
}

/**
 * The answers of a draft, to resume its dialog elsewhere. Only for its requester. An answer that is
 * still what the parents sent with the form link is marked as theirs (`from`): the dialog asks that
 * question again, pre-filled with it and marked "van de ouders", and "ok" keeps it.
 */
export async function draftAnswers(x: ExceptionCore, actor: Actor, id: string, locale: Locale): Promise<Record<string, Answer> | null> {
  const r = await x.requests.get(id);
  if (!r || !x.isRequester(actor, r) || r.status !== 'draft') return null;
  const t = translator(locale);
  const answers: Record<string, Answer> = { draftId: { value: r.id, display: '' } };
  const fromParents = parentsAnswers(r);
  const put = (key: string, value: string | null, display?: string) => {
    if (value) answers[key] = { value, display: display ?? value, ...(fromParents[key] !== undefined && fromParents[key] === value ? { from: t('exception.parents.mark') } : {}) };
  };
  const student = r.studentRef ? x.deps.directory.findStudent(r.studentRef) : null;
  if (student) answers.leerling = { value: student.ref, display: `${student.ref} (${student.class})` };
  put('grond', r.ground, r.ground ? t(groundKey(r.ground)) : undefined);
  put('doel', r.purpose, r.purpose ? t(purposeKey(r.purpose)) : undefined);
  put('doelToelichting', r.purposeDetail);
  for (const doc of DOCUMENTS) put(`doc_${doc}`, r.documents[doc] ?? null, r.documents[doc] ? t(docStateKey(r.documents[doc]!)) : undefined);
  put('bewaarplaats', r.documentsLocation);
  put('woordenLeerling', r.studentWords);
  const putList = (key: string, values: string[] | undefined, label: (v: string) => string) => {
    if (values?.length) answers[key] = { value: values, display: values.map(label).join(', ') };
  };
  putList('reikwijdte', scopesOf(r), (v) => t(scopeKey(v)));
  if (r.subjects?.length) answers.wanneer = { value: r.subjects, display: r.when };
  put('apps', r.apps);
  putList('functies', r.functions, (v) => t(functionKey(v)));
  putList('aanpak', r.teacherActions, (v) => t(actionKey(v)));
  put('soort', r.kind, r.kind ? t(kindKey(r.kind)) : undefined);
  return answers;
}

/** What the parents sent with the form link, by the key of the question it answers. */
function parentsAnswers(r: ExceptionRequest): Record<string, string> {
  const p = r.fromParents;
  if (!p) return {};
  const answers: Record<string, string> = { doelToelichting: p.need, woordenLeerling: p.studentWords, bewaarplaats: p.documentsWhere };
  for (const doc of DOCUMENTS) if (p.documents[doc]) answers[`doc_${doc}`] = p.documents[doc];
  return answers;
}

/** What is missing, and whether it stops submission. */
export function missing(x: ExceptionCore, r: ExceptionRequest): { blocking: MessageKey[]; notes: MessageKey[] } {
  const blocking: MessageKey[] = [];
  const notes: MessageKey[] = [];
  if (!r.studentRef) blocking.push('exception.field.leerling');
  if (!r.ground) blocking.push('exception.field.grond');
  if (!r.purpose) blocking.push('exception.field.doel');
  if (!r.scope) blocking.push('exception.field.reikwijdte');
  if (r.subjects !== undefined && r.subjects.length === 0) blocking.push('exception.field.wanneer');
  if (!r.kind) blocking.push('exception.field.soort');
  // Which documents must be there depends on the ground (school file); "not applicable" only blocks
  // a document the ground requires.
  const required = x.requiredDocuments(r.ground);
  for (const doc of DOCUMENTS) {
    const state = r.documents[doc];
    const key = docKey(doc);
    if (required.includes(doc) && state !== 'aanwezig') blocking.push(key);
    else if (!state || state === 'volgt') notes.push(key);
  }
  return { blocking, notes };
}

export async function check(x: ExceptionCore, actor: Actor, id: string, locale: Locale): Promise<ExceptionResult> {
  const r = await x.requests.get(id);
  if (!r) return { ok: false, reason: 'not-found' };
  if (!x.isRequester(actor, r)) return { ok: false, reason: 'denied' };
  const t = translator(locale);
  const { blocking, notes } = missing(x, r);
  const lines: string[] = [];
  if (blocking.length) lines.push(t('exception.check.blocking', { items: blocking.map((k) => t(k)).join(', ') }));
  if (notes.length) lines.push(t('exception.check.notes', { items: notes.map((k) => t(k)).join(', ') }));
  if (!lines.length) lines.push(t('exception.check.complete'));
  return { ok: true, said: [{ text: lines.join('\n') }] };
}

/** Submits a complete draft and posts the card to the kernteam channel. */
export async function submit(x: ExceptionCore, actor: Actor, id: string, channel: string, locale: Locale): Promise<ExceptionResult> {
  const t = translator(locale);
  const now = x.deps.clock.now();
  const r = await x.requests.get(id);
  if (!r) return { ok: false, reason: 'not-found' };
  if (!x.isRequester(actor, r)) return { ok: false, reason: 'denied' };
  if (r.status === 'draft' && missing(x, r).blocking.length) return { ok: false, reason: 'incomplete' };
  // Applied once; run again after a failure later in the turn, it goes on with the announcements.
  const result = await updateOnce(x.requests, id, (cur): ExceptionRequest =>
    cur.status === 'draft' && !missing(x, cur).blocking.length ? { ...cur, status: 'submitted', submittedAt: now } : cur,
  );
  if (!result) return { ok: false, reason: 'not-found' };
  if (!result.applied) return result.record.status === 'draft' ? { ok: false, reason: 'incomplete' } : { ok: true, said: [{ text: t('exception.submit.already') }] };
  const submitted = result.record;
  await x.audit(actor.staffId, 'exception.submit', id, channel);
  await x.planDecisionDeadline(submitted);
  const ct = translator(x.school.locale);
  await x.deps.outbox.notify(`kernteam:${id}`, KERNTEAM_CHANNEL, {
    text: ct('exception.card.newRequest', { student: submitted.studentRef, year: submitted.yearGroup }),
    card: await requestCard(x, submitted, null, x.school.locale),
  });
  // The term is told: the mentor can tell the parents when to expect the decision.
  return { ok: true, said: [{ text: t('exception.submit.done', { days: x.school.exceptions.decisionSchoolDays, date: formatDate(x.decisionDue(submitted), locale) }) }] };
}
