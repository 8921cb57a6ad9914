// Longer than 350 lines: one state machine (slots, the queue held here, leases, the burst): split, its
// invariants would spread over files.
import type { Background } from '../kernel/background.js';
import type { Logger } from '../kernel/ports.js';
import { RETRY, retryDelay } from '../work/retry.js';
import type { WorkSource } from '../work/loop.js';
import type { Inbox, NewEntry } from './inbox.js';
import type { InboxEntry } from './model.js';

/** Runs an entry's turn again from what was stored (in any process): the channel's replay. Throws when the turn failed. */
export type EntryHandler = (entry: InboxEntry) => Promise<void>;

/** A failed turn is tried again after the turn back-off (work/retry.ts); after `MAX_ATTEMPTS` runs it is given up. */
const MAX_ATTEMPTS = 5;
/** Turns that may run while a burst of requests waits for its acknowledgements. */
const BURST_SLOTS = 1;
/** At most this many pages of due entries per poll (each the free slots and two more, at least 4). */
const PAGES = 10;

export interface InboxRunnerOptions {
  inbox: Inbox;
  /** This process, as lease owner. */
  owner: string;
  background: Background;
  log: Logger;
  /** Turns this process runs at once; more wait in the store, for whichever process is free. */
  concurrency?: number;
  /** Accepted entries that may wait here for a slot (their leases held); more are left to whichever process is free. */
  queueLimit?: number;
}

/** An entry waiting here for a slot (its lease renewed meanwhile), and what resumes its turn. */
interface Waiter {
  entry: InboxEntry;
  resume: (slot: boolean) => void;
}

/** An entry just written by `accept`, and how: to run now, to wait for a slot here, or left for anyone. */
export interface Accepted {
  entry: InboxEntry;
  how: 'run' | 'hold' | 'leave';
}

/**
 * Runs the inbox's entries in this process. An entry this process acknowledged runs at once when a slot
 * is free and it may (inbox.ts `mayRun`); without a free slot it waits here for one, its lease held in
 * the store (up to `queueLimit`; more are left in the store for whichever process is free); one that
 * may not run yet goes back to the store, where any process's poll (or the end of the person's earlier
 * turn) takes it. What waits here is only a lease this process holds: a process that dies leaves its
 * entries to the others when their leases end, and a stopping one gives them back at once. While a turn
 * runs or waits, its entry's lease is renewed; a running entry under a live lease keeps the person's
 * other turns waiting, in this process and every other.
 */
export class InboxRunner {
  private readonly handlers = new Map<string, EntryHandler>();
  /** Entries this process runs now, as last written (`complete` then needs no read first). */
  private readonly held = new Map<string, InboxEntry>();
  /** The people whose turn runs here now (or is about to). */
  private readonly people = new Set<string>();
  /** Entries accepted here without a free slot, oldest first, each waiting for one (`runHere`). */
  private readonly queued: Waiter[] = [];
  /** How many wait here, or are about to (counted before their write). */
  private queuedCount = 0;
  private readonly queueLimit: number;
  /** Slots taken: turns running, and turns about to run (taken before anything is awaited). */
  private slots = 0;
  private polling = false;
  /** Asked to poll while a poll ran. */
  private again = false;
  /** The last poll left due entries in the store (or an entry was given back since). */
  private waiting = true;
  private stopped = false;
  private readonly concurrency: number;

  constructor(private readonly options: InboxRunnerOptions) {
    this.concurrency = options.concurrency ?? 32;
    this.queueLimit = options.queueLimit ?? this.concurrency * 4;
  }

  private get inbox(): Inbox {
    return this.options.inbox;
  }

  private get owner(): string {
    return this.options.owner;
  }

  /** The channel's replay for entries of `kind`. */
  on(kind: string, handler: EntryHandler): void {
    this.handlers.set(kind, handler);
  }

  /** How often the leases of what runs or waits here are renewed: well within the lease. */
  get renewEveryMs(): number {
    return Math.max(200, Math.floor(this.inbox.leaseMs / 3));
  }

  /** A slot for one turn, taken before anything is awaited, so that a burst cannot overshoot; few while acknowledging. */
  private reserve(): boolean {
    if (!this.free()) return false;
    this.slots++;
    return true;
  }

