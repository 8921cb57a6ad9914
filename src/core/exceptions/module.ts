/**
 * The phone-ban exception as a module of the assistant: its commands, the kernteam card's buttons (vote,
 * details, refresh), the buttons that open a draft or a request, the request's draft, its pick lists, and
 * what it puts on a home screen (votes, agenda items, reviews and drafts waiting; my drafts and reviews;
 * the request procedure).
 */
import { z } from 'zod';
import { defineAction, defineDraft, defineHomeList, defineModule, definePick, defineStart, defineWaiting, type ActionPayload, type OverviewItem } from '../app/registry.js';
import type { CardRenderer } from '../cards/render.js';
import { translator, type Locale } from '../i18n/index.js';
import type { Option } from '../protocol/answers.js';
import { keysWithAudience, type Flow } from '../protocol/schema.js';
import { EXCEPTION_COMMANDS } from './commands.js';
import type { ExceptionCore } from './context.js';
import { openDraft, saveDraft } from './drafts.js';
import { agendaRequests, classSubjects, decided, draftsWaiting, managed, myRequests, votesWaiting } from './listings.js';
import { cardReply, detailsReply, voteReply } from './presentation/kernteam.js';
import { draftOptions, myRequestOptions, requestOptions, resumeAnswers, reviewOptions, subjectOptions, voteOptions } from './presentation/options.js';
import { reviewable } from './reviews.js';
import { cardFor, details as requestDetails, vote as castVote } from './voting.js';

/** What the module works with. */
export interface ExceptionModuleDeps {
  exceptions: ExceptionCore;
  cards: CardRenderer;
}

/** The draft a request dialog keeps (`draft: exception-request` in its file): saved after every answer. */
export const REQUEST_DRAFT = 'exception-request';

/**
 * What subject teachers may read of a request: the answers of the request dialog (the flow that keeps the
 * request's draft) whose audience is the teachers, form fields included.
 */
export function teacherFields(flows: ReadonlyMap<string, Flow>): Set<string> {
  return new Set([...flows.values()].filter((f) => f.draft === REQUEST_DRAFT).flatMap((f) => [...keysWithAudience(f, 'teachers')]));
}

const idText = z.string().min(1).max(100);

/** A kernteam member's vote, with the motivation typed in the card. */
const vote = defineAction({
  name: 'vote',
  payload: z.object({ vote: z.enum(['approve', 'reject', 'discuss']), requestId: idText }),
  inputs: { motivation: z.string().max(1000).optional().transform((v) => v ?? '') },
  handle: async ({ exceptions }: ExceptionModuleDeps, { actor, channel, locale }, a) => {
    const result = await castVote(exceptions, actor, { id: a.requestId, choice: a.vote, motivation: a.motivation, channel });
    const reply = await voteReply(exceptions, result, actor.staffId, locale);
    return { messages: reply.said, card: reply.card };
  },
});

/** The kernteam card as it stands now, with the viewer's own vote (Teams' refresh, "wacht op jou"). */
const refresh = defineAction({
  name: 'refresh',
  payload: z.object({ refresh: idText }),
  handle: async ({ exceptions }: ExceptionModuleDeps, { actor, channel, locale, t }, a) => {
    const shown = await cardReply(exceptions, await cardFor(exceptions, actor, a.refresh, channel), actor.staffId, locale);
    return shown ? { messages: shown.said, card: shown.card } : { messages: [{ text: t('exception.notFound') }] };
  },
});

/** The request's details (ground, purpose, the student's words), for the kernteam and the requester. */
const details = defineAction({
  name: 'details',
  payload: z.object({ details: idText }),
  handle: async ({ exceptions }: ExceptionModuleDeps, { actor, channel, locale }, a) => ({
    messages: detailsReply(exceptions, await requestDetails(exceptions, actor, a.details, channel), locale),
  }),
});

declare module '../cards/submit.js' {
  interface CardActions {
    vote: ActionPayload<typeof vote>;
    details: ActionPayload<typeof details>;
    refresh: ActionPayload<typeof refresh>;
  }
}

/** A draft's button resumes it, in any conversation: its answers come from the store. Only its owner's. */
const draft = defineStart({
  name: 'draftId',
  payload: z.object({ draftId: idText }),
  resumes: true,
  guard: async ({ exceptions }: ExceptionModuleDeps, { actor, locale }, start, given) => {
    const found = await openDraft(exceptions, actor, given.draftId!);
    return found.kind === 'draft' ? { ...start, answers: resumeAnswers(exceptions, found.request, locale), resume: true } : null;
  },
});

/** A button about a granted request (a review to record): only for those who may review it. */
const request = defineStart({
  name: 'requestId',
  payload: z.object({ requestId: idText }),
  resumes: true,
  guard: async ({ exceptions }: ExceptionModuleDeps, { actor }, start, given) => {
    const requestId = given.requestId!;
    const option = reviewOptions(exceptions, await reviewable(exceptions, actor)).find((o) => o.value === requestId);
    return option ? { ...start, answers: { ...start.answers, requestId: { value: requestId, display: option.label } } } : null;
  },
});

