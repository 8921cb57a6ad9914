import type { Background } from '../background.js';
import type { Logger } from '../ports.js';
import type { Inbox, NewEntry } from './inbox.js';
import type { InboxEntry } from './model.js';

/** Runs an entry's turn again from what was stored (in any process): the channel's replay. */
export type EntryHandler = (entry: InboxEntry) => Promise<void>;

/** What to do with an entry just accepted: run it now, leave it for later, or nothing (a retried delivery). */
export type Admission = { run: true; entry: InboxEntry } | { run: false; duplicate: boolean };

/** A failed turn is tried again this much later, times the attempts, up to `MAX_ATTEMPTS`. */
const RETRY_BASE_MS = 2_000;
const MAX_ATTEMPTS = 5;

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
 * leaves its entries to the others when their leases end, and a stopping one gives them back.
 */
export class InboxRunner {
  private readonly handlers = new Map<string, EntryHandler>();
  private readonly held = new Set<string>();
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private stopped = false;
  private readonly concurrency: number;
  private readonly pollMs: number;

  constructor(private readonly options: InboxRunnerOptions) {
    this.concurrency = options.concurrency ?? 16;
    this.pollMs = options.pollMs ?? 500;
  }

  private get inbox(): Inbox {
    return this.options.inbox;
  }

  /** The channel's replay for entries of `kind`. */
  on(kind: string, handler: EntryHandler): void {
    this.handlers.set(kind, handler);
  }

  start(): void {
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.timer.unref();
    // Entries left by a process that stopped or died: taken now, not after the first interval.
    this.poll();
  }

  /**
   * Writes an entry for a request about to be acknowledged. `run: true`: this process runs it now (the
   * channel goes on with the turn and calls `finished`); otherwise it is stored for later, or was there
   * already (`duplicate`: a retried delivery).
   */
  async admit(entry: NewEntry): Promise<Admission> {
    const accepted = await this.inbox.accept(entry, this.options.owner);
    if (!accepted) return { run: false, duplicate: true };
    if (this.stopped || this.running >= this.concurrency || !(await this.inbox.firstInLine(accepted))) {
      await this.inbox.release(accepted.id, this.options.owner);
      return { run: false, duplicate: false };
    }
    this.running++;
    this.held.add(accepted.id);
    return { run: true, entry: accepted };
  }

  /** The turn of an admitted entry ran (`ok`) or failed; then the person's next entry, if any. */
  async finished(entry: InboxEntry, ok: boolean): Promise<void> {
    try {
      if (ok) await this.inbox.complete(entry.id);
      else await this.giveBack(entry);
    } finally {
      this.held.delete(entry.id);
      this.running--;
    }
    if (ok) this.next(entry.personKey);
  }

  /** Runs this person's next open entry here, now, when nobody holds it. */
  private next(personKey: string): void {
    if (this.stopped) return;
    this.options.background.track(
      (async () => {
        const [first] = await this.inbox.openOf(personKey);
        if (!first || this.running >= this.concurrency) {
          if (first) this.poll();
          return;
        }
        const claimed = await this.inbox.claim(first.id, this.options.owner);
        if (claimed) await this.runClaimed(claimed);
      })().catch((error: unknown) => this.options.log.error('inbox.next-failed', { error: name(error) })),
    );
  }

  /** Takes due entries (up to the free slots) and runs them. */
  poll(): void {
    if (this.polling || this.stopped) return;
    this.polling = true;
    this.options.background.track(
      (async () => {
        try {
          const free = this.concurrency - this.running;
          if (free <= 0) return;
          // Per person, only their first open entry may run: the one that is due may be a later one
          // (given back while the first was held), so the first is looked up and taken when it is due.
          const people = new Set<string>();
          for (const due of await this.inbox.due(free * 4)) {
            if (this.stopped || this.running >= this.concurrency) break;
            if (people.has(due.personKey)) continue;
            people.add(due.personKey);
            const [first] = await this.inbox.openOf(due.personKey);
            const claimed = first ? await this.inbox.claim(first.id, this.options.owner) : null;
            if (claimed) this.options.background.track(this.runClaimed(claimed));
          }
        } finally {
          this.polling = false;
        }
      })().catch((error: unknown) => this.options.log.error('inbox.poll-failed', { error: name(error) })),
    );
  }

  private async runClaimed(entry: InboxEntry): Promise<void> {
    const handler = this.handlers.get(entry.kind);
    this.running++;
    this.held.add(entry.id);
    let ok = false;
    try {
      if (!handler) throw new Error(`no handler for inbox entries of kind ${entry.kind}`);
      this.options.log.info('inbox.replay', { kind: entry.kind, attempts: entry.attempts });
      await handler(entry);
      ok = true;
    } catch (error) {
      this.options.log.error('inbox.turn-failed', { kind: entry.kind, attempts: entry.attempts, error: name(error) });
    }
    await this.finished(entry, ok);
  }

  /** A failed turn: tried again later, by any process, until it has failed `MAX_ATTEMPTS` times. */
  private async giveBack(entry: InboxEntry): Promise<void> {
    if (entry.attempts >= MAX_ATTEMPTS) {
      this.options.log.error('inbox.given-up', { kind: entry.kind, attempts: entry.attempts });
      await this.inbox.complete(entry.id);
      return;
    }
    await this.inbox.release(entry.id, this.options.owner, Date.now() + RETRY_BASE_MS * entry.attempts);
  }

  /** How many turns run here now. */
  get inHand(): number {
    return this.running;
  }

  /**
   * Takes nothing new; lets the turns in hand finish for at most `graceMs` (the caller waits for its
   * background work), then gives back what is still held, so another process (or the next start) runs
   * it at once instead of after the lease.
   */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  async releaseHeld(): Promise<number> {
    let released = 0;
    for (const id of [...this.held]) if (await this.inbox.release(id, this.options.owner).catch(() => false)) released++;
    return released;
  }
}

function name(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
