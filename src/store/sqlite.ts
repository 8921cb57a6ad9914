// Longer than 350 lines: the whole embedded store adapter: the schema, every statement and the collection
// code that runs it, side by side.
import type { RecordOf } from '../core/kernel/record-kinds.js';
import Database from 'better-sqlite3';
import { checkpointInBackground } from './checkpointer.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  COLLECTIONS,
  PAGED_QUERIES,
  checkPaged,
  DuplicateRecordError,
  type AuditEntry,
  type CollectionName,
  type FieldValue,
  type Job,
  type NewJob,
  type RecordCollection,
  type Store,
  type VersionedRecord,
} from '../core/kernel/ports.js';

/**
 * Claims the earliest due job: pending ones first, then those whose claimer's lease ran out (as the
 * MongoDB store does). Each lookup walks its index in order and stops at the first row, so a claim
 * costs the same with ten due jobs or ten thousand (`npm run bench` shows the query plan).
 */
export const CLAIM_DUE_SQL = `UPDATE jobs SET status = 'claimed', lease_owner = @owner, lease_until = @leaseUntil, attempts = attempts + 1, version = version + 1
  WHERE id = COALESCE(
    (SELECT id FROM jobs WHERE status = 'pending' AND due_at <= @now ORDER BY due_at, id LIMIT 1),
    (SELECT id FROM jobs WHERE status = 'claimed' AND lease_until <= @now ORDER BY lease_until, id LIMIT 1)
  )
  RETURNING *`;

/** Up to @limit due jobs in one statement, pending ones first (the same index walks as CLAIM_DUE_SQL). */
export const CLAIM_DUE_MANY_SQL = `UPDATE jobs SET status = 'claimed', lease_owner = @owner, lease_until = @leaseUntil, attempts = attempts + 1, version = version + 1
  WHERE id IN (
    SELECT id FROM (SELECT id FROM jobs WHERE status = 'pending' AND due_at <= @now ORDER BY due_at, id LIMIT @limit)
    UNION ALL
    SELECT id FROM (SELECT id FROM jobs WHERE status = 'claimed' AND lease_until <= @now ORDER BY lease_until, id LIMIT @limit)
    LIMIT @limit
  )
  RETURNING *`;

/** A page of records by an equality field, in an order field and id, after a cursor (see `PageQuery`). */
export function findPageSql(collection: string, field: string, order: string, until: string): string {
  const o = `json_extract(data, '$.${order}')`;
  return `SELECT id, version, data FROM records INDEXED BY "rx_${collection}_${field}_${order}"
    WHERE collection = '${collection}' AND json_extract(data, '$.${field}') = @value AND ${o} >= @afterOrder AND (${o} > @afterOrder OR id > @afterId)
      AND json_extract(data, '$.${until}') <= @max
    ORDER BY ${o}, id LIMIT @limit`;
}

/** The lookup of records by an indexed field (exported for the benchmark's query plan). */
export function findBySql(collection: string, field: string): string {
  return `SELECT id, version, data FROM records INDEXED BY "rx_${collection}_${field}" WHERE collection = '${collection}' AND json_extract(data, '$.${field}') = ? ORDER BY id`;
}

/**
 * The embedded default store: one SQLite file in WAL mode. better-sqlite3 is synchronous, so every
 * statement below is atomic within the process, and SQLite's write lock makes it atomic across
 * processes sharing the file.
 */
