/**
 * What people look up about cases: a case as it stands, its history, the cases a person works, the
 * overview, the yearly figures.
 */
import { translator, type Locale } from '../i18n/index.js';
import { formatDate, type Option } from '../protocol/answers.js';
import { dayIn } from '../kernel/time.js';
import { mayDecideSanction, mayWork, maySeeFigures, maySeeOverview, type Actor } from './access.js';
import { computeCaseFigures, caseFiguresCsv } from './figures.js';
import { CaseCore, type CaseResult } from './context.js';
import { history, nextText, stageKey, stepKey, summaryLine } from './presentation.js';
import { rungName } from './ladder.js';

/** The yearly evaluation figures for bullying (counts only), with a CSV. */
export async function figuresSaid(x: CaseCore, actor: Actor, channel: string, locale: Locale): Promise<CaseResult> {
  if (!maySeeFigures(actor)) return x.denied(actor, 'figures', channel);
  const t = translator(locale);
  const all = await x.cases.findBy('schoolId', x.school.id);
  const figures = computeCaseFigures(all, x.school, x.deps.clock.now());
  await x.audit(actor, 'case.figures', 'figures', channel);
  const lines = figures.rows
    .filter((r) => r.schoolYear === figures.schoolYear && r.group === 'totaal')
    .map((r) => t('case.figures.total', { cases: r.counts.cases, open: r.counts.open, closed: r.counts.closed, repetition: r.counts.repetition, clz: r.counts.reachedClz, directie: r.counts.reachedDirectie, stopped: r.counts.stopped }));
  return {
    ok: true,
    said: [
      { text: `${t('case.figures.title', { year: figures.schoolYear })}\n${lines.join('\n') || t('case.figures.none')}` },
      { text: `${t('case.figures.csv')}\n${caseFiguresCsv(figures, locale)}` },
    ],
  };
}

/** Where a case stands and what comes next. Audited as a read. */
export async function describe(x: CaseCore, actor: Actor, caseId: string, channel: string, locale: Locale): Promise<CaseResult> {
  const found = await x.cases.get(caseId);
  if (!found) return { ok: false, reason: 'not-found' };
  if (!mayWork(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  await x.audit(actor, 'case.read', caseId, channel);
  const t = translator(locale);
  // Where it stands and what comes next; the whole history is one choice away ("Geschiedenis").
  const lines = [summaryLine(x, found, t, locale)];
  const last = found.steps.at(-1);
  if (last) lines.push(t('case.lastStep', { date: formatDate(dayIn(x.school.timeZone, last.at), locale), step: t(stepKey(last.kind)) }));
  lines.push(nextText(x, found, t));
  return { ok: true, said: [{ text: lines.join('\n') }] };
}

/** The whole history of a case: steps, agreements, measures. Audited as a read. */
export async function historyOf(x: CaseCore, actor: Actor, caseId: string, channel: string, locale: Locale): Promise<CaseResult> {
  const found = await x.cases.get(caseId);
  if (!found) return { ok: false, reason: 'not-found' };
  if (!mayWork(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  await x.audit(actor, 'case.read', caseId, channel);
  return { ok: true, said: [{ text: history(x, found, translator(locale), locale) }] };
}

/** The open cases this person may work on, as options for a `pick` step. */
export async function optionsFor(x: CaseCore, actor: Actor, locale: Locale): Promise<Option[]> {
  const t = translator(locale);
  const all = await x.cases.findBy('schoolId', x.school.id);
  return all
    .filter((c) => c.status === 'open' && mayWork(actor, c, x.deps.directory))
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((c) => ({ value: c.id, label: `${c.studentRef} (${c.classId}) — ${t(stageKey(c.stage))}` }));
}

/** A label for a case this person may see, for prompts; null when they may not. */
export async function labelFor(x: CaseCore, actor: Actor, caseId: string): Promise<string | null> {
  const found = await x.cases.get(caseId);
  if (!found || !mayWork(actor, found, x.deps.directory)) return null;
  return `${found.studentRef} (${found.classId})`;
}

/** Counts of open cases per stage, for the anti-pestcoördinator. No notes, no names. */
export async function overview(x: CaseCore, actor: Actor, channel: string, locale: Locale): Promise<CaseResult> {
  if (!maySeeOverview(actor)) return x.denied(actor, 'overview', channel);
  const t = translator(locale);
  const all = await x.cases.findBy('schoolId', x.school.id);
  const open = all.filter((c) => c.status === 'open');
  const lines = (['mentor', 'clz', 'directie'] as const).map((stage) => `${t(stageKey(stage))}: ${open.filter((c) => c.stage === stage).length}`);
  const closedRecently = all.filter((c) => c.status === 'closed').length;
  await x.audit(actor, 'case.overview', 'overview', channel);
  return { ok: true, said: [{ text: t('case.overview', { open: open.length, closed: closedRecently, stages: lines.join('\n') }) }] };
}

/** Proposed suspensions and expulsions that wait for this person's decision (directie), oldest first. */
export async function proposalsWaiting(x: CaseCore, actor: Actor, locale: Locale): Promise<Option[]> {
  const t = translator(locale);
  const all = await x.cases.findBy('status', 'open');
  const waiting: Array<Option & { at: number }> = [];
  for (const c of all) {
    if (c.schoolId !== x.school.id || !mayDecideSanction(actor, c, x.deps.directory)) continue;
    for (const s of c.sanctions) {
      if (s.status !== 'proposed') continue;
      waiting.push({ value: c.id, at: s.at, label: t('waiting.proposal', { rung: rungName(c, s.rung, locale), students: (s.studentRefs ?? []).join(', '), student: c.studentRef, cls: c.classId }) });
    }
  }
  return waiting.sort((a, b) => a.at - b.at).map(({ value, label }) => ({ value, label }));
}
