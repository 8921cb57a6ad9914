/**
 * What people look up: their own requests, the agenda, the requests they manage, the figures, the
 * functional answer for teachers, and the subjects to choose from.
 */
import { translator, type Locale } from '../i18n/index.js';
import { formatDate, type Option } from '../protocol/answers.js';
import { dayIn } from '../kernel/time.js';
import { kernteamRole } from './decision.js';
import type { Actor } from '../turn.js';
import { auditSubject } from '../privacy/service.js';
import { can } from '../permissions.js';
import { COUNT_NAMES, computeFigures, type Counts, type Figures } from './figures.js';
import { ExceptionCore, type ExceptionResult } from './context.js';
import { countKey, functionalText, statusKey } from './presentation.js';

/** The person's requests: drafts to resume and submitted ones to follow. */
export async function myRequests(x: ExceptionCore, actor: Actor, locale: Locale): Promise<Array<Option & { isDraft: boolean }>> {
  const t = translator(locale);
  const mine = await x.requests.findBy('requesterStaffId', actor.staffId);
  return mine
    .filter((r) => r.schoolId === x.school.id)
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((r) => ({
      value: r.id,
      label: `${r.studentRef || '?'} — ${t(statusKey(r.status))}${x.overdue(r) ? ` — ${t('exception.review.overdue')}` : ''}`,
      isDraft: r.status === 'draft',
    }));
}

/**
 * Requests that wait for this person's vote: submitted, undecided, and this member of the kernteam has
 * not voted yet. Oldest first, with the day each was submitted.
 */
export async function votesWaiting(x: ExceptionCore, actor: Actor, locale: Locale): Promise<Option[]> {
  if (!can(actor, 'exception.vote', { kernteamRoles: x.rule.kernteamRoles }) || !kernteamRole(actor.roles, x.rule)) return [];
  const t = translator(locale);
  const open = await x.requests.findBy('status', 'submitted');
  return open
    .filter((r) => r.schoolId === x.school.id && !r.decision && !r.votes.some((v) => v.staffId === actor.staffId))
    .sort((a, b) => (a.submittedAt ?? 0) - (b.submittedAt ?? 0))
    .map((r) => ({ value: r.id, label: t('waiting.vote', { student: r.studentRef, cls: r.classId, date: formatDate(dayIn(x.school.timeZone, r.submittedAt ?? r.createdAt), locale) }) }));
}

/** The person's drafts, oldest first; one with the parents' answers says so (they wait to be looked at). */
export async function draftsWaiting(x: ExceptionCore, actor: Actor, locale: Locale): Promise<Option[]> {
  const t = translator(locale);
  const mine = await x.requests.findBy('requesterStaffId', actor.staffId);
  return mine
    .filter((r) => r.schoolId === x.school.id && r.status === 'draft')
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((r) => ({ value: r.id, label: t(r.fromParents ? 'waiting.parents' : 'waiting.draft', { student: r.studentRef || '?' }) }));
}

/** Requests on the kernteam agenda, for the zorgcoördinator to record the joint decision. */
export async function agendaRequests(x: ExceptionCore, actor: Actor): Promise<Option[]> {
  if (!can(actor, 'exception.joint')) return [];
  const all = await x.requests.findBy('status', 'agenda');
  return all.filter((r) => r.schoolId === x.school.id).map((r) => ({ value: r.id, label: `${r.studentRef} (${r.classId})` }));
}

/** Active or paused exceptions this person looks after (requester, class mentor, zorgcoördinator). */
export async function managed(x: ExceptionCore, actor: Actor): Promise<Option[]> {
  const out: Option[] = [];
  for (const status of ['granted', 'suspended'] as const) {
    for (const r of await x.requests.findBy('status', status)) {
      if (r.schoolId === x.school.id && x.mayManage(actor, r)) out.push({ value: r.id, label: `${r.studentRef} (${r.classId})` });
    }
  }
  return out;
}

