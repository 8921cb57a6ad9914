import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { CardRenderer } from '../../src/core/cards/render.js';
import type { Notification } from '../../src/core/notify/model.js';
import { Outbox } from '../../src/core/notify/outbox.js';
import { RoleBook } from '../../src/core/people/role-book.js';
import { loadSchoolFile, SchoolDirectory } from '../../src/core/people/school.js';
import type { Store } from '../../src/core/kernel/ports.js';
import { Scheduler } from '../../src/core/reminders/scheduler.js';
import { createLogger } from '../../src/log/logger.js';
import { openMongoStore } from '../../src/store/mongo.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

const directory = new SchoolDirectory(loadSchoolFile('schools/demo.yaml'));
const cards = CardRenderer.load('cards');
const log = createLogger('silent');

/** Three schedulers (as three Zorgpad processes would run) on three connections to one store. */
const backends: Array<[string, () => Promise<{ open: () => Promise<Store>; cleanup: () => Promise<void> }>]> = [
  [
    'SQLite file',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'zorgpad-once-'));
      return { open: async () => openSqliteStore(dir), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
];
const uri = process.env.MONGODB_URI;
if (uri) {
  backends.push([
    'MongoDB',
    async () => {
      const db = `zorgpad_once_${randomUUID().slice(0, 8)}`;
      return {
        open: () => openMongoStore(uri, db),
        cleanup: async () => {
          const client = await MongoClient.connect(uri);
          await client.db(db).dropDatabase();
          await client.close();
        },
      };
    },
  ]);
}

describe.each(backends)('reminders delivered exactly once (%s)', (_name, makeBackend) => {
  const opened: Store[] = [];
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await cleanup?.();
  });

  it('delivers 1,000 due reminders once each across three schedulers, one of them killed mid-run', async () => {
    const backend = await makeBackend();
    cleanup = backend.cleanup;
    // Thursday 26 November 2026, 10:00 in Amsterdam: school hours.
    const clock = { t: Date.parse('2026-11-26T10:00:00+01:00'), now() { return this.t; } };
    const stores = [await backend.open(), await backend.open(), await backend.open(), await backend.open()];
    opened.push(...stores);
    const schedulerOn = (store: Store, owner: string) =>
      new Scheduler({ store, directory, roleBook: new RoleBook(store, directory, clock), outbox: new Outbox(store, 'demo', clock), cards, clock, log, owner, leaseMs: 30_000 });

    const staff = directory.staff.map((s) => s.id);
    for (let i = 0; i < 1000; i++) {
      await stores[0]!.jobs.schedule({
        id: `notice-${i}`,
        kind: 'notice',
        payload: { staffId: staff[i % staff.length]!, title: 'Herinnering', text: `Herinnering ${i}` },
        dueAt: clock.t - 1000 + (i % 7),
      });
    }

    // A fourth process claims 60 jobs and dies before finishing them.
    for (let i = 0; i < 60; i++) expect(await stores[3]!.jobs.claimDue(clock.t, 'killed', 30_000)).not.toBeNull();

    const schedulers = [schedulerOn(stores[0]!, 'a'), schedulerOn(stores[1]!, 'b'), schedulerOn(stores[2]!, 'c')];
    const runAll = () => Promise.all(schedulers.map(async (s) => { let n = 0; for (let k; (k = await s.tick(100)) > 0; ) n += k; return n; }));
    const firstRound = (await runAll()).reduce((a, b) => a + b, 0);
    expect(firstRound).toBe(940);

    // After the dead process's lease the others pick up its jobs.
    clock.t += 31_000;
    const secondRound = (await runAll()).reduce((a, b) => a + b, 0);
    expect(secondRound).toBe(60);

    // Every reminder is in exactly one delivered-or-pending message.
    const all: Notification[] = [];
    for (const id of staff) all.push(...(await stores[0]!.collection('outbox').findBy('staffId', id)));
    const counts = new Map<string, number>();
    for (const n of all) for (const item of n.items) counts.set(item.jobId, (counts.get(item.jobId) ?? 0) + 1);
    expect(counts.size).toBe(1000);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    for (let i = 0; i < 1000; i++) expect((await stores[0]!.jobs.get(`notice-${i}`))?.status).toBe('done');
  }, 1_800_000);
});

describe('reminder bundles', () => {
  it('writes each person\'s reminders of one pass as one bundle write (ten to a message), and adds later ones to the open bundle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zorgpad-bundle-'));
    const inner = openSqliteStore(dir);
    let writes = 0;
    const store: Store = {
      ...inner,
      collection: ((name) => {
        const c = inner.collection(name);
        if (name !== 'outbox') return c;
        return { ...c, create: async (r: never) => (writes++, c.create(r)), update: async (r: never) => (writes++, c.update(r)) };
      }) as Store['collection'],
    };
    try {
      const clock = { t: Date.parse('2026-11-26T10:00:00+01:00'), now() { return this.t; } };
      const scheduler = new Scheduler({ store, directory, roleBook: new RoleBook(store, directory, clock), outbox: new Outbox(store, 'demo', clock), cards, clock, log, owner: 'p' });
      const notice = (i: number, staffId: string) => store.jobs.schedule({ id: `n${i}`, kind: 'notice', payload: { staffId, title: 'Herinnering', text: `Herinnering ${i}` }, dueAt: clock.t - 1000 });
      for (let i = 0; i < 25; i++) await notice(i, 'm.devries');
      for (let i = 25; i < 28; i++) await notice(i, 'a.jansen');
      expect(await scheduler.tick()).toBe(28);
      const bundles = async (staffId: string) => (await store.collection('outbox').findBy('staffId', staffId)).map((n) => n.items.length).sort((a, b) => b - a);
      expect(await bundles('m.devries')).toEqual([10, 10, 5]);
      expect(await bundles('a.jansen')).toEqual([3]);
      // One write per bundle message, not one per reminder (28).
      expect(writes).toBe(4);
      writes = 0;
      clock.t += 60_000;
      for (let i = 28; i < 33; i++) await notice(i, 'm.devries');
      expect(await scheduler.tick()).toBe(5);
      expect(await bundles('m.devries')).toEqual([10, 10, 10]);
      expect(writes).toBe(1);
    } finally {
      await inner.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
