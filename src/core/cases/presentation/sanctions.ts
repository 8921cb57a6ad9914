/**
 * The words and cards for measures (sanctions.ts): what the person who applied, proposed or decided
 * reads, the measure dialog's pick lists, and the notices to directie, the consulted CLZ and the proposer.
 */
import type { AdaptiveCardJson } from '../../cards/render.js';
import { translator, type Locale, type Translate } from '../../i18n/index.js';
import type { Option } from '../../protocol/answers.js';
import { quoted, recordText } from '../../text/record-text.js';
import type { OutboundMessage } from '../../turn.js';
import { rungName } from '../ladder.js';
import type { BullyingCase, Sanction } from '../model.js';
import type { AddBullyResult, BullyRecord, DecisionResult, ProposalRecord, ProposalResult, RungChoice, SanctionResult } from '../results.js';
import { noteCard, proposalReasons, refusalSaid, type CaseView } from './case-text.js';

/** The typed motivation, repeated so it is not lost when the measure is refused. */
function keep(t: Translate, motivation: string): OutboundMessage[] {
  return motivation ? [{ text: t('case.sanction.keepText', { motivation }) }] : [];
}

/** A measure recorded (applied or proposed, with the text for Magister), or why not and what to do instead. */
export function sanctionSaid(x: CaseView, r: SanctionResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  switch (r.kind) {
    case 'not-found':
      return refusalSaid(r, t);
    case 'unknown-rung':
      return [{ text: t('case.sanction.unknownRung') }, ...keep(t, r.motivation)];
    case 'denied': {
      const instead = r.instead === 'consult' ? t('case.sanction.insteadConsult') : r.instead === 'clz' ? t('case.sanction.insteadClz') : t('case.denied');
      return [{ text: instead }, ...keep(t, r.motivation)];
    }
    case 'not-a-bully':
      return [{ text: t('case.sanction.notABully', { students: r.bullies.join(', ') || '-' }) }, ...keep(t, r.motivation)];
    case 'motivation-short':
      return [{ text: t('case.sanction.motivationShort') }, ...keep(t, r.motivation)];
    case 'recorded': {
      const { case: c, sanction } = r;
      const rung = rungName(c, sanction.rung, locale);
      const students = (sanction.studentRefs ?? []).join(', ');
      const proposed = sanction.status === 'proposed';
      return [
        { text: t(proposed ? 'case.sanction.proposed' : 'case.sanction.recorded', { rung, students }) },
        noteCard(x, t, recordText(t, proposed ? 'case.magister.proposal' : 'case.magister.sanction', { rung, students, motivation: sanction.motivation })),
      ];
    }
  }
}

/** The directie's decision recorded (with the Inspectie still to be told, and the text for Magister), or why not. */
export function decisionSaid(x: CaseView, r: DecisionResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (r.kind === 'no-proposal') return [{ text: t('case.decision.noProposal') }];
  if (r.kind === 'hear-first') return [{ text: t('case.decision.hearFirst') }];
  if (r.kind !== 'recorded') return refusalSaid(r, t);
  const { case: c, proposal, decision } = r;
  const decided = decision.outcome === 'decided';
  const rung = rungName(c, proposal.rung, locale);
  const students = (proposal.studentRefs ?? []).join(', ');
  const said: OutboundMessage[] = [{ text: t(decided ? 'case.decision.decided' : 'case.decision.declined', { rung, students }) }];
  if (decision.inspectie === 'nog-melden') said.push({ text: t('case.decision.reportInspectie') });
  said.push(noteCard(x, t, recordText(t, decided ? 'case.magister.decided' : 'case.magister.declined', { rung, students, motivation: decision.motivation })));
  return said;
}

/** A student added as one who bullies, already one, or the bullied student. */
export function addBullySaid(r: AddBullyResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (r.kind === 'bully-is-victim') return [{ text: t('case.bully.isVictim', { student: r.student }) }];
  if (r.kind === 'already') return [{ text: t('case.bully.already', { student: r.student }) }];
  if (r.kind === 'added') return [{ text: t('case.bully.added', { student: r.student }) }];
  return refusalSaid(r, t);
}

/** A proposal's reasons (the motivation, what was done before), for the directie about to decide on it. */
export function proposalSaid(x: CaseView, r: ProposalResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (r.kind !== 'found') return refusalSaid(r, t);
  return [{ text: proposalReasons(x, r.case, r.proposal, t, locale) }];
}

