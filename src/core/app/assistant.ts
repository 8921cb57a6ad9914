import type { CaseService } from '../cases/service.js';
import type { CardAction } from '../cards/submit.js';
import type { ExceptionService } from '../exceptions/service.js';
import type { Scheduler } from '../reminders/scheduler.js';
import type { AdaptiveCardJson, CardRenderer } from '../cards/render.js';
import { translator, type Locale } from '../i18n/index.js';
import type { RoleBook } from '../people/role-book.js';
import type { Platform, SchoolDirectory } from '../people/school.js';
import type { Role } from '../people/roles.js';
import { handle, IDLE, mayStartFlow, type DialogState, type Effect, type Input, type Question } from '../protocol/engine.js';
import type { Flow, PickSource } from '../protocol/schema.js';
import type { Option } from '../protocol/answers.js';
import { DuplicateRecordError, type Clock, type Logger, type Store, type VersionedRecord } from '../ports.js';
import { dayIn } from '../time.js';
import type { OutboundMessage } from '../turn.js';
import type { CommandContext, CommandHandler } from './commands.js';

/** One message from a person, as every channel hands it to the core. */
export interface Inbound {
  platform: Platform;
  /** Teams tenant, Slack workspace, or `local` for the playground. */
  tenantId: string;
  /** The person's platform account (Entra object id, Slack user id, playground staff id). */
  userId: string;
  conversationId: string;
  /** The platform's id for this delivery; a second delivery with the same id changes nothing. */
  deliveryId?: string;
  locale?: Locale;
  input: Input | CardAction;
}

export type { OutboundMessage };

export interface Reply {
  messages: OutboundMessage[];
  /** For a card action: the card that takes the clicked card's place (Teams answers the invoke with it). */
  card?: AdaptiveCardJson;
  /** True when this delivery was seen before; nothing was done. */
  duplicate: boolean;
}

/** Everything a reply shows, in order, for a channel that cannot put a card in the clicked card's place. */
export function replyMessages(reply: Reply): OutboundMessage[] {
  return reply.card ? [...reply.messages, { text: '', card: reply.card }] : reply.messages;
}

/** The stored form of DialogState. */
export interface DialogStateRecord extends VersionedRecord, DialogState {
  userKey: string;
  schoolId: string;
  updatedAt: number;
  /** The last deliveries handled, so a retried delivery is recognised in the same write. */
  recentDeliveries: string[];
}

export interface AssistantDeps {
  store: Store;
  scheduler: Scheduler;
  cases: CaseService;
  exceptions: ExceptionService;
  newId: () => string;
  flows: ReadonlyMap<string, Flow>;
  cards: CardRenderer;
  directory: SchoolDirectory;
  roleBook: RoleBook;
  commands: ReadonlyMap<string, CommandHandler>;
  clock: Clock;
  log: Logger;
}

type TurnContext = Omit<CommandContext, 'answers' | 'args'>;

/** One entry of a home screen: what it says and the card data that opens it. */
export interface OverviewItem {
  label: string;
  data: Record<string, unknown>;
}

export interface Overview {
  procedures: OverviewItem[];
  cases: OverviewItem[];
  drafts: OverviewItem[];
  reviews: OverviewItem[];
}

/** The three procedures a home screen offers. */
const HOME_PROCEDURES = ['pesten-melden', 'cyberpesten', 'uitzondering-aanvragen'];


/** Roles that work bullying cases and get the case list in `pick` steps. */
const CASE_ROLES: Role[] = ['mentor', 'clz', 'directie'];

const RECENT_DELIVERIES = 20;
const MAX_ATTEMPTS = 4;

/** Runs one turn of a conversation: who is this, where were they, what now. */
export class Assistant {
  constructor(private readonly deps: AssistantDeps) {}

  /**
   * One turn. When something underneath fails (the store is unreachable, a write times out), the
   * person is asked to try again; the dialog state is only ever replaced by one conditional write, so
   * it is as it was before the turn, and a draft keeps every answer saved so far.
   */
  async handle(inbound: Inbound): Promise<Reply> {
    try {
      return await this.turn(inbound);
    } catch (error) {
      this.deps.log.error('turn.failed', { platform: inbound.platform, error: error instanceof Error ? error.name : 'unknown' });
      return { messages: [{ text: translator(inbound.locale ?? this.deps.directory.school.locale)('error.generic') }], duplicate: false };
    }
  }

