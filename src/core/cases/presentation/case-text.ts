/**
 * How a case is shown wherever it comes up: the summary line, the history, what comes next (text and
 * buttons), the note card for Magister, a refusal, the catalogue keys. Rules live in the operations;
 * the presentation files only present.
 */
import { type Locale, type MessageKey, type Translate } from '../../i18n/index.js';
import { formatDate } from '../../protocol/answers.js';
import type { OutboundMessage } from '../../turn.js';
import { dayIn } from '../../kernel/time.js';
import { nextStep, type BullyingForm, type BystanderRole, type BullyingCase, type Sanction, type SanctionRung, type StepKind } from '../model.js';
import { rungName } from '../ladder.js';
import type { Refusal } from '../results.js';
import type { CardRenderer } from '../../cards/render.js';
import type { SchoolDirectory } from '../../people/school.js';

/**
 * What presenting a case reads: the directory, the card renderer and the school (context.ts `CaseCore`
 * is one; named here so that presenting does not import the operations' core).
 */
export interface CaseView {
  readonly deps: { readonly directory: SchoolDirectory; readonly cards: CardRenderer };
  readonly school: SchoolDirectory['school'];
}

/** Whose case, where it stands, how many reports, and a proposal that waits for the directie. */
export function summaryLine(x: CaseView, c: BullyingCase, t: Translate, locale: Locale): string {
  const line = t('case.summary', { student: c.studentRef, cls: c.classId, stage: t(stageKey(c.stage)), signals: c.signals.length });
  const waiting = c.sanctions.filter((s) => s.status === 'proposed');
  return waiting.length
    ? `${line} ${waiting.map((s) => t('case.summary.proposal', { rung: rungName(c, s.rung, locale), students: (s.studentRefs ?? []).join(', ') })).join(' ')}`
    : line;
}

/**
 * What the directie reads before deciding on a proposal: who proposed it and why, and what was done in
 * the case before (its protocol steps and earlier measures, in order).
 */
export function proposalReasons(x: CaseView, c: BullyingCase, proposal: Sanction, t: Translate, locale: Locale): string {
  const by = proposal.proposedBy || proposal.decidedBy;
  const who = (by && x.deps.directory.staffById(by)?.name) || '-';
  const done = [...new Set(c.steps.map((s) => t(stepKey(s.kind))))];
  const earlier = c.sanctions.filter((s) => s.id !== proposal.id && s.status !== 'proposed').map((s) => rungName(c, s.rung, locale));
  return [
    t('case.proposal.motivation', { who, motivation: proposal.motivation }),
    done.length || earlier.length ? t('case.proposal.before', { steps: [...done, ...earlier].join(', ') }) : t('case.proposal.nothingBefore'),
  ].join('\n');
}

/** The summary line, then every step, agreement and measure, one a line. */
export function history(x: CaseView, c: BullyingCase, t: Translate, locale: Locale = x.school.locale): string {
  const lines = [summaryLine(x, c, t, locale)];
  for (const step of c.steps) lines.push(`- ${formatDate(dayIn(x.school.timeZone, step.at), locale)}: ${t(stepKey(step.kind))}${step.outcome ? ` — ${step.outcome}` : ''}`);
  for (const a of c.agreements) lines.push(`- ${t('case.agreementLine', { what: a.what, date: formatDate(a.dueDate, locale) })}`);
  for (const s of c.sanctions) {
    const who = s.studentRefs?.length ? ` (${s.studentRefs.join(', ')})` : '';
    const status = s.status && s.status !== 'applied' ? ` [${t(sanctionStatusKey(s.status))}]` : '';
    lines.push(`- ${rungName(c, s.rung, locale)}${who}${status}: ${s.motivation}`);
  }
  return lines.join('\n');
}

/** What the protocol asks next on this case, or that nothing is left. */
export function nextText(x: CaseView, c: BullyingCase, t: Translate): string {
  const next = nextStep(c);
  return next ? t('case.next', { step: t(stepKey(next)) }) : t('case.next.none');
}

/**
 * The protocol's next step, one press away: its text, with a button that opens that step for this
 * case (for the CLZ's talks: apart or together), and one that opens the case.
 */
export function nextMessage(x: CaseView, c: BullyingCase, t: Translate): OutboundMessage {
  const text = nextText(x, c, t);
  const next = nextStep(c);
  const kinds: StepKind[] = next === 'clz-gesprekken' ? ['gesprek-pester', 'gesprek-gepeste', 'gezamenlijk-gesprek'] : next ? [next] : [];
  if (!kinds.length) return { text };
  const actions = kinds.map((kind) => ({ title: t('case.action.nextStep', { step: t(stepKey(kind)) }), flowId: STEP_FLOWS[kind], caseId: c.id, stap: kind }));
  return { text, card: x.deps.cards.render('next-step', { text, actions }) };
}

/** The text for Magister, under its title, alone in its block to copy (cards/copy-text.json). */
export function noteCard(x: CaseView, t: Translate, note: string): OutboundMessage {
  return {
    text: `${t('case.magister.title')}\n${note}`,
    card: x.deps.cards.copyText(t('case.magister.title'), note),
  };
}

/** The dialog that records each protocol step (the short ones share one, told which step it is). */
export const STEP_FLOWS: Record<StepKind, string> = {
  'gesprek-gepeste': 'gesprek-gepeste',
  'gesprek-pester': 'gesprek-pester',
  'gezamenlijk-gesprek': 'afspraken',
  'magister-notitie': 'stap-vastleggen',
  'ouders-geinformeerd': 'ouders',
  'uitleg-vervolg': 'stap-vastleggen',
  klassengesprek: 'stap-vastleggen',
  'clz-gesprek': 'stap-vastleggen',
  'hulp-leerlingbegeleider': 'stap-vastleggen',
  'alle-ouders-geinformeerd': 'alle-ouders',
  'terugkoppeling-mentor': 'stap-vastleggen',
  'controle-afspraak': 'afspraak-controle',
};

// Typed so that a form, step, rung or stage without a catalogue text does not compile.
export const formKey = (form: BullyingForm): MessageKey => `case.form.${form}`;
export const stepKey = (kind: StepKind | 'clz-gesprekken'): MessageKey => `case.step.${kind}`;
export const rungKey = (rung: SanctionRung): MessageKey => `case.rung.${rung}`;
export const bystanderKey = (role: BystanderRole): MessageKey => `case.bystander.${role}`;
export const sanctionStatusKey = (status: 'proposed' | 'decided' | 'declined'): MessageKey => `case.sanction.status.${status}`;
export const stageKey = (stage: BullyingCase['stage']): MessageKey => `case.stage.${stage}`;

/** The words for an operation that did nothing, for a reason that needs no words of its own. */
export function refusalSaid(r: Refusal, t: Translate): OutboundMessage[] {
  return [{ text: t(r.kind === 'denied' ? 'case.denied' : r.kind === 'not-found' ? 'case.notFound' : 'case.invalid') }];
}
