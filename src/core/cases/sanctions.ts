/**
 * Measures for the students who bully: applied by who may, proposed to directie for suspension and
 * expulsion, decided by directie; adding a student who bullies.
 */
import { translator, type Locale } from '../i18n/index.js';
import { type Option } from '../protocol/answers.js';
import type { OutboundMessage } from '../turn.js';
import { recordText } from '../text/record-text.js';
import { can } from '../permissions.js';
import { mayDecideSanction, mayWork, sanctionAuthority, type Actor } from './access.js';
import { bulliesOf, type Sanction, type SanctionDecision } from './model.js';
import { decidedByDirectie, involvesDirectie, ladderOf, reportedToInspectie, rungName, rungOf } from './ladder.js';
import { CaseCore, type CaseResult, type SanctionDecisionInput, type SanctionInput } from './context.js';
import { noteCard, proposalReasons, withBully } from './presentation.js';
import { afterDecision } from './settle.js';

/**
 * A rung of the sanctions ladder for one or more students who bully in this case. Directie applies
 * any rung; the CLZ applies the lower rungs and proposes suspension and expulsion to directie; the
 * case's mentor applies the lower rungs after consulting the CLZ. A refusal repeats the typed
 * motivation and says what to do instead.
 */
export async function recordSanction(x: CaseCore, actor: Actor, caseId: string, input: SanctionInput, channel: string, locale: Locale): Promise<CaseResult> {
  const t = translator(locale);
  const found = await x.cases.get(caseId);
  if (!found) return { ok: false, reason: 'not-found' };
  // A rung of the ladder this case was opened under; a rung of another version is not offered, nor taken.
  if (!rungOf(found, input.rung)) {
    return { ok: false, reason: 'invalid', said: [{ text: t('case.sanction.unknownRung') }, ...(input.motivation ? [{ text: t('case.sanction.keepText', { motivation: input.motivation }) }] : [])] };
  }
  const consulted = input.consultedStaffId
    ? can({ staffId: input.consultedStaffId, roles: await x.deps.roleBook.rolesOf(input.consultedStaffId) }, 'case.consulted')
    : false;
  const authority = sanctionAuthority(actor, found, input.rung, x.deps.directory, consulted);
  const keep = input.motivation ? [{ text: t('case.sanction.keepText', { motivation: input.motivation }) }] : [];
  if (!authority) {
    await x.denied(actor, caseId, channel);
    const instead = mayWork(actor, found, x.deps.directory)
      ? t(!consulted && sanctionAuthority(actor, found, input.rung, x.deps.directory, true) ? 'case.sanction.insteadConsult' : 'case.sanction.insteadClz')
      : t('case.denied');
    return { ok: false, reason: 'denied', said: [{ text: instead }, ...keep] };
  }
  const bullies = bulliesOf(found);
  const students = [...new Set(input.studentRefs)];
  if (students.length === 0 || students.some((ref) => !bullies.includes(ref))) {
    return { ok: false, reason: 'invalid', said: [{ text: t('case.sanction.notABully', { students: bullies.join(', ') || '-' }) }, ...keep] };
  }
  if (input.motivation.trim().length < 10) return { ok: false, reason: 'invalid', said: [{ text: t('case.sanction.motivationShort') }, ...keep] };
  const now = x.deps.clock.now();
  const sanction: Sanction = {
    id: x.deps.newId(),
    at: now,
    rung: input.rung,
    studentRefs: students,
    status: authority === 'apply' ? 'applied' : 'proposed',
    decidedBy: authority === 'apply' ? actor.staffId : '',
    ...(authority === 'propose' ? { proposedBy: actor.staffId } : {}),
    ...(consulted && input.consultedStaffId ? { consultedStaffId: input.consultedStaffId } : {}),
    motivation: input.motivation,
  };
  // Directie applying a measure of its own takes the case; involving the directie (the CLZ's or the
  // mentor's rung) informs it and leaves the case, and its reminders, where it was.
  const raisesToDirectie = authority === 'apply' && decidedByDirectie(input.rung);
  const updated = await x.change(caseId, (c) => ({
    ...c,
    stage: raisesToDirectie ? 'directie' : c.stage,
    sanctions: [...c.sanctions, sanction],
  }));
  if (!updated) return { ok: false, reason: 'not-found' };
  await x.audit(actor, `case.sanction.${authority === 'apply' ? '' : 'propose.'}${input.rung}`, caseId, channel);
  const rung = rungName(updated, input.rung, locale);
  const studentsText = students.join(', ');
  if (authority === 'propose' || involvesDirectie(input.rung)) {
    await x.tellDirectie(actor, updated, sanction, authority === 'propose');
  }
  // The CLZ a mentor named as consulted hears what was recorded in their name.
  if (sanction.consultedStaffId && sanction.consultedStaffId !== actor.staffId) await x.tellConsulted(actor, updated, sanction);
  if (authority === 'propose') {
    return {
      ok: true,
      said: [
        { text: t('case.sanction.proposed', { rung, students: studentsText }) },
        noteCard(x, t, recordText(t, 'case.magister.proposal', { rung, students: studentsText, motivation: input.motivation })),
      ],
    };
  }
  return {
    ok: true,
    said: [
      { text: t('case.sanction.recorded', { rung, students: studentsText }) },
      noteCard(x, t, recordText(t, 'case.magister.sanction', { rung, students: studentsText, motivation: input.motivation })),
    ],
  };
}

