import type { CollectionName } from './collection-names.js';
import type { RecordOf } from './record-kinds.js';

/**
 * The interfaces the core needs from the outside world. Stores implement them for SQLite and MongoDB;
 * both run the same contract suite (test/store/contract.ts).
 */

/** Every stored record carries a version; a write names the version it read. */
export interface VersionedRecord {
  /** Unique within its collection. */
  id: string;
  /** Starts at 1, raised by one on every successful write. */
  version: number;
}

export type FieldValue = string | number | boolean;

/** A collection of JSON records with optimistic concurrency. */
export interface RecordCollection<T extends VersionedRecord> {
  get(id: string): Promise<T | null>;
  /** Stores a new record at version 1. Throws `DuplicateRecordError` when the id exists. */
  create(record: Omit<T, 'version'>): Promise<T>;
  /**
   * Writes `record` only if the stored version still equals `record.version`.
   * Returns the stored record (version + 1), or null when someone else wrote first.
   */
  update(record: T): Promise<T | null>;
  /** Records whose top-level `field` equals `value`, oldest id first. Use indexed fields only. */
  findBy(field: string, value: FieldValue): Promise<T[]>;
  /** Removes a record; returns whether it existed. */
  delete(id: string): Promise<boolean>;
  /**
   * A page of the records whose `field` equals `value` and whose number `until.field` is at most
   * `until.max`, in the order of `order` (a number) and id, after `after`, at most `limit`. Only for
   * the pairs in `PAGED_QUERIES`, which the stores index, so that a page costs the same whatever the
   * collection holds.
   */
  findPage(query: PageQuery): Promise<T[]>;
}

export interface PageQuery {
  field: string;
  value: FieldValue;
  order: string;
  until: { field: string; max: number };
  after?: { order: number; id: string };
  limit: number;
}

/** The paged queries the stores index: collection → [equality field, order field]. */
export const PAGED_QUERIES = {
  /** Due messages, oldest first (outbox.ts `due`). */
  outbox: ['status', 'createdAt'],
  /** Entries to claim (open, oldest first) and done ones to remove (inbox/inbox.ts). */
  inbox: ['status', 'availableAt'],
} as const satisfies Partial<Record<string, readonly [string, string]>>;

/** Refuses a paged query the stores have no index for (see `PAGED_QUERIES`). */
export function checkPaged(collection: string, query: PageQuery): void {
  const paged = (PAGED_QUERIES as Partial<Record<string, readonly [string, string]>>)[collection];
  if (!paged || paged[0] !== query.field || paged[1] !== query.order) throw new Error(`${collection}: no paged query by ${query.field} in ${query.order} order`);
}

export class DuplicateRecordError extends Error {
  override name = 'DuplicateRecordError';
  constructor(collection: string, id: string) {
    super(`record ${id} already exists in ${collection}`);
  }
}

/** A scheduled piece of work (a reminder, a follow-up). Times are epoch milliseconds. */
export interface Job {
  id: string;
  version: number;
  kind: string;
  /** Free JSON the job's handler understands; never shown in logs. */
  payload: Record<string, unknown>;
  dueAt: number;
  status: 'pending' | 'claimed' | 'done' | 'failed';
  attempts: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  result: string | null;
}

export interface NewJob {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  dueAt: number;
}

export interface JobStore {
  /** Schedules a job; scheduling the same id twice keeps the first. Returns whether it was new. */
  schedule(job: NewJob): Promise<boolean>;
  get(id: string): Promise<Job | null>;
  /**
   * Claims the earliest due job that is pending or whose lease has run out, for `leaseMs`.
   * At most one caller gets a given job until its lease ends.
   */
  claimDue(now: number, owner: string, leaseMs: number): Promise<Job | null>;
  /**
   * As `claimDue`, for up to `limit` jobs at once (earliest first): the scheduler's batched claim. Each
   * job goes to at most one caller.
   */
  claimDueMany(now: number, owner: string, leaseMs: number, limit: number): Promise<Job[]>;
  /** Marks a claimed job done, only if `owner` still holds it. */
  complete(id: string, owner: string, result: string): Promise<boolean>;
  /** `complete` for several jobs at once; returns how many `owner` still held. */
  completeMany(ids: readonly string[], owner: string, result: string): Promise<number>;
  /** The jobs scheduled for one person (their `payload.staffId`), any status. */
  forStaff(staffId: string): Promise<Job[]>;
  /** Gives a claimed job back for a later attempt at `retryAt`, only if `owner` still holds it. */
  release(id: string, owner: string, retryAt: number, result: string): Promise<boolean>;
}

export interface IdempotencyStore {
  /** True the first time a key is claimed, false every time after. */
  claim(key: string, now: number): Promise<boolean>;
}

/** Who did what to which record, when, through which channel. Never content. */
export interface AuditEntry {
  at: number;
  schoolId: string;
  actor: string;
  action: string;
  recordKind: string;
  recordId: string;
  channel: string;
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** Entries for one record, oldest first. */
  forRecord(recordKind: string, recordId: string): Promise<AuditEntry[]>;
  /**
   * Moves every entry of one record to another record id, nothing else changed; how many moved. Only for
   * re-keying the students' pseudonyms (privacy/pseudonyms.ts) when the data key is rotated.
   */
  rename(recordKind: string, fromId: string, toId: string): Promise<number>;
  /** The distinct record ids with entries of one kind (for re-keying pseudonyms). */
  recordIds(recordKind: string): Promise<string[]>;
}

// The collections and their lookup fields live in collection-names.ts (the record schemas need the names
// without the port); re-exported here for everyone who reads them with the port.
export { COLLECTIONS, type CollectionName } from './collection-names.js';

/** What a sweep removed. */
export interface SweepReport {
  idempotencyKeys: number;
  jobs: number;
  claims: number;
  /** Short-lived records (transient.ts) past their expiry. */
  transient: number;
}

/** Everything persistent, behind one port. */
export interface Store {
  /** The collection `name`, typed by its record kind (record-kinds.ts `RECORD_SCHEMAS`). */
  collection<N extends CollectionName>(name: N): RecordCollection<RecordOf<N>>;
  jobs: JobStore;
  idempotency: IdempotencyStore;
  audit: AuditLog;
  /**
   * Removes what is only kept for a while: idempotency keys claimed, finished jobs due, and write claims
   * taken before `before`, and short-lived records that expired before `now`. Run daily (FerretDB 1.x
   * has no TTL indexes, so a sweep works everywhere; on MongoDB a TTL index removes the latter sooner).
   */
  sweep(before: number, now: number): Promise<SweepReport>;
  /** A short name for logs: "sqlite" or "mongodb". */
  kind: string;
  close(): Promise<void>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Structured logging. Fields carry ids, counts and codes only: never names, student references or
 * anything a person typed.
 */
export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export type LogFields = Record<string, string | number | boolean | null>;
