/**
 * The words and cards for signals (signals.ts): what the reporter reads, the notice to those who
 * hear of a signal, and the reporter's own signals.
 */
import type { AdaptiveCardJson } from '../../cards/render.js';
import { translator, type Locale, type Translate } from '../../i18n/index.js';
import { formatDate } from '../../protocol/answers.js';
import { recordText } from '../../text/record-text.js';
import type { OutboundMessage } from '../../turn.js';
import { nextStep, type BullyingCase, type Signal, type StepKind } from '../model.js';
import type { OwnSignal, SignalResult } from '../results.js';
import { STEP_FLOWS, bystanderKey, formKey, noteCard, refusalSaid, stageKey, stepKey, type CaseView } from './case-text.js';

/** The signal recorded: who works the case, a repetition, the safeguard, and the text for Magister. */
export function signalSaid(x: CaseView, r: SignalResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (r.kind !== 'recorded') return refusalSaid(r, t);
  const { case: c, signal, owner } = r;
  const note = recordText(t, 'case.magister.signal', {
    date: formatDate(signal.date, locale),
    student: c.studentRef,
    forms: signal.forms.map((f) => t(formKey(f))).join(', '),
    where: signal.where.toLocaleLowerCase(locale),
  });
  const said: OutboundMessage[] = [{ text: owner ? t('case.signal.recorded', { owner: owner.name }) : t('case.signal.recordedNoOwner') }];
  if (r.repetition) said.push({ text: t('case.signal.repetitionToReporter') });
  if (signal.sexualImage) said.push({ text: t('case.signal.sexualImage') });
  said.push(noteCard(x, t, note));
  return said;
}

/** A notice's title, as the report's notice shows it. */
export function signalTitle(t: Translate, signal: Signal): string {
  return t(signal.sexualImage ? 'case.notify.sexualImageTitle' : signal.severe ? 'case.notify.severeTitle' : 'case.notify.title');
}

/** What a signal's notice is about. */
export interface SignalNoticeInput {
  case: BullyingCase;
  signal: Signal;
  /** Another open or recently closed case names one of the students. */
  repetition: boolean;
  /** The student now bullied was reported as bullying before, or the other way round. */
  reversed: boolean;
}

/**
 * The notice of a signal, in the school's language: the safeguard first, what happened, and one press
 * to the step that is due (or, on a repetition with the mentor, to the hand-over to the CLZ).
 */
export function signalNotice(x: CaseView, input: SignalNoticeInput): { text: string; card: AdaptiveCardJson } {
  const { case: c, signal, repetition, reversed } = input;
  const t = translator(x.school.locale);
  const lines = [
    // The safeguard before anything else: whoever reads this must not ask for the image or pass it on.
    ...(signal.sexualImage ? [t('case.notify.sexualImage')] : []),
    t(signal.severe ? 'case.notify.severe' : 'case.notify.signal', { student: c.studentRef, cls: c.classId }),
    t('case.notify.details', {
      date: formatDate(signal.date, x.school.locale),
      where: signal.where,
      forms: signal.forms.map((f) => t(formKey(f))).join(', '),
    }),
  ];
  if (signal.bystanders?.length) lines.push(t('case.notify.bystanders', { roles: signal.bystanders.map((r) => t(bystanderKey(r))).join(', ') }));
  if (signal.description) lines.push(signal.description);
  if (repetition) lines.push(t('case.notify.repetition', { days: x.school.protocol.repetitionWindowDays }));
  if (reversed) lines.push(t('case.notify.reversed'));
  const canEscalate = repetition && c.stage === 'mentor';
  // The step that is due, one press away (the first of the CLZ's talks when the CLZ has it).
  const due = nextStep(c);
  const dueKind: StepKind | null = due === 'clz-gesprekken' ? 'gesprek-gepeste' : due;
  const card = x.deps.cards.render('notice', {
    title: signalTitle(t, signal),
    text: lines.join('\n\n'),
    actions: [
      ...(dueKind && !canEscalate ? [{ title: t('case.action.nextStep', { step: t(stepKey(dueKind)) }), flowId: STEP_FLOWS[dueKind], caseId: c.id, stap: dueKind }] : []),
      { title: t('case.action.open'), flowId: 'zaak', caseId: c.id, stap: '' },
      ...(canEscalate ? [{ title: t('case.action.escalate'), flowId: 'escaleren', caseId: c.id, stap: '' }] : []),
    ],
  });
  return { text: lines.join('\n'), card };
}

const OWN_STATE = { closed: 'case.mine.closed', 'acted-on': 'case.mine.actedOn', received: 'case.mine.received' } as const;

/** The signals this person made and whether they were picked up, one a line in date order. */
export function ownSignalsSaid(signals: readonly OwnSignal[], locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  const lines = signals.map(({ case: c, signal, state }) => `- ${formatDate(signal.date, locale)} ${c.studentRef}: ${t(OWN_STATE[state], { stage: t(stageKey(c.stage)) })}`);
  if (lines.length === 0) return [{ text: t('case.mine.none') }];
  return [{ text: `${t('case.mine.title')}\n${lines.sort().join('\n')}` }];
}
