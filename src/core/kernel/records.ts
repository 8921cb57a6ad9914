import { nextWriteKey } from './operation.js';
import { DuplicateRecordError, type RecordCollection, type VersionedRecord } from './ports.js';

/** How many operation keys a record remembers: enough for the updates of any one turn. */
const KEPT_KEYS = 32;

/** How often a conditional write is tried before it gives up: one retry policy for every record write. */
export const WRITE_ATTEMPTS = 8;

/** Returned by a `writeRecord` decision to write nothing. */
export const KEEP: unique symbol = Symbol('keep');

/** A record that remembers which operations' updates it already has (see operation.ts). */
type Keyed = VersionedRecord & { appliedOps?: string[] };

export class WriteConflictError extends Error {
  override name = 'WriteConflictError';
}

/**
 * The one read → decide → conditional write loop. `decide` sees the record as stored (null when
 * there is none) and returns the record to store, or `KEEP` to write nothing. When someone else wrote
 * first, the record is read again and `decide` asked again (up to `WRITE_ATTEMPTS` times); when there
 * was none, it is created. Returns the record as it stands afterwards and whether this call wrote it.
 */
export async function writeRecord<T extends VersionedRecord>(
  collection: RecordCollection<T>,
  id: string,
  decide: (current: T | null) => Omit<T, 'version'> | typeof KEEP,
): Promise<{ record: T | null; written: boolean }> {
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    const current = await collection.get(id);
    const next = decide(current);
    if (next === KEEP) return { record: current, written: false };
    const written = current
      ? await collection.update({ ...next, id, version: current.version } as T)
      : await createIfAbsent(collection, { ...next, id });
    if (written) return { record: written, written: true };
  }
  throw new WriteConflictError(`write of ${id} kept conflicting`);
}

/**
 * Applies a change to an existing record (`writeRecord` without creating). Null when the record
 * does not exist. Inside an operation the update is applied once: run again (after a failure later
 * in the turn), it finds its key on the record and changes nothing.
 */
export async function updateWithRetry<T extends VersionedRecord>(collection: RecordCollection<T>, id: string, apply: (current: T) => T): Promise<T | null> {
  return (await updateOnce(collection, id, apply))?.record ?? null;
}

/**
 * As `updateWithRetry`, and says whether the change is (now or in an earlier run of the same
 * operation) applied: false when `apply` returned the record unchanged (nothing to do).
 */
export async function updateOnce<T extends VersionedRecord>(
  collection: RecordCollection<T>,
  id: string,
  apply: (current: T) => T,
): Promise<{ record: T; applied: boolean } | null> {
  const key = nextWriteKey();
  let appliedEarlier = false;
  const { record, written } = await writeRecord(collection, id, (current) => {
    appliedEarlier = false;
    if (!current) return KEEP;
    const keys = (current as Keyed).appliedOps ?? [];
    if (key && keys.includes(key)) {
      appliedEarlier = true;
      return KEEP;
    }
    const next = apply(current);
    if (next === current) return KEEP;
    return key ? ({ ...next, appliedOps: [...keys, key].slice(-KEPT_KEYS) } as T) : next;
  });
  return record ? { record, applied: written || appliedEarlier } : null;
}

/** Creates the record; null when one with its id exists already (someone else created it first). */
export async function createIfAbsent<T extends VersionedRecord>(collection: RecordCollection<T>, record: Omit<T, 'version'>): Promise<T | null> {
  try {
    return await collection.create(record);
  } catch (error) {
    if (error instanceof DuplicateRecordError) return null;
    throw error;
  }
}

/** Creates the record, or returns the one already stored under its id (made by a concurrent or earlier run). */
export async function createOrExisting<T extends VersionedRecord>(collection: RecordCollection<T>, record: Omit<T, 'version'>): Promise<T> {
  const created = await createIfAbsent(collection, record);
  if (created) return created;
  const found = await collection.get(record.id);
  if (!found) throw new DuplicateRecordError('collection', record.id);
  return found;
}
