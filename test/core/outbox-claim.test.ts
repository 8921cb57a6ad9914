import { tempSqliteStores } from '../helpers/temp-store.js';
import { describe, expect, it } from 'vitest';
import type { BundleItem } from '../../src/core/notify/model.js';
import { Outbox } from '../../src/core/notify/outbox.js';
import type { RecordCollection, Store, VersionedRecord } from '../../src/core/kernel/ports.js';

const item = (jobId: string): BundleItem => ({ jobId, title: 'Evaluatie', text: `Herinnering ${jobId}`, actions: [] });

/**
 * The store, with the first `readers` reads of the outbox held until all of them have read: claimants
 * that start together all see the message as due before any of them writes (the race a claim must win
 * once, whatever the timing).
 */
function together(inner: Store, readers: number): Store {
  let waiting = 0;
  let release: () => void = () => undefined;
  const allRead = new Promise<void>((resolve) => (release = resolve));
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'collection') return Reflect.get(target, prop, receiver);
      return (name: 'outbox') => {
        const base = target.collection(name) as unknown as RecordCollection<VersionedRecord>;
        if (name !== 'outbox') return base;
        return new Proxy(base, {
          get(collection, key, r) {
            if (key !== 'get') return Reflect.get(collection, key, r);
            return async (id: string) => {
              const found = await collection.get(id);
              if (waiting < readers) {
                if (++waiting === readers) release();
                await allRead;
              }
              return found;
            };
          },
        });
      };
    },
  });
}

describe('claiming a message for delivery', () => {
  const stores = tempSqliteStores('outbox-claim');
  let store: Store;
  const open = () => {
    store = stores.open();
  };

  it('lets exactly one of two claimants at the same moment take it', async () => {
    open();
    const now = 1000;
    await new Outbox(store, 'demo', { now: () => now }).notify('n1', 'm.devries', { text: 'Nieuwe melding' });
    // Two processes (two channels) that both listed it as due, and both read it before either writes.
    const shared = together(store, 2);
    const teams = new Outbox(shared, 'demo', { now: () => now });
    const slack = new Outbox(shared, 'demo', { now: () => now });
    const [due] = await new Outbox(store, 'demo', { now: () => now }).due(10);
    const taken = await Promise.all([teams.take(due!, 'teams'), slack.take(due!, 'slack')]);
    expect(taken.filter((t) => t !== null)).toHaveLength(1);
    const winner = taken[0] ? teams : slack;
    const loser = taken[0] ? slack : teams;
    const { item: mine } = (taken[0] ?? taken[1])!;
    expect(mine.nextAttemptAt).toBe(now + 60_000);
    // The loser's copy is not the claim: it can neither deliver nor back off the message.
    expect(await loser.markDelivered(due!, 'slack')).toBe(false);
    await loser.backOff(due!);
    expect(await store.collection('outbox').get('n1')).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: now + 60_000 });
    expect(await winner.markDelivered(mine, 'teams', 'a1')).toBe(true);
    expect(await store.collection('outbox').get('n1')).toMatchObject({ status: 'delivered', deliveredMessageId: 'a1' });
  });

  it('lets one of many claimants take it, however many start together', async () => {
    open();
    const now = 1000;
    await new Outbox(store, 'demo', { now: () => now }).notify('n1', 'm.devries', { text: 'Nieuwe melding' });
    const [due] = await new Outbox(store, 'demo', { now: () => now }).due(10);
    const shared = together(store, 8);
    const claims = await Promise.all(Array.from({ length: 8 }, () => new Outbox(shared, 'demo', { now: () => now }).claim(due!)));
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
  });

  it('takes a bundle changed since it was listed, as it is now, once; a reminder added after the claim is delivered too', async () => {
    open();
    let now = 1000;
    const outbox = new Outbox(store, 'demo', { now: () => now });
    await outbox.addToBundle('reminders:m:1', 'm.devries', [item('j1')], true);
    const [due] = await outbox.due(10);
    // A reminder joins the bundle between the listing and the claim.
    await outbox.addToBundle('reminders:m:1', 'm.devries', [item('j2')]);
    const claimed = await outbox.claim(due!);
    expect(claimed?.items.map((i) => i.jobId)).toEqual(['j1', 'j2']);
    expect(await outbox.claim(due!)).toBeNull();
    // One more joins while it is being sent: it is not marked delivered without it.
    await outbox.addToBundle('reminders:m:1', 'm.devries', [item('j3')]);
    expect(await outbox.markDelivered(claimed!, 'teams', 'a1')).toBe(false);
    expect(await outbox.due(10)).toEqual([]);
    // When the lease ends it goes out again, with all three.
    now += 60_000;
    const [again] = await outbox.due(10);
    const retaken = await outbox.claim(again!);
    expect(retaken?.items.map((i) => i.jobId)).toEqual(['j1', 'j2', 'j3']);
    expect(await outbox.markDelivered(retaken!, 'teams', 'a2')).toBe(true);
  });

  it('backs off and marks unreachable only the message as the deliverer took it', async () => {
    open();
    let now = 1000;
    const outbox = new Outbox(store, 'demo', { now: () => now });
    await outbox.notify('n1', 'm.devries', { text: 'Nieuwe melding' });
    const [due] = await outbox.due(10);
    const mine = (await outbox.claim(due!))!;
    await outbox.postpone(mine, 5_000);
    expect(await store.collection('outbox').get('n1')).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: now + 5_000 });
    // Its old claim no longer holds: another deliverer took it after the back-off.
    now += 5_000;
    const other = (await outbox.claim((await outbox.get('n1'))!))!;
    await outbox.markUnreachable(mine, 'teams');
    expect(await store.collection('outbox').get('n1')).toMatchObject({ status: 'pending', attempts: 1 });
    await outbox.markUnreachable(other, 'slack');
    expect(await store.collection('outbox').get('n1')).toMatchObject({ status: 'unreachable', deliveredVia: 'slack', attempts: 2 });
  });
});
