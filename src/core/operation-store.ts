import type { RecordOf } from './collections.js';
import { inAnOperation } from './operation.js';
import type { CollectionName, RecordCollection, Store, VersionedRecord } from './ports.js';
import { createOrExisting } from './records.js';

/**
 * The store as operations use it (operation.ts): inside an operation, a create whose record already
 * exists is the same create run again after a failure later in the turn, and returns that record.
 * Outside an operation a create of an existing id still fails, as callers that detect races expect.
 */
export function operationAwareStore(inner: Store): Store {
  const wrapped = new Map<CollectionName, RecordCollection<VersionedRecord>>();
  return {
    ...inner,
    kind: inner.kind,
    close: () => inner.close(),
    collection<N extends CollectionName>(name: N): RecordCollection<RecordOf<N>> {
      const existing = wrapped.get(name);
      if (existing) return existing as unknown as RecordCollection<RecordOf<N>>;
      const base = inner.collection(name);
      const collection: RecordCollection<RecordOf<N>> = {
        get: (id) => base.get(id),
        update: (record) => base.update(record),
        findBy: (field, value) => base.findBy(field, value),
        delete: (id) => base.delete(id),
        create: (record) => (inAnOperation() ? createOrExisting(base, record) : base.create(record)),
      };
      wrapped.set(name, collection as unknown as RecordCollection<VersionedRecord>);
      return collection;
    },
  };
}
