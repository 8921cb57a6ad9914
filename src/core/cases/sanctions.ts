/**
 * Measures for the students who bully: applied by who may, proposed to directie for suspension and
 * expulsion, decided by directie; adding a student who bullies.
 */
import { can } from '../permissions.js';
import { mayDecideSanction, mayWork, sanctionAuthority, type Actor } from './access.js';
import { bulliesOf, withBully, type BullyingCase, type Sanction, type SanctionDecision } from './model.js';
import { decidedByDirectie, involvesDirectie, ladderOf, reportedToInspectie, rungOf } from './ladder.js';
import type { CaseCore, SanctionDecisionInput, SanctionInput } from './context.js';
import type { AddBullyResult, BullyRecord, DecisionResult, ProposalRecord, ProposalResult, RungChoice, SanctionResult } from './results.js';
import { consultedNotice, decisionNotice, directieNotice } from './presentation/sanctions.js';
import { afterDecision } from './settle.js';

/**
 * A rung of the sanctions ladder for one or more students who bully in this case. Directie applies
 * any rung; the CLZ applies the lower rungs and proposes suspension and expulsion to directie; the
 * case's mentor applies the lower rungs after consulting the CLZ. A refusal repeats the typed
 * motivation and says what to do instead.
 */
export async function recordSanction(x: CaseCore, actor: Actor, input: SanctionInput & { caseId: string; channel: string }): Promise<SanctionResult> {
  const { caseId, channel, motivation } = input;
  const found = await x.cases.get(caseId);
  if (!found) return { kind: 'not-found' };
  // A rung of the ladder this case was opened under; a rung of another version is not offered, nor taken.
  if (!rungOf(found, input.rung)) return { kind: 'unknown-rung', motivation };
  const consulted = input.consultedStaffId
    ? can({ staffId: input.consultedStaffId, roles: await x.deps.roleBook.rolesOf(input.consultedStaffId) }, 'case.consulted')
    : false;
  const authority = sanctionAuthority(actor, found, input.rung, x.deps.directory, consulted);
  if (!authority) {
    await x.denied(actor, caseId, channel);
    // What to do instead: consult the CLZ first, or leave the rung to the CLZ; nothing when it is not their case.
    const instead = mayWork(actor, found, x.deps.directory)
      ? !consulted && sanctionAuthority(actor, found, input.rung, x.deps.directory, true)
        ? 'consult'
        : 'clz'
      : null;
    return { kind: 'denied', instead, motivation };
  }
  const bullies = bulliesOf(found);
  const students = [...new Set(input.studentRefs)];
  if (students.length === 0 || students.some((ref) => !bullies.includes(ref))) return { kind: 'not-a-bully', bullies, motivation };
  if (input.motivation.trim().length < 10) return { kind: 'motivation-short', motivation };
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
  if (!updated) return { kind: 'not-found' };
  await x.audit(actor, `case.sanction.${authority === 'apply' ? '' : 'propose.'}${input.rung}`, caseId, channel);
  if (authority === 'propose' || involvesDirectie(input.rung)) {
    await tellDirectie(x, actor, updated, sanction, authority === 'propose');
  }
  // The CLZ a mentor named as consulted hears what was recorded in their name.
  if (sanction.consultedStaffId && sanction.consultedStaffId !== actor.staffId) await tellConsulted(x, actor, updated, sanction);
  return { kind: 'recorded', case: updated, sanction };
}

/** Tells every directie member but the actor of a proposal to decide on, or of a measure that involves them. */
async function tellDirectie(x: CaseCore, actor: Actor, c: BullyingCase, sanction: Sanction, proposal: boolean): Promise<void> {
  for (const person of await x.withRole('directie')) {
    if (person.id === actor.staffId) continue;
    const notice = directieNotice(x, { case: c, sanction, byStaffId: actor.staffId, proposal });
    await x.deps.outbox.notify(`sanction:${c.id}:${sanction.id}:${person.id}`, person.id, notice);
  }
}

/** Tells the CLZ a mentor consulted that a measure was recorded after consulting them, with its motivation. */
async function tellConsulted(x: CaseCore, actor: Actor, c: BullyingCase, sanction: Sanction): Promise<void> {
  const clz = sanction.consultedStaffId ? x.deps.directory.staffById(sanction.consultedStaffId) : null;
  if (!clz) return;
  await x.deps.outbox.notify(`consulted:${c.id}:${sanction.id}:${clz.id}`, clz.id, consultedNotice(x, c, sanction, actor.staffId));
}

/**
 * Directie decides on a proposed suspension or expulsion, after hearing the student and the parents.
 * A decision that must be reported to the Inspectie and was not yet, is recorded with that to do.
 */
