/**
 * What the kernteam's side shows: the card and line after a vote or a refresh, the details, and the
 * messages queued for others around a decision (the channel's card, the requester's notice with the
 * texts for Magister and the OPP, the agenda notice).
 */
import type { AdaptiveCardJson } from '../../cards/render.js';
import { translator, type Locale, type Translate } from '../../i18n/index.js';
import { formatDate } from '../../protocol/answers.js';
import { dayIn } from '../../kernel/time.js';
import { recordText } from '../../text/record-text.js';
import type { OutboundMessage } from '../../turn.js';
import type { ExceptionCore } from '../context.js';
import type { ExceptionRequest } from '../model.js';
import type { CardResult, DetailsResult, VoteOutcome } from '../results.js';
import { detailsCard, kernteamCard, kernteamOnlyCard, notFoundCard, outcomeCard, requestCard } from './cards.js';
import { purposeKey, scopeText, statusKey } from './words.js';

/** A card to put in the clicked card's place, and what to say with it. */
export interface CardReply {
  card: AdaptiveCardJson;
  said: OutboundMessage[];
}

/** After a click on a vote button: the card as it stands for the voter, and a line on what happened. */
export async function voteReply(x: ExceptionCore, result: VoteOutcome, viewer: string, locale: Locale): Promise<CardReply> {
  const t = translator(locale);
  switch (result.kind) {
    case 'denied':
      return { card: kernteamOnlyCard(x, locale), said: [{ text: t('exception.vote.denied') }] };
    case 'not-found':
      return { card: notFoundCard(x, locale), said: [] };
    case 'decided':
      return { card: await outcomeCard(x, result.request, locale), said: [{ text: t(result.byThisVote ? 'exception.vote.decided' : 'exception.vote.alreadyDecided') }] };
    case 'motivation-required':
      return { card: await requestCard(x, result.request, viewer, locale), said: [{ text: t('exception.vote.motivationRequired') }] };
    case 'recorded':
      return { card: await requestCard(x, result.request, viewer, locale), said: [{ text: t('exception.vote.recorded') }] };
  }
}

/** The kernteam card for a refresh: as it stands for a member; a card without content for anyone else; null when not there. */
export async function cardReply(x: ExceptionCore, result: CardResult, viewer: string, locale: Locale): Promise<CardReply | null> {
  if (result.kind === 'denied') return { card: kernteamOnlyCard(x, locale), said: [{ text: translator(locale)('exception.card.kernteamOnly') }] };
  if (result.kind === 'not-found') return null;
  return { card: await kernteamCard(x, result.request, viewer, locale), said: [] };
}

/** The details as a card with its title, or why not. */
export function detailsReply(x: ExceptionCore, result: DetailsResult, locale: Locale): OutboundMessage[] {
  const t = translator(locale);
  if (result.kind === 'denied') return [{ text: t('exception.details.denied') }];
  if (result.kind === 'not-found') return [{ text: t('exception.notFound') }];
  return [{ text: t('exception.details.title', { student: result.request.studentRef }), card: detailsCard(x, result.request, locale) }];
}

/** The kernteam channel's post of a request (new, or with the votes so far): in the school's language. */
export async function kernteamPost(x: ExceptionCore, r: ExceptionRequest): Promise<{ text: string; card: AdaptiveCardJson }> {
  const t = translator(x.school.locale);
  return { text: t('exception.card.newRequest', { student: r.studentRef, year: r.yearGroup }), card: await requestCard(x, r, null, x.school.locale) };
}

/** The kernteam channel's post of the outcome, in the place of the request's card. */
export async function outcomePost(x: ExceptionCore, r: ExceptionRequest): Promise<{ text: string; card: AdaptiveCardJson }> {
  const t = translator(x.school.locale);
  const card = await outcomeCard(x, r, x.school.locale);
  return { text: t('exception.card.outcomeText', { student: r.studentRef, outcome: t(statusKey(r.status)) }), card };
}

/** The requester's notice of the decision; when granted with a review date, the texts for Magister and the OPP. */
export function decisionNotice(x: ExceptionCore, r: ExceptionRequest): string {
  const t = translator(x.school.locale);
  const lines = [t('exception.notify.requester', { student: r.studentRef, outcome: t(statusKey(r.status)), motivation: r.decision?.motivation ?? '' })];
  if (r.status === 'granted' && r.reviewDue) {
    lines.push(`${t('exception.magister.title')}\n${recordText(t, 'exception.magister', { student: r.studentRef, what: scopeText(x, r, t, x.school.locale) })}`);
    lines.push(`${t('exception.opp.title')}\n${oppText(x, r, t)}`);
  }
  return lines.join('\n\n');
}

/** The zorgcoördinator's notice that a request is on the kernteam's agenda. */
export function agendaNotice(x: ExceptionCore, r: ExceptionRequest): string {
  return translator(x.school.locale)('exception.notify.agenda', { student: r.studentRef });
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
