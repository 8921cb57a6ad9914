import type { RecordOf } from './record-kinds.js';
import type { CollectionName, RecordCollection, Store, VersionedRecord } from './ports.js';

type Wrap = <N extends CollectionName>(name: N, base: RecordCollection<RecordOf<N>>) => RecordCollection<RecordOf<N>>;

/**
 * A store whose collections are `wrap(name, base)`, each made once; jobs, idempotency keys, the audit
 * trail and the sweep stay the inner store's. The store wrappers (parsing, encryption, operations)
 * are built with it.
 */
export function wrapCollections(inner: Store, wrap: Wrap): Store {
  const made = new Map<CollectionName, unknown>();
  return {
    ...inner,
    kind: inner.kind,
    close: () => inner.close(),
    collection<N extends CollectionName>(name: N): RecordCollection<RecordOf<N>> {
      let collection = made.get(name) as RecordCollection<RecordOf<N>> | undefined;
      if (!collection) {
        collection = wrap(name, inner.collection(name));
        made.set(name, collection);
      }
      return collection;
    },
  };
}

/**
 * A collection whose records pass through `read` on the way out (get, findBy, and what a write
 * returns) and through `write` on the way in. `inverse`: `read` undoes `write` (encryption) or leaves a
 * record as written (parsing a record built with its type), so a write returns the record it was given,
 * with the version the store gave it, instead of reading back what it wrote.
 */
export function mappedCollection<T extends VersionedRecord>(
  base: RecordCollection<T>,
  read: (record: T) => T,
  write: <R>(record: R) => R = (r) => r,
  inverse = false,
): RecordCollection<T> {
  const written = <R extends T>(given: R, stored: T): T => (inverse ? { ...given, version: stored.version } : read(stored));
  return {
    get: async (id) => {
      const found = await base.get(id);
      return found ? read(found) : null;
    },
    create: async (record) => written(record as T, await base.create(write(record))),
    update: async (record) => {
      const stored = await base.update(write(record));
      return stored ? written(record, stored) : null;
    },
    findBy: async (field, value) => (await base.findBy(field, value)).map(read),
    findPage: async (query) => (await base.findPage(query)).map(read),
    delete: (id) => base.delete(id),
  };
}
