/**
 * The words and cards for the protocol's steps (steps.ts): what the person who recorded a step,
 * agreement, hand-over, request for advice or closing reads, and the notices queued for others.
 */
import type { AdaptiveCardJson } from '../../cards/render.js';
import { translator, type Locale } from '../../i18n/index.js';
import type { StaffMember } from '../../people/school.js';
import { formatDate } from '../../protocol/answers.js';
import { recordText } from '../../text/record-text.js';
import type { OutboundMessage } from '../../turn.js';
import type { BullyingCase } from '../model.js';
import type { AgreementResult, CloseResult, CoordinatorResult, EscalationResult, StepResult } from '../results.js';
import { nextMessage, noteCard, refusalSaid, stageKey, stepKey, summaryLine, type CaseView } from './case-text.js';

/** A step recorded: that it was, the text for Magister, and the protocol's next step. */
export function stepSaid(x: CaseView, r: StepResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (r.kind === 'bully-is-victim') return [{ text: t('case.bully.isVictim', { student: r.student }) }];
  if (r.kind !== 'recorded') return refusalSaid(r, t);
  const { case: c, step } = r;
  const withStudent = step.studentRef;
  const about = withStudent ?? c.studentRef;
  const subject = withStudent ? t('case.magister.student', { student: about }) : t('case.magister.caseOf', { student: about });
  const note = recordText(t, step.outcome ? 'case.magister.step' : 'case.magister.stepOnly', { step: t(stepKey(step.kind)), subject, outcome: step.outcome });
  return [{ text: t('case.step.recorded', { step: t(stepKey(step.kind)) }) }, noteCard(x, t, note), nextMessage(x, c, t)];
}

/** An agreement recorded: its check date, the text for Magister, and the protocol's next step. */
export function agreementSaid(x: CaseView, r: AgreementResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (r.kind !== 'recorded') return refusalSaid(r, t);
  const { case: c, agreement } = r;
  const date = formatDate(agreement.dueDate, locale);
  return [
    { text: t('case.agreement.recorded', { date }) },
    noteCard(x, t, recordText(t, 'case.magister.agreement', { student: c.studentRef, what: agreement.what, date })),
    nextMessage(x, c, t),
  ];
}

/** The hand-over to the CLZ: done (with the text for Magister), not needed, or not possible. */
export function escalationSaid(x: CaseView, r: EscalationResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (r.kind === 'already') return [{ text: t('case.escalate.already') }];
  if (r.kind === 'no-clz') return [{ text: t('case.escalate.noClz') }];
  if (r.kind !== 'escalated') return refusalSaid(r, t);
  return [
    { text: t('case.escalate.done', { clz: r.clz.name }) },
    noteCard(x, t, recordText(t, 'case.magister.escalated', { student: r.case.studentRef })),
  ];
}

/** Whom the request for advice went to, or that the school has no anti-pestcoördinator. */
export function coordinatorSaid(r: CoordinatorResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (r.kind === 'no-coordinator') return [{ text: t('case.coordinator.none') }];
  if (r.kind !== 'asked') return refusalSaid(r, t);
  return [{ text: t('case.coordinator.asked', { names: r.coordinators.map((c) => c.name).join(', ') }) }];
}

/** The case closed, and how long a new signal counts as a repetition. */
export function closeSaid(x: CaseView, r: CloseResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (r.kind !== 'closed') return refusalSaid(r, t);
  return [{ text: t('case.closed', { days: x.school.protocol.repetitionWindowDays }) }];
}

/** The CLZ's feedback to the class mentor, in the school's language. */
export function feedbackNotice(x: CaseView, c: BullyingCase, outcome: string): { text: string } {
  return { text: translator(x.school.locale)('case.notify.feedback', { student: c.studentRef, outcome }) };
}

/** The hand-over to the CLZ, with the case's summary and a button that opens it, in the school's language. */
export function escalationNotice(x: CaseView, c: BullyingCase): { text: string; card: AdaptiveCardJson } {
  const ct = translator(x.school.locale);
  const handedOver = ct('case.notify.escalated', { student: c.studentRef, cls: c.classId });
  return {
    text: `${handedOver}\n${summaryLine(x, c, ct, x.school.locale)}`,
    card: x.deps.cards.render('notice', {
      title: ct('case.notify.escalatedTitle'),
      text: handedOver,
      actions: [{ title: ct('case.action.open'), flowId: 'zaak', caseId: c.id }],
    }),
  };
}

/** The request to the anti-pestcoördinator: who asks, about which case and where it stands; no notes. */
export function coordinatorNotice(x: CaseView, asker: StaffMember | null, c: BullyingCase): { text: string } {
  const ct = translator(x.school.locale);
  return { text: ct('case.notify.coordinator', { asker: asker?.name ?? '', student: c.studentRef, cls: c.classId, stage: ct(stageKey(c.stage)) }) };
}
