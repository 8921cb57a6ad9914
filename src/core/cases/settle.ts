/**
 * Notices whose buttons settle. When what a notice's buttons ask for is done, by its recipient or by
 * anyone else, the notice is replaced in the same turn (the same operation as the step) by one that says
 * what was done, when and by whom (a role, or "jou"), without buttons: Teams updates the activity, Slack
 * uses `chat.update`, the playground puts it in the post's place. A notice is settled once (its
 * replacement is keyed `<notice>:settled`); one never delivered (unreachable) is left alone.
 *
 * Which event settles which notice:
 * - a report to the owner, the CLZ or directie (`signal:<case>:<n>:<person>`): offering "Nu: <step>",
 *   that step recorded (for the CLZ's talks: the talks done), the hand-over to the CLZ, or closing;
 *   offering "Naar de CLZ" (a repetition), the hand-over or closing; offering only "Zaak openen", any
 *   step recorded, the hand-over or closing;
 * - the hand-over to the CLZ (`escalate:<case>:<n>:<clz>`, "Zaak openen"): the first step recorded after
 *   it, or closing;
 * - a proposal to directie (`sanction:<case>:<measure>:<person>`, "Voorstel beoordelen"): the directie's
 *   decision on it (not closing: the proposal can still be decided);
 * - directie involved (`sanction:…`) and a measure after consulting the CLZ (`consulted:…`), both
 *   "Zaak openen": closing.
 * Notices without buttons (feedback, decisions, the coordinator's request, the exception notices) have
 * nothing to settle; the kernteam card is replaced by its outcome (exceptions/voting.ts).
 */
import type { Notification } from '../notify/model.js';
import { Outbox } from '../notify/outbox.js';
import { firstHeldRole } from '../people/role-book.js';
import { isClassMentor, type Actor } from './access.js';
import { nextStep, STEP_KINDS, type BullyingCase, type Sanction, type Signal, type StepKind } from './model.js';
import type { CaseCore } from './context.js';
import type { Doer, SettleEvent, SettledNotice } from './results.js';
import { settledNotice } from './presentation/settled.js';

/** The key of the message that takes a notice's place once it is settled. */
export const settledKey = (key: string) => `${key}:settled`;

/** The talks the CLZ's first step stands for (with both students apart, or together). */
const TALKS: ReadonlySet<StepKind> = new Set(['gesprek-gepeste', 'gesprek-pester', 'gezamenlijk-gesprek', 'clz-gesprek']);

/** A step was recorded on a case: reports offering it, and the hand-over once the CLZ acts on it, settle. */
export async function afterStep(x: CaseCore, actor: Actor, c: BullyingCase, kind: StepKind): Promise<void> {
  const event: SettleEvent = { kind: 'step', step: kind };
  const talksDone = c.stage !== 'mentor' && nextStep(c) !== 'clz-gesprekken';
  for (const { key, staffId, notice, signal } of await signalNotices(x, c)) {
    const { step, escalate } = offers(notice);
    const settles = step ? step === kind || (talksDone && TALKS.has(step) && TALKS.has(kind)) : !escalate;
    if (settles) await settle(x, actor, c, { key, staffId, notice: { kind: 'signal', signal }, event });
  }
  if (c.stage === 'mentor') return;
  for (const { key, staffId } of await escalationNotices(x, c)) {
    await settle(x, actor, c, { key, staffId, notice: { kind: 'escalated' }, event });
  }
}

/** The case was handed over to the CLZ: the reports' buttons (the mentor's steps, "Naar de CLZ") settle. */
export async function afterEscalation(x: CaseCore, actor: Actor, c: BullyingCase): Promise<void> {
  for (const { key, staffId, signal } of await signalNotices(x, c)) {
    await settle(x, actor, c, { key, staffId, notice: { kind: 'signal', signal }, event: { kind: 'escalated' } });
  }
}

/** Directie decided on a proposal: its notice to every directie member settles. */
export async function afterDecision(x: CaseCore, actor: Actor, c: BullyingCase, proposal: Sanction, outcome: 'decided' | 'declined'): Promise<void> {
  if (!proposal.id) return;
  for (const person of await x.withRole('directie')) {
    const key = `sanction:${c.id}:${proposal.id}:${person.id}`;
    if (!(await live(x, key))) continue;
    await settle(x, actor, c, { key, staffId: person.id, notice: { kind: 'proposal' }, event: { kind: outcome, proposal } });
  }
}

