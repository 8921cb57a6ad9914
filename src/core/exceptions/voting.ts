/**
 * The kernteam's side: votes on the kernteam card, the joint decision, what follows a decision
 * (signals, review dates, the outcome card), and who may see the card. Each reports what happened;
 * presentation/kernteam.ts and presentation/replies.ts word it.
 */
import type { Actor } from '../turn.js';
import { KEEP, updateOnce, writeRecord } from '../kernel/records.js';
import { can } from '../permissions.js';
import { evaluate, kernteamRole } from './decision.js';
import { type ExceptionRequest, type KernteamVote, type VoteChoice } from './model.js';
import { ExceptionCore, KERNTEAM_CHANNEL } from './context.js';
import type { CardResult, DetailsResult, JointDecisionResult, VoteOutcome } from './results.js';
import { agendaNotice, decisionNotice, kernteamPost, outcomePost } from './presentation/kernteam.js';
import { signalTeachers } from './signals.js';

/**
 * A kernteam member's vote. Checked on the server: only kernteam roles, only while undecided.
 * The same vote twice changes nothing; a changed vote replaces the member's earlier one. The write
 * that completes the decision is the only one that announces it.
 */
export async function vote(
  x: ExceptionCore,
  actor: Actor,
  { id, choice, motivation, channel }: { id: string; choice: VoteChoice; motivation: string; channel: string },
): Promise<VoteOutcome> {
  const role = can(actor, 'exception.vote', { kernteamRoles: x.rule.kernteamRoles }) ? kernteamRole(actor.roles, x.rule) : null;
  if (!role) {
    // Not a member: a refusal, shown without any of the request's content.
    await x.audit(actor.staffId, 'exception.vote-denied', id, channel);
    return { kind: 'denied' };
  }
  const trimmed = motivation.trim();
  const at = x.deps.clock.now();
  const sameVote = (r: ExceptionRequest) => r.votes.some((v) => v.staffId === actor.staffId && v.vote === choice && v.motivation === trimmed);
  const { record: r, written } = await writeRecord(x.requests, id, (r): ExceptionRequest | typeof KEEP => {
    if (!r || r.status === 'draft' || r.decision || trimmed.length < 3 || sameVote(r)) return KEEP;
    const vote: KernteamVote = { staffId: actor.staffId, role, vote: choice, motivation: trimmed, at };
    const votes = [...r.votes.filter((v) => v.staffId !== actor.staffId), vote];
    const result = evaluate(votes, x.rule);
    const decided = result.state === 'decided';
    return {
      ...r,
      votes,
      status: decided ? result.outcome : result.state === 'agenda' ? 'agenda' : 'submitted',
      decision: decided ? { outcome: result.outcome, at, decidedBy: 'rule', motivation: votes.map((v) => v.motivation).join(' / ') } : null,
      reviewDue: decided && result.outcome === 'granted' ? x.nextReviewDate(r, at) : r.reviewDue,
    };
  });
  if (!r || r.status === 'draft') return { kind: 'not-found' };
  await x.audit(actor.staffId, 'exception.card-read', id, channel);
  if (written) await x.audit(actor.staffId, `exception.vote.${choice}`, id, channel);
  if (r.decision) {
    // Decided (by this vote, or earlier): make sure the decision was announced (a click after a failure half-way finishes it; all keyed, so once).
    await afterDecision(x, r, channel);
    return { kind: 'decided', request: r, byThisVote: written || sameVote(r) };
  }
  if (!written && trimmed.length < 3) return { kind: 'motivation-required', request: r };
  // Recorded now, or the same vote again (a retried click): finish what the first click may have left undone.
  await announceVote(x, r);
  return { kind: 'recorded', request: r };
}

/** After a vote without decision: the agenda notice, and the posted card updated to show the votes. Keyed: once. */
export async function announceVote(x: ExceptionCore, r: ExceptionRequest): Promise<void> {
  if (r.status === 'agenda') await announceAgenda(x, r);
  // The posted card shows the votes so far (Slack cannot refresh a card per viewer; Teams gets
  // the same update for members who do not refresh).
  await x.deps.outbox.notify(`kernteam-update:${r.id}:${r.version}`, KERNTEAM_CHANNEL, { ...(await kernteamPost(x, r)), replaces: `kernteam:${r.id}`, order: r.version });
}

