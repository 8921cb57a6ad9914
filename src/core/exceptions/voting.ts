/**
 * The kernteam's side: votes on the kernteam card, the joint decision, what follows a decision
 * (signals, review dates, the outcome card), and who may see the card.
 */
import type { AdaptiveCardJson } from '../cards/render.js';
import { translator, type Locale, type Translate } from '../i18n/index.js';
import { formatDate } from '../protocol/answers.js';
import { dayIn } from '../kernel/time.js';
import type { Actor, OutboundMessage } from '../turn.js';
import { KEEP, updateOnce, writeRecord } from '../kernel/records.js';
import { recordText } from '../text/record-text.js';
import { can } from '../permissions.js';
import { evaluate, kernteamRole } from './decision.js';
import { type ExceptionRequest, type KernteamVote, type VoteChoice } from './model.js';
import { ExceptionCore, KERNTEAM_CHANNEL, type ExceptionResult, type VoteResult } from './context.js';
import { groundKey, kernteamOnlyCard, outcomeCard, purposeKey, requestCard, scopeText, signalTeachers, statusKey } from './presentation.js';

/**
 * A kernteam member's vote. Checked on the server: only kernteam roles, only while undecided.
 * The same vote twice changes nothing; a changed vote replaces the member's earlier one. The write
 * that completes the decision is the only one that announces it.
 */
