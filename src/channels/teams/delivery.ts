import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { Background } from '../../core/kernel/background.js';
import type { ChannelAdapter, SendFailure } from '../../core/notify/channel.js';
import { Delivery } from '../../core/notify/delivery.js';
import { tellBeheerders } from '../../core/notify/unreachable.js';
import type { Notification } from '../../core/notify/model.js';
import { Outbox } from '../../core/notify/outbox.js';
import type { RoleBook } from '../../core/people/role-book.js';
import type { SchoolDirectory } from '../../core/people/school.js';
import type { Clock, LogFields, Logger } from '../../core/kernel/ports.js';
import { toActivity } from './bot.js';
import type { TeamsReference, TeamsReferences } from './references.js';

/** Teams asks for at most 7 messages a second per conversation; stay under it. */
const MIN_GAP_MS = 150;
const RETRY_STATUSES = new Set([412, 429, 502, 503, 504]);

/** Where a Teams notification goes: the stored conversation reference of a person or the kernteam channel. */
interface TeamsTarget {
  record: TeamsReference;
  reference: ConversationReference;
}

/**
 * Teams as a channel of the outbox: proactive messages to people and to the kernteam channel, and the
 * outcome card in place of the request card. A 403 or 404 marks the person unreachable (and their stored
 * conversation); throttling and gateway errors back off with jitter.
 */
class TeamsAdapter implements ChannelAdapter<TeamsTarget> {
  readonly name = 'teams';

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly references: TeamsReferences,
    private readonly clock: Clock,
    private readonly elsewhere: (staffId: string) => boolean,
    private readonly notInstalledAfterMs: number,
  ) {}

  async target(staffId: string): Promise<TeamsTarget | null> {
    const target = await this.references.get(staffId);
    return target && !target.record.unreachable ? target : null;
  }

  /** Not (yet) reachable in Teams: left a while for another channel or an install, then recorded as undeliverable. */
  giveUp(due: Notification): boolean {
    return this.clock.now() - due.createdAt > this.notInstalledAfterMs && !due.staffId.startsWith('channel:') && !this.elsewhere(due.staffId);
  }

  pace(target: TeamsTarget): { key: string; gapMs: number } {
    return { key: `teams:${target.reference.conversation?.id ?? ''}`, gapMs: MIN_GAP_MS };
  }

  post(target: TeamsTarget, notification: Notification): Promise<string | null> {
    return this.inConversation(target, async (context) => (await context.sendActivity(await this.activity(notification)))?.id ?? null);
  }

  edit(target: TeamsTarget, messageId: string, notification: Notification): Promise<string | null> {
    return this.inConversation(target, async (context) => {
      await context.updateActivity({ ...(await this.activity(notification)), id: messageId });
      return messageId;
    });
  }

  classifyError(error: unknown): SendFailure & { log: LogFields } {
    const status = statusOf(error);
    const log = { status: status ?? 0 };
    if (status === 403 || status === 404) return { kind: 'gone', log };
    return { kind: 'backOff', baseMs: RETRY_STATUSES.has(status ?? 0) ? 2_000 : 10_000, log };
  }

  markGone(target: TeamsTarget): Promise<void> {
    return this.references.markUnreachable(target.record);
  }

  private async activity(notification: Notification) {
    const card = Outbox.card(notification);
    return toActivity({ text: notification.text, card: card ? await this.references.forTeams(card) : undefined });
  }

  private async inConversation(target: TeamsTarget, send: (context: TurnContext) => Promise<string | null>): Promise<string | null> {
    let messageId: string | null = null;
    await this.adapter.continueConversationAsync(this.appId, target.reference, async (context) => {
      messageId = await send(context);
    });
    return messageId;
  }
}

/**
 * Delivers the outbox to Teams (core/notify/delivery.ts through the Teams adapter). A person who cannot
 * be reached tells the school's beheerder once; nothing is lost on a restart because the outbox is the store.
 */
export class TeamsDelivery extends Delivery<TeamsTarget> {
  constructor(
    adapter: CloudAdapter,
    appId: string,
    outbox: Outbox,
    references: TeamsReferences,
    directory: SchoolDirectory,
    roleBook: RoleBook,
    log: Logger,
    background: Background,
    clock: Clock,
    /** True when the person can be reached on another channel (Slack): then Teams never gives up on them. */
    elsewhere: (staffId: string) => boolean = () => false,
    /** How long a message may wait for a person who has not installed the app. */
    notInstalledAfterMs = 24 * 3_600_000,
  ) {
    super(outbox, new TeamsAdapter(adapter, appId, references, clock, elsewhere, notInstalledAfterMs), log, background, (staffId) =>
      tellBeheerders({ outbox, roleBook, directory }, staffId, 'teams', 'teams.unreachable'),
    );
  }
}

function statusOf(error: unknown): number | null {
  const e = error as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } };
  const status = e?.statusCode ?? e?.status ?? e?.response?.status;
  return typeof status === 'number' ? status : null;
}
