// Longer than 350 lines: every Slack listener (events, commands, buttons, windows) and what they share.
import type { App, Context } from '@slack/bolt';
import type { ExtendedErrorHandler } from '@slack/bolt/dist/App.js';
import type { ModalView } from '@slack/types';
import type { SharedNotes } from '../../core/kernel/transient.js';
import type { AdaptiveCardJson } from '../../core/cards/render.js';
import { replyMessages, type Assistant, type Inbound, type OutboundMessage, type Reply } from '../../core/app/assistant.js';
import { parseCardSubmit, type CardAction } from '../../core/cards/submit.js';
import { translator, type Locale, type MessageKey, type Translate } from '../../core/i18n/index.js';
import { CONTROL_PREFIX, FORM_WORD, type Input } from '../../core/protocol/engine.js';
import type { Logger } from '../../core/kernel/ports.js';
import { clip, decodeButton, fitBlocks, LIMITS, mrkdwn, splitText, toMessages, translateCard, type SlackBlock, slackText } from './blocks.js';
import { homeView } from './home.js';
import { TurnNotHere, unwrap, type InboxContext } from './receiver.js';
import { deliveryKey, inputValues, interactionOf, isAppHomeOpened, isMessageEvent, requestOf, type BlockActions } from './requests.js';
import { LastQuestion } from '../../core/notify/last-question.js';

type Client = App['client'];
/** What a turn needs to know of the inbox entry it runs for (receiver.ts). */
type Work = Pick<InboxContext, 'inboxId' | 'replay'>;

/** Slash-command words and what they mean to the core (typed text works just as well). */
const SUBCOMMANDS: Record<string, string> = {
  pesten: 'pesten melden',
  cyberpesten: 'cyberpesten',
  uitzondering: 'uitzondering aanvragen',
  'mijn zaken': 'mijn zaken',
  zaken: 'mijn zaken',
  help: 'help',
  '': 'help',
};

const DIALOG_VIEW = 'zorgpad.dialog';
/** How long a form's values may take to check before the window is answered (Slack waits 3 s in all). */
const FORM_CHECK_MS = 1_500;
/** The metadata event type of a turn's reply messages (their inbox entry and part): what a run after a crash looks for. */
const REPLY_EVENT = 'zorgpad_reply';
const VOTE_VIEW = 'zorgpad.vote';

/**
 * Slack in, core turn, Slack out. Every listener acknowledges first and works after: modals are opened
 * with the trigger at once (it expires after 3 s) and filled in with `views.update`.
 */
export class SlackBot {
  constructor(
    private readonly app: App,
    private readonly assistant: Assistant,
    private readonly locale: Locale,
    private readonly log: Logger,
    /** Called after every turn: deliver what it queued without waiting for the next tick. */
    private readonly afterTurn: () => void,
    /** Hands messages that could not be posted to the outbox, which retries them in order. */
    private readonly later: (user: string, messages: OutboundMessage[]) => Promise<void>,
    /** The last question posted in each person's DM ("channel ts"), to settle it when the answer is typed (any worker). */
    lastQuestion: SharedNotes,
  ) {
    this.lastQuestion = new LastQuestion(lastQuestion, (ref) => {
      const [channel, ts] = ref.split(' ');
      return channel && ts ? { channel, ts } : null;
    });
  }

  /** The last question posted in each person's DM (noted as `channel ts`). */
  private readonly lastQuestion: LastQuestion<{ channel: string; ts: string }>;

  private get client(): Client {
    return this.app.client;
  }

  private get t(): Translate {
    return translator(this.locale);
  }

  register(): void {
    const { app } = this;

    app.command(/^\/zorgpad$/, async ({ ack, context }) => {
      await ack();
      const { command } = requestOf(context, 'command');
      const opened = await this.openLoading(command.trigger_id);
      const sub = command.text.trim().toLowerCase().replace(/\s+/g, ' ');
      // Only the subcommands themselves: "constructor" or "__proto__" are just text.
      const text = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub]! : command.text.trim();
      const reply = await this.turn(command.team_id, command.user_id, `command:${command.trigger_id}`, { kind: 'text', text }, workOf(context));
      await this.showInModal(opened, reply, command.user_id, workOf(context));
      // Typed, like a message: it settles the last question asked in the DM, when that was the open one.
      await this.settleLast(command.user_id, reply.settled, reply.about);
    });

