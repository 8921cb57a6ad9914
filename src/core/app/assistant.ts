// Longer than 350 lines: one turn from end to end (identify, load, engine, the one commit, carry out, reply),
// read top to bottom.
import type { CardAction } from '../cards/submit.js';
import type { AdaptiveCardJson, CardRenderer } from '../cards/render.js';
import { translator, type Locale, type Translate } from '../i18n/index.js';
import type { RoleBook } from '../people/role-book.js';
import type { Platform, SchoolDirectory } from '../people/school.js';
import { IDLE, type DialogState, type Effect, type Input, type Outcome } from '../protocol/engine.js';
import { raisesSexualImage } from '../protocol/safeguard.js';
import type { Flow } from '../protocol/schema.js';
import type { DialogStateRecord, PendingTurn } from './dialog-state.js';
import { inOperation } from '../kernel/operation.js';
import type { Clock, Logger, Store } from '../kernel/ports.js';
import { createIfAbsent } from '../kernel/records.js';
import type { Actor, OutboundMessage } from '../turn.js';
import type { CommandContext, CommandHandler } from './command.js';
import type { Overview } from './home.js';
import { engineRunner } from './engine-runner.js';
import type { Inbound } from './inbound.js';
import type { ActionContext, Registry } from './registry.js';
import { cardText, fingerprint, isCardAction, questionText, userKey } from './turn-text.js';

export type { Inbound } from './inbound.js';
export type { OutboundMessage };
export type { Overview, OverviewItem } from './home.js';
export { cardText, questionOf, questionText, userKey } from './turn-text.js';
export type { DialogStateRecord, PendingTurn } from './dialog-state.js';

export interface Reply {
  messages: OutboundMessage[];
  /** For a card action: the card that takes the clicked card's place (Teams answers the invoke with it). */
  card?: AdaptiveCardJson;
  /**
   * For an answer given on a question's card: that question, settled with the answer and without
   * buttons, for the channel to put in the card's place (Teams' invoke answer, Slack's chat.update).
   */
  settled?: AdaptiveCardJson;
  /**
   * Which question `settled` is about (`flowId/stepId`, see `questionOf`): a channel that puts it in the
   * place of the last question it asked checks that its note is of that question (the dialog may have
   * gone on in a window since, or the click was on an older card).
   */
  about?: string;
  /**
   * The question that was open, closed without an answer by a button on another card (a notification,
   * a menu, an old card), and which question it is: for the channel to put in the place of the last
   * question it asked, when that is this one.
   */
  closed?: { card: AdaptiveCardJson; question: string };
  /** The question open after this turn, for a window (Slack) to know which dialog it shows. */
  open?: { flowId: string; stepId: string };
  /** The title of the procedure this reply belongs to, for a window (Slack) to name it. */
  title?: string;
  /** True when this delivery was seen before; nothing was done. */
  duplicate: boolean;
}

/** Everything a reply shows, in order, for a channel that cannot put a card in the clicked card's place. */
export function replyMessages(reply: Reply): OutboundMessage[] {
  return reply.card ? [...reply.messages, { text: '', card: reply.card }] : reply.messages;
}

/** Attempts to finish a pending turn before it is given up (kept, and the person told). */
const MAX_FINISH_ATTEMPTS = 5;

export interface AssistantDeps {
  store: Store;
  newId: () => string;
  flows: ReadonlyMap<string, Flow>;
  cards: CardRenderer;
  directory: SchoolDirectory;
  roleBook: RoleBook;
  /**
   * What the installed modules add (registry.ts): the commands dialogs call, card actions, the checks on
   * buttons that start a flow about a record, where drafts are kept, the lists of `pick` steps.
   */
  registry: Registry;
  /** What a person has open, for a channel's home screen (home.ts `overview`). */
  overview: (platform: Platform, userId: string, locale: Locale) => Promise<Overview | null>;
  clock: Clock;
  log: Logger;
}