export function openSqliteStore(dataDir: string, fileName = 'zorgpad.sqlite'): Store {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, fileName));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // Reads of a large store come from memory-mapped pages instead of a read() per page, so a lookup
  // costs about the same at 100,000 records as at 1,000 (npm run bench, growth). The mapped pages are
  // the operating system's file cache, shared by the worker processes.
  db.pragma('mmap_size = 1073741824');
  // Deleted and overwritten content is zeroed in the file, so erasure and retention really remove it.
  db.pragma('secure_delete = ON');
  db.exec(`
    CREATE TABLE IF NOT EXISTS records (
      collection TEXT NOT NULL,
      id TEXT NOT NULL,
      version INTEGER NOT NULL,
      data TEXT NOT NULL,
      PRIMARY KEY (collection, id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS jobs (
      id TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      kind TEXT NOT NULL,
      payload TEXT NOT NULL,
      due_at INTEGER NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      lease_owner TEXT,
      lease_until INTEGER,
      result TEXT
    );
    DROP INDEX IF EXISTS jobs_pending_due;
    CREATE INDEX IF NOT EXISTS jobs_status_due ON jobs (status, due_at, id);
    DROP INDEX IF EXISTS jobs_claimed_lease;
    CREATE INDEX IF NOT EXISTS jobs_status_lease ON jobs (status, lease_until, id);
    CREATE INDEX IF NOT EXISTS jobs_staff ON jobs (json_extract(payload, '$.staffId'));
    CREATE TABLE IF NOT EXISTS idempotency_keys (key TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS audit (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      school_id TEXT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      record_kind TEXT NOT NULL,
      record_id TEXT NOT NULL,
      channel TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS audit_record ON audit (record_kind, record_id, seq);
  `);
  // Partial indexes, one collection each: a write computes only its own collection's index keys, not
  // every collection's (the full indexes of earlier versions, dropped here, cost a JSON parse each).
  for (const [collection, fields] of Object.entries(COLLECTIONS)) {
    for (const field of fields) {
      db.exec(`DROP INDEX IF EXISTS "records_${collection}_${field}"`);
      db.exec(`CREATE INDEX IF NOT EXISTS "rx_${collection}_${field}" ON records (json_extract(data, '$.${field}'), id) WHERE collection = '${collection}'`);
    }
  }
  // An index no collection lists any more (a field dropped from COLLECTIONS) only costs every write.
  const wanted = new Set([
    ...Object.entries(COLLECTIONS).flatMap(([collection, fields]) => fields.map((field) => `rx_${collection}_${field}`)),
    ...Object.entries(PAGED_QUERIES).map(([collection, [field, order]]) => `rx_${collection}_${field}_${order}`),
  ]);
  for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'rx\\_%' ESCAPE '\\'").all() as Array<{ name: string }>) {
    if (!wanted.has(name)) db.exec(`DROP INDEX IF EXISTS "${name}"`);
  }
  for (const [collection, [field, order]] of Object.entries(PAGED_QUERIES)) {
    db.exec(`DROP INDEX IF EXISTS "records_${collection}_${field}_${order}"`);
    db.exec(
      `CREATE INDEX IF NOT EXISTS "rx_${collection}_${field}_${order}" ON records (json_extract(data, '$.${field}'), json_extract(data, '$.${order}'), id) WHERE collection = '${collection}'`,
    );
  }

  const writes = groupCommit(db);
  const stopCheckpoints = checkpointInBackground(db, join(dataDir, fileName));
  const write = writes.write;

  const collections = new Map<CollectionName, RecordCollection<VersionedRecord>>();
  const jobRow = (row: JobRow | undefined): Job | null => (row ? toJob(row) : null);

  /** Prepared lookups (by collection and fields), made on first use. */
  const lookups = new Map<string, Database.Statement>();
  const lookup = (key: string, sql: () => string): Database.Statement => {
    let statement = lookups.get(key);
    if (!statement) {
      statement = db.prepare(sql());
      lookups.set(key, statement);
    }
    return statement;
  };
  const stmt = {
    getRecord: db.prepare<[string, string], { version: number; data: string }>(
      'SELECT version, data FROM records WHERE collection = ? AND id = ?',
    ),
    insertRecord: db.prepare('INSERT INTO records (collection, id, version, data) VALUES (?, ?, 1, ?) ON CONFLICT DO NOTHING'),
    updateRecord: db.prepare(
      'UPDATE records SET version = version + 1, data = ? WHERE collection = ? AND id = ? AND version = ?',
    ),
    deleteRecord: db.prepare('DELETE FROM records WHERE collection = ? AND id = ?'),
    insertJob: db.prepare(
      `INSERT INTO jobs (id, version, kind, payload, due_at, status, attempts, lease_owner, lease_until, result)
       VALUES (?, 1, ?, ?, ?, 'pending', 0, NULL, NULL, NULL) ON CONFLICT DO NOTHING`,
    ),
    getJob: db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?'),
    jobsForStaff: db.prepare<[string], JobRow>("SELECT * FROM jobs WHERE json_extract(payload, '$.staffId') = ? ORDER BY due_at, id"),
    claimJob: db.prepare<[{ owner: string; leaseUntil: number; now: number }], JobRow>(CLAIM_DUE_SQL),
    completeJob: db.prepare(
      `UPDATE jobs SET status = 'done', result = ?, lease_until = NULL, version = version + 1
       WHERE id = ? AND status = 'claimed' AND lease_owner = ?`,
    ),
    claimJobs: db.prepare<[{ owner: string; leaseUntil: number; now: number; limit: number }], JobRow>(CLAIM_DUE_MANY_SQL),
    completeJobs: db.prepare(
      `UPDATE jobs SET status = 'done', result = ?, lease_until = NULL, version = version + 1
       WHERE id IN (SELECT value FROM json_each(?)) AND status = 'claimed' AND lease_owner = ?`,
    ),
    releaseJob: db.prepare(
      `UPDATE jobs SET status = 'pending', due_at = ?, result = ?, lease_owner = NULL, lease_until = NULL, version = version + 1
       WHERE id = ? AND status = 'claimed' AND lease_owner = ?`,
    ),
    claimKey: db.prepare('INSERT INTO idempotency_keys (key, at) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    sweepKeys: db.prepare('DELETE FROM idempotency_keys WHERE at < ?'),
    sweepJobs: db.prepare("DELETE FROM jobs WHERE status IN ('done', 'failed') AND due_at < ?"),
    sweepTransient: db.prepare("DELETE FROM records WHERE collection = 'transient' AND json_extract(data, '$.expiresAt') <= ?"),
    appendAudit: db.prepare(
      'INSERT INTO audit (at, school_id, actor, action, record_kind, record_id, channel) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    auditFor: db.prepare<[string, string], AuditRow>(
      'SELECT * FROM audit WHERE record_kind = ? AND record_id = ? ORDER BY seq',
    ),
    renameAudit: db.prepare<[string, string, string]>('UPDATE audit SET record_id = ? WHERE record_kind = ? AND record_id = ?'),
    auditIds: db.prepare<[string], { record_id: string }>('SELECT DISTINCT record_id FROM audit WHERE record_kind = ?'),
  };

  function collection<N extends CollectionName>(name: N): RecordCollection<RecordOf<N>> {
    const existing = collections.get(name);
    if (existing) return existing as unknown as RecordCollection<RecordOf<N>>;
    const indexed = new Set<string>(COLLECTIONS[name]);
    const fromRow = (row: RecordRow) => ({ ...JSON.parse(row.data), id: row.id, version: row.version }) as RecordOf<N>;
    const created: RecordCollection<RecordOf<N>> = {
      async get(id) {
        writes.flushFor(recordKey(name, id), wholeKey(name));
        const row = stmt.getRecord.get(name, id);
        return row ? fromRow({ ...row, id }) : null;
      },
      async create(record) {
        const data = JSON.stringify(withoutVersion(record));
        const { changes } = await write(() => stmt.insertRecord.run(name, record.id, data), recordKey(name, record.id), collectionKey(name));
        if (changes !== 1) throw new DuplicateRecordError(name, record.id);
        return { ...record, version: 1 } as RecordOf<N>;
      },
      async update(record) {
        const data = JSON.stringify(withoutVersion(record));
        const { changes } = await write(() => stmt.updateRecord.run(data, name, record.id, record.version), recordKey(name, record.id), collectionKey(name));
        return changes === 1 ? { ...record, version: record.version + 1 } : null;
      },
      async findBy(field: string, value: FieldValue) {
        if (!indexed.has(field)) throw new Error(`${name}.${field} is not an indexed field`);
        // The field name comes from the fixed COLLECTIONS list, never from input. INDEXED BY: without
        // statistics SQLite prefers walking the primary key in id order over the field's index, which
        // turns a lookup among 100,000 records into a scan.
        writes.flushFor(collectionKey(name));
        const rows = lookup(`${name}.${field}`, () => findBySql(name, field)).all(sqlValue(value)) as RecordRow[];
        return rows.map(fromRow);
      },
      async delete(id) {
        return (await write(() => stmt.deleteRecord.run(name, id), recordKey(name, id), collectionKey(name))).changes === 1;
      },
      async findPage(query) {
        checkPaged(name, query);
        if (!/^[A-Za-z]+$/.test(query.until.field)) throw new Error(`${name}: bad field ${query.until.field}`);
        const statement = lookup(`page:${name}.${query.field}.${query.order}.${query.until.field}`, () => findPageSql(name, query.field, query.order, query.until.field));
        writes.flushFor(collectionKey(name));
        const rows = statement.all({
          value: sqlValue(query.value),
          afterOrder: query.after?.order ?? Number.MIN_SAFE_INTEGER,
          afterId: query.after?.id ?? '',
          max: query.until.max,
          limit: query.limit,
        }) as RecordRow[];
        return rows.map(fromRow);
      },
    };
    collections.set(name, created as unknown as RecordCollection<VersionedRecord>);
    return created;
  }

  return {
    kind: 'sqlite',
    collection,
    jobs: {
      async schedule(job: NewJob) {
        const payload = JSON.stringify(job.payload);
        return (await write(() => stmt.insertJob.run(job.id, job.kind, payload, job.dueAt), JOBS)).changes === 1;
      },
      async get(id) {
        writes.flushFor(JOBS);
        return jobRow(stmt.getJob.get(id));
      },
      async forStaff(staffId) {
        writes.flushFor(JOBS);
        return stmt.jobsForStaff.all(staffId).map(toJob);
      },
      async claimDue(now, owner, leaseMs) {
        return jobRow(await write(() => stmt.claimJob.get({ owner, leaseUntil: now + leaseMs, now }), JOBS));
      },
      async claimDueMany(now, owner, leaseMs, limit) {
        const rows = await write(() => stmt.claimJobs.all({ owner, leaseUntil: now + leaseMs, now, limit }), JOBS);
        return rows.map(toJob).sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1));
      },
      async complete(id, owner, result) {
        return (await write(() => stmt.completeJob.run(result, id, owner), JOBS)).changes === 1;
      },
      async completeMany(ids, owner, result) {
        return ids.length ? (await write(() => stmt.completeJobs.run(result, JSON.stringify(ids), owner), JOBS)).changes : 0;
      },
      async release(id, owner, retryAt, result) {
        return (await write(() => stmt.releaseJob.run(retryAt, result, id, owner), JOBS)).changes === 1;
      },
    },
    idempotency: {
      async claim(key, now) {
        return (await write(() => stmt.claimKey.run(key, now), KEYS)).changes === 1;
      },
    },
    async sweep(before, now) {
      // SQLite writes are atomic per statement: it needs no write claims.
      // Three statements: a savepoint of their own inside the batch, so that they land together or not at all.
      return write(
        db.transaction(() => ({
          idempotencyKeys: stmt.sweepKeys.run(before).changes,
          jobs: stmt.sweepJobs.run(before).changes,
          claims: 0,
          transient: stmt.sweepTransient.run(now).changes,
        })),
        KEYS,
        JOBS,
        collectionKey('transient'),
        wholeKey('transient'),
      );
    },
    audit: {
      async append(e: AuditEntry) {
        await write(() => stmt.appendAudit.run(e.at, e.schoolId, e.actor, e.action, e.recordKind, e.recordId, e.channel), AUDIT);
      },
      async forRecord(recordKind, recordId) {
        writes.flushFor(AUDIT);
        return stmt.auditFor.all(recordKind, recordId).map((r) => ({
          at: r.at,
          schoolId: r.school_id,
          actor: r.actor,
          action: r.action,
          recordKind: r.record_kind,
          recordId: r.record_id,
          channel: r.channel,
        }));
      },
      async rename(recordKind, fromId, toId) {
        return (await write(() => stmt.renameAudit.run(toId, recordKind, fromId), AUDIT)).changes;
      },
      async recordIds(recordKind) {
        writes.flushFor(AUDIT);
        return stmt.auditIds.all(recordKind).map((r) => r.record_id);
      },
    },
    async close() {
      await writes.settled();
      await stopCheckpoints();
      db.close();
    },
  };
}

