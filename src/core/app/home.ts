import type { CaseCore } from '../cases/context.js';
import { openCasesFor, proposalsWaiting } from '../cases/listings.js';
import { openCaseOptions, waitingProposalOptions } from '../cases/presentation/listings.js';
import type { ExceptionCore } from '../exceptions/context.js';
import { agendaRequests, draftsWaiting, myRequests, votesWaiting } from '../exceptions/listings.js';
import { draftOptions, myRequestOptions, requestOptions, reviewOptions, voteOptions } from '../exceptions/presentation/options.js';
import { reviewable } from '../exceptions/reviews.js';
import type { AdaptiveCardJson, CardRenderer } from '../cards/render.js';
import { translator, type Locale, type Translate } from '../i18n/index.js';
import { can } from '../permissions.js';
import type { RoleBook } from '../people/role-book.js';
import type { Role } from '../people/roles.js';
import type { Platform, SchoolDirectory } from '../people/school.js';
import type { Option } from '../protocol/answers.js';
import { mayStartFlow } from '../protocol/engine.js';
import type { Flow } from '../protocol/schema.js';

/** One entry of a home screen: what it says and the card data that opens it. */
export interface OverviewItem {
  label: string;
  data: Record<string, unknown>;
}

export interface Overview {
  /** Everything that waits for this person, most pressing kind first (votes, decisions, reviews, drafts). */
  waiting: OverviewItem[];
  procedures: OverviewItem[];
  cases: OverviewItem[];
  drafts: OverviewItem[];
  reviews: OverviewItem[];
}

/** The three procedures a home screen offers. */
const HOME_PROCEDURES = ['pesten-melden', 'cyberpesten', 'uitzondering-aanvragen'];

export interface HomeDeps {
  directory: SchoolDirectory;
  roleBook: RoleBook;
  flows: ReadonlyMap<string, Flow>;
  cases: CaseCore;
  exceptions: ExceptionCore;
}

/** What the list of what waits for a person is read from. */
export type WaitingDeps = Pick<HomeDeps, 'cases' | 'exceptions'>;

/**
 * What a person has open, for a channel's home screen (Slack's App Home): the procedures they may
 * start, their cases, their exception drafts and the reviews they are due to record. Null for a
 * stranger. Each item carries the card data that opens it, so the channel needs no knowledge of flows.
 */
export async function overview(deps: HomeDeps, platform: Platform, userId: string, locale: Locale): Promise<Overview | null> {
  const { directory, roleBook, flows, exceptions } = deps;
  const actor = directory.findStaff(platform, userId);
  if (!actor) return null;
  const roles = await roleBook.rolesOf(actor.id);
  const caseActor = { staffId: actor.id, roles };
  const start = (flowId: string, extra: Record<string, string> = {}) => ({ zorgpad: { start: flowId, ...extra } });
  const procedures = HOME_PROCEDURES.flatMap((flowId) => {
    const flow = flows.get(flowId);
    return flow && mayStartFlow(flow, roles) ? [{ label: flow.title[locale], data: start(flowId) }] : [];
  });
  const myCases = await caseOptions(deps.cases, caseActor, locale);
  const drafts = myRequestOptions(exceptions, await myRequests(exceptions, caseActor), locale).filter((r) => r.isDraft);
  const reviews = reviewOptions(exceptions, await reviewable(exceptions, caseActor));
  return {
    waiting: await waitingFor(deps, caseActor, locale),
    procedures,
    cases: myCases.map((c) => ({ label: c.label, data: start('zaak', { caseId: c.value }) })),
    drafts: drafts.map((d) => ({ label: d.label, data: start('uitzondering-aanvragen', { draftId: d.value }) })),
    reviews: reviews.map((r) => ({ label: r.label, data: start('evaluatie', { requestId: r.value }) })),
  };
}

/** The cases a person works, for `pick` steps and home screens; none for roles that do not work cases. */
export async function caseOptions(cases: CaseCore, actor: { staffId: string; roles: ReadonlySet<Role> }, locale: Locale): Promise<Option[]> {
  return can(actor, 'case.list') ? openCaseOptions(await openCasesFor(cases, actor), locale) : [];
}

/**
 * What waits for a person, each with the card data that opens it: requests to vote on (the kernteam
 * card), agenda items to record the joint decision of, proposed measures to decide, reviews to record,
 * drafts to finish (those with the parents' answers marked). Read from the store every time, so the
 * list is the same after a reload or on another device.
 */
export async function waitingFor(deps: WaitingDeps, actor: { staffId: string; roles: ReadonlySet<Role> }, locale: Locale): Promise<OverviewItem[]> {
  const { exceptions, cases } = deps;
  const t = translator(locale);
  const start = (flowId: string, extra: Record<string, string>) => ({ zorgpad: { start: flowId, ...extra } });
  const votes = voteOptions(exceptions, await votesWaiting(exceptions, actor), locale);
  const agenda = requestOptions(await agendaRequests(exceptions, actor));
  const proposals = waitingProposalOptions(await proposalsWaiting(cases, actor), locale);
  const reviews = reviewOptions(exceptions, await reviewable(exceptions, actor));
  const drafts = draftOptions(await draftsWaiting(exceptions, actor), locale);
  return [
    ...votes.map((v) => ({ label: v.label, data: { zorgpad: { refresh: v.value } } })),
    ...agenda.map((a) => ({ label: t('waiting.agenda', { request: a.label }), data: start('kernteambesluit', { requestId: a.value }) })),
    ...proposals.map((p) => ({ label: p.label, data: start('sanctie-besluit', { caseId: p.value }) })),
    ...reviews.map((r) => ({ label: t('waiting.review', { request: r.label }), data: start('evaluatie', { requestId: r.value }) })),
    ...drafts.map((d) => ({ label: d.label, data: start('uitzondering-aanvragen', { draftId: d.value }) })),
  ];
}

/** What waits for a person as one card: a count, then each item with a button that opens it (`cards/waiting.json`). */
export function waitingCard(cards: CardRenderer, t: Translate, items: readonly OverviewItem[]): AdaptiveCardJson {
  return cards.render('waiting', {
    title: t('waiting.title'),
    text: t('waiting.count', { count: items.length }),
    items: items.map((item) => ({ label: item.label, button: t('waiting.open'), data: item.data })),
  });
}
