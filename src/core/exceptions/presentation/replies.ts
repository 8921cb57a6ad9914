/**
 * What the person who ran an exception command reads: from the result of the operation, in their
 * language. A refusal without words of its own gets the general message for its reason.
 */
import { translator, type Locale, type MessageKey, type Translate } from '../../i18n/index.js';
import { formatDate } from '../../protocol/answers.js';
import type { OutboundMessage } from '../../turn.js';
import type { ExceptionCore } from '../context.js';
import type { Figures } from '../figures.js';
import type {
  CheckResult,
  FollowUpResult,
  FunctionalResult,
  JointDecisionResult,
  MisuseSignalResult,
  ReviewResult,
  ReviewTalkResult,
  SubmitResult,
} from '../results.js';
import { figuresCard } from './cards.js';
import { contacts, fieldKey, functionalText, statusKey } from './words.js';

/** A refusal's reason. */
export type Refusal = 'denied' | 'not-found' | 'invalid' | 'incomplete';

const REFUSALS: Record<Refusal, MessageKey> = { denied: 'exception.denied', 'not-found': 'exception.notFound', invalid: 'exception.invalid', incomplete: 'exception.incomplete' };

/** The general message for a refusal. */
export function refusalSaid(reason: Refusal, t: Translate): OutboundMessage[] {
  return [{ text: t(REFUSALS[reason]) }];
}

const say = (text: string): OutboundMessage[] => [{ text }];

/** The completeness check: what blocks submission, what is noted, or that it is complete. */
export function checkSaid(result: CheckResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (result.kind !== 'checked') return refusalSaid(result.kind, t);
  const { blocking, notes } = result.missing;
  const lines: string[] = [];
  if (blocking.length) lines.push(t('exception.check.blocking', { items: blocking.map((f) => t(fieldKey(f))).join(', ') }));
  if (notes.length) lines.push(t('exception.check.notes', { items: notes.map((f) => t(fieldKey(f))).join(', ') }));
  if (!lines.length) lines.push(t('exception.check.complete'));
  return say(lines.join('\n'));
}

/** After submission: the kernteam's term and its last day (the mentor can tell the parents when to expect the decision). */
export function submitSaid(x: ExceptionCore, result: SubmitResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (result.kind === 'already-submitted') return say(t('exception.submit.already'));
  if (result.kind !== 'submitted') return refusalSaid(result.kind, t);
  return say(t('exception.submit.done', { days: x.school.exceptions.decisionSchoolDays, date: formatDate(result.decisionDue, locale) }));
}

/** After the joint decision is recorded (or was already). */
export function jointDecisionSaid(result: JointDecisionResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (result.kind === 'already-decided') return say(t('exception.vote.alreadyDecided'));
  if (result.kind !== 'decided') return refusalSaid(result.kind, t);
  return say(t('exception.joint.done', { outcome: t(statusKey(result.outcome)) }));
}

/** After a review: the next review date, or that the exception ended. */
export function reviewSaid(result: ReviewResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (result.kind !== 'recorded') return refusalSaid(result.kind, t);
  return say(result.reviewDue ? t('exception.review.continued', { date: formatDate(result.reviewDue, locale) }) : t('exception.review.ended'));
}

/** After planning the talk with student and parents. */
export function reviewTalkSaid(result: ReviewTalkResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (result.kind !== 'planned') return refusalSaid(result.kind, t);
  return say(t('exception.review.talkPlanned', { date: formatDate(result.date, locale) }));
}

/** After a teacher's signal of possible misuse. */
export function misuseSignalSaid(result: MisuseSignalResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (result.kind === 'no-exception') return say(t('exception.misuse.noException'));
  if (result.kind !== 'signalled') return refusalSaid(result.kind, t);
  return say(t('exception.misuse.thanks'));
}

/** After a follow-up step; for a pause that skips the ladder, what is missing and what was typed, to copy. */
export function followUpSaid(result: FollowUpResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (result.kind === 'ladder-incomplete') {
    const kept = [result.note, result.meanwhile].map((s) => s.trim()).filter(Boolean).join('\n');
    const missing: MessageKey = result.missing === 'talk' ? 'exception.misuse.pauseNeedsTalk' : 'exception.misuse.pauseNeedsRepeat';
    return [{ text: t(missing) }, ...(kept ? [{ text: t('exception.misuse.keptText', { text: kept }) }] : [])];
  }
  if (result.kind !== 'done') return refusalSaid(result.kind, t);
  return say(t(`exception.misuse.done.${result.step}`, { until: result.until ? formatDate(result.until, locale) : '' }));
}

/** "Has this student an exception?": the functional facts only. */
export function functionalSaid(x: ExceptionCore, result: FunctionalResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  switch (result.kind) {
    case 'not-found':
      return refusalSaid(result.kind, t);
    case 'none':
      return say(t('exception.functional.none', { student: result.studentRef }));
    case 'paused':
      // Whom to ask, in the school's language (as the teachers' notices name them).
      return say(t('exception.functional.paused', { student: result.studentRef, contact: contacts(x, result.request, translator(x.school.locale)) }));
    case 'active':
      return say(functionalText(x, result.request, t, locale));
  }
}

/** The figures as a card and text, with a pointer to the CSV; a refusal for those who may not see them. */
export function figuresSaid(x: ExceptionCore, figures: Figures | null, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (!figures) return refusalSaid('denied', t);
  return [figuresCard(x, figures, locale), { text: t('exception.figures.csv') }];
}
