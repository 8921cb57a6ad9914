import { createHash, randomUUID } from 'node:crypto';
import { RETRY, retryDelay } from '../work/retry.js';
import { reserveSlot } from '../kernel/transient.js';
import type { AdaptiveCardJson } from '../cards/render.js';
import type { Clock, Store } from '../kernel/ports.js';
import type { BundleItem, Notification } from './model.js';
import { createIfAbsent, KEEP, writeRecord } from '../kernel/records.js';

const MAX_BUNDLES_PER_SLOT = 200;

/** Oldest first; the key decides between messages made in the same millisecond. */
const oldestFirst = (a: Notification, b: Notification) => a.createdAt - b.createdAt || a.id.localeCompare(b.id);
/** More than this in one message is no longer a reminder but a list; the rest go in the next one. */
const MAX_BUNDLE_ITEMS = 10;

/**
 * The core writes notifications here and answers the person in front of it at once; channels
 * deliver them afterwards (ack fast, work after). The key makes a notification idempotent.
 */
export class Outbox {
  private replies = 0;
  /** How many messages this process has queued so far (see `DeliveryRound.afterTurn`). */
  queued = 0;
  /** Keeps two worker processes that queue replies in the same millisecond from making the same key. */
  private readonly process = randomUUID().slice(0, 8);
  /** Per bundle moment, the first bundle number that may still be open (a hint; the store decides). */
  private readonly openBundle = new Map<string, number>();
  private renderBundle: ((items: BundleItem[]) => { text: string; card: AdaptiveCardJson }) | null = null;

  constructor(
    private readonly store: Store,
    private readonly schoolId: string,
    private readonly clock: Clock,
  ) {}

  private get items() {
    return this.store.collection('outbox');
  }

  /**
   * Queues a message; queuing the same key twice queues it once. A message that `replaces` an earlier
   * one (an updated or decided kernteam card) makes older, still pending replacements of that same
   * message pointless: they are marked superseded so that an old state never overwrites a newer one.
   */
  async notify(key: string, staffId: string, message: { text: string; card?: AdaptiveCardJson; replaces?: string; order?: number; items?: BundleItem[] }): Promise<void> {
    this.queued++;
    const created = await createIfAbsent(this.items, this.fresh(key, staffId, message.text, message.card, { replaces: message.replaces ?? null, order: message.order ?? null, ...(message.items ? { items: message.items } : {}) }));
    // Queued before (perhaps by an earlier run of the same turn that failed afterwards): make sure the
    // older replacements are superseded all the same.
    if (!created && (!message.replaces || (await this.items.get(key))?.status !== 'pending')) return;
    if (!message.replaces) return;
    const mine = message.order ?? Number.POSITIVE_INFINITY;
    const others = (await this.items.findBy('staffId', staffId)).filter((n) => n.id !== key && n.replaces === message.replaces && n.status !== 'superseded');
    // A newer state is already queued or shown: this one is out of date before it goes out.
    if (others.some((n) => (n.order ?? Number.NEGATIVE_INFINITY) > mine)) {
      await writeRecord(this.items, key, (n) => (n && n.status === 'pending' ? { ...n, status: 'superseded' as const } : KEEP));
      return;
    }
    for (const older of others) {
      if (older.status === 'pending') await writeRecord(this.items, older.id, (n) => (n && n.status === 'pending' ? { ...n, status: 'superseded' as const } : KEEP));
    }
  }

  /**
   * Replies the platform did not take (a refused post, a connector that did not answer): queued for the
   * person under keys that keep their order, so the delivery round retries them with back-off, in order.
   */
  async queueReplies(staffId: string, messages: ReadonlyArray<{ text: string; card?: AdaptiveCardJson }>): Promise<void> {
    const key = `reply:${this.clock.now()}:${this.process}:${String(this.replies++).padStart(6, '0')}`;
    for (const [i, m] of messages.entries()) {
      await this.notify(`${key}:${String(i).padStart(3, '0')}`, staffId, { text: m.text, ...(m.card ? { card: m.card } : {}) });
    }
  }

