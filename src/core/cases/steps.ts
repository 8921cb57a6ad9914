/**
 * The protocol's steps on a case: conversations and other steps, agreements with their follow-up,
 * escalation to the CLZ, asking the CLZ's advice, closing.
 */
import { translator, type Locale } from '../i18n/index.js';
import { formatDate } from '../protocol/answers.js';
import type { OutboundMessage } from '../turn.js';
import { planJob } from '../reminders/jobs.js';
import { zonedTime } from '../kernel/time.js';
import { recordText } from '../text/record-text.js';
import { mayWork, type Actor } from './access.js';
import { type Agreement, type BullyingCase, type CaseStep, type StepKind } from './model.js';
import { CaseCore, type CaseResult } from './context.js';
import { nextMessage, noteCard, stageKey, stepKey, summaryLine, withBully } from './presentation.js';
import { afterClose, afterEscalation, afterStep } from './settle.js';

/** Records one protocol step on a case. */
export async function recordStep(
  x: CaseCore,
  actor: Actor,
  caseId: string,
  kind: StepKind,
  outcome: string,
  notes: Record<string, string>,
  channel: string,
  locale: Locale,
  /** The student a talk was with (the one who bullies, for that talk); the bullied student otherwise. */
  withStudent?: string,
): Promise<CaseResult> {
  const found = await x.cases.get(caseId);
  if (!found) return { ok: false, reason: 'not-found' };
  if (!mayWork(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  if (kind === 'gesprek-pester' && withStudent === found.studentRef) {
    return { ok: false, reason: 'invalid', said: [{ text: translator(locale)('case.bully.isVictim', { student: withStudent }) }] };
  }
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
  if (!updated) return { ok: false, reason: 'not-found' };
  await x.audit(actor, `case.step.${kind}`, caseId, channel);
  await x.planNudge(updated);
  // Notices whose buttons asked for this step settle, whoever recorded it.
  await afterStep(x, actor, updated, kind);
  const t = translator(locale);
  const said: OutboundMessage[] = [{ text: t('case.step.recorded', { step: t(stepKey(kind)) }) }];
  if (kind === 'terugkoppeling-mentor') {
    const mentor = x.deps.directory.school.classes.find((k) => k.id === updated.classId)?.mentor;
    const person = mentor ? x.deps.directory.staffById(mentor) : null;
    if (person && person.id !== actor.staffId) {
      const pt = translator(x.school.locale);
      await x.deps.outbox.notify(`feedback:${caseId}:${updated.steps.length}:${person.id}`, person.id, {
        text: pt('case.notify.feedback', { student: updated.studentRef, outcome }),
      });
    }
  }
  const about = withStudent ?? updated.studentRef;
  const subject = withStudent ? t('case.magister.student', { student: about }) : t('case.magister.caseOf', { student: about });
  const note = recordText(t, outcome ? 'case.magister.step' : 'case.magister.stepOnly', { step: t(stepKey(kind)), subject, outcome });
  said.push(noteCard(x, t, note));
  said.push(nextMessage(x, updated, t));
  return { ok: true, said };
}

/** A SMART agreement from the joint conversation, with the date to check whether bullying stopped. */
export async function addAgreement(
  x: CaseCore,
  actor: Actor,
  caseId: string,
  what: string,
  dueDate: string,
  channel: string,
  locale: Locale,
  opts: { jointTalk: boolean } = { jointTalk: true },
): Promise<CaseResult> {
  const found = await x.cases.get(caseId);
  if (!found) return { ok: false, reason: 'not-found' };
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
    steps: opts.jointTalk && !talkRecorded(c) ? [...c.steps, step] : c.steps,
  }));
  if (!updated) return { ok: false, reason: 'not-found' };
  // The reminders issue delivers this; the job is stored now so no agreement is forgotten.
  await planJob(x.deps.store.jobs, 'agreement-followup', {
    id: `agreement:${caseId}:${agreement.id}`,
    payload: { caseId, agreementId: agreement.id, staffId: agreement.ownerStaffId },
    dueAt: zonedTime(dueDate, x.school.protocol.reminderTime, x.school.timeZone),
  });
  await x.audit(actor, 'case.agreement', caseId, channel);
  if (opts.jointTalk) await afterStep(x, actor, updated, 'gezamenlijk-gesprek');
  const t = translator(locale);
  return {
    ok: true,
    said: [
      { text: t('case.agreement.recorded', { date: formatDate(dueDate, locale) }) },
      noteCard(x, t, recordText(t, 'case.magister.agreement', { student: updated.studentRef, what, date: formatDate(dueDate, locale) })),
      nextMessage(x, updated, t),
    ],
  };
}