  private async turn(inbound: Inbound): Promise<Reply> {
    const { directory, roleBook, log } = this.deps;
    const locale = inbound.locale ?? directory.school.locale;
    const t = translator(locale);
    const actor = directory.findStaff(inbound.platform, inbound.userId);
    if (!actor) {
      // Students and strangers share the tenant: they get how to get access, and nothing else.
      log.info('turn.unknown-user', { platform: inbound.platform });
      return { messages: [{ text: t('access.unknown') }], duplicate: false };
    }
    const roles = await roleBook.rolesOf(actor.id);
    const caseActor = { staffId: actor.id, roles };
    if (isCardAction(inbound.input)) return this.cardAction(inbound.input, caseActor, inbound.platform, locale);
    const input = await this.prepareStart(inbound.input, caseActor, locale);
    if (!input) {
      // A button about a case or draft this person may not see (an old card, or a forged one).
      log.info('turn.record-denied', { platform: inbound.platform });
      return { messages: [{ text: t('case.denied') }], duplicate: false };
    }
    // The lists a `pick` step offers are read from the store only when the turn reaches such a step:
    // the engine is pure, so a turn that asked for a list not yet loaded is simply run again with it.
    // A list that is about a record (`source:recordId`) is read for that record, with the same checks.
    const loaders: Record<PickSource, (about: string) => Promise<Option[]>> = {
      myCases: () => this.caseOptions(caseActor, locale),
      agenda: () => this.deps.exceptions.agendaRequests(caseActor),
      reviewable: () => this.deps.exceptions.reviewable(caseActor),
      managed: () => this.deps.exceptions.managed(caseActor),
      caseBullies: (caseId) => this.deps.cases.bullyOptions(caseActor, caseId),
      sanctionProposals: (caseId) => this.deps.cases.proposalOptions(caseActor, caseId, locale),
      clzStaff: async () => (await roleBook.staffWithRole('clz')).map((s) => ({ value: s.id, label: s.name })),
      classSubjects: async (studentRef) => this.deps.exceptions.subjectOptions(studentRef, locale),
    };
    const loaded: Partial<Record<string, Option[]>> = {};
    const wanted = new Set<string>();
    const ctx = {
      flows: this.deps.flows,
      roles,
      locale,
      today: dayIn(directory.school.timeZone, this.deps.clock.now()),
      studentExample: directory.studentExample,
      findStudent: (text: string) => {
        const student = directory.findStudent(text);
        return student ? { ref: student.ref, display: `${student.ref} (${student.class})` } : null;
      },
      staffOptions: () =>
        directory.staff.map((s) => ({ value: s.id, label: s.name })).sort((a, b) => a.label.localeCompare(b.label, 'nl')),
      sources: new Proxy(loaded, {
        get: (target, name) => {
          if (typeof name !== 'string') return undefined;
          if (!(name in target)) wanted.add(name);
          return target[name];
        },
      }),
    };
    const runEngine = async (state: DialogState) => {
      for (;;) {
        wanted.clear();
        const outcome = handle(state, input, ctx);
        const missing = [...wanted].filter((name) => Object.hasOwn(loaders, name.split(':')[0]!));
        if (missing.length === 0) return outcome;
        for (const name of missing) {
          const [source, about = ''] = name.split(':') as [PickSource, string?];
          loaded[name] = await loaders[source](about);
        }
      }
    };

    const key = userKey(inbound);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.states.get(key);
      if (inbound.deliveryId && stored?.recentDeliveries.includes(inbound.deliveryId)) {
        log.info('turn.duplicate', { platform: inbound.platform });
        return { messages: [], duplicate: true };
      }
      const before: DialogState = stored ?? IDLE;
      const outcome = await runEngine(before);
      const draft = this.draftOf(outcome.state);
      const saved = await this.save(stored, key, draft?.state ?? outcome.state, inbound.deliveryId);
      if (!saved) continue; // someone else moved this dialog on; read again and redo the turn
      if (draft) await this.deps.exceptions.saveDraft(caseActor, draft.id, draft.state.answers);
      log.info('turn', {
        platform: inbound.platform,
        flow: outcome.state.flowId ?? before.flowId,
        step: outcome.state.stepId,
        effects: outcome.effects.length,
      });
      const messages = await this.perform(outcome.effects, { actor, roles, channel: inbound.platform, t, locale });
      return { messages, duplicate: false };
    }
    log.warn('turn.conflict', { platform: inbound.platform });
    return { messages: [{ text: t('dialog.busy') }], duplicate: false };
  }

  /**
   * What a person has open, for a channel's home screen (Slack's App Home): the procedures they may
   * start, their cases, their exception drafts and the reviews they are due to record. Null for a
   * stranger. Each item carries the card data that opens it, so the channel needs no knowledge of flows.
   */
  async overview(platform: Platform, userId: string, locale: Locale): Promise<Overview | null> {
    const { directory, roleBook, flows, exceptions } = this.deps;
    const actor = directory.findStaff(platform, userId);
    if (!actor) return null;
    const roles = await roleBook.rolesOf(actor.id);
    const caseActor = { staffId: actor.id, roles };
    const start = (flowId: string, extra: Record<string, string> = {}) => ({ zorgpad: { start: flowId, ...extra } });
    const procedures = HOME_PROCEDURES.flatMap((flowId) => {
      const flow = flows.get(flowId);
      return flow && mayStartFlow(flow, roles) ? [{ label: flow.title[locale], data: start(flowId) }] : [];
    });
    const myCases = await this.caseOptions(caseActor, locale);
    const drafts = (await exceptions.myRequests(caseActor, locale)).filter((r) => r.isDraft);
    const reviews = await exceptions.reviewable(caseActor);
    return {
      procedures,
      cases: myCases.map((c) => ({ label: c.label, data: start('zaak', { caseId: c.value }) })),
      drafts: drafts.map((d) => ({ label: d.label, data: start('uitzondering-aanvragen', { draftId: d.value }) })),
      reviews: reviews.map((r) => ({ label: r.label, data: start('evaluatie', { requestId: r.value }) })),
    };
  }

  /** The cases a person works, for `pick` steps and home screens; none for roles that do not work cases. */
  private caseOptions(actor: { staffId: string; roles: ReadonlySet<Role> }, locale: Locale): Promise<Option[]> {
    return CASE_ROLES.some((r) => actor.roles.has(r)) ? this.deps.cases.optionsFor(actor, locale) : Promise.resolve([]);
  }

  /** Votes, details and refreshes on the kernteam card: no dialog, a card back. */
  private async cardAction(action: CardAction, actor: { staffId: string; roles: ReadonlySet<Role> }, channel: string, locale: Locale): Promise<Reply> {
    const { exceptions } = this.deps;
    const t = translator(locale);
    switch (action.kind) {
      case 'vote': {
        const result = await exceptions.vote(actor, action.requestId, action.vote, action.motivation, channel, locale);
        return { messages: result.said, card: result.card, duplicate: false };
      }
      case 'refresh': {
        const shown = await exceptions.cardFor(actor, action.requestId, channel, locale);
        return shown ? { messages: shown.said, card: shown.card, duplicate: false } : { messages: [{ text: t('exception.notFound') }], duplicate: false };
      }
      case 'details': {
        const result = await exceptions.details(actor, action.requestId, channel, locale);
        return { messages: result.ok ? result.said : [{ text: t(result.reason === 'denied' ? 'exception.details.denied' : 'exception.notFound') }], duplicate: false };
      }
      case 'snooze': {
        const done = await this.deps.scheduler.snooze(actor.staffId, action.jobId);
        return { messages: [{ text: t(done ? 'reminder.snoozed' : 'reminder.snoozeFailed') }], duplicate: false };
      }
    }
  }

  /**
   * In a flow that keeps a draft, the draft's id travels with the answers; a new one is made on the
   * first answer. Returns null outside such flows.
   */
  private draftOf(state: DialogState): { id: string; state: DialogState } | null {
    const flow = state.flowId ? this.deps.flows.get(state.flowId) : undefined;
    if (!flow?.draft) return null;
    const existing = state.answers.draftId?.value;
    if (typeof existing === 'string') return { id: existing, state };
    const id = `req-${this.deps.newId()}`;
    return { id, state: { ...state, answers: { ...state.answers, draftId: { value: id, display: '' } } } };
  }

  private get states() {
    return this.deps.store.collection<DialogStateRecord>('dialogStates');
  }

  private async save(
    stored: DialogStateRecord | null,
    key: string,
    state: DialogState,
    deliveryId: string | undefined,
  ): Promise<DialogStateRecord | null> {
    const recentDeliveries = deliveryId
      ? [...(stored?.recentDeliveries ?? []), deliveryId].slice(-RECENT_DELIVERIES)
      : (stored?.recentDeliveries ?? []);
    const record = {
      id: key,
      userKey: key,
      schoolId: this.deps.directory.school.id,
      flowId: state.flowId,
      stepId: state.stepId,
      answers: state.answers,
      history: state.history,
      updatedAt: this.deps.clock.now(),
      recentDeliveries,
    };
    if (stored) return this.states.update({ ...record, version: stored.version });
    try {
      return await this.states.create(record);
    } catch (error) {
      if (error instanceof DuplicateRecordError) return null;
      throw error;
    }
  }

  private async perform(effects: Effect[], ctx: TurnContext): Promise<OutboundMessage[]> {
    const messages: OutboundMessage[] = [];
    for (const effect of effects) {
      switch (effect.kind) {
        case 'say':
          messages.push({ text: effect.text });
          break;
        case 'ask':
          messages.push({ text: questionText(effect.question), card: this.deps.cards.question(effect.question, ctx.locale) });
          break;
        case 'card': {
          const card = this.deps.cards.render(effect.template, { ...effect.data, locale: ctx.locale });
          messages.push({ text: cardText(card), card });
          break;
        }
        case 'command': {
          const handler = this.deps.commands.get(effect.name);
          const said = handler ? await this.runCommand(handler, effect, ctx) : [{ text: ctx.t('command.failed') }];
          messages.push(...said);
          break;
        }
      }
    }
    return messages;
  }

  private async runCommand(
    handler: CommandHandler,
    effect: Extract<Effect, { kind: 'command' }>,
    ctx: TurnContext,
  ): Promise<OutboundMessage[]> {
    try {
      return await handler({ ...ctx, answers: effect.answers, args: effect.args });
    } catch (error) {
      this.deps.log.error('command.failed', { command: effect.name, error: error instanceof Error ? error.name : 'unknown' });
      return [{ text: ctx.t('command.failed') }];
    }
  }

  /**
   * A button that opens a flow about a case carries only the case id; the label shown in prompts
   * comes from the store. A button that resumes a draft carries its id; its answers come from the
   * store. Null when this person may not work the case or does not own the draft.
   */
  private async prepareStart(input: Input, actor: { staffId: string; roles: ReadonlySet<Role> }, locale: Locale): Promise<Input | null> {
    if (input.kind !== 'start') return input;
    const caseId = input.answers?.caseId?.value;
    if (typeof caseId === 'string') {
      const label = await this.deps.cases.labelFor(actor, caseId);
      if (!label) return null;
      return { ...input, answers: { ...input.answers, caseId: { value: caseId, display: label } } };
    }
    const draftId = input.answers?.draftId?.value;
    if (typeof draftId === 'string') {
      const answers = await this.deps.exceptions.draftAnswers(actor, draftId, locale);
      return answers ? { ...input, answers, resume: true } : null;
    }
    const requestId = input.answers?.requestId?.value;
    if (typeof requestId === 'string') {
      const option = (await this.deps.exceptions.reviewable(actor)).find((o) => o.value === requestId);
      return option ? { ...input, answers: { ...input.answers, requestId: { value: requestId, display: option.label } } } : null;
    }
    const jobId = input.answers?.jobId?.value;
    if (typeof jobId === 'string') {
      const job = await this.deps.store.jobs.get(jobId);
      return job?.payload.staffId === actor.staffId ? input : null;
    }
    return input;
  }
}

