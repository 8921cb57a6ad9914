import { ActivityTypes, CardFactory, TeamsInfo, TurnContext, type Activity } from 'botbuilder';
import type { AccountLinks } from '../../core/people/accounts.js';
import { replyMessages, type Assistant, type OutboundMessage, type Reply } from '../../core/app/assistant.js';
import { parseCardSubmit, type CardAction } from '../../core/cards/submit.js';
import { isCardAction } from '../../core/app/turn-text.js';
import type { AdaptiveCardJson } from '../../core/cards/render.js';
import { escapeMarkdown } from '../../core/cards/markdown.js';
import { translator, type Locale } from '../../core/i18n/index.js';
import type { Input } from '../../core/protocol/engine.js';
import type { Logger } from '../../core/kernel/ports.js';
import { cardActionSchema, type InboundActivity } from './activity.js';
import type { TeamsReferences } from './references.js';
import type { SharedNotes } from '../../core/kernel/transient.js';
import { LastQuestion } from '../../core/notify/last-question.js';

const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
const MESSAGE_CONTENT_TYPE = 'application/vnd.microsoft.activity.message';

/** Turns one Teams activity into one core turn and the reply into Teams activities. */
export class TeamsBot {
  constructor(
    private readonly assistant: Assistant,
    private readonly references: TeamsReferences,
    private readonly log: Logger,
    /** Hands replies the connector did not take to the outbox, which retries them in order. */
    private readonly later: (aadObjectId: string, messages: OutboundMessage[]) => Promise<void>,
    /** The last question card sent in each conversation, to settle it when the answer is typed (any worker). */
    lastQuestion: SharedNotes,
    /** Finds a member of staff the school file lists by e-mail only (people/accounts.ts). */
    private readonly accounts?: AccountLinks,
  ) {
    this.lastQuestion = new LastQuestion(lastQuestion, (ref) => ref);
  }

  /** The last question card sent in each conversation (by activity id). */
  private readonly lastQuestion: LastQuestion<string>;

  async onTurn(context: TurnContext, activity: InboundActivity): Promise<void> {
    // Someone the school file does not name by their Teams id: looked up by e-mail (first contact), so that
    // their conversation is remembered and their turn is theirs.
    if (activity.from.aadObjectId && this.accounts) await this.accounts.resolve('teams', activity.from.aadObjectId, () => memberEmail(context));
    await this.references.remember(activity);
    const locale: Locale = activity.locale?.toLowerCase().startsWith('en') ? 'en' : 'nl';
    switch (activity.type) {
      case ActivityTypes.Message:
        return this.onMessage(context, activity, locale);
      case ActivityTypes.Invoke:
        return this.onInvoke(context, activity, locale);
      case ActivityTypes.InstallationUpdate:
      case ActivityTypes.ConversationUpdate:
        // The reference is stored above; a personal install gets a short welcome.
        if (
          activity.conversation.conversationType === 'personal' &&
          (activity as { action?: string }).action !== 'remove' &&
          (await this.references.firstWelcome(activity))
        ) {
          await this.sendOrLater(context, activity, [{ text: translator(locale)('teams.welcome') }]);
        }
        return;
      default:
        return;
    }
  }

  private async onMessage(context: TurnContext, activity: InboundActivity, locale: Locale): Promise<void> {
    let input: Input | CardAction | null;
    if (activity.value !== undefined && activity.value !== null) {
      // Action.Submit from a client without Universal Actions.
      input = parseCardSubmit(activity.value);
    } else {
      const text = TurnContext.removeRecipientMention(context.activity) ?? activity.text ?? '';
      input = text.trim() ? { kind: 'text', text: text.trim() } : null;
    }
    if (!input) {
      await context.sendActivity(translator(locale)('error.badRequest'));
      return;
    }
    // Dialogs only in a 1:1 chat: in a channel or group chat everyone reads along (what waits for someone,
    // their cases, a report). The kernteam card's own buttons (votes, details) work everywhere.
    if (!personal(activity) && !isCardAction(input)) {
      await context.sendActivity({ type: ActivityTypes.Message, text: translator(locale)('teams.personalOnly'), textFormat: 'plain' });
      return;
    }
    const reply = await this.turn(activity, input, locale);
    // A typed answer, stop, back or another procedure settles the last question's card: its answer, or
    // that it is closed, shown; its buttons gone. A card's Action.Submit settles that card.
    if (input.kind === 'answer' && activity.replyToId && reply.settled) await this.update(context, activity.replyToId, reply.settled);
    else await this.settleLast(context, reply.settled, reply.about);
    await this.settleLast(context, reply.closed?.card, reply.closed?.question);
    await this.sendOrLater(context, activity, replyMessages(reply));
  }

  /** Puts the settled card in the place of the last question asked in this conversation, when it is that question. */
  private settleLast(context: TurnContext, card: AdaptiveCardJson | undefined, about: string | undefined): Promise<void> {
    return this.lastQuestion.settle(context.activity.conversation.id, card, about, (id, settled) => this.update(context, id, settled));
  }

  private async update(context: TurnContext, id: string, card: AdaptiveCardJson): Promise<void> {
    await context
      .updateActivity({ id, type: ActivityTypes.Message, attachments: [CardFactory.adaptiveCard(card)] })
      .catch((error: unknown) => this.log.warn('teams.settle-failed', { error: error instanceof Error ? error.name : 'unknown' }));
  }

