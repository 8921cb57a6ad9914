import type { z } from 'zod';
import type { CollectionName, Store } from './ports.js';
import { RECORD_SCHEMAS, type RecordOf } from './record-kinds.js';
import { mappedCollection, wrapCollections } from './store-wrap.js';

// Each collection's record schema (`RECORD_SCHEMAS`, `RecordOf`) lives in record-kinds.ts, which the
// port reads too; this file parses what the store returns with it.

export class RecordParseError extends Error {
  override name = 'RecordParseError';
  constructor(collection: string, id: string, paths: string[]) {
    super(`record ${id} in ${collection} does not match its schema at ${paths.join(', ') || '(root)'}`);
  }
}

const loose = Object.fromEntries(Object.entries(RECORD_SCHEMAS).map(([name, schema]) => [name, schema.loose()])) as unknown as Record<CollectionName, z.ZodType>;

/** A stored document as its record kind; throws `RecordParseError` when it does not match. */
export function parseRecord<N extends CollectionName>(name: N, document: unknown): RecordOf<N> {
  const result = loose[name].safeParse(document);
  if (result.success) return result.data as RecordOf<N>;
  const id = typeof (document as { id?: unknown })?.id === 'string' ? (document as { id: string }).id : '?';
  throw new RecordParseError(name, id, [...new Set(result.error.issues.map((i) => i.path.join('.')))].slice(0, 5));
}

/**
 * The store as the core reads it: every record read (get, findBy, findPage) parsed with its schema. A
 * write returns the record it was given with the store's version, unparsed: the core built it with its
 * record type, which is the schema's output, so parsing it again would give the same record; the parse
 * cost every write of a turn CPU time on the way to its reply.
 */
export function parsedStore(inner: Store): Store {
  return wrapCollections(inner, (name, base) => mappedCollection(base, (document) => parseRecord(name, document), undefined, true));
}