/** Submitted and decided requests the person manages, for a letter to the parents. */
export async function decided(x: ExceptionCore, actor: Actor): Promise<Option[]> {
  const out: Option[] = [];
  // Submitted ones too: the parents can be told the request is with the kernteam, and by when it decides.
  for (const status of ['submitted', 'agenda', 'granted', 'rejected', 'suspended', 'revoked'] as const) {
    for (const r of await x.requests.findBy('status', status)) {
      if (r.schoolId === x.school.id && x.mayManage(actor, r)) out.push({ value: r.id, label: `${r.studentRef} (${r.classId})` });
    }
  }
  return out;
}

/** Who may see the figures: zorgcoördinator, anti-pestcoördinator, directie. */
export function maySeeFigures(x: ExceptionCore, actor: Actor): boolean {
  return can(actor, 'exception.figures');
}

export async function figures(x: ExceptionCore, actor: Actor, channel: string): Promise<Figures | null> {
  if (!maySeeFigures(x, actor)) return null;
  await x.audit(actor.staffId, 'exception.figures', 'figures', channel);
  const all = (await x.requests.findBy('schoolId', x.school.id)).filter((r) => r.status !== 'draft');
  return computeFigures(all, x.school, x.deps.clock.now());
}

export async function figuresSaid(x: ExceptionCore, actor: Actor, channel: string, locale: Locale): Promise<ExceptionResult> {
  const f = await figures(x, actor, channel);
  if (!f) return { ok: false, reason: 'denied' };
  const t = translator(locale);
  const line = (c: Counts) => COUNT_NAMES.map((n) => `${t(countKey(n))} ${c[n]}`).join(', ');
  const trend = COUNT_NAMES.map((n) => `${t(countKey(n))} ${f.total[n]} (${f.previous[n]})`).join(', ');
  const facts = [
    { title: t('exception.figures.year', { year: f.schoolYear }), value: line(f.total) },
    { title: t('exception.figures.trend', { year: f.previousYear }), value: trend },
    ...f.byYearGroup.map((g) => ({ title: t('exception.yearGroup', { year: g.yearGroup }), value: line(g.counts) })),
    ...f.bySubject.map((s) => ({ title: s.subject, value: line(s.counts) })),
  ];
  const card = x.deps.cards.render('exception-details', { title: t('exception.figures.title', { year: f.schoolYear }), facts });
  const text = [t('exception.figures.title', { year: f.schoolYear }), ...facts.map((f) => `${f.title}: ${f.value}`)].join('\n');
  return { ok: true, said: [{ text, card }, { text: t('exception.figures.csv') }] };
}

/**
 * "Heeft L1001 een uitzondering?" for any staff member: only the functional facts (for which
 * lessons or times, which apps, until when, who to contact), never the ground or documents.
 */
export async function functionalAnswer(x: ExceptionCore, actor: Actor, studentRef: string, channel: string, locale: Locale): Promise<ExceptionResult> {
  const t = translator(locale);
  const student = x.deps.directory.findStudent(studentRef);
  if (!student) return { ok: false, reason: 'not-found' };
  const active = (await x.requests.findBy('studentRef', student.ref)).find((r) => r.schoolId === x.school.id && (r.status === 'granted' || r.status === 'suspended'));
  // With no exception to point at, the read is kept under the student's pseudonym, never the number.
  await x.audit(actor.staffId, 'exception.functional-read', active?.id ?? auditSubject(x.school.id, student.ref), channel);
  if (!active) return { ok: true, said: [{ text: t('exception.functional.none', { student: student.ref }) }] };
  if (active.status === 'suspended') return { ok: true, said: [{ text: t('exception.functional.paused', { student: student.ref, contact: x.contactName(active) }) }] };
  return { ok: true, said: [{ text: functionalText(x, active, t, locale) }] };
}

/** The class's subjects as options for "bij welke vakken", with "all lessons" first. */
export async function subjectOptions(x: ExceptionCore, studentRef: string, locale: Locale): Promise<Option[]> {
  const student = x.deps.directory.findStudent(studentRef);
  const teachers = student ? (x.school.classes.find((c) => c.id === student.class)?.teachers ?? []) : [];
  const subjects = [...new Set(teachers.map((s) => s.subject))];
  if (!subjects.length) return [];
  return [{ value: 'alle', label: translator(locale)('exception.subjects.all') }, ...subjects.map((s) => ({ value: s, label: s }))];
}