/**
 * Directie decides on a proposed suspension or expulsion, after hearing the student and the parents.
 * A decision that must be reported to the Inspectie and was not yet, is recorded with that to do.
 */
export async function decideSanction(x: CaseCore, actor: Actor, caseId: string, input: SanctionDecisionInput, channel: string, locale: Locale): Promise<CaseResult> {
  const t = translator(locale);
  const found = await x.cases.get(caseId);
  if (!found) return { ok: false, reason: 'not-found' };
  if (!mayDecideSanction(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  const proposal = found.sanctions.find((s) => s.id === input.sanctionId && s.status === 'proposed');
  if (!proposal) return { ok: false, reason: 'invalid', said: [{ text: t('case.decision.noProposal') }] };
  if (input.outcome === 'decided' && !input.heard) return { ok: false, reason: 'invalid', said: [{ text: t('case.decision.hearFirst') }] };
  const mustReport = input.outcome === 'decided' && reportedToInspectie(proposal.rung);
  const inspectie: SanctionDecision['inspectie'] = !mustReport ? (input.outcome === 'decided' && input.inspectie === 'gemeld' ? 'gemeld' : 'niet-nodig') : input.inspectie === 'gemeld' ? 'gemeld' : 'nog-melden';
  const now = x.deps.clock.now();
  const decision: SanctionDecision = { at: now, byStaffId: actor.staffId, outcome: input.outcome, motivation: input.motivation, heard: input.heard, inspectie };
  let changed = false;
  const updated = await x.change(caseId, (c) => {
    changed = false;
    const sanctions = c.sanctions.map((s) => {
      if (s.id !== proposal.id || s.status !== 'proposed') return s;
      changed = true;
      return { ...s, status: input.outcome, decidedBy: actor.staffId, decision };
    });
    return changed ? { ...c, sanctions, stage: input.outcome === 'decided' ? 'directie' : c.stage } : c;
  });
  if (!updated) return { ok: false, reason: 'not-found' };
  if (!changed) return { ok: false, reason: 'invalid', said: [{ text: t('case.decision.noProposal') }] };
  await x.audit(actor, `case.sanction.${input.outcome === 'decided' ? 'decide' : 'decline'}.${proposal.rung}`, caseId, channel);
  // The proposal's notice to directie settles: decided, by whom, without its button.
  await afterDecision(x, actor, updated, proposal, input.outcome);
  const rung = rungName(updated, proposal.rung, locale);
  const students = (proposal.studentRefs ?? []).join(', ');
  const proposer = proposal.proposedBy ? x.deps.directory.staffById(proposal.proposedBy) : null;
  if (proposer && proposer.id !== actor.staffId) {
    const pt = translator(x.school.locale);
    await x.deps.outbox.notify(`sanction-decision:${caseId}:${proposal.id}:${proposer.id}`, proposer.id, {
      text: pt(input.outcome === 'decided' ? 'case.notify.decided' : 'case.notify.declined', { rung: rungName(updated, proposal.rung, x.school.locale), students, student: updated.studentRef }),
    });
  }
  const said: OutboundMessage[] = [
    { text: t(input.outcome === 'decided' ? 'case.decision.decided' : 'case.decision.declined', { rung, students }) },
  ];
  if (inspectie === 'nog-melden') said.push({ text: t('case.decision.reportInspectie') });
  said.push(noteCard(x, t, recordText(t, input.outcome === 'decided' ? 'case.magister.decided' : 'case.magister.declined', { rung, students, motivation: input.motivation })));
  return { ok: true, said };
}

/** Adds a student as one who bullies in this case (after a talk or new information), so a measure can name them. */
export async function addBully(x: CaseCore, actor: Actor, caseId: string, studentRef: string, channel: string, locale: Locale): Promise<CaseResult> {
  const t = translator(locale);
  const found = await x.cases.get(caseId);
  if (!found) return { ok: false, reason: 'not-found' };
  if (!mayWork(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  if (!x.deps.directory.findStudent(studentRef)) return { ok: false, reason: 'invalid' };
  if (studentRef === found.studentRef) return { ok: false, reason: 'invalid', said: [{ text: t('case.bully.isVictim', { student: studentRef }) }] };
  if (bulliesOf(found).includes(studentRef)) return { ok: true, said: [{ text: t('case.bully.already', { student: studentRef }) }] };
  const updated = await x.change(caseId, (c) => withBully(c, studentRef));
  if (!updated) return { ok: false, reason: 'not-found' };
  await x.audit(actor, 'case.add-bully', caseId, channel);
  return { ok: true, said: [{ text: t('case.bully.added', { student: studentRef }) }] };
}

/** The students bullying in a case, as options for the measure's "for whom"; none when the person may not work it. */
export async function bullyOptions(x: CaseCore, actor: Actor, caseId: string): Promise<Option[]> {
  const found = await x.cases.get(caseId);
  if (!found || !mayWork(actor, found, x.deps.directory)) return [];
  return bulliesOf(found).map((ref) => {
    const student = x.deps.directory.findStudent(ref);
    return { value: ref, label: student ? `${ref} (${student.class})` : ref };
  });
}

/** A proposal's reasons (the motivation, what was done before), for the directie about to decide on it. */
export async function proposalDetails(x: CaseCore, actor: Actor, caseId: string, proposalId: string, channel: string, locale: Locale): Promise<CaseResult> {
  const found = await x.cases.get(caseId);
  if (!found) return { ok: false, reason: 'not-found' };
  if (!mayDecideSanction(actor, found, x.deps.directory)) return { ok: false, reason: 'denied' };
  const proposal = found.sanctions.find((s) => s.id === proposalId && s.status === 'proposed');
  if (!proposal) return { ok: false, reason: 'not-found' };
  await x.audit(actor, 'case.read-proposal', caseId, channel);
  return { ok: true, said: [{ text: proposalReasons(x, found, proposal, translator(locale), locale) }] };
}

/** Proposals waiting for directie's decision on a case, as options. */
export async function proposalOptions(x: CaseCore, actor: Actor, caseId: string, locale: Locale): Promise<Option[]> {
  const found = await x.cases.get(caseId);
  if (!found || !mayDecideSanction(actor, found, x.deps.directory)) return [];
  const t = translator(locale);
  return found.sanctions
    .filter((s) => s.status === 'proposed' && s.id)
    .map((s) => ({
      value: s.id!,
      label: t('case.proposal.label', {
        rung: rungName(found, s.rung, locale),
        students: (s.studentRefs ?? []).join(', '),
        by: (s.proposedBy && x.deps.directory.staffById(s.proposedBy)?.name) || '-',
      }),
    }));
}

/**
 * The rungs this person can complete on this case, as options for the measure dialog: the ladder of the
 * protocol version the case was opened under, in its order; a rung the directie decides is offered to the
 * CLZ as a proposal. A mentor is offered what they may apply after consulting the CLZ (the dialog asks
 * whom they consulted first; the server checks again).
 */
export async function rungOptions(x: CaseCore, actor: Actor, caseId: string, locale: Locale): Promise<Option[]> {
  const found = await x.cases.get(caseId);
  if (!found || !mayWork(actor, found, x.deps.directory)) return [];
  return ladderOf(found).flatMap((rung) => {
    const authority = sanctionAuthority(actor, found, rung.id, x.deps.directory, true);
    if (!authority) return [];
    const t = translator(locale);
    const label = authority === 'propose' ? (rung.proposal?.[locale] ?? t('case.rung.proposeOption', { option: rung.option[locale] })) : rung.option[locale];
    return [{ value: rung.id, label }];
  });
}
