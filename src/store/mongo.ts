// Longer than 350 lines: the whole MongoDB store adapter (collections, jobs, write claims, indexes),
// mirroring sqlite.ts.
import type { RecordOf } from '../core/kernel/record-kinds.js';
import { randomUUID } from 'node:crypto';
import { MongoClient, MongoServerError, type Collection, type Db, type Document } from 'mongodb';
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
 * The MongoDB store. Every change is a single-document write conditional on the record's `version`;
 * idempotency rides on `_id` uniqueness. No multi-document transactions and no `$lookup`, so
 * FerretDB, MongoDB, Atlas and Cosmos DB for MongoDB all run it.
 *
 * Two ways to write conditionally. On MongoDB (and Atlas, Cosmos DB) a filtered single-document update
 * is atomic, so a write is one `updateOne({_id, version})`. FerretDB 1.x reads the matching documents
 * and then writes them back by `_id`, so two concurrent conditional updates can both succeed there
 * (seen in the contract suite: two winners of one job). A unique `_id` insert is atomic on every
 * server, so there the right to move a record on from version v is first won by inserting
 * `collection:id@v` (a write claim); a claim whose writer died is taken over after STALE_CLAIM_MS.
 * `writeClaims: 'auto'` asks the server which it is (`buildInfo.ferretdbVersion`).
 */
