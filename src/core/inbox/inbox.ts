import type { Clock, Store } from '../kernel/ports.js';
import { DuplicateRecordError } from '../kernel/ports.js';
import { KEEP, writeRecord } from '../kernel/records.js';
import type { InboxEntry } from './model.js';

/** How long a done entry's delivery id is kept: Slack retries for minutes, never a day later. */
const KEEP_DONE_MS = 24 * 3_600_000;

export interface NewEntry {
  id: string;
  kind: string;
  personKey: string;
  request: unknown;
}

/**
 * The durable inbox in the store (model.ts). Every change is a conditional write, so two processes
 * never hold the same entry: a claim succeeds for one of them, and a lease that ran out is taken over.
 */
export class Inbox {
  constructor(
    private readonly store: Store,
    private readonly schoolId: string,
    private readonly clock: Clock,
    readonly leaseMs: number,
  ) {}

  private get entries() {
    return this.store.collection('inbox');
  }

  /**
   * Writes a new entry. `run`: leased to `owner` and marked running (its process means to run it at
   * once, and checks with `mayRun` whether it may); `hold`: leased to `owner`, who runs it when a slot
   * of theirs is free (`markRunning`); `leave`: for whichever process is free first. Null when the id is
   * there already: a retried delivery, acknowledged and left alone.
   */
  async accept(entry: NewEntry, owner: string, how: 'run' | 'hold' | 'leave' = 'run'): Promise<InboxEntry | null> {
    const now = this.clock.now();
    try {
      return await this.entries.create({
        id: entry.id,
        schoolId: this.schoolId,
        kind: entry.kind,
        personKey: entry.personKey,
        status: 'open',
        availableAt: how === 'leave' ? now : now + this.leaseMs,
        arrivedAt: now,
        leaseOwner: how === 'leave' ? null : owner,
        running: how === 'run',
        attempts: how === 'run' ? 1 : 0,
        request: JSON.stringify(entry.request),
      });
    } catch (error) {
      if (error instanceof DuplicateRecordError) return null;
      throw error;
    }
  }

  /** Marks an entry `owner` holds (accepted with `hold`) running, as a claim does; null when it is no longer theirs. */
  async markRunning(entry: InboxEntry, owner: string): Promise<InboxEntry | null> {
    const now = this.clock.now();
    return this.change(
      entry.id,
      entry,
      (current) => current.status === 'open' && current.leaseOwner === owner,
      (current) => ({ ...current, running: true, availableAt: now + this.leaseMs, attempts: current.attempts + 1 }),
    );
  }

  /**
   * Writes `next` of the entry while `may` holds for it: on `known` first (the entry as its holder last
   * wrote it: one conditional write, no read), then, when that copy is stale, on what the store has.
   * The entry as written, or null when `may` does not hold.
   */
  private async change(id: string, known: InboxEntry | undefined, may: (current: InboxEntry) => boolean, next: (current: InboxEntry) => InboxEntry): Promise<InboxEntry | null> {
    if (known && known.id === id && may(known)) {
      const written = await this.entries.update(next(known));
      if (written) return written;
    }
    const { record, written } = await writeRecord(this.entries, id, (current) => (!current || !may(current) ? KEEP : next(current)));
    return written ? record : null;
  }

  /** The inbox's time (the system clock: leases are about real processes, not the demo clock). */
  now(): number {
    return this.clock.now();
  }

  get(id: string): Promise<InboxEntry | null> {
    return this.entries.get(id);
  }

  /**
   * Takes an open entry whose lease ended (or that nobody held) for `owner`, marked running (check
   * `mayRun` before running it); null when someone else has it. `known`: the entry as just read (a page
   * of `due`), so that the usual case is one conditional write without a read first.
   */
  async claim(id: string, owner: string, known?: InboxEntry): Promise<InboxEntry | null> {
    const now = this.clock.now();
    return this.change(
      id,
      known,
      (current) => current.status === 'open' && current.availableAt <= now,
      (current) => ({ ...current, leaseOwner: owner, running: true, availableAt: now + this.leaseMs, attempts: current.attempts + 1 }),
    );
  }