function isCardAction(input: Input | CardAction): input is CardAction {
  return input.kind === 'vote' || input.kind === 'details' || input.kind === 'refresh' || input.kind === 'snooze';
}

/** Dialog state is kept per platform, tenant, user and conversation. */
export function userKey(inbound: Pick<Inbound, 'platform' | 'tenantId' | 'userId' | 'conversationId'>): string {
  return [inbound.platform, inbound.tenantId, inbound.userId, inbound.conversationId].join('|');
}

/** The question as plain text, for clients that show no cards and for notifications. */
export function questionText(question: Question): string {
  if (question.options.length === 0) return question.prompt;
  return [question.prompt, ...question.options.map((o, i) => `${i + 1}. ${o.label}`)].join('\n');
}

/** The text blocks of a card, for clients that show no cards. */
export function cardText(card: AdaptiveCardJson): string {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const element = node as Record<string, unknown>;
      if (element.type === 'TextBlock' && typeof element.text === 'string') texts.push(element.text);
      for (const key of ['body', 'items', 'columns', 'facts']) walk(element[key]);
      if (element.type === 'FactSet') {
        for (const fact of (element.facts as Array<{ title: string; value: string }>) ?? []) texts.push(`${fact.title}: ${fact.value}`);
      }
    }
  };
  walk(card.body);
  return texts.join('\n');
}

