import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Background } from '../../src/core/kernel/background.js';
import { Inbox } from '../../src/core/inbox/inbox.js';
import type { InboxEntry } from '../../src/core/inbox/model.js';
import { InboxRunner, inboxWork } from '../../src/core/inbox/runner.js';
import { WorkLoop } from '../../src/core/work/loop.js';
import { systemClock, type Store } from '../../src/core/kernel/ports.js';
import { createLogger } from '../../src/log/logger.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

/**
 * One process's runner under a burst larger than its slots, as the Slack receiver drives it (accept,
 * acknowledge, `runHere`, the turn, `finished`): turns beyond the slots wait here or in the store, and
 * every one runs, never more at once than the slots, never two of one person at once, a person's in
 * the order they arrived.
 */
describe('the inbox runner under a burst', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zorgpad-runner-'));
    store = openSqliteStore(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every accepted turn, at most `concurrency` at once, one person\'s in order and one at a time', async () => {
    const inbox = new Inbox(store, 'demo', systemClock, 30_000);
    const background = new Background();
    const runner = new InboxRunner({ inbox, owner: 'p1', background, log: createLogger('silent'), concurrency: 3, queueLimit: 4 });
    let running = 0;
    let most = 0;
    const busy = new Set<string>();
    const ran: string[] = [];
    const turn = async (entry: InboxEntry) => {
      expect(busy.has(entry.personKey)).toBe(false);
      busy.add(entry.personKey);
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 15));
      ran.push(entry.id);
      running--;
      busy.delete(entry.personKey);
    };
    // What the store hands out (left for anyone, or given back) runs through the channel's replay.
    runner.on('test', turn);
    const work = new WorkLoop(background, createLogger('silent'));
    for (const source of inboxWork(runner, 20)) work.add(source);
    work.start();
    // 24 requests of 6 people, all at once: 3 run, 4 wait here, the rest wait in the store.
    const ids = Array.from({ length: 24 }, (_, i) => ({ id: `e${String(i).padStart(2, '0')}`, person: `person${i % 6}` }));
    const hows: string[] = [];
    await Promise.all(
      ids.map(async ({ id, person }, i) => {
        await new Promise((resolve) => setTimeout(resolve, i)); // arrival order
        const accepted = (await runner.accept({ id, kind: 'test', personKey: person, request: {} }))!;
        hows.push(accepted.how);
        if (await runner.runHere(accepted)) {
          await turn(accepted.entry);
          await runner.finished(accepted.entry, true);
        }
      }),
    );
    expect(new Set(hows)).toEqual(new Set(['run', 'hold', 'leave']));
    for (let i = 0; i < 200 && ran.length < 24; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect([...ran].sort()).toEqual(ids.map((e) => e.id));
    expect(most).toBeLessThanOrEqual(3);
    for (let p = 0; p < 6; p++) {
      const mine = ran.filter((id) => Number(id.slice(1)) % 6 === p);
      expect(mine).toEqual([...mine].sort());
    }
    expect((await inbox.due(100)).length).toBe(0);
    work.stop();
    runner.stop();
    await background.idle(1000);
  });

  it('starts a turn accepted while every slot was busy, when the slot frees before it joined the queue', async () => {
    const inbox = new Inbox(store, 'demo', systemClock, 30_000);
    const background = new Background();
    const runner = new InboxRunner({ inbox, owner: 'p1', background, log: createLogger('silent'), concurrency: 1 });
    const first = (await runner.accept({ id: 'a', kind: 'test', personKey: 'x', request: {} }))!;
    expect(await runner.runHere(first)).toBe(true);
    const second = (await runner.accept({ id: 'b', kind: 'test', personKey: 'y', request: {} }))!;
    expect(second.how).toBe('hold');
    // The first turn ends between the second's write and its wait: nobody else will end a turn here.
    await runner.finished(first.entry, true);
    const started = await Promise.race([runner.runHere(second), new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 2000))]);
    expect(started).toBe(true);
    await runner.finished(second.entry, true);
    expect((await inbox.get('b'))!.status).toBe('done');
    runner.stop();
    await background.idle(1000);
  });

  it('gives back a waiting entry unrun when the stop comes first, and counts no run for it', async () => {
    const inbox = new Inbox(store, 'demo', systemClock, 30_000);
    const background = new Background();
    const runner = new InboxRunner({ inbox, owner: 'p1', background, log: createLogger('silent'), concurrency: 1 });
    const first = (await runner.accept({ id: 'a', kind: 'test', personKey: 'x', request: {} }))!;
    expect(await runner.runHere(first)).toBe(true);
    const waiting = (await runner.accept({ id: 'b', kind: 'test', personKey: 'y', request: {} }))!;
    const late = (await runner.accept({ id: 'c', kind: 'test', personKey: 'z', request: {} }))!;
    const queued = runner.runHere(waiting);
    runner.stop();
    // One waiting when the stop came, one whose wait began after it: both back at once, neither hangs.
    const answers = await Promise.race([Promise.all([queued, runner.runHere(late)]), new Promise<string>((resolve) => setTimeout(() => resolve('hangs'), 2000))]);
    expect(answers).toEqual([false, false]);
    for (const id of ['b', 'c']) expect(await inbox.get(id)).toMatchObject({ leaseOwner: null, running: false, attempts: 0 });
    // Taken by the next process, its first run is a first run (no reply looked up as if it were a re-run).
    expect((await inbox.claim('b', 'p2'))!.attempts).toBe(1);
  });

  it("takes a person's first request once a dead process's lease on it ran out, before their later ones that were due sooner", async () => {
    let now = 1_000_000;
    const inbox = new Inbox(store, 'demo', { now: () => now }, 30_000);
    // A process that died was running x's first request; x's next two were left for whoever is free.
    await inbox.accept({ id: 'a1', kind: 'test', personKey: 'x', request: {} }, 'dead', 'run');
    now += 10;
    await inbox.accept({ id: 'a2', kind: 'test', personKey: 'x', request: {} }, 'dead', 'leave');
    now += 10;
    await inbox.accept({ id: 'a3', kind: 'test', personKey: 'x', request: {} }, 'dead', 'leave');
    const background = new Background();
    const runner = new InboxRunner({ inbox, owner: 'p2', background, log: createLogger('silent'), concurrency: 2 });
    const ran: string[] = [];
    runner.on('test', async (entry) => {
      ran.push(entry.id);
    });
    await runner.poll();
    await background.idle();
    expect(ran).toEqual([]); // the dead process's lease still holds: x's later requests wait behind it
    now += 31_000;
    for (let i = 0; i < 5 && ran.length < 3; i++) {
      await runner.poll();
      await background.idle();
    }
    expect(ran).toEqual(['a1', 'a2', 'a3']);
  });

  it('gives what waits here back to the store at once when the process stops', async () => {
    const inbox = new Inbox(store, 'demo', systemClock, 30_000);
    const background = new Background();
    const runner = new InboxRunner({ inbox, owner: 'p1', background, log: createLogger('silent'), concurrency: 1, queueLimit: 5 });
    const first = (await runner.accept({ id: 'a', kind: 'test', personKey: 'x', request: {} }))!;
    expect(await runner.runHere(first)).toBe(true);
    const second = (await runner.accept({ id: 'b', kind: 'test', personKey: 'y', request: {} }))!;
    expect(second.how).toBe('hold');
    const waiting = runner.runHere(second);
    runner.stop();
    expect(await waiting).toBe(false);
    expect((await inbox.due(10)).map((e) => e.id)).toEqual(['b']);
    expect((await inbox.get('b'))!.leaseOwner).toBeNull();
  });

  it('answers a burst first: while acknowledgements wait, one turn goes on and the rest wait in the store, then run', async () => {
    const inbox = new Inbox(store, 'demo', systemClock, 30_000);
    const background = new Background();
    const runner = new InboxRunner({ inbox, owner: 'p1', background, log: createLogger('silent'), concurrency: 8 });
    let burst = true;
    runner.acknowledgeFirst(() => burst);
    const ran: string[] = [];
    let running = 0;
    let most = 0;
    runner.on('test', async (entry) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running--;
      ran.push(entry.id);
    });
    const accepted = [];
    for (let i = 0; i < 6; i++) accepted.push((await runner.accept({ id: `b${i}`, kind: 'test', personKey: `p${i}`, request: {} }))!);
    // One turn may start during the burst; the others are written for whoever is free, not held here.
    expect(accepted.map((a) => a.how)).toEqual(['run', 'leave', 'leave', 'leave', 'leave', 'leave']);
    // (that one is this test's to run: the channel runs what it acknowledged)
    for (const a of accepted.slice(0, 1)) {
      expect(await runner.runHere(a)).toBe(true);
      await runner.finished(a.entry, true);
    }
    // Still acknowledging: what the store holds runs, but never more than one turn at once.
    await runner.poll();
    await background.idle(2000);
    expect(most).toBe(1);
    expect([...ran].sort()).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
    // After the burst, every slot again: what is acknowledged runs at once in this process.
    burst = false;
    const after = [];
    for (let i = 0; i < 6; i++) after.push((await runner.accept({ id: `c${i}`, kind: 'test', personKey: `q${i}`, request: {} }))!.how);
    expect(after).toEqual(['run', 'run', 'run', 'run', 'run', 'run']);
    expect(await inbox.due(10)).toEqual([]);
    runner.stop();
  });
});
