/**
 * The words for what people look up about cases (listings.ts): a case as it stands, its history, the
 * overview, the yearly figures, and the pick lists of cases and of proposals waiting for the directie.
 */
import { translator, type Locale } from '../../i18n/index.js';
import { formatDate, type Option } from '../../protocol/answers.js';
import { dayIn } from '../../kernel/time.js';
import type { OutboundMessage } from '../../turn.js';
import { caseFiguresCsv } from '../figures.js';
import { rungName } from '../ladder.js';
import type { BullyingCase } from '../model.js';
import type { CaseRead, FiguresResult, OverviewResult, ProposalRecord } from '../results.js';
import { history, nextText, refusalSaid, stageKey, stepKey, summaryLine, type CaseView } from './case-text.js';

/** The yearly evaluation figures for bullying (counts only), and the same as CSV. */
export function figuresSaid(r: FiguresResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (r.kind !== 'figures') return refusalSaid(r, t);
  const { figures } = r;
  const lines = figures.rows
    .filter((row) => row.schoolYear === figures.schoolYear && row.group === 'totaal')
    .map(({ counts }) =>
      t('case.figures.total', {
        cases: counts.cases,
        open: counts.open,
        closed: counts.closed,
        repetition: counts.repetition,
        clz: counts.reachedClz,
        directie: counts.reachedDirectie,
        stopped: counts.stopped,
      }),
    );
  return [
    { text: `${t('case.figures.title', { year: figures.schoolYear })}\n${lines.join('\n') || t('case.figures.none')}` },
    { text: `${t('case.figures.csv')}\n${caseFiguresCsv(figures, locale)}` },
  ];
}

/** Where a case stands, its last step and what comes next; the whole history is one choice away. */
export function describeSaid(x: CaseView, r: CaseRead, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (r.kind !== 'found') return refusalSaid(r, t);
  const c = r.case;
  const lines = [summaryLine(x, c, t, locale)];
  const last = c.steps.at(-1);
  if (last) lines.push(t('case.lastStep', { date: formatDate(dayIn(x.school.timeZone, last.at), locale), step: t(stepKey(last.kind)) }));
  lines.push(nextText(x, c, t));
  return [{ text: lines.join('\n') }];
}

/** The whole history of a case: steps, agreements, measures. */
export function historySaid(x: CaseView, r: CaseRead, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (r.kind !== 'found') return refusalSaid(r, t);
  return [{ text: history(x, r.case, t, locale) }];
}

/** Counts of open cases per stage and of closed cases, for the anti-pestcoördinator. */
export function overviewSaid(r: OverviewResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (r.kind !== 'overview') return refusalSaid(r, t);
  const lines = (['mentor', 'clz', 'directie'] as const).map((stage) => `${t(stageKey(stage))}: ${r.byStage[stage]}`);
  return [{ text: t('case.overview', { open: r.open, closed: r.closed, stages: lines.join('\n') }) }];
}

/** A case as prompts name it: the bullied student and the class. */
export function caseLabel(c: BullyingCase): string {
  return `${c.studentRef} (${c.classId})`;
}

/** Open cases as options for a `pick` step: student (class) — stage. */
export function openCaseOptions(cases: readonly BullyingCase[], locale: Locale): Option[] {
  const t = translator(locale);
  return cases.map((c) => ({ value: c.id, label: `${caseLabel(c)} — ${t(stageKey(c.stage))}` }));
}

/** Proposals waiting for this person's decision, as items of what waits (the value is the case). */
export function waitingProposalOptions(proposals: readonly ProposalRecord[], locale: Locale): Option[] {
  const t = translator(locale);
  return proposals.map(({ case: c, proposal: s }) => ({
    value: c.id,
    label: t('waiting.proposal', { rung: rungName(c, s.rung, locale), students: (s.studentRefs ?? []).join(', '), student: c.studentRef, cls: c.classId }),
  }));
}
