/**
 * The phone-ban exception as a module of the assistant: its commands, the kernteam card's buttons (vote,
 * details, refresh), the buttons that open a draft or a request, the request's draft, and its pick lists.
 */
import { z } from 'zod';
import { defineAction, defineDraft, defineModule, definePick, defineStart, type ActionPayload } from '../app/registry.js';
import type { CardRenderer } from '../cards/render.js';
import { keysWithAudience, type Flow } from '../protocol/schema.js';
import { EXCEPTION_COMMANDS } from './commands.js';
import type { ExceptionService } from './service.js';

/** What the module works with. */
export interface ExceptionModuleDeps {
  exceptions: ExceptionService;
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
    const result = await exceptions.vote(actor, a.requestId, a.vote, a.motivation, channel, locale);
    return { messages: result.said, card: result.card };
  },
});

/** The kernteam card as it stands now, with the viewer's own vote (Teams' refresh, "wacht op jou"). */
const refresh = defineAction({
  name: 'refresh',
  payload: z.object({ refresh: idText }),
  handle: async ({ exceptions }: ExceptionModuleDeps, { actor, channel, locale, t }, a) => {
    const shown = await exceptions.cardFor(actor, a.refresh, channel, locale);
    return shown ? { messages: shown.said, card: shown.card } : { messages: [{ text: t('exception.notFound') }] };
  },
});

/** The request's details (ground, purpose, the student's words), for the kernteam and the requester. */
const details = defineAction({
  name: 'details',
  payload: z.object({ details: idText }),
  handle: async ({ exceptions }: ExceptionModuleDeps, { actor, channel, locale, t }, a) => {
    const result = await exceptions.details(actor, a.details, channel, locale);
    return { messages: result.ok ? result.said : [{ text: t(result.reason === 'denied' ? 'exception.details.denied' : 'exception.notFound') }] };
  },
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
    const answers = await exceptions.draftAnswers(actor, given.draftId!, locale);
    return answers ? { ...start, answers, resume: true } : null;
  },
});

/** A button about a granted request (a review to record): only for those who may review it. */
const request = defineStart({
  name: 'requestId',
  payload: z.object({ requestId: idText }),
  resumes: true,
  guard: async ({ exceptions }: ExceptionModuleDeps, { actor }, start, given) => {
    const requestId = given.requestId!;
    const option = (await exceptions.reviewable(actor)).find((o) => o.value === requestId);
    return option ? { ...start, answers: { ...start.answers, requestId: { value: requestId, display: option.label } } } : null;
  },
});

export const exceptionsModule = defineModule<ExceptionModuleDeps>({
  name: 'exceptions',
  commands: EXCEPTION_COMMANDS,
  actions: [vote, details, refresh],
  starts: [draft, request],
  drafts: [defineDraft({ name: REQUEST_DRAFT, idPrefix: 'req-', save: ({ exceptions }: ExceptionModuleDeps, actor, id, answers) => exceptions.saveDraft(actor, id, answers) })],
  picks: [
    definePick('agenda', ({ exceptions }: ExceptionModuleDeps, { actor }) => exceptions.agendaRequests(actor)),
    definePick('reviewable', ({ exceptions }: ExceptionModuleDeps, { actor }) => exceptions.reviewable(actor)),
    definePick('managed', ({ exceptions }: ExceptionModuleDeps, { actor }) => exceptions.managed(actor)),
    definePick('decided', ({ exceptions }: ExceptionModuleDeps, { actor }) => exceptions.decided(actor)),
    definePick('classSubjects', ({ exceptions }: ExceptionModuleDeps, { locale }, studentRef) => exceptions.subjectOptions(studentRef, locale)),
  ],
});