/**
 * What a queued write changes and a read looks at (`groupCommit`): a record, any record of a
 * collection, every record of a collection at once (the sweep), the jobs, the audit trail, the keys.
 * A write touches its record and its collection; the sweep touches the short-lived records' collection
 * and all of its records. A get checks its record and the whole collection; a search its collection.
 */
const recordKey = (collection: string, id: string) => `r\u0000${collection}\u0000${id}`;
const collectionKey = (collection: string) => `c\u0000${collection}`;
const wholeKey = (collection: string) => `w\u0000${collection}`;
const JOBS = 'jobs';
const AUDIT = 'audit';
const KEYS = 'keys';

/**
 * Group commit: the writes asked for while the event loop works through one round (many requests'
 * writes, under load) are committed together, in one transaction, when the round is done: one append
 * to the write-ahead log instead of one per write, which is most of a small write's cost. Each write's
 * promise settles after that commit, so nothing is reported written (and nothing acknowledged) before
 * it is. A write that fails on its own (a statement error) fails alone; when SQLite gives up the whole
 * transaction (busy, I/O), every write in it fails and none is kept. A read first commits what is queued
 * when a queued write touches what it reads (`flushFor`: the record it gets, the collection it
 * searches): it sees every write asked for before it that could change its answer, as without the
 * batching, so that a read-modify-write of a record many requests change at once (a channel's
 * conversation reference) does not read a copy that a queued write is about to replace, and fail its
 * condition, again and again. A read of something else leaves the batch to grow: under load, reads
 * that committed every batch they met made most commits hold one or two writes.
 */
