import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { Background } from '../../core/background.js';
import { tellBeheerders } from '../../core/notify/unreachable.js';
import { DeliveryRound, Outbox, type Notification } from '../../core/notify/outbox.js';
import type { RoleBook } from '../../core/people/role-book.js';
import type { SchoolDirectory } from '../../core/people/school.js';
import type { Logger } from '../../core/ports.js';
import { toActivity } from './bot.js';
import type { TeamsReferences } from './references.js';

/** Teams asks for at most 7 messages a second per conversation; stay under it. */
const MIN_GAP_MS = 150;
const RETRY_STATUSES = new Set([412, 429, 502, 503, 504]);

/**
 * Delivers the outbox to Teams: proactive messages to people and to the kernteam channel, and the
 * outcome card in place of the request card. A 403 marks the person unreachable and tells the
 * school's beheerder once; throttling and gateway errors back off with jitter; nothing is lost on a
 * restart because the outbox is the store.
 */
export class TeamsDelivery {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly outbox: Outbox,
    private readonly references: TeamsReferences,
    private readonly directory: SchoolDirectory,
    private readonly roleBook: RoleBook,
    private readonly log: Logger,
    background: Background,
    /** True when the person can be reached on another channel (Slack): then Teams never gives up on them. */
    private readonly elsewhere: (staffId: string) => boolean = () => false,
    /** How long a message may wait for a person who has not installed the app. */
    private readonly notInstalledAfterMs = 24 * 3_600_000,
  ) {
    // Asked only for what Teams can send now, or what has waited long enough to be recorded as undeliverable.
    this.round = new DeliveryRound(
      outbox,
      (due) => this.deliver(due),
      async (due) => {
        const target = await this.references.get(due.staffId);
        if (target !== null && !target.record.unreachable) return true;
        return Date.now() - due.createdAt > this.notInstalledAfterMs && !due.staffId.startsWith('channel:') && !this.elsewhere(due.staffId);
      },
      background,
    );
  }

  private readonly round: DeliveryRound;

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
    const target = await this.references.get(due.staffId);
    if (!target || target.record.unreachable) {
      // Not (yet) reachable in Teams: leave it a while for another channel or an install, then
      // record it as undeliverable and tell the beheerder (once per person).
      if (Date.now() - due.createdAt > this.notInstalledAfterMs && !due.staffId.startsWith('channel:') && !this.elsewhere(due.staffId)) {
        await this.outbox.markUnreachable(due, 'teams');
        await this.tellBeheerder(due.staffId);
      }
      return false;
    }
    // Taken for delivery: no other process or channel sends it meanwhile.
    const taken = await this.outbox.take(due, 'teams');
    if (!taken) return false;
    const { item, replaced } = taken;
    const conversation = target.reference.conversation?.id ?? '';
    await this.outbox.pace(`teams:${conversation}`, MIN_GAP_MS);
    try {
      let messageId: string | null = null;
      await this.adapter.continueConversationAsync(this.appId, target.reference as ConversationReference, async (context) => {
        const card = Outbox.card(item);
        const activity = toActivity({ text: item.text, card: card ? await this.references.forTeams(card) : undefined });
        if (replaced?.deliveredMessageId && replaced.deliveredVia === 'teams') {
          await context.updateActivity({ ...activity, id: replaced.deliveredMessageId });
          messageId = replaced.deliveredMessageId;
        } else {
          messageId = (await context.sendActivity(activity))?.id ?? null;
        }
      });
      await this.outbox.markDelivered(item, 'teams', messageId);
      return true;
    } catch (error) {
      const status = statusOf(error);
      this.log.warn('teams.delivery-failed', { status: status ?? 0, attempts: item.attempts + 1 });
      if (status === 403 || status === 404) {
        await this.outbox.markUnreachable(item, 'teams');
        await this.references.markUnreachable(target.record);
        await this.tellBeheerder(item.staffId);
      } else {
        await this.outbox.backOff(item, RETRY_STATUSES.has(status ?? 0) ? 2_000 : 10_000);
      }
      return false;
    }
  }

  private tellBeheerder(staffId: string): Promise<void> {
    return tellBeheerders({ outbox: this.outbox, roleBook: this.roleBook, directory: this.directory }, staffId, 'teams', 'teams.unreachable');
  }
}

function statusOf(error: unknown): number | null {
  const e = error as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } };
  const status = e?.statusCode ?? e?.status ?? e?.response?.status;
  return typeof status === 'number' ? status : null;
}
