import type { Background } from '../background.js';
import type { Logger } from '../ports.js';
import type { Inbox, NewEntry } from './inbox.js';
import type { InboxEntry } from './model.js';

/** Runs an entry's turn again from what was stored (in any process): the channel's replay. Throws when the turn failed. */
export type EntryHandler = (entry: InboxEntry) => Promise<void>;

/** A failed turn is tried again this much later, times the attempts; after `MAX_ATTEMPTS` runs it is given up. */
const RETRY_BASE_MS = 2_000;
const MAX_ATTEMPTS = 5;
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
  /** How often a process looks for entries nobody runs (a lease that ran out, a turn left for later). */
  pollMs?: number;
}

/**
 * Runs the inbox's entries in this process. An entry this process acknowledged runs at once when it is
 * its person's next and a slot is free; otherwise it goes back to the store, where any process's poll
 * (or the end of the person's earlier turn) takes it. Nothing waits in memory: a process that dies
 * leaves its entries to the others when their leases end, and a stopping one gives them back. While a
 * turn runs, its entry's lease and its person's turn lock are renewed; the lock keeps two processes
 * from running two turns of one person at once.
 */
export class InboxRunner {
  private readonly handlers = new Map<string, EntryHandler>();
  /** Entries this process runs now, with their person. */
  private readonly held = new Map<string, string>();
  /** Slots taken: turns running, and turns about to run (taken before anything is awaited). */
  private slots = 0;
  private timer: NodeJS.Timeout | undefined;
  private renewal: NodeJS.Timeout | undefined;
  private polling = false;
  /** Asked to poll while a poll ran. */
  private again = false;
  /** The last poll left due entries in the store (or an entry was given back since). */
  private waiting = true;
  private stopped = false;
  private readonly concurrency: number;
  private readonly pollMs: number;

  constructor(private readonly options: InboxRunnerOptions) {
    this.concurrency = options.concurrency ?? 32;
    this.pollMs = options.pollMs ?? 500;
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

  start(): void {
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.timer.unref();
    this.renewal = setInterval(() => this.renew(), Math.max(200, Math.floor(this.inbox.leaseMs / 3)));
    this.renewal.unref();
    // Entries left by a process that stopped or died: taken now, not after the first interval.
    this.poll();
  }

  /** A slot for one turn, taken before anything is awaited, so that a burst cannot overshoot. */
  private reserve(): boolean {
    if (this.stopped || this.slots >= this.concurrency) return false;
    this.slots++;
    return true;
  }

  /**
   * Writes an entry for a request about to be acknowledged, held by this process; null when it was
   * there already (a retried delivery). Throws when it could not be written: then nothing may be
   * acknowledged. One write, so that the acknowledgement waits for nothing else.
   */
  accept(entry: NewEntry): Promise<InboxEntry | null> {
    return this.inbox.accept(entry, this.owner);
  }

  /**
   * After the acknowledgement: whether this process runs the accepted entry now (a slot is free and it
   * is its person's next; the channel goes on with the turn and calls `finished`). Otherwise it goes
   * back to the store for whoever is free.
   */
  async runHere(accepted: InboxEntry): Promise<boolean> {
    if (this.reserve()) {
      try {
        if ((await this.inbox.firstInLine(accepted)) && (await this.inbox.lockPerson(accepted.personKey, this.owner))) {
          this.held.set(accepted.id, accepted.personKey);
          return true;
        }
      } catch (error) {
        this.options.log.warn('inbox.start-deferred', { error: name(error) });
      }
      this.slots--;
    }
    await this.inbox.release(accepted.id, this.owner, undefined, true).catch(() => false); // or its lease runs out
    this.waiting = true;
    return false;
  }

  /** The turn of an admitted (or claimed) entry ran (`ok`) or failed; then the person's next entry, if any. */
  async finished(entry: InboxEntry, ok: boolean): Promise<void> {
    try {
      if (ok) await this.inbox.complete(entry.id, this.owner);
      else await this.giveBack(entry);
      await this.inbox.unlockPerson(entry.personKey, this.owner);
    } catch (error) {
      // Its lease and lock run out; another process takes it then.
      this.options.log.error('inbox.finish-failed', { error: name(error) });
    } finally {
      this.held.delete(entry.id);
      this.slots--;
    }
    this.next(entry.personKey);
  }

  /**
   * Runs this person's next open entry here, now, when it is free; otherwise the slot goes to whatever
   * waits in the store (a free process starts its next turn at once, not at the next poll).
   */
  private next(personKey: string): void {
    if (!this.reserve()) return;
    this.options.background.track(
      (async () => {
        if (!(await this.takeFirstOf(personKey)) && this.waiting) this.poll();
      })().catch((error: unknown) => this.options.log.error('inbox.next-failed', { error: name(error) })),
    );
  }

  /**
   * Takes due entries (up to the free slots, a person's first open entry each) and runs them. Asked
   * while a poll runs, it polls again after it. Notes whether entries were left waiting, so that a slot
   * that frees up looks in the store at once.
   */
  poll(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = true;
    this.options.background.track(
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
        await this.takeFirstOf(entry.personKey);
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

  /** Claims an entry and its person's lock and starts its turn (in a slot already reserved); false when someone else has it. */
  private async take(entry: InboxEntry): Promise<boolean> {
    const claimed = await this.inbox.claim(entry.id, this.owner);
    if (!claimed) return false;
    if (!(await this.inbox.lockPerson(claimed.personKey, this.owner))) {
      await this.inbox.release(claimed.id, this.owner, entry.availableAt, true);
      return false;
    }
    this.held.set(claimed.id, claimed.personKey);
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
    await this.inbox.release(entry.id, this.owner, this.inbox.now() + RETRY_BASE_MS * entry.attempts);
  }

  /** Keeps the leases and person locks of the turns running here. */
  private renew(): void {
    for (const [id, person] of this.held) {
      this.options.background.track(
        Promise.all([this.inbox.extend(id, this.owner), this.inbox.lockPerson(person, this.owner)]).catch((error: unknown) =>
          this.options.log.warn('inbox.renew-failed', { error: name(error) }),
        ),
      );
    }
  }

  /** How many turns run here now. */
  get inHand(): number {
    return this.held.size;
  }

  /** Takes nothing new (the turns in hand go on; the caller waits for its background work). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.renewal);
  }

  /**
   * Gives back what is still held after the grace period, so another process (or the next start) runs
   * it at once instead of after the lease. The process exits right after: its turns write nothing more.
   */
  async releaseHeld(): Promise<number> {
    let released = 0;
    for (const [id, person] of this.held) {
      if (await this.inbox.release(id, this.owner).catch(() => false)) released++;
      await this.inbox.unlockPerson(person, this.owner).catch(() => undefined);
    }
    return released;
  }
}

function name(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
