/**
 * A teacher's signal: a new case, or a new signal on the bullied student's open case (a repetition),
 * told to the mentor; and the signals a person made.
 */
import type { StaffMember } from '../people/school.js';
import { studentPseudonym } from '../privacy/collections.js';
import { createOrExisting } from '../kernel/records.js';
import { type Actor } from './access.js';
import { bulliesOf, type BullyingCase, type Signal } from './model.js';
import type { CaseCore, NewSignal } from './context.js';
import type { OwnSignal, SignalResult } from './results.js';
import { signalNotice, type SignalNoticeInput } from './presentation/signals.js';

/** A teacher's signal: a new case, or a new signal on the bullied student's open case. */
export async function recordSignal(x: CaseCore, actor: Actor, input: NewSignal, channel: string): Promise<SignalResult> {
  const { directory, clock } = x.deps;
  const student = directory.findStudent(input.studentRef);
  if (!student) return { kind: 'invalid' };
  const now = clock.now();
  // The signal's id comes first, so that the same report run again (after a failure later in the
  // turn) finds itself: it is neither added twice nor taken for a repetition of itself.
  const signalId = x.deps.newId();
  const signal: Signal = { id: signalId, at: now, byStaffId: actor.staffId, ...input };
  const involved = [input.studentRef, ...input.bullies];
  const isThis = (c: BullyingCase) => c.signals.some((s) => s.id === signalId);

  const all = await x.cases.findBy('schoolId', x.school.id);
  const windowStart = now - x.school.protocol.repetitionWindowDays * 86_400_000;
  const earlier = all.filter(
    (c) =>
      !(isThis(c) && c.signals.length === 1) &&
      c.studentsInvolved.some((s) => involved.includes(s)) &&
      (c.status === 'open' || (c.closedAt !== null && c.closedAt >= windowStart)),
  );
  const repetition = earlier.length > 0;
  // The student now bullied was reported as bullying before, or the other way round.
  const reversed = earlier.some((c) => bulliesOf(c).includes(input.studentRef) || input.bullies.includes(c.studentRef));

  const addTo = (c: BullyingCase): BullyingCase =>
    isThis(c) ? c : { ...c, signals: [...c.signals, signal], studentsInvolved: [...new Set([...c.studentsInvolved, ...input.bullies])] };
  let stored = all.find((c) => c.status === 'open' && c.studentRef === input.studentRef) ?? null;
  if (stored) {
    stored = await x.change(stored.id, addTo);
    if (!stored) return { kind: 'not-found' };
  } else {
    const mentor = directory.mentorOf(student);
    const toClz = !mentor || input.scope === 'buiten-klas' || input.severe;
    const owner = toClz ? await x.firstWithRole('clz') : mentor;
    // One open case per student: its id follows from the student (a pseudonym, never the number) and
    // how many cases they had, so two reports at the same moment meet at one id; the one that finds
    // the case already made adds its signal to it.
    const earlierCases = all.filter((c) => c.studentRef === student.ref).length;
    let created: BullyingCase | null = null;
    // An id already taken by a closed or anonymised case: the next number.
    for (let seq = earlierCases + 1; !created; seq++) {
      // Made by another report at the same moment: found, and the signal is added to it below.
      const found = await createOrExisting(x.cases, {
        id: `case-${studentPseudonym(x.school.id, student.ref)}-${seq}`,
        schoolId: x.school.id,
        studentRef: student.ref,
        classId: student.class,
        studentsInvolved: [...new Set(involved)],
        status: 'open',
        stage: toClz ? 'clz' : 'mentor',
        ownerStaffId: owner?.id ?? '',
        createdAt: now,
        closedAt: null,
        signals: [signal],
        steps: [],
        agreements: [],
        sanctions: [],
        // The protocol it is opened under: its ladder stays with it when the school changes its own.
        protocol: x.currentProtocol(),
        escalations: toClz
          ? [{ at: now, byStaffId: actor.staffId, to: 'clz', reason: input.severe ? 'ernstig' : input.scope === 'buiten-klas' ? 'buiten-klas' : 'mentor' }]
          : [],
      });
      if (found.status === 'open' && found.studentRef === student.ref) created = found;
      else if (seq > earlierCases + 20) throw new Error('no free case id');
    }
    stored = isThis(created) ? created : await x.change(created.id, addTo);
    if (!stored) return { kind: 'not-found' };
  }
  await x.audit(actor, 'case.signal', stored.id, channel);
  await x.planNudge(stored);

  // Who hears of it: the owner; on a severe incident the CLZ and directie as well, also when the
  // case was already with the mentor.
  const recipients = new Map<string, StaffMember>();
  const owner = directory.staffById(stored.ownerStaffId);
  if (owner) recipients.set(owner.id, owner);
  if (input.severe) for (const d of [...(await x.withRole('clz')), ...(await x.withRole('directie'))]) recipients.set(d.id, d);
  const key = `signal:${stored.id}:${stored.signals.length}`;
  for (const person of recipients.values()) {
    if (person.id === actor.staffId) continue;
    await notifySignal(x, { key: `${key}:${person.id}`, person, case: stored, signal, repetition, reversed });
  }
  return { kind: 'recorded', case: stored, signal, owner, repetition };
}

/** A signal's notice to one person, under its key (`signal:<case>:<n>:<person>`). */
export async function notifySignal(x: CaseCore, notice: SignalNoticeInput & { key: string; person: StaffMember }): Promise<void> {
  await x.deps.outbox.notify(notice.key, notice.person.id, signalNotice(x, notice));
}

/**
 * The signals this person made and whether they were picked up: for a teacher, who sees no
 * notes and no steps, only that the report did not get lost.
 */
export async function signalsBy(x: CaseCore, actor: Actor, channel: string): Promise<OwnSignal[]> {
  const all = await x.cases.findBy('schoolId', x.school.id);
  const mine: OwnSignal[] = [];
  for (const c of all) {
    for (const signal of c.signals.filter((s) => s.byStaffId === actor.staffId)) {
      const actedOn = c.steps.some((step) => step.at >= signal.at) || c.escalations.some((e) => e.at > signal.at);
      mine.push({ case: c, signal, state: c.status === 'closed' ? 'closed' : actedOn ? 'acted-on' : 'received' });
      await x.audit(actor, 'case.read-own-signal', c.id, channel);
    }
  }
  return mine;
}