  /**
   * Adds reminders to the person's bundle for this moment: reminders due together go out as one
   * message, and all the reminders of one person in one scheduler pass are one write. Idempotent per
   * job: a job already in any bundle of this moment is not added again, so a job retried after a crash
   * is delivered once. A bundle already delivered, or full, is not changed; what does not fit goes on
   * to the next one. Jobs on their first attempt cannot be in a bundle yet, so then the search starts at
   * the bundle this process last saw open. The message's text and card are made when it goes out
   * (`prepared`), not at every addition.
   */
  async addToBundle(baseKey: string, staffId: string, items: readonly BundleItem[], firstAttempt = false): Promise<void> {
    let left = [...items];
    const from = firstAttempt ? (this.openBundle.get(baseKey) ?? 1) : 1;
    for (let n = from; n <= MAX_BUNDLES_PER_SLOT && left.length; n++) {
      const key = `${baseKey}#${n}`;
      const { record } = await writeRecord(this.items, key, (current) => {
        if (!current) return this.fresh(key, staffId, '', undefined, { items: left.slice(0, MAX_BUNDLE_ITEMS) });
        // Delivered, or full: nothing goes in (bundles never lose items, so a job found in none of them is in none).
        if (current.status !== 'pending') return KEEP;
        const adding = left.filter((i) => !current.items.some((c) => c.jobId === i.jobId)).slice(0, MAX_BUNDLE_ITEMS - current.items.length);
        return adding.length ? { ...current, items: [...current.items, ...adding], text: '', cardJson: null } : KEEP;
      });
      const placed = new Set(record?.items.map((i) => i.jobId));
      left = left.filter((i) => !placed.has(i.jobId));
      this.rememberOpen(baseKey, left.length || (record && record.items.length >= MAX_BUNDLE_ITEMS) ? n + 1 : n);
    }
    if (left.length) throw new Error('reminder bundles of this moment are all full');
  }

  private rememberOpen(baseKey: string, n: number): void {
    if (this.openBundle.size > 10_000) this.openBundle.clear();
    if ((this.openBundle.get(baseKey) ?? 0) < n) this.openBundle.set(baseKey, n);
  }

  /**
   * Reminders whose work is done (a review recorded by anyone) lose their buttons wherever they wait or
   * were shown, for these people: a bundle not yet out is changed in place; one shown (or being sent) is
   * replaced by the same bundle with those reminders marked done (`note`), without their buttons. Run
   * again (an operation repeated), it finds nothing left to settle. Returns how many bundles it settled.
   */
  async settleReminders(staffIds: Iterable<string>, match: (item: BundleItem) => boolean, note: string): Promise<number> {
    const render = this.renderBundle;
    if (!render) return 0;
    const settle = (items: BundleItem[]) => items.map((i) => (match(i) && i.actions.length ? { ...i, text: `${i.text}\n${note}`, actions: [] } : i));
    let settled = 0;
    for (const staffId of new Set(staffIds)) {
      const mine = (await this.items.findBy('staffId', staffId)).filter((n) => n.schoolId === this.schoolId);
      const replaced = new Set(mine.flatMap((n) => (n.replaces && n.status !== 'superseded' ? [n.replaces] : [])));
      for (const n of mine) {
        // The latest version of each bundle that still offers one of these reminders' buttons.
        if (!n.items.length || replaced.has(n.id) || !n.items.some((i) => match(i) && i.actions.length)) continue;
        if (n.status !== 'pending' && n.status !== 'delivered') continue;
        const items = settle(n.items);
        if (n.status === 'pending' && n.nextAttemptAt <= this.clock.now() && !n.replaces) {
          const { written } = await writeRecord(this.items, n.id, (current) =>
            current && current.status === 'pending' && current.nextAttemptAt <= this.clock.now() ? { ...current, items: settle(current.items), text: '', cardJson: null } : KEEP,
          );
          if (written) {
            settled++;
            continue;
          }
        }
        const { text, card } = render(items);
        const done = items.filter((i) => !i.actions.length).map((i) => i.jobId).sort().join('|');
        // The replacement keeps the bundle's items: a reminder settled later starts from it.
        await this.notify(`${n.id}:settled:${createHash('sha256').update(done).digest('base64url').slice(0, 10)}`, staffId, { text, card, replaces: n.id, order: this.clock.now(), items });
        settled++;
      }
    }
    return settled;
  }

