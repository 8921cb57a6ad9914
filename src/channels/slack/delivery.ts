import type { App } from '@slack/bolt';
import { KERNTEAM_CHANNEL } from '../../core/exceptions/service.js';
import { tellBeheerders } from '../../core/notify/unreachable.js';
import type { Background } from '../../core/background.js';
import { DeliveryRound, Outbox, type Notification } from '../../core/notify/outbox.js';
import type { RoleBook } from '../../core/people/role-book.js';
import type { SchoolDirectory } from '../../core/people/school.js';
import type { Logger } from '../../core/ports.js';
import type { AccountLinks } from '../../core/people/accounts.js';
import { LIMITS, slackText, splitText, toMessages } from './blocks.js';
import { errorCode } from './bot.js';

/** Slack allows about one message a second per channel. */
const MIN_GAP_MS = 1_000;
/** Errors that mean this person or channel cannot be reached until someone fixes it. */
const UNREACHABLE = new Set(['channel_not_found', 'user_not_found', 'not_in_channel', 'account_inactive', 'is_archived', 'cannot_dm_bot', 'user_disabled', 'team_access_not_granted']);

/**
 * Delivers the outbox to Slack: direct messages to staff with a Slack account, the kernteam card to
 * the configured channel (updated in place with `chat.update`), throttled per channel, and a 429 waits
 * for Slack's Retry-After through the outbox. A message another channel has claimed is left alone.
 */
export class SlackDelivery {
  private readonly round: DeliveryRound;

  constructor(
    private readonly app: App,
    private readonly outbox: Outbox,
    private readonly directory: SchoolDirectory,
    private readonly roleBook: RoleBook,
    private readonly log: Logger,
    background: Background,
    /** Accounts found by e-mail: a person linked in another process is read from the store. */
    private readonly accounts?: AccountLinks,
  ) {
    this.round = new DeliveryRound(
      outbox,
      (due) => this.deliver(due),
      async (due) => (await this.targetOf(due.staffId)) !== null,
      background,
    );
  }

  /** Where a notification goes in Slack as this process knows it, or null when it is not for Slack. */
  target(staffId: string): string | null {
    if (staffId === KERNTEAM_CHANNEL) return this.directory.school.kernteam.slackChannel ?? null;
    return this.directory.accountOf(staffId, 'slack');
  }

  /** Where a notification goes in Slack, also for someone linked by e-mail in another process. */
  async targetOf(staffId: string): Promise<string | null> {
    return this.target(staffId) ?? (staffId !== KERNTEAM_CHANNEL && this.accounts ? this.accounts.accountOf(staffId, 'slack') : null);
  }

  /** One pass over what is due. Overlapping calls are skipped. */
  tick(): Promise<number> {
    return this.round.tick();
  }

  /** After a turn: deliver what it queued without waiting for the next tick. */
  afterTurn(): void {
    this.round.afterTurn();
  }

  /** Rounds run as a source of the process's work loop; `wake` asks it for one at once. */
  wakeWith(wake: () => void): void {
    this.round.wakeWith(wake);
  }

  private async deliver(due: Notification): Promise<boolean> {
    const channel = await this.targetOf(due.staffId);
    if (!channel) return false;
    const taken = await this.outbox.take(due, 'slack');
    if (!taken) return false;
    const { item, replaced } = taken;
    await this.outbox.pace(`slack:${channel}`, MIN_GAP_MS);
    try {
      const messageId = await this.send(channel, item, replaced);
      await this.outbox.markDelivered(item, 'slack', messageId);
      return true;
    } catch (error) {
      const code = errorCode(error);
      this.log.warn('slack.delivery-failed', { code, attempts: item.attempts + 1 });
      const retryAfter = (error as { retryAfter?: unknown }).retryAfter;
      if (typeof retryAfter === 'number') {
        await this.outbox.postpone(item, Math.max(retryAfter, 1) * 1000);
      } else if (UNREACHABLE.has(code)) {
        await this.outbox.markUnreachable(item, 'slack');
        await this.tellBeheerder(item.staffId);
      } else {
        await this.outbox.backOff(item, 5_000);
      }
      return false;
    }
  }

  /** Sends (or, for a replacement, updates) the message; returns `channel|ts` of the message. */
  private async send(channel: string, item: Notification, replaced: Notification | null): Promise<string | null> {
    const client = this.app.client;
    const card = Outbox.card(item);
    // In the kernteam channel the card's buttons ask for the motivation in a modal.
    const parts = card ? toMessages(card, { inputs: item.staffId !== KERNTEAM_CHANNEL }) : splitText(item.text, LIMITS.sectionText).map((text) => ({ text: slackText(text), blocks: undefined }));
    const [where, ts] = (replaced?.deliveredMessageId ?? '').split('|');
    if (where && ts && parts[0]) {
      await client.chat.update({ channel: where, ts, text: parts[0].text, ...(parts[0].blocks ? { blocks: parts[0].blocks } : {}) });
      return `${where}|${ts}`;
    }
    let first: string | null = null;
    for (const part of parts) {
      const sent = await client.chat.postMessage({
        channel,
        text: part.text,
        ...(part.blocks ? { blocks: part.blocks } : { mrkdwn: false }),
      });
      first ??= sent.channel && sent.ts ? `${sent.channel}|${sent.ts}` : null;
    }
    return first;
  }

  private async tellBeheerder(staffId: string): Promise<void> {
    if (staffId !== KERNTEAM_CHANNEL) await tellBeheerders({ outbox: this.outbox, roleBook: this.roleBook, directory: this.directory }, staffId, 'slack', 'slack.unreachable');
  }
}