/** "Check again later": the latest agreement's follow-up comes back in a week. */
export async function checkAgainLater(x: CaseCore, actor: Actor, caseId: string): Promise<boolean> {
  const found = await x.cases.get(caseId);
  if (!found || !mayWork(actor, found, x.deps.directory)) return false;
  const agreement = found.agreements.at(-1);
  if (!agreement) return false;
  const now = x.deps.clock.now();
  await planJob(x.deps.store.jobs, 'agreement-followup', {
    // Keyed by the action (an id of this turn's operation), not the clock: a retried click plans it once.
    id: `agreement:${caseId}:${agreement.id}:later-${x.deps.newId()}`,
    payload: { caseId, agreementId: agreement.id, staffId: found.ownerStaffId || actor.staffId },
    dueAt: now + 7 * 86_400_000,
  });
  return true;
}

/** The mentor hands the case to the CLZ, who gets its history. */
export async function escalate(x: CaseCore, actor: Actor, caseId: string, channel: string, locale: Locale): Promise<CaseResult> {
  const found = await x.cases.get(caseId);
  if (!found) return { ok: false, reason: 'not-found' };
  if (!mayWork(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  const t = translator(locale);
  if (found.stage !== 'mentor') return { ok: true, said: [{ text: t('case.escalate.already') }] };
  const clz = await x.firstWithRole('clz');
  if (!clz) return { ok: true, said: [{ text: t('case.escalate.noClz') }] };
  const now = x.deps.clock.now();
  const updated = await x.change(caseId, (c) =>
    c.stage === 'mentor'
      ? { ...c, stage: 'clz', ownerStaffId: clz.id, escalations: [...c.escalations, { at: now, byStaffId: actor.staffId, to: 'clz', reason: 'herhaling' }] }
      : c,
  );
  if (!updated) return { ok: false, reason: 'not-found' };
  await x.audit(actor, 'case.escalate', caseId, channel);
  await afterEscalation(x, actor, updated);
  const ct = translator(x.school.locale);
  const handedOver = ct('case.notify.escalated', { student: updated.studentRef, cls: updated.classId });
  await x.deps.outbox.notify(`escalate:${caseId}:${updated.escalations.length}:${clz.id}`, clz.id, {
    text: `${handedOver}\n${summaryLine(x, updated, ct, x.school.locale)}`,
    card: x.deps.cards.render('notice', {
      title: ct('case.notify.escalatedTitle'),
      text: handedOver,
      actions: [{ title: ct('case.action.open'), flowId: 'zaak', caseId }],
    }),
  });
  return {
    ok: true,
    said: [
      { text: t('case.escalate.done', { clz: clz.name }) },
      noteCard(x, t, recordText(t, 'case.magister.escalated', { student: updated.studentRef })),
    ],
  };
}

/**
 * Mentor or CLZ ask the anti-pestcoördinator to think along. The coordinator is told who asks and
 * about which case, not the notes: the case stays with its owner.
 */
export async function askCoordinator(x: CaseCore, actor: Actor, caseId: string, channel: string, locale: Locale): Promise<CaseResult> {
  const found = await x.cases.get(caseId);
  if (!found) return { ok: false, reason: 'not-found' };
  if (!mayWork(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  const t = translator(locale);
  const coordinators = await x.deps.roleBook.staffWithRole('anti-pestcoordinator');
  if (coordinators.length === 0) return { ok: true, said: [{ text: t('case.coordinator.none') }] };
  const asker = x.deps.directory.staffById(actor.staffId);
  const ct = translator(x.school.locale);
  const request = x.deps.newId(); // of this turn's operation: a retried turn asks once
  for (const person of coordinators) {
    await x.deps.outbox.notify(`coordinator:${caseId}:${request}:${person.id}`, person.id, {
      text: ct('case.notify.coordinator', { asker: asker?.name ?? '', student: found.studentRef, cls: found.classId, stage: ct(stageKey(found.stage)) }),
    });
  }
  await x.audit(actor, 'case.ask-coordinator', caseId, channel);
  return { ok: true, said: [{ text: t('case.coordinator.asked', { names: coordinators.map((c) => c.name).join(', ') }) }] };
}

export async function close(x: CaseCore, actor: Actor, caseId: string, reason: string, channel: string, locale: Locale): Promise<CaseResult> {
  const found = await x.cases.get(caseId);
  if (!found) return { ok: false, reason: 'not-found' };
  if (!mayWork(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  const now = x.deps.clock.now();
  const step: CaseStep = { at: now, byStaffId: actor.staffId, kind: 'magister-notitie', outcome: reason, notes: { afsluiting: reason } };
  const updated = await x.change(caseId, (c) => ({ ...c, status: 'closed', closedAt: now, steps: [...c.steps, step] }));
  if (!updated) return { ok: false, reason: 'not-found' };
  await x.audit(actor, 'case.close', caseId, channel);
  await afterClose(x, actor, updated);
  const t = translator(locale);
  return { ok: true, said: [{ text: t('case.closed', { days: x.school.protocol.repetitionWindowDays }) }] };
}

/** The stage a case is in, or null when it does not exist. */
export async function stageOf(x: CaseCore, caseId: string): Promise<BullyingCase['stage'] | null> {
  return (await x.cases.get(caseId))?.stage ?? null;
}
