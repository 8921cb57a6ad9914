import { MongoClient, MongoServerError, type Collection, type Db, type Document } from 'mongodb';
import {
  COLLECTIONS,
  DuplicateRecordError,
  type AuditEntry,
  type CollectionName,
  type FieldValue,
  type Job,
  type NewJob,
  type RecordCollection,
  type Store,
  type VersionedRecord,
} from '../core/ports.js';

/**
 * The MongoDB store. Every change is one single-document conditional write (`version` or
 * `status` in the filter); idempotency rides on `_id` uniqueness. No multi-document transactions and
 * no `$lookup`, so FerretDB, MongoDB, Atlas and Cosmos DB for MongoDB all run it.
 */
export async function openMongoStore(uri: string, dbName: string): Promise<Store> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  const db = client.db(dbName);
  await ensureIndexes(db);

  const jobs = db.collection<JobDoc>('jobs');
  const keys = db.collection<{ _id: string; at: number }>('idempotency_keys');
  const audit = db.collection<AuditEntry & { seq: number }>('audit');
  const collections = new Map<CollectionName, RecordCollection<VersionedRecord>>();
  let auditSeq = 0;

  function collection<T extends VersionedRecord>(name: CollectionName): RecordCollection<T> {
    const existing = collections.get(name);
    if (existing) return existing as unknown as RecordCollection<T>;
    const indexed = new Set<string>(COLLECTIONS[name]);
    const coll: Collection<Document> = db.collection(name);
    const created: RecordCollection<T> = {
      async get(id) {
        const doc = await coll.findOne({ _id: id as never });
        return doc ? fromDoc<T>(doc) : null;
      },
      async create(record) {
        const { id, ...rest } = record as Omit<T, 'version'> & { id: string };
        try {
          await coll.insertOne({ ...rest, _id: id as never, version: 1 });
        } catch (error) {
          if (isDuplicateKey(error)) throw new DuplicateRecordError(name, id);
          throw error;
        }
        return { ...record, version: 1 } as T;
      },
      async update(record) {
        const { id, version, ...rest } = record;
        const result = await coll.updateOne(
          { _id: id as never, version },
          { $set: { ...rest, version: version + 1 } },
        );
        return result.modifiedCount === 1 ? ({ ...record, version: version + 1 } as T) : null;
      },
      async findBy(field: string, value: FieldValue) {
        if (!indexed.has(field)) throw new Error(`${name}.${field} is not an indexed field`);
        const docs = await coll.find({ [field]: value }).sort({ _id: 1 }).toArray();
        return docs.map((d) => fromDoc<T>(d));
      },
      async delete(id) {
        const result = await coll.deleteOne({ _id: id as never });
        return result.deletedCount === 1;
      },
    };
    collections.set(name, created as unknown as RecordCollection<VersionedRecord>);
    return created;
  }

  return {
    kind: 'mongodb',
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
      async claimDue(now, owner, leaseMs) {
        // Pending jobs first, then jobs whose claimer died; each via its own index.
        for (const filter of [
          { status: 'pending' as const, dueAt: { $lte: now } },
          { status: 'claimed' as const, leaseUntil: { $lte: now } },
        ]) {
          const doc = await jobs.findOneAndUpdate(
            filter,
            { $set: { status: 'claimed', leaseOwner: owner, leaseUntil: now + leaseMs }, $inc: { attempts: 1, version: 1 } },
            { sort: { dueAt: 1, _id: 1 }, returnDocument: 'after' },
          );
          if (doc) return toJob(doc);
        }
        return null;
      },
      async complete(id, owner, result) {
        const r = await jobs.updateOne(
          { _id: id, status: 'claimed', leaseOwner: owner },
          { $set: { status: 'done', result, leaseUntil: null }, $inc: { version: 1 } },
        );
        return r.modifiedCount === 1;
      },
      async release(id, owner, retryAt, result) {
        const r = await jobs.updateOne(
          { _id: id, status: 'claimed', leaseOwner: owner },
          { $set: { status: 'pending', dueAt: retryAt, result, leaseOwner: null, leaseUntil: null }, $inc: { version: 1 } },
        );
        return r.modifiedCount === 1;
      },
    },
    idempotency: {
      async claim(key, now) {
        try {
          await keys.insertOne({ _id: key, at: now });
          return true;
        } catch (error) {
          if (isDuplicateKey(error)) return false;
          throw error;
        }
      },
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
    },
    async close() {
      await client.close();
    },
  };
}

async function ensureIndexes(db: Db): Promise<void> {
  for (const [name, fields] of Object.entries(COLLECTIONS)) {
    for (const field of fields) {
      await db.collection(name).createIndex({ [field]: 1 }, { name: `${field}_1` });
    }
  }
  await db.collection('jobs').createIndex({ status: 1, dueAt: 1 }, { name: 'status_dueAt' });
  await db.collection('jobs').createIndex({ status: 1, leaseUntil: 1 }, { name: 'status_leaseUntil' });
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
