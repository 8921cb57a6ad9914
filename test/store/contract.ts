import { describe, expect, it, afterEach } from 'vitest';
import { Inbox } from '../../src/core/inbox/inbox.js';
import { DuplicateRecordError, type CollectionName, type RecordCollection, type Store, type VersionedRecord } from '../../src/core/kernel/ports.js';

/** Opens a fresh, empty store; `reopen` closes nothing and opens the same data again. */
export interface StoreFixture {
  open(): Promise<Store>;
  reopen(): Promise<Store>;
  cleanup(): Promise<void>;
}

interface Draft extends VersionedRecord {
  schoolId: string;
  studentRef: string;
  status: string;
  answers: Record<string, string>;
}

/**
 * The contract is about how a store keeps JSON records (versions, conflicts, lookups), not about record
 * kinds: it writes small `Draft` records into two collections through this untyped view. The core reads
 * collections typed and parsed (collections.ts).
 */
function jsonRecords(store: Store, name: CollectionName): RecordCollection<Draft> {
  return store.collection(name) as unknown as RecordCollection<Draft>;
}

/**
 * The one suite every store implementation must pass. `races: false` leaves out the contracts where
 * parallel writers race for one record: for a write mode whose atomicity rests on the server (MongoDB's
 * single-document guarantee) run against a server that does not give it (FerretDB).
 */