  /** Whether a slot could be taken now (`reserve`), without taking it. */
  private free(): boolean {
    if (this.stopped || this.slots >= this.concurrency) return false;
    // While a burst waits for its acknowledgements, one turn goes on (none starve), no more: each turn's
    // work holds up the acknowledgements behind it (npm run bench: p99 of the ack at 200 connections).
    return !(this.slots >= BURST_SLOTS && this.acknowledging());
  }

  /**
   * Writes an entry for a request about to be acknowledged; null when it was there already (a retried
   * delivery). Throws when it could not be written: then nothing may be acknowledged. One write, so
   * that the acknowledgement waits for nothing else; how the entry is written (to run now, to wait
   * for a slot here, or for whoever is free) is decided before it.
   */
  async accept(entry: NewEntry): Promise<Accepted | null> {
    const how = this.reserve() ? 'run' : !this.stopped && !this.acknowledging() && this.queuedCount < this.queueLimit ? 'hold' : 'leave';
    if (how === 'hold') this.queuedCount++;
    let written: InboxEntry | null = null;
    try {
      written = await this.inbox.accept(entry, this.owner, how);
    } finally {
      if (!written) {
        if (how === 'run') this.slots--;
        if (how === 'hold') this.queuedCount--;
      }
    }
    return written ? { entry: written, how } : null;
  }

  /**
   * After the acknowledgement: whether this process runs the accepted entry now (the channel goes on
   * with the turn and calls `finished`). One accepted without a free slot waits here, in arrival order,
   * until one is free, its lease held meanwhile. One that may not run (the person's earlier turn is not
   * done) goes back to the store, where the end of that turn or a poll takes it.
   */
  async runHere(accepted: Accepted): Promise<boolean> {
    let entry: InboxEntry | null = accepted.entry;
    if (accepted.how === 'leave') {
      this.waiting = true;
      return false;
    }
    if (accepted.how === 'hold') {
      // Stopping (the stop came between the write and here): back to the store at once, not started.
      if (this.stopped) {
        this.queuedCount--;
        await this.inbox.release(accepted.entry.id, this.owner, undefined, false).catch(() => false);
        return false;
      }
      const waiter: Waiter = { entry: accepted.entry, resume: () => undefined };
      const slot = new Promise<boolean>((resume) => (waiter.resume = resume));
      this.queued.push(waiter);
      // A slot may have freed between the write and the queue: take it now rather than at the next turn's end.
      this.next();
      const started = await slot;
      this.queuedCount--;
      if (!started) {
        // Never started here: its attempts stay as they were (a run after this one is no re-run).
        await this.inbox.release(waiter.entry.id, this.owner, undefined, false).catch(() => false);
        return false;
      }
      // The entry as last written (its lease renewed while it waited), so the usual case is one write.
      entry = await this.inbox.markRunning(waiter.entry, this.owner).catch(() => null);
    }
    try {
      if (entry && (await this.inbox.mayRun(entry))) {
        this.held.set(entry.id, entry);
        this.people.add(entry.personKey);
        return true;
      }
    } catch (error) {
      this.options.log.warn('inbox.start-deferred', { error: name(error) });
    }
    this.slots--;
    if (![...this.held.values()].some((h) => h.personKey === accepted.entry.personKey)) this.people.delete(accepted.entry.personKey);
    // Marked running (by accept or markRunning), not run: that mark does not count as a run.
    if (entry) await this.inbox.release(entry.id, this.owner, undefined, true).catch(() => false); // or its lease runs out
    this.waiting = true;
    this.next();
    return false;
  }

  /** The turn of an admitted (or claimed) entry ran (`ok`) or failed; then the next turn, if any waits. */
  async finished(entry: InboxEntry, ok: boolean): Promise<void> {
    // The entry as this process last wrote it (its attempts counted by the claim or markRunning).
    const current = this.held.get(entry.id) ?? entry;
    try {
      if (ok) await this.inbox.complete(current.id, this.owner, current);
      else await this.giveBack(current);
    } catch (error) {
      // Its lease runs out; another process takes it then.
      this.options.log.error('inbox.finish-failed', { error: name(error) });
    } finally {
      this.held.delete(entry.id);
      this.people.delete(entry.personKey);
      this.slots--;
    }
    this.next(entry.personKey);
  }