export async function vote(x: ExceptionCore, actor: Actor, id: string, choice: VoteChoice, motivation: string, channel: string, locale: Locale): Promise<VoteResult> {
  const t = translator(locale);
  const role = can(actor, 'exception.vote', { kernteamRoles: x.rule.kernteamRoles }) ? kernteamRole(actor.roles, x.rule) : null;
  if (!role) {
    // Not a member: a refusal in words and a card without any of the request's content.
    await x.audit(actor.staffId, 'exception.vote-denied', id, channel);
    return { card: kernteamOnlyCard(x, locale), said: [{ text: t('exception.vote.denied') }] };
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
  if (!r || r.status === 'draft') return { card: x.deps.cards.render('info', { title: t('exception.title'), text: t('exception.notFound') }), said: [] };
  await x.audit(actor.staffId, 'exception.card-read', id, channel);
  if (written) await x.audit(actor.staffId, `exception.vote.${choice}`, id, channel);
  if (r.decision) {
    // Decided (by this vote, or earlier): make sure the decision was announced (a click after a failure half-way finishes it; all keyed, so once).
    await afterDecision(x, r, channel);
    const said = written || sameVote(r) ? 'exception.vote.decided' : 'exception.vote.alreadyDecided';
    return { card: await outcomeCard(x, r, locale), said: [{ text: t(said) }] };
  }
  if (!written && trimmed.length < 3) return { card: await requestCard(x, r, actor.staffId, locale), said: [{ text: t('exception.vote.motivationRequired') }] };
  // Recorded now, or the same vote again (a retried click): finish what the first click may have left undone.
  await announceVote(x, r);
  return { card: await requestCard(x, r, actor.staffId, locale), said: [{ text: t('exception.vote.recorded') }] };
}

/** After a vote without decision: the agenda notice, and the posted card updated to show the votes. Keyed: once. */
export async function announceVote(x: ExceptionCore, r: ExceptionRequest): Promise<void> {
  if (r.status === 'agenda') await announceAgenda(x, r);
  // The posted card shows the votes so far (Slack cannot refresh a card per viewer; Teams gets
  // the same update for members who do not refresh).
  await x.deps.outbox.notify(`kernteam-update:${r.id}:${r.version}`, KERNTEAM_CHANNEL, {
    text: translator(x.school.locale)('exception.card.newRequest', { student: r.studentRef, year: r.yearGroup }),
    card: await requestCard(x, r, null, x.school.locale),
    replaces: `kernteam:${r.id}`,
    order: r.version,
  });
}

/** The zorgcoördinator records the kernteam meeting's joint decision on an agenda item. */
export async function recordJointDecision(x: ExceptionCore, actor: Actor, id: string, outcome: 'granted' | 'rejected', motivation: string, channel: string, locale: Locale): Promise<ExceptionResult> {
  if (!can(actor, 'exception.joint')) return { ok: false, reason: 'denied' };
  if (motivation.trim().length < 10) return { ok: false, reason: 'invalid' };
  const t = translator(locale);
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
  if (!result) return { ok: false, reason: 'not-found' };
  if (!result.applied) return { ok: true, said: [{ text: t('exception.vote.alreadyDecided') }] };
  await x.audit(actor.staffId, 'exception.joint-decision', id, channel);
  await afterDecision(x, result.record, channel);
  return { ok: true, said: [{ text: t('exception.joint.done', { outcome: t(statusKey(outcome)) }) }] };
}

export async function afterDecision(x: ExceptionCore, r: ExceptionRequest, channel: string): Promise<void> {
  const t = translator(x.school.locale);
  const card = await outcomeCard(x, r, x.school.locale);
  // The channel's card is replaced by the outcome for everyone.
  await x.deps.outbox.notify(`kernteam-outcome:${r.id}`, KERNTEAM_CHANNEL, {
    text: t('exception.card.outcomeText', { student: r.studentRef, outcome: t(statusKey(r.status)) }),
    card,
    replaces: `kernteam:${r.id}`,
    order: r.version,
  });
  const lines = [t('exception.notify.requester', { student: r.studentRef, outcome: t(statusKey(r.status)), motivation: r.decision?.motivation ?? '' })];
  if (r.status === 'granted' && r.reviewDue) {
    await x.scheduleReview(r, r.reviewDue);
    lines.push(`${t('exception.magister.title')}\n${recordText(t, 'exception.magister', { student: r.studentRef, what: scopeText(x, r, t, x.school.locale) })}`);
    lines.push(`${t('exception.opp.title')}\n${oppText(x, r, t)}`);
    await signalTeachers(x, r);
  }
  await x.deps.outbox.notify(`decision:${r.id}:${r.requesterStaffId}`, r.requesterStaffId, { text: lines.join('\n\n') });
  await x.audit('system', `exception.decided.${r.status}`, r.id, channel);
}

/**
 * The text for the student's OPP: the support and its purpose (when the purpose says nothing about
 * health), what applies and what the student may do, and the review with student and parents, once.
 */
function oppText(x: ExceptionCore, r: ExceptionRequest, t: Translate): string {
  const locale = x.school.locale;
  const shown = r.purpose && OPP_PURPOSES.has(r.purpose) ? t(purposeKey(r.purpose)) : null;
  const values = {
    student: r.studentRef,
    what: scopeText(x, r, t, locale, false),
    decided: formatDate(dayIn(x.school.timeZone, r.decision?.at ?? x.deps.clock.now()), locale),
    date: formatDate(r.reviewDue ?? '', locale),
  };
  return shown ? recordText(t, 'exception.opp', { ...values, purpose: shown }) : recordText(t, 'exception.opp.noPurpose', values);
}

/** Purposes the OPP names; a medical app, or "something else", is not named where colleagues read it. */
const OPP_PURPOSES = new Set(['prikkelregulatie', 'structuur-app', 'communicatie']);

export async function announceAgenda(x: ExceptionCore, r: ExceptionRequest): Promise<void> {
  const t = translator(x.school.locale);
  for (const person of await x.deps.roleBook.staffWithRole('zorgcoordinator')) {
    await x.deps.outbox.notify(`agenda:${r.id}:${person.id}`, person.id, { text: t('exception.notify.agenda', { student: r.studentRef }) });
  }
}

/**
 * The kernteam card as this person may see it: its current state for a kernteam member (every read
 * audited); for anyone else a refusal without content, audited too.
 */
export async function cardFor(x: ExceptionCore, actor: Actor, id: string, channel: string, locale: Locale): Promise<{ card: AdaptiveCardJson; said: OutboundMessage[] } | null> {
  if (!can(actor, 'exception.vote', { kernteamRoles: x.rule.kernteamRoles })) {
    await x.audit(actor.staffId, 'exception.card-denied', id, channel);
    return { card: kernteamOnlyCard(x, locale), said: [{ text: translator(locale)('exception.card.kernteamOnly') }] };
  }
  const r = await x.requests.get(id);
  if (!r || r.status === 'draft') return null;
  await x.audit(actor.staffId, 'exception.card-read', id, channel);
  if (r.decision) return { card: await outcomeCard(x, r, locale), said: [] };
  return { card: await requestCard(x, r, actor.staffId, locale), said: [] };
}

/** The details (purpose text, student's words, where documents are): kernteam and requester only. */
export async function details(x: ExceptionCore, actor: Actor, id: string, channel: string, locale: Locale): Promise<ExceptionResult> {
  const r = await x.requests.get(id);
  if (!r) return { ok: false, reason: 'not-found' };
  if (!can(actor, 'exception.details', { requester: r.requesterStaffId === actor.staffId, kernteamRoles: x.rule.kernteamRoles })) {
    await x.audit(actor.staffId, 'exception.details-denied', id, channel);
    return { ok: false, reason: 'denied' };
  }
  await x.audit(actor.staffId, 'exception.details', id, channel);
  const t = translator(locale);
  const card = x.deps.cards.render('exception-details', {
    title: t('exception.details.title', { student: r.studentRef }),
    facts: [
      { title: t('exception.field.grond'), value: r.ground ? t(groundKey(r.ground)) : '-' },
      { title: t('exception.field.doelToelichting'), value: r.purposeDetail || '-' },
      { title: t('exception.field.woordenLeerling'), value: r.studentWords || '-' },
      { title: t('exception.field.bewaarplaats'), value: r.documentsLocation || '-' },
      // What the parents and their child sent with the form link, as they wrote it.
      ...(r.fromParents
        ? [
            { title: t('exception.field.fromParents', { date: formatDate(dayIn(x.school.timeZone, r.fromParents.at), locale) }), value: r.fromParents.need },
            { title: t('exception.field.parentsStudentWords'), value: r.fromParents.studentWords },
            { title: t('exception.field.parentsConsent'), value: t('exception.field.parentsConsentGiven') },
          ]
        : []),
    ],
  });
  return { ok: true, said: [{ text: t('exception.details.title', { student: r.studentRef }), card }] };
}