function groupCommit(db: Database.Database): {
  write: <T>(run: () => T, ...touches: string[]) => Promise<T>;
  flushFor: (...reads: string[]) => void;
  settled: () => Promise<void>;
} {
  interface Queued {
    run: () => unknown;
    resolve: (value: unknown) => void;
    reject: (error: unknown) => void;
  }
  type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
  let queue: Queued[] = [];
  /** What the queued writes touch. */
  let touched = new Set<string>();
  let flushing = false;
  const idle: Array<() => void> = [];
  const commit = db.transaction((batch: Queued[], outcomes: Outcome[]) => {
    for (const item of batch) {
      try {
        outcomes.push({ ok: true, value: item.run() });
      } catch (error) {
        // SQLite rolled the whole transaction back (busy, full, I/O): nothing of the batch is kept.
        if (!db.inTransaction) throw error;
        outcomes.push({ ok: false, error });
      }
    }
  });
  const flush = () => {
    // Not inside a flush (a write's statement never reads through the store; this keeps it so).
    if (queue.length === 0 || flushing) return;
    const batch = queue;
    queue = [];
    touched = new Set();
    const outcomes: Outcome[] = [];
    flushing = true;
    try {
      // IMMEDIATE: the write lock is taken at the start (waiting up to busy_timeout for another process).
      commit.immediate(batch, outcomes);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return done();
    } finally {
      flushing = false;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
    done();
  };
  const done = () => {
    if (queue.length > 0) return;
    for (const resolve of idle.splice(0)) resolve();
  };
  return {
    write<T>(run: () => T, ...touches: string[]): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        for (const key of touches) touched.add(key);
        if (queue.push({ run, resolve: resolve as (value: unknown) => void, reject }) === 1) setImmediate(flush);
      });
    },
    flushFor(...reads: string[]) {
      if (queue.length > 0 && reads.some((key) => touched.has(key))) flush();
    },
    settled: () => (queue.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
  };
}

/** A record as stored: its id, its version and the rest as JSON. */
interface RecordRow {
  id: string;
  version: number;
  data: string;
}

/** SQLite has no booleans: JSON's true and false compare as 1 and 0. */
function sqlValue(value: FieldValue): FieldValue {
  return typeof value === 'boolean' ? Number(value) : value;
}

interface JobRow {
  id: string;
  version: number;
  kind: string;
  payload: string;
  due_at: number;
  status: Job['status'];
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  result: string | null;
}

interface AuditRow {
  at: number;
  school_id: string;
  actor: string;
  action: string;
  record_kind: string;
  record_id: string;
  channel: string;
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    version: row.version,
    kind: row.kind,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    dueAt: row.due_at,
    status: row.status,
    attempts: row.attempts,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    result: row.result,
  };
}

function withoutVersion(record: object): object {
  const { version: _ignored, ...rest } = record as { version?: number };
  return rest;
}
