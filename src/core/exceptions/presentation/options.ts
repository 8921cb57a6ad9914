/**
 * Requests as options to pick or open (with their labels), and a draft's answers as the request dialog
 * shows them when it is resumed.
 */
import { translator, type Locale } from '../../i18n/index.js';
import { formatDate, type Answer, type Option } from '../../protocol/answers.js';
import { dayIn } from '../../kernel/time.js';
import { scopesOf, type ExceptionCore } from '../context.js';
import { DOCUMENTS, type ExceptionRequest } from '../model.js';
import { actionKey, docStateKey, functionKey, groundKey, kindKey, purposeKey, scopeKey, statusKey } from './words.js';

/** A request as the person who asked for it sees it in their list: student, state, a missed review. */
export function myRequestOptions(x: ExceptionCore, requests: readonly ExceptionRequest[], locale: Locale): Array<Option & { isDraft: boolean }> {
  const t = translator(locale);
  return requests.map((r) => ({
    value: r.id,
    label: `${r.studentRef || '?'} — ${t(statusKey(r.status))}${x.overdue(r) ? ` — ${t('exception.review.overdue')}` : ''}`,
    isDraft: r.status === 'draft',
  }));
}

/** Requests that wait for a vote, with the day each was submitted. */
export function voteOptions(x: ExceptionCore, requests: readonly ExceptionRequest[], locale: Locale): Option[] {
  const t = translator(locale);
  return requests.map((r) => ({ value: r.id, label: t('waiting.vote', { student: r.studentRef, cls: r.classId, date: formatDate(dayIn(x.school.timeZone, r.submittedAt ?? r.createdAt), locale) }) }));
}

/** Drafts to finish; one with the parents' answers says so. */
export function draftOptions(requests: readonly ExceptionRequest[], locale: Locale): Option[] {
  const t = translator(locale);
  return requests.map((r) => ({ value: r.id, label: t(r.fromParents ? 'waiting.parents' : 'waiting.draft', { student: r.studentRef || '?' }) }));
}

/** Requests as student and class (the agenda, managed and decided requests). */
export function requestOptions(requests: readonly ExceptionRequest[]): Option[] {
  return requests.map((r) => ({ value: r.id, label: `${r.studentRef} (${r.classId})` }));
}

/** Granted requests to review: student and class, the review date, and whether it is overdue (school's language). */
export function reviewOptions(x: ExceptionCore, requests: readonly ExceptionRequest[]): Option[] {
  return requests.map((r) => ({
    value: r.id,
    label: `${r.studentRef} (${r.classId})${r.reviewDue ? ` — ${formatDate(r.reviewDue, x.school.locale)}` : ''}${x.overdue(r) ? ` — ${translator(x.school.locale)('exception.review.overdue')}` : ''}`,
  }));
}

/** The class's subjects as options for "bij welke vakken", with "all lessons" first (none without subjects). */
export function subjectOptions(subjects: readonly string[], locale: Locale): Option[] {
  if (!subjects.length) return [];
  return [{ value: 'alle', label: translator(locale)('exception.subjects.all') }, ...subjects.map((s) => ({ value: s, label: s }))];
}

/**
 * The answers of a draft, to resume its dialog elsewhere. An answer that is still what the parents sent
 * with the form link is marked as theirs (`from`): the dialog asks that question again, pre-filled with
 * it and marked "van de ouders", and "ok" keeps it.
 */
export function resumeAnswers(x: ExceptionCore, r: ExceptionRequest, locale: Locale): Record<string, Answer> {
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