export async function openMongoStore(uri: string, dbName: string, opts: { writeClaims?: 'auto' | 'on' | 'off' } = {}): Promise<MongoStore> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  const db = client.db(dbName);
  const mode = opts.writeClaims ?? 'auto';
  const ferretdb = await isFerretDb(db);
  await ensureIndexes(db, !ferretdb);
  const writeClaims = mode === 'auto' ? ferretdb : mode === 'on';

  const jobs = db.collection<JobDoc>('jobs');
  const jobsAsDocs = db.collection<Document>('jobs');
  const keys = db.collection<{ _id: string; at: number; expireAt: Date }>('idempotency_keys');
  const claims = db.collection<{ _id: string; at: number; expireAt: Date }>('write_claims');

  /** Wins the sole right to move `key` on from `version`; false when someone else holds it. */
  async function claimVersion(key: string, version: number): Promise<boolean> {
    for (let round = 0; ; round++) {
      const id = round === 0 ? `${key}@${version}` : `${key}@${version}#${round}`;
      try {
        await claims.insertOne({ _id: id, at: Date.now(), expireAt: new Date(Date.now() + CLAIM_TTL_MS) });
        return true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const held = await claims.findOne({ _id: id });
      if (held && Date.now() - held.at < STALE_CLAIM_MS) return false;
    }
  }

  /** Writes `next` over version `version` of a document, if this caller wins that version. */
  async function casWrite(
    collection: Collection<Document>,
    key: string,
    id: string,
    version: number,
    set: Document,
  ): Promise<boolean> {
    if (writeClaims && !(await claimVersion(key, version))) return false;
    const result = await collection.updateOne({ _id: id as never, version }, { $set: { ...set, version: version + 1 } });
    if (result.modifiedCount !== 1 || !writeClaims) return result.modifiedCount === 1;
    // The claim of the version before is of no use any more.
    await claims.deleteOne({ _id: `${key}@${version - 1}` }).catch(() => undefined);
    return true;
  }
  const audit = db.collection<AuditEntry & { seq: number }>('audit');
  const collections = new Map<CollectionName, RecordCollection<VersionedRecord>>();
  let auditSeq = 0;

  function collection<N extends CollectionName>(name: N): RecordCollection<RecordOf<N>> {
    const existing = collections.get(name);
    if (existing) return existing as unknown as RecordCollection<RecordOf<N>>;
    const indexed = new Set<string>(COLLECTIONS[name]);
    const coll: Collection<Document> = db.collection(name);
    const created: RecordCollection<RecordOf<N>> = {
      async get(id) {
        const doc = await coll.findOne({ _id: id as never });
        return doc ? fromDoc<RecordOf<N>>(doc) : null;
      },
      async create(record) {
        const { id, ...rest } = record as Omit<RecordOf<N>, 'version'> & { id: string };
        try {
          await coll.insertOne({ ...withExpiry(name, rest), _id: id as never, version: 1 });
        } catch (error) {
          if (isDuplicateKey(error)) throw new DuplicateRecordError(name, id);
          throw error;
        }
        return { ...record, version: 1 } as RecordOf<N>;
      },
      async update(record) {
        const { id, version, ...rest } = record;
        const written = await casWrite(coll, `${name}:${id}`, id, version, withExpiry(name, rest));
        return written ? ({ ...record, version: version + 1 } as RecordOf<N>) : null;
      },
      async findBy(field: string, value: FieldValue) {
        if (!indexed.has(field)) throw new Error(`${name}.${field} is not an indexed field`);
        const docs = await coll.find({ [field]: value }).sort({ _id: 1 }).toArray();
        return docs.map((d) => fromDoc<RecordOf<N>>(d));
      },
      async delete(id) {
        const result = await coll.deleteOne({ _id: id as never });
        return result.deletedCount === 1;
      },
      async findPage(query) {
        checkPaged(name, query);
        const after: Document = query.after
          ? { $or: [{ [query.order]: { $gt: query.after.order } }, { [query.order]: query.after.order, _id: { $gt: query.after.id } }] }
          : {};
        const docs = await coll
          .find({ [query.field]: query.value, [query.until.field]: { $lte: query.until.max }, ...after } as Document)
          .sort({ [query.order]: 1, _id: 1 })
          .limit(query.limit)
          .toArray();
        return docs.map((d) => fromDoc<RecordOf<N>>(d));
      },
    };
    collections.set(name, created as unknown as RecordCollection<VersionedRecord>);
    return created;
  }

  return {
    kind: 'mongodb',
    writeClaims,
    ferretdb,
    collection,
    jobs: {
      async schedule(job: NewJob) {
        try {
          await jobs.insertOne({
            _id: job.id,
            version: 1,
            kind: job.kind,
            payload: job.payload,
            dueAt: job.dueAt,
            status: 'pending',
            attempts: 0,
            leaseOwner: null,
            leaseUntil: null,
            result: null,
          });
          return true;
        } catch (error) {
          if (isDuplicateKey(error)) return false;
          throw error;
        }
      },
      async get(id) {
        const doc = await jobs.findOne({ _id: id });
        return doc ? toJob(doc) : null;
      },
      async forStaff(staffId) {
        const docs = await jobs.find({ 'payload.staffId': staffId }).sort({ dueAt: 1, _id: 1 }).toArray();
        return docs.map(toJob);
      },
      async claimDue(now, owner, leaseMs) {
        // Pending jobs first, then jobs whose claimer died; each via its own index. A few candidates
        // each, so that losing one race to another process moves on to the next job.
        for (const filter of [
          { status: 'pending' as const, dueAt: { $lte: now } },
          { status: 'claimed' as const, leaseUntil: { $lte: now } },
        ]) {
          const candidates = await jobs.find(filter).sort({ dueAt: 1, _id: 1 }).limit(CLAIM_CANDIDATES).toArray();
          // Processes racing for the same earliest job mostly lose; starting at a random one of the
          // jobs due at that same earliest moment spreads them out and still hands out the earliest first.
          const tied = candidates.filter((c) => c.dueAt === candidates[0]?.dueAt).length;
          const start = Math.floor(Math.random() * tied);
          for (const job of [...candidates.slice(start, tied), ...candidates.slice(0, start), ...candidates.slice(tied)]) {
            const claimed = { status: 'claimed' as const, leaseOwner: owner, leaseUntil: now + leaseMs, attempts: job.attempts + 1 };
            if (await casWrite(jobsAsDocs, `jobs:${job._id}`, job._id, job.version, claimed)) {
              return toJob({ ...job, ...claimed, version: job.version + 1 });
            }
          }
        }
        return null;
      },
      async claimDueMany(now, owner, leaseMs, limit) {
        if (writeClaims) {
          // Where a filtered update is not atomic (FerretDB), each job is won with its own write claim.
          const claimed: Job[] = [];
          while (claimed.length < limit) {
            const job = await this.claimDue(now, owner, leaseMs);
            if (!job) break;
            claimed.push(job);
          }
          return claimed;
        }
        // One update for the batch: MongoDB applies it to each document atomically, so a job matched
        // by two claimers at once goes to one of them; the token says which jobs this call won.
        const token = `${owner}#${randomUUID()}`;
        const claimed: Job[] = [];
        for (const filter of [
          { status: 'pending' as const, dueAt: { $lte: now } },
          { status: 'claimed' as const, leaseUntil: { $lte: now } },
        ]) {
          if (claimed.length >= limit) break;
          const ids = (await jobs.find(filter, { projection: { _id: 1 } }).sort({ dueAt: 1, _id: 1 }).limit(limit - claimed.length).toArray()).map((j) => j._id);
          if (!ids.length) continue;
          await jobsAsDocs.updateMany(
            { _id: { $in: ids as never[] }, ...filter },
            { $set: { status: 'claimed', leaseOwner: owner, leaseUntil: now + leaseMs, claimToken: token }, $inc: { attempts: 1, version: 1 } },
          );
          const won = await jobs.find({ _id: { $in: ids }, claimToken: token } as never).sort({ dueAt: 1, _id: 1 }).toArray();
          claimed.push(...won.map(toJob));
        }
        return claimed;
      },
      async completeMany(ids, owner, result) {
        if (writeClaims) {
          let done = 0;
          for (const id of ids) if (await this.complete(id, owner, result)) done++;
          return done;
        }
        const updated = await jobsAsDocs.updateMany(
          { _id: { $in: [...ids] as never[] }, status: 'claimed', leaseOwner: owner },
          { $set: { status: 'done', result, leaseUntil: null }, $inc: { version: 1 } },
        );
        return updated.modifiedCount;
      },
      async complete(id, owner, result) {
        const job = await jobs.findOne({ _id: id });
        if (!job || job.status !== 'claimed' || job.leaseOwner !== owner) return false;
        return casWrite(jobsAsDocs, `jobs:${id}`, id, job.version, { status: 'done', result, leaseUntil: null });
      },
      async release(id, owner, retryAt, result) {
        const job = await jobs.findOne({ _id: id });
        if (!job || job.status !== 'claimed' || job.leaseOwner !== owner) return false;
        return casWrite(jobsAsDocs, `jobs:${id}`, id, job.version, {
          status: 'pending',
          dueAt: retryAt,
          result,
          leaseOwner: null,
          leaseUntil: null,
        });
      },
    },
    idempotency: {
      async claim(key, now) {
        try {
          await keys.insertOne({ _id: key, at: now, expireAt: new Date(now + KEY_TTL_MS) });
          return true;
        } catch (error) {
          if (isDuplicateKey(error)) return false;
          throw error;
        }
      },
    },
    async sweep(before, now) {
      const idempotencyKeys = (await keys.deleteMany({ at: { $lt: before } })).deletedCount;
      const swept = (await jobs.deleteMany({ status: { $in: ['done', 'failed'] }, dueAt: { $lt: before } })).deletedCount;
      const claimed = (await claims.deleteMany({ at: { $lt: before } })).deletedCount;
      const transient = (await db.collection('transient').deleteMany({ expiresAt: { $lte: now } })).deletedCount;
      return { idempotencyKeys, jobs: swept, claims: claimed, transient };
    },
    audit: {
      async append(entry) {
        // seq orders entries written in the same millisecond by this process.
        await audit.insertOne({ ...entry, seq: auditSeq++ });
      },
      async forRecord(recordKind, recordId) {
        const docs = await audit.find({ recordKind, recordId }).sort({ at: 1, seq: 1 }).toArray();
        return docs.map(({ at, schoolId, actor, action, recordKind: kind, recordId: rid, channel }) => ({
          at,
          schoolId,
          actor,
          action,
          recordKind: kind,
          recordId: rid,
          channel,
        }));
      },
      async rename(recordKind, fromId, toId) {
        return (await audit.updateMany({ recordKind, recordId: fromId }, { $set: { recordId: toId } })).modifiedCount;
      },
      async recordIds(recordKind) {
        return (await audit.distinct('recordId', { recordKind })).map(String);
      },
    },
    async close() {
      await client.close();
    },
  };
}