    app.event('message', async ({ context }) => {
      const request = requestOf(context, 'event');
      const m = request.event.event;
      if (!isMessageEvent(m)) return;
      // Only what a person types in their direct messages with Zorgpad; never our own messages.
      if (m.channel_type !== 'im' || m.subtype || m.bot_id || !m.user || !m.text?.trim()) return;
      const reply = await this.turn(request.event.team_id, m.user, `event:${request.event.event_id}`, { kind: 'text', text: m.text.trim() }, workOf(context));
      // A typed answer, stop, back or another procedure settles the question's message: its answer, or
      // that it is closed, shown; its buttons gone.
      await this.settleLast(m.user, reply.settled, reply.about);
      await this.post(m.channel, replyMessages(reply), m.user, workOf(context));
    });

    app.event('app_home_opened', async ({ context }) => {
      const { event } = requestOf(context, 'event').event;
      if (!isAppHomeOpened(event)) return;
      if (event.tab && event.tab !== 'home') return;
      await this.publishHome(event.user);
    });

    app.action(/^zp\./, async ({ ack, context }) => {
      await ack();
      await this.onAction(interactionOf(context, 'block_actions'), workOf(context));
    });

    app.view(VOTE_VIEW, async ({ ack, context }) => {
      const submission = interactionOf(context, 'view_submission');
      const motivation = String(inputValues(submission.view.state).motivation ?? '').trim();
      // Checked before the modal closes, so the person can correct it in place.
      if (motivation.length < 3) {
        await ack({ response_action: 'errors', errors: { motivation: this.t('exception.vote.motivationRequired') } });
        return;
      }
      await ack();
      const data = parseMetadata(submission.view.private_metadata);
      const input = parseCardSubmit({ ...(data as object), motivation });
      if (!input || input.kind !== 'vote') return;
      const reply = await this.turn(submission.team?.id ?? '', submission.user.id, `view:${submission.view.id}`, input, workOf(context));
      await this.post(submission.user.id, reply.messages, submission.user.id, workOf(context));
    });

    app.view(DIALOG_VIEW, async ({ ack, context }) => {
      const submission = interactionOf(context, 'view_submission');
      const data = parseMetadata(submission.view.private_metadata);
      const input = data ? parseCardSubmit(withInputs(data, inputValues(submission.view.state))) : null;
      // A form: a field that is not right is said beside it, in the window, and nothing is kept.
      const errors = input && !workOf(context).replay ? await this.formErrors(submission.team?.id ?? '', submission.user.id, input) : null;
      if (errors) {
        await ack({ response_action: 'errors', errors });
        return;
      }
      // The next question replaces this one in the same window; first say we are on it.
      await ack({ response_action: 'update', view: this.loadingView() });
      if (!input) {
        await this.updateModal(submission.view.id, { messages: [{ text: this.t('error.badRequest') }], duplicate: false });
        return;
      }
      // The same window asks question after question: the delivery id names the question answered.
      const request = requestOf(context, 'interaction');
      const reply = await this.turn(submission.team?.id ?? '', submission.user.id, deliveryKey(request) ?? `view:${submission.view.id}`, input, workOf(context));
      await this.updateModal(submission.view.id, reply);
      await this.settleLast(submission.user.id, reply.closed?.card, reply.closed?.question);
    });

    // A dialog's window closed (opened with notify_on_close): the dialog it showed is parked with its
    // answers, so that what is typed next is not taken for an answer to a question no longer in view.
    app.view({ callback_id: DIALOG_VIEW, type: 'view_closed' }, async ({ ack, context }) => {
      await ack();
      const closed = interactionOf(context, 'view_closed');
      const shown = windowOf(parseMetadata(closed.view.private_metadata));
      if (!shown) return; // a finished window, or one still loading: no dialog in view
      const request = requestOf(context, 'interaction');
      const user = closed.user.id;
      const reply = await this.turn(closed.team?.id ?? '', user, deliveryKey(request) ?? `closed:${closed.view.id}`, { kind: 'close', ...shown }, workOf(context));
      await this.post(user, reply.messages, user, workOf(context));
    });

