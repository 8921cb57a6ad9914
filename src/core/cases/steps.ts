/**
 * The protocol's steps on a case: conversations and other steps, agreements with their follow-up,
 * escalation to the CLZ, asking the CLZ's advice, closing.
 */
import { planJob } from '../reminders/jobs.js';
import { zonedTime } from '../kernel/time.js';
import { mayWork, type Actor } from './access.js';
import { withBully, type Agreement, type BullyingCase, type CaseStep, type StepKind } from './model.js';
import type { CaseCore } from './context.js';
import type { AgreementResult, CloseResult, CoordinatorResult, EscalationResult, LaterResult, StepResult } from './results.js';
import { coordinatorNotice, escalationNotice, feedbackNotice } from './presentation/steps.js';
import { afterClose, afterEscalation, afterStep } from './settle.js';

/** A protocol step as its dialog collected it. */
export interface NewStep {
  caseId: string;
  kind: StepKind;
  /** The short outcome, as entered. */
  outcome: string;
  /** Answers to the conversation guide, by question key. */
  notes: Record<string, string>;
  /** Where it was recorded (for the audit trail). */
  channel: string;
  /** The student a talk was with (the one who bullies, for that talk); the bullied student otherwise. */
  withStudent?: string;
}

/** Records one protocol step on a case. */
export async function recordStep(x: CaseCore, actor: Actor, input: NewStep): Promise<StepResult> {
  const { caseId, kind, outcome, notes, channel, withStudent } = input;
  const found = await x.cases.get(caseId);
  if (!found) return { kind: 'not-found' };
  if (!mayWork(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  if (kind === 'gesprek-pester' && withStudent === found.studentRef) return { kind: 'bully-is-victim', student: withStudent };
  const step: CaseStep = {
    at: x.deps.clock.now(),
    byStaffId: actor.staffId,
    kind,
    ...(withStudent ? { studentRef: withStudent } : {}),
    outcome,
    notes,
  };
  // A talk with a student the case does not yet name as bullying adds them.
  const updated = await x.change(caseId, (c) => {
    const withStep = { ...c, steps: [...c.steps, step] };
    return kind === 'gesprek-pester' && withStudent ? withBully(withStep, withStudent) : withStep;
  });
  if (!updated) return { kind: 'not-found' };
  await x.audit(actor, `case.step.${kind}`, caseId, channel);
  await x.planNudge(updated);
  // Notices whose buttons asked for this step settle, whoever recorded it.
  await afterStep(x, actor, updated, kind);
  if (kind === 'terugkoppeling-mentor') {
    const mentor = x.deps.directory.school.classes.find((k) => k.id === updated.classId)?.mentor;
    const person = mentor ? x.deps.directory.staffById(mentor) : null;
    if (person && person.id !== actor.staffId) {
      await x.deps.outbox.notify(`feedback:${caseId}:${updated.steps.length}:${person.id}`, person.id, feedbackNotice(x, updated, outcome));
    }
  }
  return { kind: 'recorded', case: updated, step };
}

/** A SMART agreement as its dialog collected it. */
export interface NewAgreement {
  caseId: string;
  what: string;
  /** When to check whether the bullying stopped, YYYY-MM-DD. */
  dueDate: string;
  channel: string;
  /** Agreed in the joint conversation, which is recorded with it (default); not for "agreements with a date". */
  jointTalk?: boolean;
}

/** A SMART agreement from the joint conversation, with the date to check whether bullying stopped. */
export async function addAgreement(x: CaseCore, actor: Actor, input: NewAgreement): Promise<AgreementResult> {
  const { caseId, what, dueDate, channel } = input;
  const jointTalk = input.jointTalk ?? true;
  const found = await x.cases.get(caseId);
  if (!found) return { kind: 'not-found' };
  if (!mayWork(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  const now = x.deps.clock.now();
  const agreement: Agreement = { id: x.deps.newId(), what, dueDate, ownerStaffId: found.ownerStaffId || actor.staffId, createdAt: now };
  const step: CaseStep = { at: now, byStaffId: actor.staffId, kind: 'gezamenlijk-gesprek', outcome: what, notes: { afspraak: what, datum: dueDate } };
  // A second agreement from the same joint conversation does not record the conversation again.
  const talkRecorded = (c: BullyingCase) =>
    c.steps.some((s) => s.kind === 'gezamenlijk-gesprek' && s.byStaffId === actor.staffId && now - s.at < 3 * 3_600_000);
  const updated = await x.change(caseId, (c) => ({
    ...c,
    agreements: [...c.agreements, agreement],
    steps: jointTalk && !talkRecorded(c) ? [...c.steps, step] : c.steps,
  }));
  if (!updated) return { kind: 'not-found' };
  // The reminders issue delivers this; the job is stored now so no agreement is forgotten.
  await planJob(x.deps.store.jobs, 'agreement-followup', {
    id: `agreement:${caseId}:${agreement.id}`,
    payload: { caseId, agreementId: agreement.id, staffId: agreement.ownerStaffId },
    dueAt: zonedTime(dueDate, x.school.protocol.reminderTime, x.school.timeZone),
  });
  await x.audit(actor, 'case.agreement', caseId, channel);
  if (jointTalk) await afterStep(x, actor, updated, 'gezamenlijk-gesprek');
  return { kind: 'recorded', case: updated, agreement };
}

/** "Check again later": the latest agreement's follow-up comes back in a week. */
export async function checkAgainLater(x: CaseCore, actor: Actor, caseId: string): Promise<LaterResult> {
  const found = await x.cases.get(caseId);
  if (!found || !mayWork(actor, found, x.deps.directory)) return { kind: 'not-planned' };
  const agreement = found.agreements.at(-1);
  if (!agreement) return { kind: 'not-planned' };
  const now = x.deps.clock.now();
  await planJob(x.deps.store.jobs, 'agreement-followup', {
    // Keyed by the action (an id of this turn's operation), not the clock: a retried click plans it once.
    id: `agreement:${caseId}:${agreement.id}:later-${x.deps.newId()}`,
    payload: { caseId, agreementId: agreement.id, staffId: found.ownerStaffId || actor.staffId },
    dueAt: now + 7 * 86_400_000,
  });
  return { kind: 'planned', agreement };
}

/** The mentor hands the case to the CLZ, who gets its history. */
export async function escalate(x: CaseCore, actor: Actor, caseId: string, channel: string): Promise<EscalationResult> {
  const found = await x.cases.get(caseId);
  if (!found) return { kind: 'not-found' };
  if (!mayWork(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  if (found.stage !== 'mentor') return { kind: 'already' };
  const clz = await x.firstWithRole('clz');
  if (!clz) return { kind: 'no-clz' };
  const now = x.deps.clock.now();
  const updated = await x.change(caseId, (c) =>
    c.stage === 'mentor'
      ? { ...c, stage: 'clz', ownerStaffId: clz.id, escalations: [...c.escalations, { at: now, byStaffId: actor.staffId, to: 'clz', reason: 'herhaling' }] }
      : c,
  );
  if (!updated) return { kind: 'not-found' };
  await x.audit(actor, 'case.escalate', caseId, channel);
  await afterEscalation(x, actor, updated);
  await x.deps.outbox.notify(`escalate:${caseId}:${updated.escalations.length}:${clz.id}`, clz.id, escalationNotice(x, updated));
  return { kind: 'escalated', case: updated, clz };
}

/**
 * Mentor or CLZ ask the anti-pestcoördinator to think along. The coordinator is told who asks and
 * about which case, not the notes: the case stays with its owner.
 */
export async function askCoordinator(x: CaseCore, actor: Actor, caseId: string, channel: string): Promise<CoordinatorResult> {
  const found = await x.cases.get(caseId);
  if (!found) return { kind: 'not-found' };
  if (!mayWork(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  const coordinators = await x.deps.roleBook.staffWithRole('anti-pestcoordinator');
  if (coordinators.length === 0) return { kind: 'no-coordinator' };
  const notice = coordinatorNotice(x, x.deps.directory.staffById(actor.staffId), found);
  const request = x.deps.newId(); // of this turn's operation: a retried turn asks once
  for (const person of coordinators) {
    await x.deps.outbox.notify(`coordinator:${caseId}:${request}:${person.id}`, person.id, { ...notice });
  }
  await x.audit(actor, 'case.ask-coordinator', caseId, channel);
  return { kind: 'asked', coordinators };
}

/** Closing a case, as its dialog collected it. */
export interface Closing {
  caseId: string;
  /** Why it is closed, kept as the closing note. */
  reason: string;
  channel: string;
}

/** Closes a case, with why; a new signal within the repetition window counts as a repetition. */
export async function close(x: CaseCore, actor: Actor, input: Closing): Promise<CloseResult> {
  const { caseId, reason, channel } = input;
  const found = await x.cases.get(caseId);
  if (!found) return { kind: 'not-found' };
  if (!mayWork(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  const now = x.deps.clock.now();
  const step: CaseStep = { at: now, byStaffId: actor.staffId, kind: 'magister-notitie', outcome: reason, notes: { afsluiting: reason } };
  const updated = await x.change(caseId, (c) => ({ ...c, status: 'closed', closedAt: now, steps: [...c.steps, step] }));
  if (!updated) return { kind: 'not-found' };
  await x.audit(actor, 'case.close', caseId, channel);
  await afterClose(x, actor, updated);
  return { kind: 'closed', case: updated };
}

/** The stage a case is in, or null when it does not exist. */
export async function stageOf(x: CaseCore, caseId: string): Promise<BullyingCase['stage'] | null> {
  return (await x.cases.get(caseId))?.stage ?? null;
}
