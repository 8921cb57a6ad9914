import type { RecordOf } from '../../src/core/kernel/record-kinds.js';
import type { CollectionName, RecordCollection, Store, VersionedRecord } from '../../src/core/kernel/ports.js';

/**
 * A store that counts every write (record create, update, delete; job, idempotency and audit writes)
 * and, when armed, fails the n-th one before it happens, as a store that went away or a process that
 * died at that moment would.
 */
export class WriteFaults {
  count = 0;
  private failAt: number | null = null;
  /** What the writes were, in order (collection and kind), for messages. */
  readonly log: string[] = [];

  /** Counts from zero; the n-th write from now fails (null: none fails). */
  arm(n: number | null): void {
    this.count = 0;
    this.log.length = 0;
    this.failAt = n;
  }

  private write(what: string): void {
    this.count++;
    this.log.push(what);
    if (this.failAt !== null && this.count === this.failAt) {
      this.failAt = null;
      throw new Error(`injected failure at write ${this.count} (${what})`);
    }
  }

  wrap(inner: Store): Store {
    const faults = this;
    const collections = new Map<CollectionName, RecordCollection<VersionedRecord>>();
    return {
      kind: inner.kind,
      close: () => inner.close(),
      sweep: async (before, now) => (faults.write('sweep'), inner.sweep(before, now)),
      collection<N extends CollectionName>(name: N): RecordCollection<RecordOf<N>> {
        const known = collections.get(name);
        if (known) return known as unknown as RecordCollection<RecordOf<N>>;
        const base = inner.collection(name);
        const collection: RecordCollection<RecordOf<N>> = {
          get: (id) => base.get(id),
          findBy: (field, value) => base.findBy(field, value),
          findPage: (query) => base.findPage(query),
          create: async (record) => (faults.write(`${name}.create`), base.create(record)),
          update: async (record) => (faults.write(`${name}.update`), base.update(record)),
          delete: async (id) => (faults.write(`${name}.delete`), base.delete(id)),
        };
        collections.set(name, collection as unknown as RecordCollection<VersionedRecord>);
        return collection;
      },
      jobs: {
        get: (id) => inner.jobs.get(id),
        forStaff: (staffId) => inner.jobs.forStaff(staffId),
        schedule: async (job) => (faults.write('jobs.schedule'), inner.jobs.schedule(job)),
        claimDue: async (now, owner, leaseMs) => (faults.write('jobs.claim'), inner.jobs.claimDue(now, owner, leaseMs)),
        claimDueMany: async (now, owner, leaseMs, limit) => (faults.write('jobs.claim'), inner.jobs.claimDueMany(now, owner, leaseMs, limit)),
        complete: async (id, owner, result) => (faults.write('jobs.complete'), inner.jobs.complete(id, owner, result)),
        completeMany: async (ids, owner, result) => (faults.write('jobs.complete'), inner.jobs.completeMany(ids, owner, result)),
        release: async (id, owner, retryAt, result) => (faults.write('jobs.release'), inner.jobs.release(id, owner, retryAt, result)),
      },
      idempotency: { claim: async (key, now) => (faults.write('idempotency.claim'), inner.idempotency.claim(key, now)) },
      audit: {
        forRecord: (kind, id) => inner.audit.forRecord(kind, id),
        append: async (entry) => (faults.write('audit.append'), inner.audit.append(entry)),
        rename: async (kind, from, to) => (faults.write('audit.rename'), inner.audit.rename(kind, from, to)),
        recordIds: (kind) => inner.audit.recordIds(kind),
      },
    };
  }
}
