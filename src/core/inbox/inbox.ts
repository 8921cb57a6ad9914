import type { Clock, Store } from '../ports.js';
import { DuplicateRecordError } from '../ports.js';
import { KEEP, writeRecord } from '../records.js';
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
   * Writes a new entry, leased to `owner` (who acknowledges it and runs it at once when it may).
   * Null when the id is there already: a retried delivery, acknowledged and left alone.
   */
  async accept(entry: NewEntry, owner: string): Promise<InboxEntry | null> {
    const now = this.clock.now();
    try {
      return await this.entries.create({
        id: entry.id,
        schoolId: this.schoolId,
        kind: entry.kind,
        personKey: entry.personKey,
        status: 'open',
        availableAt: now + this.leaseMs,
        arrivedAt: now,
        leaseOwner: owner,
        attempts: 1,
        request: JSON.stringify(entry.request),
      });
    } catch (error) {
      if (error instanceof DuplicateRecordError) return null;
      throw error;
    }
  }

  /** The inbox's time (the system clock: leases are about real processes, not the demo clock). */
  now(): number {
    return this.clock.now();
  }

  get(id: string): Promise<InboxEntry | null> {
    return this.entries.get(id);
  }

  /** Takes an open entry whose lease ended (or that nobody held) for `owner`; null when someone else has it. */
  async claim(id: string, owner: string): Promise<InboxEntry | null> {
    const now = this.clock.now();
    const { record, written } = await writeRecord(this.entries, id, (current) =>
      !current || current.status !== 'open' || current.availableAt > now
        ? KEEP
        : { ...current, leaseOwner: owner, availableAt: now + this.leaseMs, attempts: current.attempts + 1 },
    );
    return written ? record : null;
  }

  /**
   * Whether this entry is its person's next: no earlier entry of theirs is still open. Turns of one
   * person run in the order they arrived, never two at once.
   */
  async firstInLine(entry: InboxEntry): Promise<boolean> {
    const [first] = await this.openOf(entry.personKey);
    return first?.id === entry.id;
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

  /** Holds the lease of an entry `owner` runs for another lease period; false when it is no longer theirs. */
  async extend(id: string, owner: string): Promise<boolean> {
    const now = this.clock.now();
    const { written } = await writeRecord(this.entries, id, (current) =>
      !current || current.status !== 'open' || current.leaseOwner !== owner ? KEEP : { ...current, availableAt: now + this.leaseMs },
    );
    return written;
  }

  /**
   * Takes the person's turn lock for `owner` (one conditional write on a short-lived record): whoever
   * runs one of a person's entries holds it, so that two processes that each think an entry is the
   * person's first never run two turns of that person at once. False when another holds it.
   */
  async lockPerson(personKey: string, owner: string): Promise<boolean> {
    const now = this.clock.now();
    const id = personLockId(personKey);
    const { written } = await writeRecord(this.store.collection('transient'), id, (current) =>
      current && current.expiresAt > now && current.name !== owner ? KEEP : { ...(current ?? { id }), name: owner, expiresAt: now + this.leaseMs },
    );
    return written;
  }

  /** Gives the person's turn lock back (only when `owner` holds it). */
  async unlockPerson(personKey: string, owner: string): Promise<void> {
    const id = personLockId(personKey);
    await writeRecord(this.store.collection('transient'), id, (current) => (!current || current.name !== owner ? KEEP : { ...current, expiresAt: 0 }));
  }

  /**
   * Gives a held entry back, to be taken from `at` (now: at once, by anyone). `unrun`: its turn never
   * started here (no slot, or the person's earlier turn runs), so the claim does not count as a run.
   */
  async release(id: string, owner: string, at = this.clock.now(), unrun = false): Promise<boolean> {
    const { written } = await writeRecord(this.entries, id, (current) =>
      !current || current.status !== 'open' || current.leaseOwner !== owner
        ? KEEP
        : { ...current, leaseOwner: null, availableAt: at, attempts: unrun ? current.attempts - 1 : current.attempts },
    );
    return written;
  }

  /**
   * Marks it done: the request is emptied; the id stays a while to recognise a retry.
   * `owner`: only while they hold it (a run whose lease another took over leaves it to them); null:
   * whoever holds it (giving up on an entry).
   */
  async complete(id: string, owner: string | null): Promise<boolean> {
    const now = this.clock.now();
    const { written } = await writeRecord(this.entries, id, (current) =>
      !current || current.status === 'done' || (owner !== null && current.leaseOwner !== owner)
        ? KEEP
        : // No longer the person's: their lookups (`firstInLine`, `openOf`) read only what is open.
          { ...current, status: 'done' as const, personKey: '', leaseOwner: null, availableAt: now + KEEP_DONE_MS, request: '' },
    );
    return written;
  }

  /** Removes done entries whose time is up; returns how many. */
  async sweep(limit = 1000): Promise<number> {
    const old = await this.entries.findPage({ field: 'status', value: 'done', order: 'availableAt', until: { field: 'availableAt', max: this.clock.now() }, limit });
    let removed = 0;
    for (const entry of old) if (await this.entries.delete(entry.id)) removed++;
    return removed;
  }
}

/** The short-lived record that is a person's turn lock. */
function personLockId(personKey: string): string {
  return `inbox-person:${personKey}`;
}

function before(a: InboxEntry, b: InboxEntry): boolean {
  return a.arrivedAt < b.arrivedAt || (a.arrivedAt === b.arrivedAt && a.id < b.id);
}