  /**
   * Gives a free slot to what waits: an entry held here (the oldest whose person has no turn running
   * here), or, when entries wait in the store, the person's next entry there or a poll. A free process
   * starts its next turn at once, not at the next poll.
   */
  private next(personKey?: string): void {
    this.drainQueue();
    if (!this.waiting || !this.reserve()) return;
    this.options.background.track(
      (async () => {
        if (!(personKey && (await this.takeFirstOf(personKey)))) {
          if (!personKey) this.slots--;
          void this.poll();
        }
      })().catch((error: unknown) => this.options.log.error('inbox.next-failed', { error: name(error) })),
    );
  }

  /** Gives free slots to the entries waiting here, oldest first, each whose person has no turn running here. */
  private drainQueue(): void {
    while (this.queued.length > 0 && this.reserve()) {
      const index = this.queued.findIndex((q) => !this.people.has(q.entry.personKey));
      if (index < 0) {
        this.slots--;
        break;
      }
      const [waiter] = this.queued.splice(index, 1);
      // Taken before anything is awaited: another free slot finds the person busy.
      this.people.add(waiter!.entry.personKey);
      waiter!.resume(true);
    }
  }

  /**
   * Takes due entries (up to the free slots, a person's first open entry each) and runs them. Asked
   * while a poll runs, it polls again after it. Notes whether entries were left waiting, so that a slot
   * that frees up looks in the store at once.
   */
  poll(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    // Entries waiting here first (a slot that freed without a turn ending here).
    this.drainQueue();
    if (this.polling) {
      this.again = true;
      return Promise.resolve();
    }
    this.polling = true;
    return this.options.background.track(
      (async () => {
        try {
          do {
            this.again = false;
            this.waiting = await this.pollOnce();
          } while (this.again && !this.stopped && this.slots < this.concurrency);
        } finally {
          this.polling = false;
        }
      })().catch((error: unknown) => this.options.log.error('inbox.poll-failed', { error: name(error) })),
    );
  }

  /** One look at the store; true when due entries were left (no free slot, or held up behind a person's first). */
  private async pollOnce(): Promise<boolean> {
    // No slot to give: the store is not read (under a burst, each read would decrypt a page for nothing).
    if (!this.free()) return this.waiting;
    const people = new Set<string>();
    let after: InboxEntry | undefined;
    // Later entries of a busy person are due too (given back while the first ran): paged past.
    for (let page = 0; page < PAGES; page++) {
      const size = Math.max(4, this.concurrency - this.slots + 2);
      const due = await this.inbox.due(size, after);
      for (const entry of due) {
        if (people.has(entry.personKey)) continue;
        people.add(entry.personKey);
        if (!this.reserve()) return true;
        // The page's copy is claimed as it is, without reading the person's entries first: `take` checks
        // with `mayRun` that it is their first and gives it back when it is not. Then their first open
        // entry is looked up and taken instead (the page is in `availableAt` order, and a first entry whose
        // lease ran out comes after the person's later ones).
        let started: boolean;
        try {
          started = await this.take(entry);
        } catch (error) {
          this.slots--;
          throw error;
        }
        if (!started) await this.takeFirstOf(entry.personKey);
      }
      if (due.length < size) return false;
      after = due.at(-1);
    }
    return true;
  }

  /** In a slot already reserved: starts the person's first open entry here, or gives the slot back when it cannot be taken. */
  private async takeFirstOf(personKey: string): Promise<boolean> {
    let started = false;
    try {
      const [first] = await this.inbox.openOf(personKey);
      if (first) started = await this.take(first);
    } finally {
      if (!started) this.slots--;
    }
    return started;
  }

  /** Claims an entry and starts its turn when it may (in a slot already reserved); false when someone else has it or runs the person's turn. */
  private async take(entry: InboxEntry): Promise<boolean> {
    const claimed = await this.inbox.claim(entry.id, this.owner, entry);
    if (!claimed) return false;
    if (!(await this.inbox.mayRun(claimed))) {
      await this.inbox.release(claimed.id, this.owner, entry.availableAt, true);
      return false;
    }
    this.held.set(claimed.id, claimed);
    this.people.add(claimed.personKey);
    this.options.background.track(this.runClaimed(claimed));
    return true;
  }