  /**
   * Resolves when the next message to `target` (a conversation or a channel) may go out: at least
   * `gapMs` after the one before it, whichever worker process sends it (the reservation is in the store).
   */
  async pace(target: string, gapMs: number): Promise<void> {
    const wait = await reserveSlot(this.store, target, gapMs, Date.now());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** How bundles are worded and shown; set by the scheduler that fills them. */
  useBundleRenderer(render: (items: BundleItem[]) => { text: string; card: AdaptiveCardJson }): void {
    this.renderBundle = render;
  }

  /** The notification ready to show: a bundle gets its text and card from its items. */
  prepared(notification: Notification): Notification {
    if (!notification.items.length || notification.cardJson !== null || !this.renderBundle) return notification;
    const { text, card } = this.renderBundle(notification.items);
    return { ...notification, text, cardJson: JSON.stringify(card) };
  }

  private fresh(
    key: string,
    staffId: string,
    text: string,
    card: AdaptiveCardJson | undefined,
    extra: Partial<Pick<Notification, 'replaces' | 'items' | 'order'>>,
  ): Omit<Notification, 'version'> {
    return {
      id: key,
      schoolId: this.schoolId,
      staffId,
      createdAt: this.clock.now(),
      text,
      cardJson: card ? JSON.stringify(card) : null,
      status: 'pending',
      deliveredAt: null,
      deliveredVia: null,
      deliveredMessageId: null,
      replaces: null,
      attempts: 0,
      nextAttemptAt: 0,
      items: [],
      ...extra,
    };
  }

  /** Pending messages for one person, oldest first. */
  async pendingFor(staffId: string): Promise<Notification[]> {
    const all = await this.items.findBy('staffId', staffId);
    return all.filter((n) => n.status === 'pending').sort(oldestFirst);
  }

  /** The card of a notification, if it has one. */
  static card(notification: Notification): AdaptiveCardJson | undefined {
    return notification.cardJson ? (JSON.parse(notification.cardJson) as AdaptiveCardJson) : undefined;
  }

  /**
   * The oldest messages due now that `accept` says this channel can deliver (up to `limit`): messages
   * for people the channel cannot reach are passed over, so they never hold up everyone else's.
   */
  async due(limit: number, accept: (n: Notification) => boolean | Promise<boolean> = () => true): Promise<Notification[]> {
    const now = this.clock.now();
    const out: Notification[] = [];
    // Page by page, oldest first, until enough are accepted: a page costs the same however many wait.
    const size = Math.max(limit, 100);
    let after: { order: number; id: string } | undefined;
    while (out.length < limit) {
      const page = await this.items.findPage({ field: 'status', value: 'pending', order: 'createdAt', until: { field: 'nextAttemptAt', max: now }, ...(after ? { after } : {}), limit: size });
      for (const n of page) {
        if (out.length >= limit) break;
        if (n.schoolId === this.schoolId && (await accept(n))) out.push(n);
      }
      if (page.length < size) break;
      const last = page.at(-1)!;
      after = { order: last.createdAt, id: last.id };
    }
    return out;
  }

  /** Messages that could not be delivered (blocked or removed app). */
  async unreachable(): Promise<Notification[]> {
    const items = await this.items.findBy('status', 'unreachable');
    return items
      .filter((n) => n.schoolId === this.schoolId)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((n) => this.prepared(n));
  }

  async get(key: string): Promise<Notification | null> {
    return this.items.get(key);
  }

  /**
   * Takes a due message for delivery: for `leaseMs` no other deliverer (another channel, another
   * process) picks it up. Null when someone else took it first. Use the returned record afterwards.
   * Decided on the message as stored: only a pending one that is due (not leased to a deliverer, not
   * backing off) is taken, so of claimants at the same moment exactly one wins; the lease end
   * (`nextAttemptAt`) is what marks the claim as this deliverer's afterwards.
   */
  async claim(notification: Notification, leaseMs = 60_000): Promise<Notification | null> {
    if (notification.status !== 'pending') return null;
    const now = this.clock.now();
    // At least a millisecond: a claim must leave the message not due, or a second claimant could take it too.
    const until = now + Math.max(1, leaseMs);
    const { record, written } = await writeRecord(this.items, notification.id, (current) =>
      current && current.status === 'pending' && current.nextAttemptAt <= now ? { ...current, nextAttemptAt: until } : KEEP,
    );
    return written && record ? this.prepared(record) : null;
  }

  /**
   * Takes a due message for delivery by one channel (`via`): not while the message it updates is still
   * waiting (it must take that one's place), not when another channel delivered that one, and only when
   * this claim wins. Returns the claimed message (ready to show) and the one it replaces.
   */
  async take(due: Notification, via: string): Promise<{ item: Notification; replaced: Notification | null } | null> {
    const replaced = due.replaces ? await this.get(due.replaces) : null;
    if (replaced?.status === 'pending') return null;
    if (replaced?.status === 'delivered' && replaced.deliveredVia !== via) return null;
    const item = await this.claim(due);
    return item ? { item, replaced } : null;
  }

  /**
   * Marks a message delivered; false when another process delivered it first, or when it is no longer
   * the message this deliverer took (see `stillTaken`): then it stays pending and goes out again when
   * the lease ends (a reminder added to a bundle after the claim is not lost). Kept is the message as
   * stored (what was scrubbed meanwhile stays scrubbed); a bundle with the text and card of its reminders.
   */
  async markDelivered(notification: Notification, via: string, messageId: string | null = null): Promise<boolean> {
    const { written } = await writeRecord(this.items, notification.id, (current) =>
      current && stillTaken(current, notification)
        ? { ...this.prepared(current), status: 'delivered' as const, deliveredAt: this.clock.now(), deliveredVia: via, deliveredMessageId: messageId }
        : KEEP,
    );
    return written;
  }

  /**
   * A failed attempt: try again after a back-off that grows with every attempt. Nothing changes when
   * the message is no longer this deliverer's (delivered, superseded, or taken over after the lease).
   */
  async postpone(notification: Notification, delayMs: number): Promise<void> {
    await writeRecord(this.items, notification.id, (current) =>
      current && stillTaken(current, notification, false) ? { ...current, attempts: current.attempts + 1, nextAttemptAt: this.clock.now() + delayMs } : KEEP,
    );
  }

  /**
   * A failed attempt to be tried again with the delivery back-off (work/retry.ts), from `baseMs` (the
   * channel picks it by the error) doubling with every attempt up to 15 minutes, with jitter.
   */
  async backOff(notification: Notification, baseMs: number = RETRY.delivery.baseMs): Promise<void> {
    await this.postpone(notification, retryDelay(notification.attempts + 1, { ...RETRY.delivery, baseMs }));
  }

  /**
   * The person cannot be reached on this platform (blocked or removed the app); not retried. Only a
   * message still pending as the caller saw it (`stillTaken`): not one another deliverer took meanwhile.
   */
  async markUnreachable(notification: Notification, via: string): Promise<void> {
    await writeRecord(this.items, notification.id, (current) =>
      current && stillTaken(current, notification, false) ? { ...current, status: 'unreachable' as const, deliveredVia: via, attempts: current.attempts + 1 } : KEEP,
    );
  }
}

/**
 * Whether the stored message is still the one a deliverer took (or, unclaimed, saw as due): pending,
 * with the same lease end (no one claimed it or backed it off since) and, for delivery, the same
 * reminders as they were shown (none added or settled after it was taken, which the delivered message
 * would lack).
 */
function stillTaken(current: Notification, taken: Notification, sameItems = true): boolean {
  if (current.status !== 'pending' || current.nextAttemptAt !== taken.nextAttemptAt) return false;
  if (!sameItems) return true;
  return JSON.stringify(current.items) === JSON.stringify(taken.items);
}