/** The zorgcoördinator records the kernteam meeting's joint decision on an agenda item. */
export async function recordJointDecision(
  x: ExceptionCore,
  actor: Actor,
  { id, outcome, motivation, channel }: { id: string; outcome: 'granted' | 'rejected'; motivation: string; channel: string },
): Promise<JointDecisionResult> {
  if (!can(actor, 'exception.joint')) return { kind: 'denied' };
  if (motivation.trim().length < 10) return { kind: 'invalid' };
  const now = x.deps.clock.now();
  const result = await updateOnce(x.requests, id, (r) =>
    r.decision
      ? r
      : {
          ...r,
          status: outcome,
          decision: { outcome, at: now, decidedBy: actor.staffId, motivation: motivation.trim() },
          reviewDue: outcome === 'granted' ? x.nextReviewDate(r, now) : null,
        },
  );
  if (!result) return { kind: 'not-found' };
  if (!result.applied) return { kind: 'already-decided', request: result.record };
  await x.audit(actor.staffId, 'exception.joint-decision', id, channel);
  await afterDecision(x, result.record, channel);
  return { kind: 'decided', request: result.record, outcome };
}

/**
 * What follows a decision: the channel's card replaced by the outcome for everyone, the review planned
 * and the teachers signalled when granted, the requester told, the decision audited. All keyed: once.
 */
export async function afterDecision(x: ExceptionCore, r: ExceptionRequest, channel: string): Promise<void> {
  await x.deps.outbox.notify(`kernteam-outcome:${r.id}`, KERNTEAM_CHANNEL, { ...(await outcomePost(x, r)), replaces: `kernteam:${r.id}`, order: r.version });
  if (r.status === 'granted' && r.reviewDue) {
    await x.scheduleReview(r, r.reviewDue);
    await signalTeachers(x, r);
  }
  await x.deps.outbox.notify(`decision:${r.id}:${r.requesterStaffId}`, r.requesterStaffId, { text: decisionNotice(x, r) });
  await x.audit('system', `exception.decided.${r.status}`, r.id, channel);
}

/** The request is on the kernteam's agenda: each zorgcoördinator is told. */
export async function announceAgenda(x: ExceptionCore, r: ExceptionRequest): Promise<void> {
  for (const person of await x.deps.roleBook.staffWithRole('zorgcoordinator')) {
    await x.deps.outbox.notify(`agenda:${r.id}:${person.id}`, person.id, { text: agendaNotice(x, r) });
  }
}

/**
 * The kernteam card as this person may see it: the request for a kernteam member (every read
 * audited); for anyone else a refusal without content, audited too.
 */
export async function cardFor(x: ExceptionCore, actor: Actor, id: string, channel: string): Promise<CardResult> {
  if (!can(actor, 'exception.vote', { kernteamRoles: x.rule.kernteamRoles })) {
    await x.audit(actor.staffId, 'exception.card-denied', id, channel);
    return { kind: 'denied' };
  }
  const r = await x.requests.get(id);
  if (!r || r.status === 'draft') return { kind: 'not-found' };
  await x.audit(actor.staffId, 'exception.card-read', id, channel);
  return { kind: 'shown', request: r };
}

/** The details (purpose text, student's words, where documents are): kernteam and requester only. */
export async function details(x: ExceptionCore, actor: Actor, id: string, channel: string): Promise<DetailsResult> {
  const r = await x.requests.get(id);
  if (!r) return { kind: 'not-found' };
  if (!can(actor, 'exception.details', { requester: r.requesterStaffId === actor.staffId, kernteamRoles: x.rule.kernteamRoles })) {
    await x.audit(actor.staffId, 'exception.details-denied', id, channel);
    return { kind: 'denied' };
  }
  await x.audit(actor.staffId, 'exception.details', id, channel);
  return { kind: 'shown', request: r };
}