    // With the extended handler (routes.ts): the request's context, to mark its inbox entry failed.
    const onError: ExtendedErrorHandler = async ({ error, context }) => {
      if (unwrap(error) instanceof TurnNotHere) return; // not a failure: the turn runs elsewhere or later
      const outcome: unknown = context?.outcome;
      if (isOutcome(outcome)) outcome.failed = true;
      this.log.error('slack.error', { error: error.code ?? error.name });
    };
    app.error(onError);
  }

  private async onAction(action: BlockActions, work: Work): Promise<void> {
    const clicked = action.actions[0]!;
    const decoded = clicked.value ? decodeButton(clicked.value) : null;
    if (!decoded) return; // a link button: Slack opened the link
    const state = action.view?.state ?? action.state;
    const input = parseCardSubmit(decoded.withInputs ? withInputs(decoded.data, inputValues(state)) : decoded.data);
    const team = action.team?.id ?? '';
    const user = action.user.id;
    const deliveryId = `action:${action.trigger_id}`;
    if (!input) {
      await this.post(user, [{ text: this.t('error.badRequest') }]);
      return;
    }
    if (input.kind === 'answer' && input.value === `${CONTROL_PREFIX}${FORM_WORD}` && action.container?.type !== 'view') {
      // A form in direct messages, to fill in in a window: all its fields at once, sent together.
      const opened = await this.openLoading(action.trigger_id);
      const reply = await this.turn(team, user, deliveryId, input, work);
      await this.showInModal(opened, reply, user, work);
      return;
    }
    if (input.kind === 'vote') {
      // The motivation is asked in a modal; the trigger must be used within 3 s. Run later than that
      // (after a restart), the window cannot open: the person is asked to press again.
      try {
        await this.client.views.open({ trigger_id: action.trigger_id, view: this.voteView(input) });
      } catch (error) {
        this.log.warn('slack.modal-open-failed', { error: errorCode(error) });
        await this.post(user, [{ text: this.t('slack.pressAgain') }], user);
      }
      return;
    }
    const inModal = action.container?.type === 'view' && action.view && action.view.type !== 'home';
    if (inModal) {
      await this.client.views.update({ view_id: action.view!.id, view: this.loadingView() });
      const reply = await this.turn(team, user, deliveryId, input, work);
      await this.updateModal(action.view!.id, reply);
      await this.settleLast(user, reply.closed?.card, reply.closed?.question);
      return;
    }
    if (action.container?.type === 'view' || input.kind === 'details') {
      // From the home tab, and details: in a window of their own.
      const opened = await this.openLoading(action.trigger_id);
      const reply = await this.turn(team, user, deliveryId, input, work);
      await this.showInModal(opened, reply, user, work);
      await this.settleLast(user, reply.closed?.card, reply.closed?.question);
      if (action.container?.type === 'view') await this.publishHome(user);
      return;
    }
    const channel = action.container?.channel_id ?? action.channel?.id ?? user;
    const reply = await this.turn(team, user, deliveryId, input, work);
    // An answered question settles in place: its answer (or that it is closed), no buttons; what comes
    // next is posted after it. A button on another message that leaves the open question closes that one.
    const ts = action.container?.message_ts;
    if (reply.settled && ts && action.container?.channel_id) {
      await this.settle(action.container.channel_id, ts, reply.settled);
      await this.lastQuestion.forget(user, `${action.container.channel_id} ${ts}`);
    }
    await this.settleLast(user, reply.closed?.card, reply.closed?.question);
    await this.post(channel, replyMessages(reply), user, work);
  }

  /**
   * A core turn for the request an inbox entry holds. Run again after a process died (`replay`), the
   * core gives the turn's reply again when the turn was made, instead of taking it for a repeat.
   */
  private async turn(team: string, user: string, deliveryId: string, input: Input | CardAction, work: Work): Promise<Reply> {
    const inbound: Inbound = {
      platform: 'slack',
      tenantId: team || 'slack',
      userId: user,
      // One conversation per person: a dialog begun in a modal can be continued in direct messages.
      conversationId: 'personal',
      deliveryId,
      locale: this.locale,
      input,
      ...(work.replay ? { rerun: true } : {}),
    };
    try {
      return await this.assistant.handle(inbound);
    } finally {
      this.afterTurn();
    }
  }

  /**
   * Posts messages in a conversation (a DM channel, or a user id for their DM with the app). When Slack
   * refuses one, it and the ones after it go to the outbox for this person (retried with back-off, in
   * order), so the person always gets the question, once. The reply of an inbox entry's turn carries the
   * entry's id in Slack's message metadata; run again after a process died (`work.replay`), it first
   * asks Slack which of its messages arrived before, and posts only the others.
   */
  async post(channel: string, messages: OutboundMessage[], user?: string, work?: Work): Promise<void> {
    const turn = work?.inboxId;
    const posted = turn && work.replay ? await this.postedBefore(channel, user, turn) : new Map<number, { channel: string; ts: string }>();
    let part = 0;
    const send = async (text: string, blocks?: SlackBlock[]): Promise<{ channel?: string; ts?: string }> => {
      const n = part++;
      const before = posted.get(n);
      if (before) return before;
      return this.client.chat.postMessage({
        channel,
        text,
        ...(blocks ? { blocks } : { mrkdwn: false }),
        ...(turn ? { metadata: { event_type: REPLY_EVENT, event_payload: { turn, part: n } } } : {}),
      });
    };
    for (const [index, message] of messages.entries()) {
      try {
        if (message.card) {
          for (const piece of toMessages(this.withWindowButton(message.card))) {
            const sent = await send(piece.text, piece.blocks);
            if (message.question && user && sent.channel && sent.ts) await this.lastQuestion.remember(user, `${sent.channel} ${sent.ts}`, message.card);
          }
        } else if (message.text) {
          for (const piece of splitText(message.text, LIMITS.sectionText)) await send(slackText(piece));
        }
      } catch (error) {
        this.log.warn('slack.reply-failed', { error: errorCode(error), left: messages.length - index });
        await this.later(user ?? channel, messages.slice(index));
        return;
      }
    }
  }

  /**
   * Which parts of a turn's reply Slack already has (a run before this one posted them and died before
   * its entry was done): the newest messages of the conversation, by their metadata. When Slack cannot
   * say, none: the reply is posted in full (a person may then read a part twice, never miss one).
   */
  private async postedBefore(channel: string, user: string | undefined, turn: string): Promise<Map<number, { channel: string; ts: string }>> {
    const parts = new Map<number, { channel: string; ts: string }>();
    try {
      const id = channel.startsWith('U') ? ((await this.client.conversations.open({ users: user ?? channel })).channel?.id ?? channel) : channel;
      const history = await this.client.conversations.history({ channel: id, limit: 100, include_all_metadata: true });
      for (const message of history.messages ?? []) {
        const metadata = message.metadata as { event_type?: string; event_payload?: { turn?: unknown; part?: unknown } } | undefined;
        const part = metadata?.event_type === REPLY_EVENT && metadata.event_payload?.turn === turn ? metadata.event_payload.part : undefined;
        if (typeof part === 'number' && message.ts) parts.set(part, { channel: id, ts: message.ts });
      }
      if (parts.size > 0) this.log.info('slack.reply-found', { parts: parts.size });
    } catch (error) {
      this.log.warn('slack.history-failed', { error: errorCode(error) });
    }
    return parts;
  }

  /**
   * What the values a form's window sent get wrong, per block, before the turn (read only). Null when all
   * is well, when it is no form, or when it takes too long to say: then the turn says it in the window.
   */
  private async formErrors(team: string, user: string, input: Input | CardAction): Promise<Record<string, string> | null> {
    if (input.kind !== 'answer' || !input.fields) return null;
    const inbound: Inbound = { platform: 'slack', tenantId: team || 'slack', userId: user, conversationId: 'personal', locale: this.locale, input };
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), FORM_CHECK_MS)));
    try {
      return await Promise.race([this.assistant.formErrors(inbound).catch(() => null), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A form's card in direct messages gets a button that opens it in a window (where Slack shows each
   * field's problem beside it); its fields also work in the message itself, and typing them one by one too.
   */
  private withWindowButton(card: AdaptiveCardJson): AdaptiveCardJson {
    const send = (card.actions as Array<{ data?: { zorgpad?: { flowId?: unknown; stepId?: unknown; form?: unknown } } }> | undefined)?.[0]?.data?.zorgpad;
    if (send?.form !== true) return card;
    const data = { zorgpad: { flowId: send.flowId, stepId: send.stepId, value: `${CONTROL_PREFIX}${FORM_WORD}` } };
    const open = { type: 'Action.Execute', title: this.t('form.window'), verb: 'zorgpad.answer', data, associatedInputs: 'none' };
    return { ...card, actions: [...((card.actions as unknown[] | undefined) ?? []), open] };
  }

  /** Puts the settled card in the place of the last question posted in the person's DM, when it is that question. */
  private settleLast(user: string, card: AdaptiveCardJson | undefined, about: string | undefined): Promise<void> {
    return this.lastQuestion.settle(user, card, about, ({ channel, ts }, settled) => this.settle(channel, ts, settled));
  }

  /** Puts an answered question's settled card (its answer, no buttons) in the place of its message. */
  private async settle(channel: string, ts: string, card: AdaptiveCardJson): Promise<void> {
    const [settled] = toMessages(card);
    await this.client.chat
      .update({ channel, ts, text: settled!.text, blocks: settled!.blocks })
      .catch((error: unknown) => this.log.warn('slack.settle-failed', { error: errorCode(error) }));
  }

  async publishHome(user: string): Promise<void> {
    const overview = await this.assistant.overview('slack', user, this.locale);
    await this.client.views.publish({ user_id: user, view: homeView(overview, this.t) });
  }

  private async openLoading(triggerId: string): Promise<string | null> {
    try {
      const opened = await this.client.views.open({ trigger_id: triggerId, view: this.loadingView() });
      return opened.view?.id ?? null;
    } catch (error) {
      // An expired trigger: answer in direct messages instead.
      this.log.warn('slack.modal-open-failed', { error: errorCode(error) });
      return null;
    }
  }

  private async showInModal(viewId: string | null, reply: Reply, user?: string, work?: Work): Promise<void> {
    if (viewId) await this.updateModal(viewId, reply);
    else if (user) await this.post(user, reply.messages, user, work);
  }

  private async updateModal(viewId: string, reply: Reply): Promise<void> {
    await this.client.views.update({ view_id: viewId, view: this.dialogView(reply) });
  }

  /** What every Zorgpad modal has: its kind, a title (the procedure's, when known) and a close button. */
  private modalFrame(callbackId: string, title: MessageKey, named?: string): Omit<ModalView, 'blocks'> {
    return {
      type: 'modal',
      callback_id: callbackId,
      title: { type: 'plain_text', text: clip(named ?? this.t(title), LIMITS.modalTitle) },
      close: { type: 'plain_text', text: clip(this.t('slack.modal.close'), LIMITS.modalButton) },
      // A dialog's window says when it is closed (view_closed): the dialog it shows is parked then.
      ...(callbackId === DIALOG_VIEW ? { notify_on_close: true } : {}),
    };
  }

  private loadingView(): ModalView {
    return { ...this.modalFrame(DIALOG_VIEW, 'slack.modal.title'), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn(this.t('slack.modal.loading')) } }] };
  }

  /** A turn's reply as a modal: what was said, then the question (its inputs, and Send as Submit). */
  dialogView(reply: Reply): ModalView {
    const blocks: SlackBlock[] = [];
    let submit: ReturnType<typeof translateCard>['submit'] = null;
    const messages = replyMessages(reply);
    for (const message of messages) {
      if (message.card) {
        const translated = translateCard(message.card, 'modal');
        blocks.push(...translated.blocks);
        submit = translated.submit ?? submit;
      } else if (message.text) {
        for (const piece of splitText(mrkdwn(message.text), LIMITS.sectionText)) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: piece } });
      }
    }
    if (blocks.length === 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: mrkdwn(this.t('teams.invoke.done')) } });
    // Nothing more to answer here: say so, and how to go on, since nothing can be typed in a window.
    if (!submit) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(this.t('slack.modal.finished')) }] });
    // The submit's card data, and which question the window shows (for when it is closed: `windowOf`).
    const data = submit?.data.data ?? {};
    const metadata = isRecord(data) ? { ...data, ...(reply.open ? { [WINDOW_KEY]: reply.open } : {}) } : data;
    return {
      ...this.modalFrame(DIALOG_VIEW, 'slack.modal.title', reply.title),
      ...(submit ? { submit: { type: 'plain_text', text: clip(submit.title, LIMITS.modalButton) } } : {}),
      ...(!isRecord(metadata) || Object.keys(metadata).length ? { private_metadata: JSON.stringify(metadata) } : {}),
      blocks: fitBlocks(blocks, this.t('slack.modal.more')),
    };
  }

  private voteView(vote: Extract<CardAction, { kind: 'vote' }>): ModalView {
    const t = this.t;
    const choice = t(vote.vote === 'approve' ? 'exception.vote.approve' : vote.vote === 'reject' ? 'exception.vote.reject' : 'exception.vote.discuss');
    return {
      ...this.modalFrame(VOTE_VIEW, 'slack.vote.title'),
      submit: { type: 'plain_text', text: clip(t('slack.vote.submit'), LIMITS.modalButton) },
      private_metadata: JSON.stringify({ zorgpad: { vote: vote.vote, requestId: vote.requestId } }),
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: mrkdwn(t('slack.vote.intro', { vote: choice })) } },
        {
          type: 'input',
          block_id: 'motivation',
          label: { type: 'plain_text', text: t('exception.card.motivation') },
          element: { type: 'plain_text_input', action_id: 'motivation', multiline: true, max_length: 1000 },
        },
      ],
    };
  }
}

