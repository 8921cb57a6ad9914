import type { RecordCollection, VersionedRecord } from './ports.js';

/**
 * Reads a record, applies a change and writes it conditionally, reading again when someone else
 * wrote first. Null when the record does not exist.
 */
export async function updateWithRetry<T extends VersionedRecord>(
  collection: RecordCollection<T>,
  id: string,
  apply: (current: T) => T,
  attempts = 8,
): Promise<T | null> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await collection.get(id);
    if (!current) return null;
    const written = await collection.update(apply(current));
    if (written) return written;
  }
  throw new Error(`update of ${id} kept conflicting`);
}
