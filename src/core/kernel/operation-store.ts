import { inAnOperation } from './operation.js';
import type { Store } from './ports.js';
import { createOrExisting } from './records.js';
import { wrapCollections } from './store-wrap.js';

/**
 * The store as operations use it (operation.ts): inside an operation, a create whose record already
 * exists is the same create run again after a failure later in the turn, and returns that record.
 * Outside an operation a create of an existing id still fails, as callers that detect races expect.
 */
export function operationAwareStore(inner: Store): Store {
  return wrapCollections(inner, (_name, base) => ({
    ...base,
    create: (record) => (inAnOperation() ? createOrExisting(base, record) : base.create(record)),
  }));
}