/** The case was closed: every notice with buttons about it settles, except proposals still to decide. */
export async function afterClose(x: CaseCore, actor: Actor, c: BullyingCase): Promise<void> {
  const closed = (key: string, staffId: string, notice: SettledNotice) => settle(x, actor, c, { key, staffId, notice, event: { kind: 'closed' }, open: false });
  for (const { key, staffId, signal } of await signalNotices(x, c)) await closed(key, staffId, { kind: 'signal', signal });
  for (const { key, staffId } of await escalationNotices(x, c)) await closed(key, staffId, { kind: 'escalated' });
  for (const s of c.sanctions) {
    if (!s.id || s.status === 'proposed') continue;
    // A decided proposal settled when it was decided; what is left here is directie being involved.
    for (const person of await x.withRole('directie')) {
      const key = `sanction:${c.id}:${s.id}:${person.id}`;
      if (await live(x, key)) await closed(key, person.id, { kind: s.proposedBy ? 'proposal' : 'mt' });
    }
    if (s.consultedStaffId) {
      const key = `consulted:${c.id}:${s.id}:${s.consultedStaffId}`;
      if (await live(x, key)) await closed(key, s.consultedStaffId, { kind: 'consulted' });
    }
  }
}

/** The reports' notices about this case that are still live, with the signal each was about. */
async function signalNotices(x: CaseCore, c: BullyingCase): Promise<Array<{ key: string; staffId: string; notice: Notification; signal: Signal }>> {
  const out = [];
  const people = await recipients(x, c);
  for (const [i, signal] of c.signals.entries()) {
    for (const staffId of people) {
      const key = `signal:${c.id}:${i + 1}:${staffId}`;
      const notice = await live(x, key);
      if (notice) out.push({ key, staffId, notice, signal });
    }
  }
  return out;
}

/** The hand-over notices to the CLZ about this case that are still live. */
async function escalationNotices(x: CaseCore, c: BullyingCase): Promise<Array<{ key: string; staffId: string }>> {
  const out = [];
  const clz = (await x.withRole('clz')).map((s) => s.id);
  for (let n = 1; n <= c.escalations.length; n++) {
    for (const staffId of clz) {
      const key = `escalate:${c.id}:${n}:${staffId}`;
      if (await live(x, key)) out.push({ key, staffId });
    }
  }
  return out;
}

/** Everyone a report's notice may have gone to: the owner, the class mentor, the CLZ and directie. */
async function recipients(x: CaseCore, c: BullyingCase): Promise<string[]> {
  const mentor = x.school.classes.find((k) => k.id === c.classId)?.mentor;
  const all = [c.ownerStaffId, mentor ?? '', ...(await x.withRole('clz')).map((s) => s.id), ...(await x.withRole('directie')).map((s) => s.id)];
  return [...new Set(all.filter(Boolean))];
}

/** The notice, when it was queued or delivered and is not settled yet. */
async function live(x: CaseCore, key: string): Promise<Notification | null> {
  const notice = await x.deps.outbox.get(key);
  if (!notice || (notice.status !== 'pending' && notice.status !== 'delivered')) return null;
  return (await x.deps.outbox.get(settledKey(key))) ? null : notice;
}

/** What a report's notice offered: the step of its "Nu:" button, and whether it offered the hand-over. */
function offers(notice: Notification): { step: StepKind | null; escalate: boolean } {
  const actions = Outbox.card(notice)?.actions;
  let step: StepKind | null = null;
  let escalate = false;
  for (const action of Array.isArray(actions) ? actions : []) {
    const data = (action as { data?: { zorgpad?: { start?: unknown; stap?: unknown } } }).data?.zorgpad;
    if (data?.start === 'escaleren') escalate = true;
    const stap = STEP_KINDS.find((k) => k === data?.stap);
    if (stap && !step) step = stap;
  }
  return { step, escalate };
}

/** A notice to settle: its key and recipient, what it was, what settles it; `open` defaults to the case's status. */
interface ToSettle {
  key: string;
  staffId: string;
  notice: SettledNotice;
  event: SettleEvent;
  open?: boolean;
}

/** Queues the notice's replacement (presentation/settled.ts): what was done, without buttons. */
async function settle(x: CaseCore, actor: Actor, c: BullyingCase, s: ToSettle): Promise<void> {
  const message = settledNotice(x, c, {
    notice: s.notice,
    event: s.event,
    by: doer(x, actor, c, s.staffId),
    at: x.deps.clock.now(),
    open: s.open ?? c.status === 'open',
  });
  await x.deps.outbox.notify(settledKey(s.key), s.staffId, { ...message, replaces: s.key, order: c.version });
}

/** Who did it, as the recipient may read it: they themselves, or a role. */
function doer(x: CaseCore, actor: Actor, c: BullyingCase, recipient: string): Doer {
  if (actor.staffId === recipient) return 'you';
  if (isClassMentor(actor, c, x.deps.directory)) return 'mentor';
  const role = firstHeldRole(actor.roles, ['clz', 'directie'] as const);
  return role ?? 'colleague';
}