  /** Sends the reply; when the connector does not take it, the outbox delivers it later (the turn is done). */
  private async sendOrLater(context: TurnContext, activity: InboundActivity, messages: OutboundMessage[]): Promise<void> {
    try {
      await this.send(context, messages);
    } catch (error) {
      this.log.warn('teams.reply-failed', { error: error instanceof Error ? error.name : 'unknown', count: messages.length });
      if (activity.from.aadObjectId) await this.later(activity.from.aadObjectId, messages);
    }
  }

  /** `adaptiveCard/action`: answered with a card, or a short message; never empty. */
  private async onInvoke(context: TurnContext, activity: InboundActivity, locale: Locale): Promise<void> {
    const t = translator(locale);
    const respond = (body: unknown) => context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
    if (activity.name !== 'adaptiveCard/action') {
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: {} } });
      return;
    }
    const parsed = cardActionSchema.safeParse(activity.value);
    const input = parsed.success ? parseCardSubmit(parsed.data.action.data) : null;
    if (!input) {
      await respond({ statusCode: 200, type: MESSAGE_CONTENT_TYPE, value: t('error.badRequest') });
      return;
    }
    if (!personal(activity) && !isCardAction(input)) {
      await respond({ statusCode: 200, type: MESSAGE_CONTENT_TYPE, value: t('teams.personalOnly') });
      return;
    }
    const reply = await this.turn(activity, input, locale);
    if (reply.settled) {
      // An answer on a question's card (or its stop or back button, or a button of a question no longer
      // open): the card settles (the answer, or closed; no buttons) and what comes next arrives as new
      // messages, each question once.
      await respond({ statusCode: 200, type: CARD_CONTENT_TYPE, value: reply.settled });
      await this.settleLast(context, reply.closed?.card, reply.closed?.question);
      await this.sendOrLater(context, activity, reply.messages);
      return;
    }
    if (reply.card) {
      // Votes, refreshes: the card takes the clicked card's place. What the bot says with it (a refusal,
      // "a motivation is needed", a confirmation) goes on top of that card: Teams shows only the card.
      // On top of the card as markdown: a plain message's text (it may repeat what someone typed) is escaped;
      // a card's text already is (cards/markdown.ts).
      const notices = reply.messages.map((m) => (m.card ? m.text : escapeMarkdown(m.text))).filter(Boolean);
      const card = notices.length ? withNotice(reply.card, notices) : reply.card;
      await respond({ statusCode: 200, type: CARD_CONTENT_TYPE, value: await this.references.forTeams(card) });
      return;
    }
    await respond({ statusCode: 200, type: MESSAGE_CONTENT_TYPE, value: reply.messages[0]?.text ?? t('teams.invoke.done') });
    // A button on another card (a notification, a menu) that leaves the open question: that one is closed.
    await this.settleLast(context, reply.closed?.card, reply.closed?.question);
    await this.sendOrLater(context, activity, reply.messages);
  }

  private turn(activity: InboundActivity, input: Input | CardAction, locale: Locale): Promise<Reply> {
    return this.assistant.handle({
      platform: 'teams',
      tenantId: activity.conversation.tenantId ?? activity.channelData?.tenant?.id ?? 'unknown',
      userId: activity.from.aadObjectId ?? '',
      conversationId: activity.conversation.id,
      ...(activity.id ? { deliveryId: activity.id } : {}),
      locale,
      input,
    });
  }

  private async send(context: TurnContext, messages: OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const ready = await Promise.all(messages.map(async (m) => (m.card ? { ...m, card: await this.references.forTeams(m.card) } : m)));
    const sent = await context.sendActivities(ready.map(toActivity));
    const asked = messages.map((m) => m.question === true).lastIndexOf(true);
    const id = asked >= 0 ? sent[asked]?.id : undefined;
    if (id) await this.lastQuestion.remember(context.activity.conversation.id, id, messages[asked]!.card);
    this.log.debug('teams.sent', { count: messages.length });
  }
}

/** The card with the bot's words on top, so that an invoke answer (one card) drops nothing. */
function withNotice(card: AdaptiveCardJson, texts: string[]): AdaptiveCardJson {
  if (!texts.length) return card;
  const notice = { type: 'TextBlock', text: texts.join('\n\n'), wrap: true, weight: 'Bolder', color: 'Attention' };
  return { ...card, body: [notice, ...((card.body as unknown[] | undefined) ?? [])] };
}

/** A 1:1 chat with the bot (not a channel or a group chat, where others read along). */
function personal(activity: InboundActivity): boolean {
  return activity.conversation.conversationType === 'personal';
}

/** A core message as a Teams message: a card when there is one, text otherwise. */
export function toActivity(message: OutboundMessage): Partial<Activity> {
  if (message.card) return { type: ActivityTypes.Message, attachments: [CardFactory.adaptiveCard(message.card)] };
  return { type: ActivityTypes.Message, text: message.text, textFormat: 'plain' };
}

/**
 * The sender's sign-in address as Teams gives it (Bot Framework's member lookup): the user principal name,
 * whose domain the member's own organisation has verified. The e-mail attribute alone is not trusted
 * (another organisation's administrator can set it to any address), and a guest is no member of staff.
 */
async function memberEmail(context: TurnContext): Promise<string | null> {
  const member = await TeamsInfo.getMember(context, context.activity.from.id);
  if ((member as { userRole?: string }).userRole === 'guest') return null;
  const upn = member.userPrincipalName?.trim();
  if (!upn || upn.includes('#EXT#')) return null;
  return upn;
}