/** The MongoDB store, and how it writes: with write claims or with single conditional updates. */
export type MongoStore = Store & { writeClaims: boolean; ferretdb: boolean };

/** Whether the server is FerretDB (its buildInfo says so). */
async function isFerretDb(db: Db): Promise<boolean> {
  const info = await db.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string';
}

const STALE_CLAIM_MS = 30_000;
const CLAIM_CANDIDATES = 10;

/** Idempotency keys are kept as long as retention keeps short-lived data (privacy service: 30 days). */
const KEY_TTL_MS = 30 * 86_400_000;
/** A write claim is stale after STALE_CLAIM_MS; a day is plenty. */
const CLAIM_TTL_MS = 86_400_000;

/** Short-lived records carry their expiry as a date too, for MongoDB's TTL index. */
function withExpiry(name: CollectionName, fields: Document): Document {
  return name === 'transient' && typeof fields.expiresAt === 'number' ? { ...fields, expireAt: new Date(fields.expiresAt) } : fields;
}

/**
 * The lookups' indexes, and TTL indexes that let MongoDB remove keys, claims and short-lived records
 * by itself. FerretDB 1.x has no TTL indexes (it answers "not implemented"): there the daily sweep
 * (`sweep`) removes them, as it does everywhere.
 */
async function ensureIndexes(db: Db, ttl: boolean): Promise<void> {
  if (ttl) {
    for (const name of ['idempotency_keys', 'write_claims', 'transient']) {
      await db.collection(name).createIndex({ expireAt: 1 }, { name: 'expireAt_ttl', expireAfterSeconds: 0 });
    }
  }
  for (const [name, fields] of Object.entries(COLLECTIONS)) {
    for (const field of fields) {
      await db.collection(name).createIndex({ [field]: 1 }, { name: `${field}_1` });
    }
  }
  for (const [name, [field, order]] of Object.entries(PAGED_QUERIES)) {
    await db.collection(name).createIndex({ [field]: 1, [order]: 1, _id: 1 }, { name: `${field}_${order}` });
  }
  await db.collection('jobs').createIndex({ status: 1, dueAt: 1 }, { name: 'status_dueAt' });
  await db.collection('jobs').createIndex({ status: 1, leaseUntil: 1 }, { name: 'status_leaseUntil' });
  await db.collection('jobs').createIndex({ 'payload.staffId': 1 }, { name: 'payload_staffId' });
  await db.collection('audit').createIndex({ recordKind: 1, recordId: 1, at: 1 }, { name: 'record_at' });
}

interface JobDoc {
  _id: string;
  version: number;
  kind: string;
  payload: Record<string, unknown>;
  dueAt: number;
  status: Job['status'];
  attempts: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  result: string | null;
}

function toJob({ _id, ...rest }: JobDoc): Job {
  return { id: _id, ...rest };
}

function fromDoc<T>(doc: Document): T {
  const { _id, ...rest } = doc;
  return { ...rest, id: String(_id) } as T;
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}
