import type { Background } from '../kernel/background.js';
import type { Logger } from '../kernel/ports.js';
import type { WorkLoop } from '../work/loop.js';
import type { ChannelAdapter } from './channel.js';
import type { Notification } from './model.js';
import type { Outbox } from './outbox.js';

/**
 * Delivers the outbox through one platform's adapter: for each message due that the platform can take,
 * it takes the message (no other channel or process sends it meanwhile), waits for the platform's pace,
 * posts it (or puts it in the place of the message it replaces) and marks it delivered. A failure is
 * retried later, or, when the person cannot be reached there, recorded as undeliverable and the school's
 * beheerders are told (`tellBeheerders`, once per person). Nothing is lost on a restart: the outbox is the store.
 */
export class Delivery<Target> {
  private readonly round: DeliveryRound;

  constructor(
    private readonly outbox: Outbox,
    private readonly adapter: ChannelAdapter<Target>,
    private readonly log: Logger,
    background: Background,
    /** Tells the beheerders that this person cannot be reached on the platform. */
    private readonly tellBeheerders: (staffId: string) => Promise<void>,
  ) {
    // Asked only for what the platform can send now, or what has waited long enough to be recorded as undeliverable.
    this.round = new DeliveryRound(outbox, (due) => this.deliver(due), async (due) => (await adapter.target(due.staffId)) !== null || this.givesUp(due), background);
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

  /** Runs the rounds as the work loop's source `outbox:<platform>`, at least every `everyMs`, and at once when woken. */
  runIn(work: WorkLoop, everyMs: number): void {
    const name = `outbox:${this.adapter.name}`;
    work.add({ name, everyMs, run: () => this.tick() });
    this.wakeWith(() => work.wake(name));
  }

  private givesUp(due: Notification): boolean {
    return this.adapter.giveUp?.(due) ?? false;
  }

  private async deliver(due: Notification): Promise<boolean> {
    const { adapter, outbox } = this;
    const via = adapter.name;
    const target = await adapter.target(due.staffId);
    if (target === null) {
      // Not (yet) reachable here: once the platform stops waiting, recorded as undeliverable and the beheerder told.
      if (this.givesUp(due)) {
        await outbox.markUnreachable(due, via);
        await this.tellBeheerders(due.staffId);
      }
      return false;
    }
    // Taken for delivery: no other process or channel sends it meanwhile.
    const taken = await outbox.take(due, via);
    if (!taken) return false;
    const { item, replaced } = taken;
    const { key, gapMs } = adapter.pace(target);
    await outbox.pace(key, gapMs);
    try {
      const earlier = replaced?.deliveredMessageId && replaced.deliveredVia === via ? replaced.deliveredMessageId : null;
      const messageId = (earlier !== null ? await adapter.edit(target, earlier, item) : null) ?? (await adapter.post(target, item));
      await outbox.markDelivered(item, via, messageId);
      return true;
    } catch (error) {
      const failure = adapter.classifyError(error);
      this.log.warn(`${via}.delivery-failed`, { ...failure.log, attempts: item.attempts + 1 });
      if (failure.kind === 'retry') await outbox.postpone(item, failure.afterMs);
      else if (failure.kind === 'backOff') await outbox.backOff(item, failure.baseMs);
      else {
        await outbox.markUnreachable(item, via);
        await adapter.markGone?.(target);
        await this.tellBeheerders(item.staffId);
      }
      return false;
    }
  }
}

/** One delivery pass at a time over what is due, for one channel; an overlapping call is skipped. */
export class DeliveryRound {
  private running = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly deliver: (due: Notification) => Promise<boolean>,
    /** Whether this channel can deliver it now; the others are not asked for (no head-of-line blocking). */
    private readonly accept: (due: Notification) => boolean | Promise<boolean> = () => true,
    /** Where a running round is counted: a stopping process lets it finish, and then starts none. */
    private readonly background: Background,
  ) {}

  private seen = 0;
  /** Asks the process's work loop for a round at once (after the one running, if any). */
  private wakeUp: (() => void) | null = null;

  /** How a round is asked for at once: through the work loop that runs this round as one of its sources. */
  wakeWith(wake: () => void): void {
    this.wakeUp = wake;
  }

  /**
   * After a turn: a round at once when something was queued (by any turn of this process) since the
   * last such round (after the round running, if one runs); otherwise the next interval's round finds it.
   */
  afterTurn(): void {
    if (this.outbox.queued === this.seen) return;
    this.seen = this.outbox.queued;
    if (this.wakeUp) this.wakeUp();
    else void this.tick().catch(() => undefined);
  }

  /**
   * Delivers what is due (at most `limit`); returns how many went out. A stopping process delivers
   * the message in hand and leaves the rest in the outbox for the next start.
   */
  tick(limit = 50): Promise<number> {
    if (this.running || this.background.stopping) return Promise.resolve(0);
    this.running = true;
    const round = async () => {
      let delivered = 0;
      try {
        for (const item of await this.outbox.due(limit, this.accept)) {
          if (this.background.stopping) break;
          if (await this.deliver(item)) delivered++;
        }
      } finally {
        this.running = false;
      }
      return delivered;
    };
    return this.background.track(round());
  }
}