export async function decideSanction(x: CaseCore, actor: Actor, input: SanctionDecisionInput & { caseId: string; channel: string }): Promise<DecisionResult> {
  const { caseId, channel } = input;
  const found = await x.cases.get(caseId);
  if (!found) return { kind: 'not-found' };
  if (!mayDecideSanction(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  const proposal = found.sanctions.find((s) => s.id === input.sanctionId && s.status === 'proposed');
  if (!proposal) return { kind: 'no-proposal' };
  if (input.outcome === 'decided' && !input.heard) return { kind: 'hear-first' };
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
  if (!updated) return { kind: 'not-found' };
  if (!changed) return { kind: 'no-proposal' };
  await x.audit(actor, `case.sanction.${input.outcome === 'decided' ? 'decide' : 'decline'}.${proposal.rung}`, caseId, channel);
  // The proposal's notice to directie settles: decided, by whom, without its button.
  await afterDecision(x, actor, updated, proposal, input.outcome);
  const proposer = proposal.proposedBy ? x.deps.directory.staffById(proposal.proposedBy) : null;
  if (proposer && proposer.id !== actor.staffId) {
    await x.deps.outbox.notify(`sanction-decision:${caseId}:${proposal.id}:${proposer.id}`, proposer.id, decisionNotice(x, updated, proposal, input.outcome));
  }
  return { kind: 'recorded', case: updated, proposal, decision };
}

/** Adds a student as one who bullies in this case (after a talk or new information), so a measure can name them. */
export async function addBully(x: CaseCore, actor: Actor, input: { caseId: string; studentRef: string; channel: string }): Promise<AddBullyResult> {
  const { caseId, studentRef, channel } = input;
  const found = await x.cases.get(caseId);
  if (!found) return { kind: 'not-found' };
  if (!mayWork(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  if (!x.deps.directory.findStudent(studentRef)) return { kind: 'invalid' };
  if (studentRef === found.studentRef) return { kind: 'bully-is-victim', student: studentRef };
  if (bulliesOf(found).includes(studentRef)) return { kind: 'already', student: studentRef };
  const updated = await x.change(caseId, (c) => withBully(c, studentRef));
  if (!updated) return { kind: 'not-found' };
  await x.audit(actor, 'case.add-bully', caseId, channel);
  return { kind: 'added', case: updated, student: studentRef };
}

/** The students bullying in a case, for the measure's "for whom"; none when the person may not work it. */
export async function caseBullies(x: CaseCore, actor: Actor, caseId: string): Promise<BullyRecord[]> {
  const found = await x.cases.get(caseId);
  if (!found || !mayWork(actor, found, x.deps.directory)) return [];
  return bulliesOf(found).map((ref) => ({ ref, student: x.deps.directory.findStudent(ref) }));
}

/** A proposal, for the directie about to decide on it (its reasons are read; audited as a read). */
export async function proposalDetails(x: CaseCore, actor: Actor, input: { caseId: string; proposalId: string; channel: string }): Promise<ProposalResult> {
  const { caseId, proposalId, channel } = input;
  const found = await x.cases.get(caseId);
  if (!found) return { kind: 'not-found' };
  if (!mayDecideSanction(actor, found, x.deps.directory)) return { kind: 'denied' };
  const proposal = found.sanctions.find((s) => s.id === proposalId && s.status === 'proposed');
  if (!proposal) return { kind: 'not-found' };
  await x.audit(actor, 'case.read-proposal', caseId, channel);
  return { kind: 'found', case: found, proposal };
}

/** Proposals waiting for directie's decision on a case; none when the person may not decide them. */
export async function openProposals(x: CaseCore, actor: Actor, caseId: string): Promise<ProposalRecord[]> {
  const found = await x.cases.get(caseId);
  if (!found || !mayDecideSanction(actor, found, x.deps.directory)) return [];
  return found.sanctions.filter((s) => s.status === 'proposed' && s.id).map((proposal) => ({ case: found, proposal }));
}

/**
 * The rungs this person can complete on this case, for the measure dialog: the ladder of the protocol
 * version the case was opened under, in its order; a rung the directie decides is offered to the CLZ as a
 * proposal. A mentor is offered what they may apply after consulting the CLZ (the dialog asks whom they
 * consulted first; the server checks again).
 */
export async function rungChoices(x: CaseCore, actor: Actor, caseId: string): Promise<RungChoice[]> {
  const found = await x.cases.get(caseId);
  if (!found || !mayWork(actor, found, x.deps.directory)) return [];
  return ladderOf(found).flatMap((rung) => {
    const authority = sanctionAuthority(actor, found, rung.id, x.deps.directory, true);
    return authority ? [{ rung, authority }] : [];
  });
}
