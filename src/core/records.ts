import { nextWriteKey } from './operation.js';
import { DuplicateRecordError, type RecordCollection, type VersionedRecord } from './ports.js';

/** How many operation keys a record remembers: enough for the updates of any one turn. */
const KEPT_KEYS = 32;

/** A record that remembers which operations' updates it already has (see operation.ts). */
type Keyed = VersionedRecord & { appliedOps?: string[] };

/**
 * Reads a record, applies a change and writes it conditionally, reading again when someone else
 * wrote first. Null when the record does not exist. Inside an operation the update is applied once:
 * run again (after a failure later in the turn), it finds its key on the record and changes nothing.
 */
export async function updateWithRetry<T extends VersionedRecord>(
  collection: RecordCollection<T>,
  id: string,
  apply: (current: T) => T,
  attempts = 8,
): Promise<T | null> {
  return (await updateOnce(collection, id, apply, attempts))?.record ?? null;
}

/**
 * As `updateWithRetry`, and says whether the change is (now or in an earlier run of the same
 * operation) applied: false when `apply` returned the record unchanged (nothing to do).
 */
export async function updateOnce<T extends VersionedRecord>(
  collection: RecordCollection<T>,
  id: string,
  apply: (current: T) => T,
  attempts = 8,
): Promise<{ record: T; applied: boolean } | null> {
  const key = nextWriteKey();
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await collection.get(id);
    if (!current) return null;
    const keys = (current as Keyed).appliedOps ?? [];
    if (key && keys.includes(key)) return { record: current, applied: true };
    const next = apply(current);
    if (next === current) return { record: current, applied: false };
    const marked = key ? ({ ...next, appliedOps: [...keys, key].slice(-KEPT_KEYS) } as T) : next;
    const written = await collection.update(marked);
    if (written) return { record: written, applied: true };
  }
  throw new Error(`update of ${id} kept conflicting`);
}

/** Creates the record, or returns the one already stored under its id (made by a concurrent or earlier run). */
export async function createOrExisting<T extends VersionedRecord>(collection: RecordCollection<T>, record: Omit<T, 'version'>): Promise<T> {
  try {
    return await collection.create(record);
  } catch (error) {
    if (!(error instanceof DuplicateRecordError)) throw error;
    const found = await collection.get(record.id);
    if (!found) throw error;
    return found;
  }
}