/** Which inbox entry the receiver put in Bolt's context for this request (receiver.ts), and whether this is a run again. */
function workOf(context: Context): Work {
  const { inboxId, replay } = context;
  return { ...(typeof inboxId === 'string' ? { inboxId } : {}), ...(typeof replay === 'boolean' ? { replay } : {}) };
}

/** The receiver's `outcome` in Bolt's context: where the error handler says that the listener failed. */
function isOutcome(value: unknown): value is NonNullable<InboxContext['outcome']> {
  return typeof value === 'object' && value !== null && 'failed' in value && typeof value.failed === 'boolean';
}

/** The card data a form sends: the button's data with the inputs' values, as an Adaptive Card submit. */
function withInputs(data: unknown, inputs: Record<string, string | string[]>): unknown {
  return data && typeof data === 'object' ? { ...(data as object), ...inputs } : data;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where a dialog window's metadata says which question it shows. */
const WINDOW_KEY = 'zorgpadWindow';

/** The question a dialog window showed, from its metadata; null when it showed none. */
function windowOf(metadata: unknown): { flowId: string; stepId: string } | null {
  const shown = (metadata as Record<string, unknown> | null)?.[WINDOW_KEY] as { flowId?: unknown; stepId?: unknown } | undefined;
  return typeof shown?.flowId === 'string' && typeof shown.stepId === 'string' && shown.flowId.length <= 100 && shown.stepId.length <= 100
    ? { flowId: shown.flowId, stepId: shown.stepId }
    : null;
}

function parseMetadata(text: string | undefined): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function errorCode(error: unknown): string {
  const e = error as { code?: unknown; data?: { error?: unknown } };
  return String(e?.data?.error ?? e?.code ?? 'unknown');
}