/** The flow a request is made (and its draft finished) in. */
const REQUEST_FLOW = 'uitzondering-aanvragen';
/** The flow a granted request's review is recorded in. */
const REVIEW_FLOW = 'evaluatie';

/** The button data that opens a flow for one request or one draft. */
function opens(flowId: string, field: 'requestId' | 'draftId', id: string): Record<string, unknown> {
  return { zorgpad: { start: flowId, [field]: id } };
}

/** Requests as "wacht op jou" items: each worded with `key`, its button opening `flowId` for that request. */
function requestItems(options: readonly Option[], locale: Locale, key: 'waiting.agenda' | 'waiting.review', flowId: string): OverviewItem[] {
  const t = translator(locale);
  return options.map((o) => ({ label: t(key, { request: o.label }), data: opens(flowId, 'requestId', o.value) }));
}

/**
 * What waits for a person, in this order among the other modules' kinds: requests to vote on (their
 * button shows the kernteam card as it stands, a `refresh`), agenda items to record the joint decision
 * of, reviews to record, drafts to finish (those with the parents' answers marked).
 */
const WAITING = [
  defineWaiting({
    name: 'votes',
    rank: 10,
    load: async ({ exceptions }: ExceptionModuleDeps, { actor, locale }) =>
      voteOptions(exceptions, await votesWaiting(exceptions, actor), locale).map((v) => ({ label: v.label, data: { zorgpad: { refresh: v.value } } })),
  }),
  defineWaiting({
    name: 'agenda',
    rank: 20,
    load: async ({ exceptions }: ExceptionModuleDeps, { actor, locale }) =>
      requestItems(requestOptions(await agendaRequests(exceptions, actor)), locale, 'waiting.agenda', 'kernteambesluit'),
  }),
  defineWaiting({
    name: 'reviews',
    rank: 40,
    load: async ({ exceptions }: ExceptionModuleDeps, { actor, locale }) =>
      requestItems(reviewOptions(exceptions, await reviewable(exceptions, actor)), locale, 'waiting.review', REVIEW_FLOW),
  }),
  defineWaiting({
    name: 'drafts',
    rank: 50,
    load: async ({ exceptions }: ExceptionModuleDeps, { actor, locale }) =>
      draftOptions(await draftsWaiting(exceptions, actor), locale).map((d) => ({ label: d.label, data: opens(REQUEST_FLOW, 'draftId', d.value) })),
  }),
];

/** On the App Home, after the cases: this person's requests not yet submitted, then the reviews they are due to record. */
const HOME_LISTS = [
  defineHomeList({
    name: 'draft',
    rank: 20,
    title: 'slack.home.drafts',
    load: async ({ exceptions }: ExceptionModuleDeps, { actor, locale }) =>
      myRequestOptions(exceptions, await myRequests(exceptions, actor), locale)
        .filter((r) => r.isDraft)
        .map((d) => ({ label: d.label, data: opens(REQUEST_FLOW, 'draftId', d.value) })),
  }),
  defineHomeList({
    name: 'review',
    rank: 30,
    title: 'slack.home.reviews',
    load: async ({ exceptions }: ExceptionModuleDeps, { actor }) =>
      reviewOptions(exceptions, await reviewable(exceptions, actor)).map((r) => ({ label: r.label, data: opens(REVIEW_FLOW, 'requestId', r.value) })),
  }),
];

export const exceptionsModule = defineModule<ExceptionModuleDeps>({
  name: 'exceptions',
  commands: EXCEPTION_COMMANDS,
  actions: [vote, details, refresh],
  starts: [draft, request],
  waiting: WAITING,
  homeLists: HOME_LISTS,
  home: [REQUEST_FLOW],
  drafts: [defineDraft({ name: REQUEST_DRAFT, idPrefix: 'req-', save: ({ exceptions }: ExceptionModuleDeps, actor, id, answers) => saveDraft(exceptions, actor, id, answers) })],
  picks: [
    definePick('agenda', async ({ exceptions }: ExceptionModuleDeps, { actor }) => requestOptions(await agendaRequests(exceptions, actor))),
    definePick('reviewable', async ({ exceptions }: ExceptionModuleDeps, { actor }) => reviewOptions(exceptions, await reviewable(exceptions, actor))),
    definePick('managed', async ({ exceptions }: ExceptionModuleDeps, { actor }) => requestOptions(await managed(exceptions, actor))),
    definePick('decided', async ({ exceptions }: ExceptionModuleDeps, { actor }) => requestOptions(await decided(exceptions, actor))),
    definePick('classSubjects', async ({ exceptions }: ExceptionModuleDeps, { locale }, studentRef) => subjectOptions(classSubjects(exceptions, studentRef), locale)),
  ],
});