  /**
   * Whether the turn of `entry` (held and marked running by the caller) may start: no other entry of
   * its person runs under a live lease, and none that arrived earlier is still open. Turns of one
   * person run in the order they arrived, never two at once. The mark is written before this read, so
   * of two processes that mark two entries of one person at once, at least one sees the other's mark
   * and gives its entry back: never both run (both may give back; a poll then takes the first).
   */
  async mayRun(entry: InboxEntry): Promise<boolean> {
    const now = this.clock.now();
    for (const other of await this.openOf(entry.personKey)) {
      if (other.id === entry.id) continue;
      if (before(other, entry) || (other.running && other.availableAt > now)) return false;
    }
    return true;
  }

  /** The person's open entries, oldest first. */
  async openOf(personKey: string): Promise<InboxEntry[]> {
    return (await this.entries.findBy('personKey', personKey)).filter((e) => e.status === 'open').sort((a, b) => (before(a, b) ? -1 : 1));
  }

  /** Open entries that may be claimed now, oldest first; after `after` to page on. */
  due(limit: number, after?: InboxEntry): Promise<InboxEntry[]> {
    return this.entries.findPage({
      field: 'status',
      value: 'open',
      order: 'availableAt',
      until: { field: 'availableAt', max: this.clock.now() },
      ...(after ? { after: { order: after.availableAt, id: after.id } } : {}),
      limit,
    });
  }

  /** Holds the lease of an entry `owner` runs for another lease period; the entry as written, or null when it is no longer theirs. */
  async extend(id: string, owner: string): Promise<InboxEntry | null> {
    const now = this.clock.now();
    const { record, written } = await writeRecord(this.entries, id, (current) =>
      !current || current.status !== 'open' || current.leaseOwner !== owner ? KEEP : { ...current, availableAt: now + this.leaseMs },
    );
    return written ? record : null;
  }

  /**
   * Gives a held entry back, to be taken from `at` (now: at once, by anyone). `unrun`: its turn never
   * started here (no slot, or the person's earlier turn runs), so the claim does not count as a run.
   */
  async release(id: string, owner: string, at = this.clock.now(), unrun = false): Promise<boolean> {
    const { written } = await writeRecord(this.entries, id, (current) =>
      !current || current.status !== 'open' || current.leaseOwner !== owner
        ? KEEP
        : { ...current, leaseOwner: null, running: false, availableAt: at, attempts: unrun ? Math.max(0, current.attempts - 1) : current.attempts },
    );
    return written;
  }

  /**
   * Marks it done: the request is emptied; the id stays a while to recognise a retry.
   * `owner`: only while they hold it (a run whose lease another took over leaves it to them); null:
   * whoever holds it (giving up on an entry). `held`: the entry as the owner last wrote it, so that the
   * usual case is one conditional write without a read first.
   */
  async complete(id: string, owner: string | null, held?: InboxEntry): Promise<boolean> {
    const now = this.clock.now();
    const done = await this.change(
      id,
      held,
      (current) => current.status === 'open' && (owner === null || current.leaseOwner === owner),
      // No longer the person's: their lookups (`mayRun`, `openOf`) read only what is open.
      (current) => ({ ...current, status: 'done' as const, personKey: '', leaseOwner: null, running: false, availableAt: now + KEEP_DONE_MS, request: '' }),
    );
    return done !== null;
  }

  /** Removes done entries whose time is up; returns how many. */
  async sweep(limit = 1000): Promise<number> {
    const old = await this.entries.findPage({ field: 'status', value: 'done', order: 'availableAt', until: { field: 'availableAt', max: this.clock.now() }, limit });
    let removed = 0;
    for (const entry of old) if (await this.entries.delete(entry.id)) removed++;
    return removed;
  }
}

function before(a: InboxEntry, b: InboxEntry): boolean {
  return a.arrivedAt < b.arrivedAt || (a.arrivedAt === b.arrivedAt && a.id < b.id);
}