type TurnContext = Omit<CommandContext, 'answers' | 'args' | 'sexualImage'>;

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
    const presser = { staffId: actor.id, roles };
    if (isCardAction(inbound.input)) return this.cardAction(inbound.input, presser, inbound.platform, locale);
    const input = await this.prepareStart(inbound.input, { actor: presser, channel: inbound.platform, locale, t });
    if (!input) {
      // A button about a case or draft this person may not see (an old card, or a forged one).
      log.info('turn.record-denied', { platform: inbound.platform });
      return { messages: [{ text: t('case.denied') }], duplicate: false };
    }
    const runEngine = engineRunner(this.deps, input, { actor, roles, locale });

    const key = userKey(inbound);
    const turnContext: TurnContext = { actor, roles, channel: inbound.platform, t, locale };
    const sent = fingerprint(input);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      let stored = await this.states.get(key);
      let finished: OutboundMessage[] = [];
      if (stored?.pending) {
        // An earlier turn was written but not carried out in full: finish it first.
        const result = await this.finishPending(stored, turnContext);
        if (!result) continue;
        if (result.input === sent) return { messages: result.messages, duplicate: false };
        stored = result.state;
        finished = result.messages;
      }
      if (inbound.deliveryId && stored?.recentDeliveries.includes(inbound.deliveryId)) {
        const last = stored.lastTurn;
        if (inbound.rerun && last?.deliveryId === inbound.deliveryId) {
          log.info('turn.rerun', { platform: inbound.platform });
          return { messages: [...finished, ...(await this.perform(last.effects, turnContext, last.id))], duplicate: false };
        }
        log.info('turn.duplicate', { platform: inbound.platform });
        return { messages: finished, duplicate: finished.length === 0 };
      }
      const before: DialogState = stored ?? IDLE;
      const outcome = await runEngine(before);
      const draft = this.draftOf(outcome.state);
      // A turn that changed no answer (a refused one, help, a form shown again) leaves the draft as it is.
      const changed = draft !== null && (draft.state.flowId !== before.flowId || JSON.stringify(draft.state.answers) !== JSON.stringify(before.answers));
      const work = outcome.effects.some((e) => e.kind === 'command') || changed;
      const turnId = `${key}|${inbound.deliveryId ?? this.deps.newId()}`;
      const pending: PendingTurn | null = work
        ? {
            id: turnId,
            input: sent,
            effects: outcome.effects,
            draft: draft && changed ? { id: draft.id, answers: draft.state.answers } : null,
            attempts: 0,
          }
        : null;
      // One conditional write: the new dialog state, the delivery id and the work the turn will do.
      const lastTurn = inbound.deliveryId ? { id: turnId, deliveryId: inbound.deliveryId, effects: outcome.effects } : null;
      const saved = await this.save(stored, key, draft?.state ?? outcome.state, inbound.deliveryId, pending, lastTurn);
      if (!saved) continue; // someone else moved this dialog on; read again and redo the turn
      log.info('turn', {
        platform: inbound.platform,
        flow: outcome.state.flowId ?? before.flowId,
        step: outcome.state.stepId,
        effects: outcome.effects.length,
      });
      const messages = saved.pending ? (await this.carryOut(saved, turnContext)).messages : await this.perform(outcome.effects, turnContext, null);
      const flowId = outcome.state.flowId ?? before.flowId;
      const title = flowId ? this.deps.flows.get(flowId)?.title[locale] : undefined;
      const open = outcome.state.flowId && outcome.state.stepId ? { flowId: outcome.state.flowId, stepId: outcome.state.stepId } : undefined;
      return {
        messages: [...finished, ...messages],
        duplicate: false,
        ...this.settledCards(input, before, outcome, t),
        ...(open ? { open } : {}),
        ...(title ? { title } : {}),
      };
    }
    log.warn('turn.conflict', { platform: inbound.platform });
    return { messages: [{ text: t('dialog.busy') }], duplicate: false };
  }

  /**
   * The cards that settle questions after a turn, without buttons. `settled` takes the place of the card
   * the input came from (a click) or, typed, of the last question asked: the question answered, the one
   * left open (stop, back, another procedure) or, clicked on an old card, that card's question, closed.
   * `closed`: the open question left by a button on another card, to be settled where it was asked.
   */
  private settledCards(input: Input, before: DialogState, outcome: Outcome, t: Translate): Pick<Reply, 'settled' | 'about' | 'closed'> {
    const { cards } = this.deps;
    const closedCard = (prompt: string) => cards.render('answered', { prompt, answer: t('card.closed') });
    const open = before.flowId && before.stepId ? `${before.flowId}/${before.stepId}` : null;
    const answeredCard = (prompt: string, answer: string) => cards.render('answered', { prompt, answer: t('card.yourAnswer', { answer }) });
    const answered = outcome.answered ? answeredCard(outcome.answered.prompt, outcome.answered.answer) : undefined;
    const closed = outcome.closed ? closedCard(outcome.closed.prompt) : undefined;
    const settled = (card: AdaptiveCardJson | undefined, about: string | null) => (card ? { settled: card, ...(about ? { about } : {}) } : {});
    const leftOpen = closed && open ? { closed: { card: closed, question: open } } : {};
    switch (input.kind) {
      case 'text':
        return settled(answered ?? closed, open);
      case 'answer':
        // A button of a question that is not the open one: that card settles (an old menu's option, chosen;
        // otherwise closed); the open one closes too, when the button started something else.
        if (outcome.stale) {
          const { prompt, answer } = outcome.stale;
          return { ...settled(answer === undefined ? closedCard(prompt) : answeredCard(prompt, answer), `${input.flowId}/${input.stepId}`), ...leftOpen };
        }
        return settled(answered ?? closed, open);
      case 'start':
        return leftOpen;
      case 'close':
        // The question was in the window just closed: nothing left to settle.
        return {};
    }
  }

  /**
   * What is wrong with the values a form's card or window sent, per input (`formInputId`), before the turn
   * that takes them: for Slack, which shows it beside each field in the window. Read only: nothing is
   * written. Null when nothing is wrong, when it is no form, or when this cannot be said now (the turn
   * then says it).
   */
  async formErrors(inbound: Inbound): Promise<Record<string, string> | null> {
    const input = inbound.input;
    if (isCardAction(input) || input.kind !== 'answer' || !input.fields) return null;
    const actor = this.deps.directory.findStaff(inbound.platform, inbound.userId);
    if (!actor) return null;
    const stored = await this.states.get(userKey(inbound));
    if (!stored || stored.pending) return null;
    const roles = await this.deps.roleBook.rolesOf(actor.id);
    const outcome = await engineRunner(this.deps, input, { actor, roles, locale: inbound.locale ?? this.deps.directory.school.locale })(stored);
    return outcome.formErrors ?? null;
  }

  /** What a person has open, for a channel's home screen (home.ts). */
  overview(platform: Platform, userId: string, locale: Locale): Promise<Overview | null> {
    return this.deps.overview(platform, userId, locale);
  }

  /** A card action (a vote, a snooze): no dialog; the module that defines it answers, with a card back or a line to say. */
  private async cardAction(action: CardAction, actor: Actor, channel: string, locale: Locale): Promise<Reply> {
    const t = translator(locale);
    const { kind, ...payload } = action as { kind: string } & Record<string, unknown>;
    const handler = this.deps.registry.action(kind);
    if (!handler) {
      // A button of a module this app does not have (parsed by a parser that knew it from another app).
      this.deps.log.warn('turn.unknown-action', { action: kind });
      return { messages: [{ text: t('error.badRequest') }], duplicate: false };
    }
    const reply = await handler({ actor, channel, locale, t }, payload);
    return { messages: reply.messages, ...(reply.card ? { card: reply.card } : {}), duplicate: false };
  }

  /**
   * In a flow that keeps a draft, the draft's id travels with the answers; a new one is made on the
   * first answer. Returns null outside such flows.
   */
  private draftOf(state: DialogState): { id: string; state: DialogState } | null {
    const keeper = this.draftKeeper(state.flowId);
    if (!keeper) return null;
    const existing = state.answers.draftId?.value;
    if (typeof existing === 'string') return { id: existing, state };
    const id = `${keeper.idPrefix}${this.deps.newId()}`;
    return { id, state: { ...state, answers: { ...state.answers, draftId: { value: id, display: '' } } } };
  }

  /** Where the flow keeps its draft (`draft:` in its file; the module that keeps it, registry.ts); none for other flows. */
  private draftKeeper(flowId: string | null): ReturnType<Registry['draft']> {
    const kind = flowId ? this.deps.flows.get(flowId)?.draft : undefined;
    return kind ? this.deps.registry.draft(kind) : undefined;
  }

  private get states() {
    return this.deps.store.collection('dialogStates');
  }

  /**
   * Carries out a written turn: the draft, then the effects in order (each domain command as an
   * operation of this turn), then clears it. A failure leaves it written, to be finished later.
   */
  private async carryOut(state: DialogStateRecord, ctx: TurnContext): Promise<{ messages: OutboundMessage[]; cleared: DialogStateRecord | null }> {
    const pending = state.pending!;
    const actor = { staffId: ctx.actor.id, roles: ctx.roles };
    if (pending.draft) {
      const { id, answers } = pending.draft;
      // The state was written with the draft: its flow is the one that keeps it.
      const keeper = this.draftKeeper(state.flowId);
      if (!keeper) throw new Error(`no draft keeper for flow ${state.flowId ?? '(none)'}`);
      await inOperation(`${pending.id}:draft`, () => keeper.keep(actor, id, answers));
    }
    const messages = await this.perform(pending.effects, ctx, pending.id);
    // Cleared only if nobody wrote since; otherwise the next turn finds it and finishes it (a no-op).
    const cleared = await this.states.update({ ...state, pending: null });
    return { messages, cleared };
  }

  /**
   * Finishes a turn an earlier attempt wrote but did not carry out in full. Counts the attempt first;
   * a turn that keeps failing is given up (kept as `abandoned`) and the person told so. Null when the
   * state changed meanwhile (read again).
   */
  private async finishPending(stored: DialogStateRecord, ctx: TurnContext): Promise<{ state: DialogStateRecord; messages: OutboundMessage[]; input: string } | null> {
    const pending = stored.pending!;
    if (pending.attempts >= MAX_FINISH_ATTEMPTS) {
      this.deps.log.error('turn.abandoned', { attempts: pending.attempts });
      const state = await this.states.update({ ...stored, pending: null, abandoned: pending });
      return state ? { state, messages: [{ text: ctx.t('error.abandoned') }], input: pending.input } : null;
    }
    const counted = await this.states.update({ ...stored, pending: { ...pending, attempts: pending.attempts + 1 } });
    if (!counted) return null;
    this.deps.log.info('turn.finish-pending', { attempts: pending.attempts + 1 });
    const { messages, cleared } = await this.carryOut(counted, ctx);
    // Someone wrote meanwhile (or the state was erased): read what is there now.
    return { state: cleared ?? (await this.states.get(counted.id)) ?? counted, messages, input: pending.input };
  }

  private async save(
    stored: DialogStateRecord | null,
    key: string,
    state: DialogState,
    deliveryId: string | undefined,
    pending: PendingTurn | null = null,
    lastTurn: DialogStateRecord['lastTurn'] = null,
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
      parked: state.parked ?? null,
      updatedAt: this.deps.clock.now(),
      recentDeliveries,
      pending,
      lastTurn: lastTurn ?? stored?.lastTurn ?? null,
      ...(stored?.abandoned ? { abandoned: stored.abandoned } : {}),
    };
    return stored ? this.states.update({ ...record, version: stored.version }) : createIfAbsent(this.states, record);
  }


  /** What the effects say, in order; each domain command runs as operation `turnId:i` of the turn. */
  private async perform(effects: Effect[], ctx: TurnContext, turnId: string | null): Promise<OutboundMessage[]> {
    const messages: OutboundMessage[] = [];
    for (const [index, effect] of effects.entries()) {
      switch (effect.kind) {
        case 'say':
          messages.push({ text: effect.text });
          break;
        case 'ask':
          messages.push({ text: questionText(effect.question), card: this.deps.cards.question(effect.question, ctx.locale), question: true });
          break;
        case 'card': {
          const card = this.deps.cards.render(effect.template, { ...effect.data, locale: ctx.locale });
          messages.push({ text: cardText(card), card });
          break;
        }
        case 'command': {
          const handler = this.deps.registry.commands.get(effect.name);
          const run = () => (handler ? this.runCommand(handler, effect, ctx) : Promise.resolve([{ text: ctx.t('command.failed') }]));
          const said = turnId ? await inOperation(`${turnId}:${index}`, run) : await run();
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
      const flow = this.deps.flows.get(effect.flowId);
      const sexualImage = flow ? raisesSexualImage(flow, effect.answers) : false;
      return await handler({ ...ctx, answers: effect.answers, args: effect.args, sexualImage });
    } catch (error) {
      // Not swallowed: the turn stays written and is finished later, so nothing the person gave is lost.
      this.deps.log.error('command.failed', { command: effect.name, error: error instanceof Error ? error.name : 'unknown' });
      throw error;
    }
  }

  /**
   * A button that opens a flow about a record (a case, a draft, a request, a reminder) carries only its id:
   * the first start guard a module installed for a field the button hands over fills in what the flow
   * shows (from the store) and checks the person may see it (registry.ts `defineStart`). Null when not.
   */
  private async prepareStart(input: Input, ctx: ActionContext): Promise<Input | null> {
    if (input.kind !== 'start') return input;
    const start = this.deps.registry.starts.find((s) => typeof input.answers?.[s.name]?.value === 'string');
    return start ? start.guard(ctx, input) : input;
  }
}