/** The students bullying in a case, as options for the measure's "for whom": number (class). */
export function bullyOptions(bullies: readonly BullyRecord[]): Option[] {
  return bullies.map(({ ref, student }) => ({ value: ref, label: student ? `${ref} (${student.class})` : ref }));
}

/** Proposals waiting for the directie's decision on a case, as options: rung, students, proposer. */
export function proposalOptions(x: CaseView, proposals: readonly ProposalRecord[], locale: Locale): Option[] {
  const t = translator(locale);
  return proposals.map(({ case: c, proposal: s }) => ({
    value: s.id ?? '',
    label: t('case.proposal.label', {
      rung: rungName(c, s.rung, locale),
      students: (s.studentRefs ?? []).join(', '),
      by: (s.proposedBy && x.deps.directory.staffById(s.proposedBy)?.name) || '-',
    }),
  }));
}

/** The rungs this person can complete, as options for the measure dialog; a rung for directie as a proposal. */
export function rungOptions(choices: readonly RungChoice[], locale: Locale): Option[] {
  const t = translator(locale);
  return choices.map(({ rung, authority }) => ({
    value: rung.id,
    label: authority === 'propose' ? (rung.proposal?.[locale] ?? t('case.rung.proposeOption', { option: rung.option[locale] })) : rung.option[locale],
  }));
}

/** What a notice to the directie is about: a proposal to decide on, or a measure that involves them. */
export interface DirectieNoticeInput {
  case: BullyingCase;
  sanction: Sanction;
  /** Who applied or proposed the measure. */
  byStaffId: string;
  proposal: boolean;
}

/**
 * The notice to a directie member, in the school's language: who, which rung for whom, the case, and the
 * reasons (the directie decides, or steps in, with them in front of it); a button to decide or to open it.
 */
export function directieNotice(x: CaseView, input: DirectieNoticeInput): { text: string; card: AdaptiveCardJson } {
  const { case: c, sanction, proposal } = input;
  const pt = translator(x.school.locale);
  const proposer = x.deps.directory.staffById(input.byStaffId);
  const owner = x.deps.directory.staffById(c.ownerStaffId);
  const notice = pt(proposal ? 'case.notify.proposal' : 'case.notify.mtInvolved', {
    who: proposer?.name ?? '',
    rung: rungName(c, sanction.rung, x.school.locale),
    students: (sanction.studentRefs ?? []).join(', '),
    student: c.studentRef,
    cls: c.classId,
    owner: owner?.name ?? '-',
  });
  const text = `${notice}\n\n${proposalReasons(x, c, sanction, pt, x.school.locale)}`;
  const card = x.deps.cards.render('notice', {
    title: pt(proposal ? 'case.notify.proposalTitle' : 'case.notify.mtTitle'),
    text,
    actions: [
      proposal
        ? { title: pt('case.action.decide'), flowId: 'sanctie-besluit', caseId: c.id }
        : { title: pt('case.action.open'), flowId: 'zaak', caseId: c.id },
    ],
  });
  return { text, card };
}

/** The notice to the CLZ a mentor consulted: a measure was recorded after consulting them, with its motivation. */
export function consultedNotice(x: CaseView, c: BullyingCase, sanction: Sanction, byStaffId: string): { text: string; card: AdaptiveCardJson } {
  const pt = translator(x.school.locale);
  const text = pt('case.notify.consulted', {
    who: x.deps.directory.staffById(byStaffId)?.name ?? '',
    rung: rungName(c, sanction.rung, x.school.locale),
    students: (sanction.studentRefs ?? []).join(', '),
    student: c.studentRef,
    cls: c.classId,
    motivation: quoted(sanction.motivation),
  });
  const card = x.deps.cards.render('notice', {
    title: pt('case.notify.consultedTitle'),
    text,
    actions: [{ title: pt('case.action.open'), flowId: 'zaak', caseId: c.id }],
  });
  return { text, card };
}

/** The directie's decision, told to the one who proposed the measure, in the school's language. */
export function decisionNotice(x: CaseView, c: BullyingCase, proposal: Sanction, outcome: 'decided' | 'declined'): { text: string } {
  const pt = translator(x.school.locale);
  return {
    text: pt(outcome === 'decided' ? 'case.notify.decided' : 'case.notify.declined', {
      rung: rungName(c, proposal.rung, x.school.locale),
      students: (proposal.studentRefs ?? []).join(', '),
      student: c.studentRef,
    }),
  };
}
