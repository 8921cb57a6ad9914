import type { App } from '@slack/bolt';
import { KERNTEAM_CHANNEL } from '../../core/exceptions/service.js';
import { tellBeheerders } from '../../core/notify/unreachable.js';
import type { Background } from '../../core/kernel/background.js';
import type { ChannelAdapter, SendFailure } from '../../core/notify/channel.js';
import { Delivery } from '../../core/notify/delivery.js';
import type { Notification } from '../../core/notify/model.js';
import { Outbox } from '../../core/notify/outbox.js';
import type { RoleBook } from '../../core/people/role-book.js';
import type { SchoolDirectory } from '../../core/people/school.js';
import type { LogFields, Logger } from '../../core/kernel/ports.js';
import type { AccountLinks } from '../../core/people/accounts.js';
import { LIMITS, slackText, splitText, toMessages } from './blocks.js';
import { errorCode } from './bot.js';

/** Slack allows about one message a second per channel. */
const MIN_GAP_MS = 1_000;
/** Errors that mean this person or channel cannot be reached until someone fixes it. */
const UNREACHABLE = new Set(['channel_not_found', 'user_not_found', 'not_in_channel', 'account_inactive', 'is_archived', 'cannot_dm_bot', 'user_disabled', 'team_access_not_granted']);

/**
 * Slack as a channel of the outbox: direct messages to staff with a Slack account, the kernteam card to
 * the configured channel (updated in place with `chat.update`); a 429 waits for Slack's Retry-After. The
 * target is a channel id (a user id for their direct messages); a message's id is `channel|ts`.
 */
class SlackAdapter implements ChannelAdapter<string> {
  readonly name = 'slack';

  constructor(
    private readonly app: App,
    private readonly directory: SchoolDirectory,
    private readonly accounts: AccountLinks | undefined,
  ) {}

  /** Where a notification goes in Slack, also for someone linked by e-mail in another process. */
  async target(staffId: string): Promise<string | null> {
    return knownTarget(this.directory, staffId) ?? (staffId !== KERNTEAM_CHANNEL && this.accounts ? this.accounts.accountOf(staffId, 'slack') : null);
  }

  pace(channel: string): { key: string; gapMs: number } {
    return { key: `slack:${channel}`, gapMs: MIN_GAP_MS };
  }

  async post(channel: string, notification: Notification): Promise<string | null> {
    let first: string | null = null;
    for (const part of this.parts(notification)) {
      const sent = await this.app.client.chat.postMessage({
        channel,
        text: part.text,
        ...(part.blocks ? { blocks: part.blocks } : { mrkdwn: false }),
      });
      first ??= sent.channel && sent.ts ? `${sent.channel}|${sent.ts}` : null;
    }
    return first;
  }

  async edit(_channel: string, messageId: string, notification: Notification): Promise<string | null> {
    const [where, ts] = messageId.split('|');
    const [first] = this.parts(notification);
    if (!where || !ts || !first) return null;
    await this.app.client.chat.update({ channel: where, ts, text: first.text, ...(first.blocks ? { blocks: first.blocks } : {}) });
    return `${where}|${ts}`;
  }

  classifyError(error: unknown): SendFailure & { log: LogFields } {
    const code = errorCode(error);
    const log = { code };
    const retryAfter = (error as { retryAfter?: unknown }).retryAfter;
    if (typeof retryAfter === 'number') return { kind: 'retry', afterMs: Math.max(retryAfter, 1) * 1000, log };
    if (UNREACHABLE.has(code)) return { kind: 'gone', log };
    return { kind: 'backOff', baseMs: 5_000, log };
  }

  /** The notification as Slack messages: a card's blocks, or its text split to Slack's limits. */
  private parts(item: Notification) {
    const card = Outbox.card(item);
    // In the kernteam channel the card's buttons ask for the motivation in a modal.
    return card ? toMessages(card, { inputs: item.staffId !== KERNTEAM_CHANNEL }) : splitText(item.text, LIMITS.sectionText).map((text) => ({ text: slackText(text), blocks: undefined }));
  }
}

/**
 * Delivers the outbox to Slack (core/notify/delivery.ts through the Slack adapter), throttled per
 * channel. A message another channel has claimed is left alone.
 */
export class SlackDelivery extends Delivery<string> {
  constructor(
    app: App,
    outbox: Outbox,
    private readonly directory: SchoolDirectory,
    roleBook: RoleBook,
    log: Logger,
    background: Background,
    /** Accounts found by e-mail: a person linked in another process is read from the store. */
    accounts?: AccountLinks,
  ) {
    super(outbox, new SlackAdapter(app, directory, accounts), log, background, async (staffId) => {
      if (staffId !== KERNTEAM_CHANNEL) await tellBeheerders({ outbox, roleBook, directory }, staffId, 'slack', 'slack.unreachable');
    });
  }

  /** Where a notification goes in Slack as this process knows it, or null when it is not for Slack. */
  target(staffId: string): string | null {
    return knownTarget(this.directory, staffId);
  }
}

/** Where a notification goes in Slack as this process knows it, or null when it is not for Slack. */
function knownTarget(directory: SchoolDirectory, staffId: string): string | null {
  if (staffId === KERNTEAM_CHANNEL) return directory.school.kernteam.slackChannel ?? null;
  return directory.accountOf(staffId, 'slack');
}