export function storeContract(name: string, makeFixture: () => Promise<StoreFixture>, opts: { races?: boolean } = {}): void {
  const races = opts.races ?? true;
  // Left out, not skipped: the suite's name says which run holds the races.
  const raceIt = races ? it : () => undefined;
  describe(`${name} store contract`, () => {
    let fixture: StoreFixture | undefined;
    const opened: Store[] = [];
    async function fresh(): Promise<Store> {
      fixture = await makeFixture();
      const store = await fixture.open();
      opened.push(store);
      return store;
    }
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close().catch(() => undefined);
      await fixture?.cleanup();
    });

    const draft = (id: string, over: Partial<Draft> = {}): Omit<Draft, 'version'> => ({
      id,
      schoolId: 'demo',
      studentRef: 'L1001',
      status: 'draft',
      answers: {},
      ...over,
    });

    it('stores a record at version 1 and reads it back', async () => {
      const store = await fresh();
      const requests = jsonRecords(store, 'exceptionRequests');
      const created = await requests.create(draft('r1', { answers: { ground: 'medisch' } }));
      expect(created.version).toBe(1);
      expect(await requests.get('r1')).toEqual({ ...draft('r1', { answers: { ground: 'medisch' } }), version: 1 });
      expect(await requests.get('missing')).toBeNull();
    });

    it('refuses a second record with the same id', async () => {
      const store = await fresh();
      const requests = jsonRecords(store, 'exceptionRequests');
      await requests.create(draft('r1'));
      await expect(requests.create(draft('r1', { status: 'other' }))).rejects.toBeInstanceOf(DuplicateRecordError);
      expect((await requests.get('r1'))?.status).toBe('draft');
    });

    it('rejects a write based on a stale version and keeps the newer one', async () => {
      const store = await fresh();
      const requests = jsonRecords(store, 'exceptionRequests');
      const v1 = await requests.create(draft('r1'));
      const v2 = await requests.update({ ...v1, answers: { ground: 'medisch' } });
      expect(v2?.version).toBe(2);
      const stale = await requests.update({ ...v1, answers: { ground: 'didactisch' } });
      expect(stale).toBeNull();
      expect((await requests.get('r1'))?.answers).toEqual({ ground: 'medisch' });
    });

    raceIt('lets exactly one of 50 parallel conditional claims of one item win', async () => {
      const store = await fresh();
      const requests = jsonRecords(store, 'exceptionRequests');
      const v1 = await requests.create(draft('r1', { status: 'submitted' }));
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => requests.update({ ...v1, status: `decided-by-${i}` })),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      const stored = await requests.get('r1');
      expect(stored?.status).toBe(winners[0]!.status);
      expect(stored?.version).toBe(2);
    });

    it('finds records by an indexed field and not by others', async () => {
      const store = await fresh();
      const cases = jsonRecords(store, 'bullyingCases');
      await cases.create(draft('c2', { studentRef: 'L1002' }));
      await cases.create(draft('c1', { studentRef: 'L1001' }));
      await cases.create(draft('c3', { studentRef: 'L1001' }));
      expect((await cases.findBy('studentRef', 'L1001')).map((c) => c.id)).toEqual(['c1', 'c3']);
      expect(await cases.findBy('studentRef', 'L9999')).toEqual([]);
      await expect(cases.findBy('answers', 'x')).rejects.toThrow(/not an indexed field/);
    });

    it('keeps collections apart', async () => {
      const store = await fresh();
      await jsonRecords(store, 'bullyingCases').create(draft('same-id'));
      await jsonRecords(store, 'exceptionRequests').create(draft('same-id', { status: 'submitted' }));
      expect((await jsonRecords(store, 'bullyingCases').get('same-id'))?.status).toBe('draft');
      expect(await jsonRecords(store, 'bullyingCases').delete('same-id')).toBe(true);
      expect(await jsonRecords(store, 'bullyingCases').get('same-id')).toBeNull();
      expect(await jsonRecords(store, 'exceptionRequests').get('same-id')).not.toBeNull();
    });

    it('stores an idempotency key once, also when claimed in parallel', async () => {
      const store = await fresh();
      expect(await store.idempotency.claim('slack:event:Ev1', 1)).toBe(true);
      expect(await store.idempotency.claim('slack:event:Ev1', 2)).toBe(false);
      const parallel = await Promise.all(Array.from({ length: 20 }, () => store.idempotency.claim('teams:activity:a9', 3)));
      expect(parallel.filter(Boolean)).toHaveLength(1);
    });

    it('pages through due records in order, after a cursor, leaving out those not due and of another status', async () => {
      const store = await fresh();
      const outbox = jsonRecords(store, 'outbox');
      for (let i = 0; i < 130; i++) {
        // Created in an order that is not the id order; every seventh is not due yet, every fifth delivered.
        await outbox.create({ id: `n${String(129 - i).padStart(3, '0')}`, schoolId: 'demo', status: i % 5 === 0 ? 'delivered' : 'pending', createdAt: 1000 + Math.floor(i / 2), nextAttemptAt: i % 7 === 0 ? 9999 : 0 } as unknown as Omit<Draft, 'version'>);
      }
      const page = (after?: { order: number; id: string }) =>
        outbox.findPage({ field: 'status', value: 'pending', order: 'createdAt', until: { field: 'nextAttemptAt', max: 5000 }, ...(after ? { after } : {}), limit: 40 });
      const seen: Array<{ id: string; createdAt: number }> = [];
      for (let after: { order: number; id: string } | undefined, p = await page(); p.length; p = await page(after)) {
        seen.push(...(p as unknown as Array<{ id: string; createdAt: number }>));
        const last = seen.at(-1)!;
        after = { order: last.createdAt, id: last.id };
      }
      const expected = Array.from({ length: 130 }, (_, i) => i)
        .filter((i) => i % 5 !== 0 && i % 7 !== 0)
        .map((i) => ({ id: `n${String(129 - i).padStart(3, '0')}`, createdAt: 1000 + Math.floor(i / 2) }))
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
      expect(seen.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    });

    it('schedules a job once per id', async () => {
      const store = await fresh();
      expect(await store.jobs.schedule({ id: 'review:r1:1', kind: 'review', payload: { requestId: 'r1' }, dueAt: 1000 })).toBe(true);
      expect(await store.jobs.schedule({ id: 'review:r1:1', kind: 'review', payload: { requestId: 'other' }, dueAt: 5 })).toBe(false);
      const job = await store.jobs.get('review:r1:1');
      expect(job).toMatchObject({ kind: 'review', payload: { requestId: 'r1' }, dueAt: 1000, status: 'pending', attempts: 0 });
    });

    it('does not hand out a job before it is due, and hands out the earliest first', async () => {
      const store = await fresh();
      await store.jobs.schedule({ id: 'late', kind: 'k', payload: {}, dueAt: 2000 });
      await store.jobs.schedule({ id: 'early', kind: 'k', payload: {}, dueAt: 1000 });
      expect(await store.jobs.claimDue(999, 'p1', 60_000)).toBeNull();
      expect((await store.jobs.claimDue(5000, 'p1', 60_000))?.id).toBe('early');
      expect((await store.jobs.claimDue(5000, 'p1', 60_000))?.id).toBe('late');
    });

    raceIt('does not claim a claimed job again before its lease ends', async () => {
      const store = await fresh();
      await store.jobs.schedule({ id: 'j1', kind: 'k', payload: {}, dueAt: 1000 });
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => store.jobs.claimDue(1000, `p${i}`, 60_000)));
      const won = claims.filter((c) => c !== null);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ id: 'j1', status: 'claimed', leaseUntil: 61_000, attempts: 1 });
      expect(await store.jobs.claimDue(60_999, 'other', 60_000)).toBeNull();
    });

    it('lets another process reclaim a job whose lease ran out, and ignores the old owner after', async () => {
      const store = await fresh();
      await store.jobs.schedule({ id: 'j1', kind: 'k', payload: {}, dueAt: 1000 });
      await store.jobs.claimDue(1000, 'dead', 10_000);
      const reclaimed = await store.jobs.claimDue(11_000, 'alive', 10_000);
      expect(reclaimed).toMatchObject({ id: 'j1', leaseOwner: 'alive', attempts: 2 });
      expect(await store.jobs.complete('j1', 'dead', 'sent')).toBe(false);
      expect(await store.jobs.complete('j1', 'alive', 'sent')).toBe(true);
      expect(await store.jobs.get('j1')).toMatchObject({ status: 'done', result: 'sent' });
      expect(await store.jobs.claimDue(99_000, 'alive', 10_000)).toBeNull();
    });

    it('releases a failed job for a later retry', async () => {
      const store = await fresh();
      await store.jobs.schedule({ id: 'j1', kind: 'k', payload: {}, dueAt: 1000 });
      await store.jobs.claimDue(1000, 'p1', 10_000);
      expect(await store.jobs.release('j1', 'p1', 5000, 'HTTP 503')).toBe(true);
      expect(await store.jobs.claimDue(4999, 'p1', 10_000)).toBeNull();
      expect(await store.jobs.claimDue(5000, 'p1', 10_000)).toMatchObject({ id: 'j1', attempts: 2, result: 'HTTP 503' });
    });

    it('claims due jobs in a batch, earliest first, expired leases after pending ones, and completes them together', async () => {
      const store = await fresh();
      for (const [id, dueAt] of [['c', 3000], ['a', 1000], ['b', 2000], ['later', 9000]] as const) await store.jobs.schedule({ id, kind: 'k', payload: {}, dueAt });
      await store.jobs.schedule({ id: 'stale', kind: 'k', payload: {}, dueAt: 500 });
      await store.jobs.claimDue(500, 'dead', 1000);
      const batch = await store.jobs.claimDueMany(5000, 'p1', 60_000, 10);
      expect(batch.map((j) => j.id).sort()).toEqual(['a', 'b', 'c', 'stale']);
      expect(batch.every((j) => j.status === 'claimed' && j.leaseOwner === 'p1' && j.leaseUntil === 65_000)).toBe(true);
      expect(batch.find((j) => j.id === 'stale')).toMatchObject({ attempts: 2 });
      expect(await store.jobs.claimDueMany(5000, 'p2', 60_000, 10)).toEqual([]);
      // Only what p1 still holds is completed.
      expect(await store.jobs.completeMany(['a', 'b', 'later'], 'p1', 'bundled')).toBe(2);
      expect(await store.jobs.completeMany(['c'], 'p2', 'bundled')).toBe(0);
      expect(await store.jobs.get('a')).toMatchObject({ status: 'done', result: 'bundled' });
      expect(await store.jobs.get('c')).toMatchObject({ status: 'claimed', leaseOwner: 'p1' });
      expect((await store.jobs.claimDueMany(2000, 'p1', 60_000, 1)).length).toBe(0);
      const limited = await store.jobs.claimDueMany(10_000, 'p3', 60_000, 1);
      expect(limited.map((j) => j.id)).toEqual(['later']);
    });

    raceIt('gives each due job to one of several batch claimers at once', async () => {
      const store = await fresh();
      for (let i = 0; i < 30; i++) await store.jobs.schedule({ id: `j${String(i).padStart(2, '0')}`, kind: 'k', payload: {}, dueAt: 1000 + i });
      const batches = await Promise.all(Array.from({ length: 4 }, (_, i) => store.jobs.claimDueMany(5000, `p${i}`, 60_000, 12)));
      const ids = batches.flat().map((j) => j.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeLessThanOrEqual(30);
      // Whatever one claimer won is held by that claimer.
      for (const [i, batch] of batches.entries()) for (const job of batch) expect((await store.jobs.get(job.id))?.leaseOwner).toBe(`p${i}`);
    });

    it('lists the jobs of one person, soonest first', async () => {
      const store = await fresh();
      await store.jobs.schedule({ id: 'b', kind: 'k', payload: { staffId: 'm.devries' }, dueAt: 2000 });
      await store.jobs.schedule({ id: 'a', kind: 'k', payload: { staffId: 'm.devries' }, dueAt: 1000 });
      await store.jobs.schedule({ id: 'c', kind: 'k', payload: { staffId: 'a.jansen' }, dueAt: 500 });
      expect((await store.jobs.forStaff('m.devries')).map((j) => j.id)).toEqual(['a', 'b']);
    });

    it('keeps the audit trail in order per record', async () => {
      const store = await fresh();
      const base = { schoolId: 'demo', actor: 'staff:m.devries', recordKind: 'bullyingCase', recordId: 'c1', channel: 'teams' };
      await store.audit.append({ ...base, at: 10, action: 'create' });
      await store.audit.append({ ...base, at: 10, action: 'read' });
      await store.audit.append({ ...base, recordId: 'c2', at: 11, action: 'read' });
      await store.audit.append({ ...base, at: 12, action: 'update' });
      expect((await store.audit.forRecord('bullyingCase', 'c1')).map((e) => e.action)).toEqual(['create', 'read', 'update']);
    });

    it('moves the audit entries of one record to another id (re-keying pseudonyms), and lists the ids of a kind', async () => {
      const store = await fresh();
      const base = { schoolId: 'demo', actor: 'staff:h.smit', channel: 'teams' };
      await store.audit.append({ ...base, recordKind: 'student', recordId: 'old', at: 10, action: 'a' });
      await store.audit.append({ ...base, recordKind: 'student', recordId: 'old', at: 11, action: 'b' });
      await store.audit.append({ ...base, recordKind: 'student', recordId: 'other', at: 12, action: 'c' });
      await store.audit.append({ ...base, recordKind: 'exceptionRequest', recordId: 'old', at: 13, action: 'd' });
      expect((await store.audit.recordIds('student')).sort()).toEqual(['old', 'other']);
      expect(await store.audit.rename('student', 'old', 'new')).toBe(2);
      expect(await store.audit.forRecord('student', 'old')).toEqual([]);
      expect((await store.audit.forRecord('student', 'new')).map((e) => [e.action, e.at, e.recordId])).toEqual([['a', 10, 'new'], ['b', 11, 'new']]);
      // Other kinds and other ids are left alone.
      expect((await store.audit.forRecord('exceptionRequest', 'old')).map((e) => e.action)).toEqual(['d']);
      expect((await store.audit.recordIds('student')).sort()).toEqual(['new', 'other']);
      expect(await store.audit.rename('student', 'absent', 'x')).toBe(0);
    });

    describe('the inbox over this store (core/inbox)', () => {
      const clock = { t: 1_000_000, now() { return this.t; } };
      const entry = (id: string, person = 'slack:T:U1') => ({ id, kind: 'slack', personKey: person, request: { text: 'help' } });

      it('keeps a request once under its delivery id: a retry finds it', async () => {
        const inbox = new Inbox(await fresh(), 'demo', clock, 30_000);
        expect(await inbox.accept(entry('slack:event:Ev1'), 'p1')).toMatchObject({ status: 'open', leaseOwner: 'p1' });
        expect(await inbox.accept(entry('slack:event:Ev1'), 'p2')).toBeNull();
        expect(JSON.parse((await inbox.get('slack:event:Ev1'))!.request)).toEqual({ text: 'help' });
      });

      raceIt('gives an entry whose lease ran out to one of many processes claiming it at once', async () => {
        const inbox = new Inbox(await fresh(), 'demo', clock, 30_000);
        await inbox.accept(entry('slack:event:Ev2'), 'dead');
        expect(await inbox.claim('slack:event:Ev2', 'p1')).toBeNull(); // its lease still runs
        clock.t += 30_001;
        const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => inbox.claim('slack:event:Ev2', `p${i}`)));
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect((await inbox.get('slack:event:Ev2'))!.attempts).toBe(2);
      });

      it('never lets two of one person\'s turns run at once: a later entry waits while an earlier one runs under a live lease, even one that arrived first elsewhere', async () => {
        const inbox = new Inbox(await fresh(), 'demo', clock, 30_000);
        // B was written first but arrived later than A (two processes, one person, the same moment).
        clock.t += 5;
        const later = (await inbox.accept(entry('slack:event:B2'), 'p2'))!;
        expect(await inbox.mayRun(later)).toBe(true);
        clock.t -= 5;
        const earlier = (await inbox.accept(entry('slack:event:A2'), 'p1'))!;
        expect(await inbox.mayRun(earlier)).toBe(false); // B runs: A waits, though it arrived first
        expect(await inbox.release(earlier.id, 'p1', clock.now(), true)).toBe(true);
        clock.t += 10;
        // While B's lease lasts, A is due but may not start, in any process.
        const claimed = (await inbox.claim(earlier.id, 'p3'))!;
        expect(claimed.running).toBe(true);
        expect(await inbox.mayRun(claimed)).toBe(false);
        await inbox.release(claimed.id, 'p3', clock.now(), true);
        // B's process died: once its lease ran out, A may start.
        clock.t += 30_001;
        const again = (await inbox.claim(earlier.id, 'p3'))!;
        expect(await inbox.mayRun(again)).toBe(true);
        expect(await inbox.complete(again.id, 'p3', again)).toBe(true);
        expect(await inbox.complete(again.id, 'p3', again)).toBe(false); // done once
      });

      it('runs one person\'s entries in arrival order, lists what is due, and empties a done entry', async () => {
        const inbox = new Inbox(await fresh(), 'demo', clock, 30_000);
        const first = (await inbox.accept(entry('slack:event:A'), 'p1'))!;
        expect(await inbox.mayRun(first)).toBe(true);
        clock.t += 1;
        const second = (await inbox.accept(entry('slack:event:B'), 'p2'))!;
        const other = (await inbox.accept(entry('slack:event:C', 'slack:T:U2'), 'p2'))!;
        expect(await inbox.mayRun(second)).toBe(false);
        expect(await inbox.mayRun(other)).toBe(true); // another person's turn runs beside it
        expect(await inbox.release(second.id, 'someone-else')).toBe(false);
        expect(await inbox.release(second.id, 'p2')).toBe(true);
        await inbox.complete(other.id, 'p2', other);
        expect((await inbox.due(10)).map((e) => e.id)).toEqual(['slack:event:B']);
        expect(await inbox.complete(first.id, 'someone-else')).toBe(false);
        expect(await inbox.complete(first.id, 'p1')).toBe(true);
        expect(await inbox.get(first.id)).toMatchObject({ status: 'done', request: '', personKey: '' });
        expect(await inbox.mayRun(second)).toBe(true);
        expect((await inbox.openOf('slack:T:U1')).map((e) => e.id)).toEqual(['slack:event:B']);
        clock.t += 25 * 3_600_000;
        expect(await inbox.sweep()).toBe(2);
        expect(await inbox.get(first.id)).toBeNull();
        expect(await inbox.accept(entry('slack:event:B'), 'p3')).toBeNull();
      });
    });

    it('keeps everything across a close and reopen', async () => {
      const store = await fresh();
      await jsonRecords(store, 'exceptionRequests').create(draft('r1', { answers: { ground: 'medisch' } }));
      await store.idempotency.claim('k1', 1);
      await store.jobs.schedule({ id: 'j1', kind: 'k', payload: { a: 1 }, dueAt: 1000 });
      await store.audit.append({ at: 1, schoolId: 'demo', actor: 'a', action: 'create', recordKind: 'x', recordId: 'r1', channel: 'playground' });
      await store.close();
      opened.splice(opened.indexOf(store), 1);
      const again = await fixture!.reopen();
      opened.push(again);
      expect((await jsonRecords(again, 'exceptionRequests').get('r1'))?.answers).toEqual({ ground: 'medisch' });
      expect(await again.idempotency.claim('k1', 2)).toBe(false);
      expect((await again.jobs.get('j1'))?.payload).toEqual({ a: 1 });
      expect(await again.audit.forRecord('x', 'r1')).toHaveLength(1);
    });
  });
}
