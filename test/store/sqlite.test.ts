import type { RecordCollection, Store, VersionedRecord } from '../../src/core/kernel/ports.js';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { storeContract } from './contract.js';

storeContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zorgpad-sqlite-'));
  return {
    open: async () => openSqliteStore(dir),
    reopen: async () => openSqliteStore(dir),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

type Note = VersionedRecord & { schoolId: string; note: string };

/**
 * A fresh SQLite store in a folder of its own (some tests read the file or open it a second time), with
 * an untyped view of one collection (small JSON records: about the file, not the record kind); the folder
 * is removed afterwards.
 */
async function inStoreDir(prefix: string, run: (dir: string, store: Store, cases: RecordCollection<Note>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    const store = openSqliteStore(dir);
    await run(dir, store, store.collection('bullyingCases') as unknown as RecordCollection<Note>);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('SQLite file after a deletion', () => {
  it('no longer holds a deleted value anywhere in the file (secure_delete), once the log is folded in', async () => {
    await inStoreDir('zorgpad-secure-', async (dir, store, cases) => {
      const secret = 'UNIEK-GEHEIM-7f3a9c';
      await cases.create({ id: 'c1', schoolId: 'demo', note: secret });
      await cases.create({ id: 'c2', schoolId: 'demo', note: 'blijft staan' });
      await store.close();
      const fileHas = (text: string) => {
        const db = new Database(join(dir, 'zorgpad.sqlite'));
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
        return readFileSync(join(dir, 'zorgpad.sqlite')).includes(Buffer.from(text));
      };
      expect(fileHas(secret)).toBe(true);
      const reopened = openSqliteStore(dir);
      expect(await reopened.collection('bullyingCases').delete('c1')).toBe(true);
      await reopened.close();
      expect(fileHas(secret)).toBe(false);
      expect(fileHas('blijft staan')).toBe(true);
    });
  });
});

describe('SQLite log copy', () => {
  it('copies what is committed into the database file itself on a thread of its own, while the store stays open', async () => {
    await inStoreDir('zorgpad-checkpoint-', async (dir, store, cases) => {
      const marker = 'IN-HET-BESTAND-5d21';
      await cases.create({ id: 'c1', schoolId: 'demo', note: marker });
      // A few pages: far below the size at which the writing connection would copy the log itself.
      const inFile = () => readFileSync(join(dir, 'zorgpad.sqlite')).includes(Buffer.from(marker));
      for (let i = 0; i < 200 && !inFile(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(inFile()).toBe(true);
      expect((await cases.get('c1'))?.note).toBe(marker);
      await store.close();
    });
  });

  it('keeps the log file bounded under steady writes, and cuts it back to 4 MB when it starts over', async () => {
    await inStoreDir('zorgpad-checkpoint-', async (dir, store, cases) => {
      const logSize = () => statSync(join(dir, 'zorgpad.sqlite-wal'), { throwIfNoEntry: false })?.size ?? 0;
      const MB = 1024 * 1024;
      let largest = 0;
      // About 300 MB through the log, in commits of five writes with no pause between them.
      for (let i = 0; i < 40_000; i += 5) {
        await Promise.all(Array.from({ length: 5 }, (_, k) => cases.create({ id: `c${i + k}`, schoolId: 'demo', note: 'x'.repeat(800) })));
        largest = Math.max(largest, logSize());
      }
      expect(largest).toBeLessThan(32 * MB);
      // Quiet again: the thread copies the rest, and the next commit starts the log over, cut back.
      await new Promise((r) => setTimeout(r, 600));
      await cases.create({ id: 'daarna', schoolId: 'demo', note: 'rustig' });
      expect(logSize()).toBeLessThanOrEqual(4 * MB + 64 * 1024);
      await store.close();
    });
  });
});

describe('SQLite group commit', () => {
  it('commits writes asked for together in one go: each is readable by another process when its promise resolves, a duplicate among them fails alone, and a read sees every write asked for before it', async () => {
    await inStoreDir('zorgpad-group-', async (dir, store, cases) => {
      await cases.create({ id: 'c0', schoolId: 'demo', note: 'er al' });
      // Another process's view of the file: it sees only what is committed.
      const other = new Database(join(dir, 'zorgpad.sqlite'), { readonly: true });
      const seen = (id: string) => other.prepare("SELECT count(*) AS n FROM records WHERE collection = 'bullyingCases' AND id = ?").get(id) as { n: number };
      const writes = Array.from({ length: 20 }, (_, i) => cases.create({ id: `c${i + 1}`, schoolId: 'demo', note: `melding ${i + 1}` }));
      // Asked for, not yet committed: nobody else sees them before their promises resolve.
      expect(seen('c1').n).toBe(0);
      const duplicate = cases.create({ id: 'c0', schoolId: 'demo', note: 'nog eens' });
      // A statement that SQLite refuses inside the batch (here: a job without a due time) fails alone.
      const refused = store.jobs.schedule({ id: 'j-bad', kind: 'exception-review', payload: {}, dueAt: null as unknown as number });
      const update = cases.get('c0').then((c0) => cases.update({ ...c0!, note: 'bijgewerkt' }));
      const created = await Promise.all(writes);
      expect(created.map((c) => c.id)).toEqual(Array.from({ length: 20 }, (_, i) => `c${i + 1}`));
      for (let i = 1; i <= 20; i++) expect(seen(`c${i}`).n).toBe(1);
      await expect(duplicate).rejects.toThrow(/c0/);
      await expect(refused).rejects.toThrow(/NOT NULL/);
      expect(await store.jobs.get('j-bad')).toBeNull();
      expect((await update)?.note).toBe('bijgewerkt');
      expect((await cases.get('c0'))?.note).toBe('bijgewerkt');
      // A read through the store commits what is queued first: it sees a write asked for before it.
      const later = cases.create({ id: 'c21', schoolId: 'demo', note: 'net gevraagd' });
      expect((await cases.get('c21'))?.note).toBe('net gevraagd');
      expect((await cases.findBy('schoolId', 'demo')).length).toBe(22);
      await later;
      other.close();
      await store.close();
    });
  });

  it('commits what is queued before a read only when a queued write touches what it reads: the record, its collection, a sweep', async () => {
    await inStoreDir('zorgpad-group-', async (dir, store, cases) => {
      const notes = store.collection('transient') as unknown as RecordCollection<VersionedRecord & { expiresAt: number }>;
      await notes.create({ id: 'note:old', expiresAt: 1 });
      const other = new Database(join(dir, 'zorgpad.sqlite'), { readonly: true });
      const committed = (collection: string, id: string) => (other.prepare('SELECT count(*) AS n FROM records WHERE collection = ? AND id = ?').get(collection, id) as { n: number }).n;
      // A read of something no queued write touches leaves the batch to grow.
      const queued = cases.create({ id: 'c1', schoolId: 'demo', note: 'melding' });
      expect(await notes.get('note:elders')).toBeNull();
      expect(await store.jobs.get('job:elders')).toBeNull();
      expect(committed('bullyingCases', 'c1')).toBe(0);
      // A search of the collection sees the queued write (it is committed first).
      expect((await cases.findBy('schoolId', 'demo')).map((c) => c.id)).toEqual(['c1']);
      expect(committed('bullyingCases', 'c1')).toBe(1);
      await queued;
      // A queued job is seen by a read of the jobs; a queued sweep by a read of any short-lived record.
      const job = store.jobs.schedule({ id: 'job:1', kind: 'exception-review', payload: {}, dueAt: 5 });
      expect((await store.jobs.get('job:1'))?.id).toBe('job:1');
      const sweep = store.sweep(0, 10);
      expect(await notes.get('note:old')).toBeNull();
      expect((await sweep).transient).toBe(1);
      await job;
      other.close();
      await store.close();
    });
  });
});