  private async runClaimed(entry: InboxEntry): Promise<void> {
    let ok = false;
    try {
      // One that keeps failing, or that took its process down each time, is given up: the person's
      // later turns are not held up behind it for ever.
      if (entry.attempts > MAX_ATTEMPTS) {
        this.options.log.error('inbox.given-up', { kind: entry.kind, attempts: entry.attempts });
        ok = true;
        return;
      }
      const handler = this.handlers.get(entry.kind);
      if (!handler) throw new Error(`no handler for inbox entries of kind ${entry.kind}`);
      this.options.log.info('inbox.replay', { kind: entry.kind, attempts: entry.attempts });
      await handler(entry);
      ok = true;
    } catch (error) {
      this.options.log.error('inbox.turn-failed', { kind: entry.kind, attempts: entry.attempts, error: name(error) });
    } finally {
      await this.finished(entry, ok);
    }
  }

  /** A failed turn: tried again later, by any process, until it has run `MAX_ATTEMPTS` times. */
  private async giveBack(entry: InboxEntry): Promise<void> {
    if (entry.attempts >= MAX_ATTEMPTS) {
      this.options.log.error('inbox.given-up', { kind: entry.kind, attempts: entry.attempts });
      await this.inbox.complete(entry.id, this.owner);
      return;
    }
    await this.inbox.release(entry.id, this.owner, this.inbox.now() + retryDelay(entry.attempts, RETRY.turn));
  }

  /** Keeps the leases of the turns running here (which also keeps the person's other turns waiting) and of those waiting here. */
  async renew(): Promise<void> {
    const renewing = (id: string, keep: (written: InboxEntry) => void) =>
      this.inbox
        .extend(id, this.owner)
        .then((written) => written && keep(written))
        .catch((error: unknown) => this.options.log.warn('inbox.renew-failed', { error: name(error) }));
    await Promise.all([
      ...[...this.held.keys()].map((id) => renewing(id, (written) => this.held.has(id) && this.held.set(id, written))),
      ...this.queued.map((waiter) => renewing(waiter.entry.id, (written) => (waiter.entry = written))),
    ]);
  }

  /**
   * Tells the runner when acknowledgements wait for this process (a burst): no turn starts here then, and
   * what is accepted is left in the store, so that every acknowledgement is answered first, well within
   * the platform's deadline; the turns follow when the burst is answered (`resume`).
   */
  acknowledgeFirst(busy: () => boolean): void {
    this.acknowledging = busy;
  }
  private acknowledging: () => boolean = () => false;

  /** The acknowledgements are answered: start what waits, here or in the store, at once. */
  resume(): void {
    if (this.stopped) return;
    this.drainQueue();
    if (this.waiting) void this.poll();
  }

  /** How many turns run here now. */
  get inHand(): number {
    return this.held.size;
  }

  /** Takes nothing new: what waits here goes back to the store at once; the turns in hand go on (the caller waits for its background work). */
  stop(): void {
    this.stopped = true;
    for (const waiter of this.queued.splice(0)) waiter.resume(false);
  }

  /**
   * Gives back what is still held after the grace period, so another process (or the next start) runs
   * it at once instead of after the lease. The process exits right after: its turns write nothing more.
   */
  async releaseHeld(): Promise<number> {
    let released = 0;
    for (const id of this.held.keys()) {
      if (await this.inbox.release(id, this.owner).catch(() => false)) released++;
    }
    return released;
  }
}

function name(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}

/**
 * The runner's background work, for the process's work loop: a look in the store for entries nobody runs
 * (a lease that ran out, a turn left for whoever is free; at start, what a stopped or dead process left)
 * every `pollMs`, and the renewal of the leases held here.
 */
export function inboxWork(runner: InboxRunner, pollMs: number): WorkSource[] {
  return [
    { name: 'inbox', everyMs: pollMs, run: () => runner.poll() },
    { name: 'inbox-leases', everyMs: runner.renewEveryMs, run: () => runner.renew() },
  ];
}
