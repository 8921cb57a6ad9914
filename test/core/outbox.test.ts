import { tempSqliteStores } from '../helpers/temp-store.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsedStore } from '../../src/core/kernel/collections.js';
import { Outbox } from '../../src/core/notify/outbox.js';
import type { Store } from '../../src/core/kernel/ports.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

describe('replacements of a posted card', () => {
  const stores = tempSqliteStores('outbox');
  let store: Store;
  const open = () => {
    store = stores.open();
    return new Outbox(store, 'demo', { now: () => 1000 });
  };
  const statusOf = async (key: string) => (await store.collection('outbox').get(key))?.status;

  it('never lets an older state take the place of a newer one, whichever is queued first', async () => {
    // Two kernteam members vote at once: the deciding vote's outcome (version 3) is queued before the
    // other vote's card update (version 2) — the update must not replace the outcome.
    const outbox = open();
    await outbox.notify('kernteam-outcome:r1', 'channel:kernteam', { text: 'Besluit', replaces: 'kernteam:r1', order: 3 });
    await outbox.notify('kernteam-update:r1:2', 'channel:kernteam', { text: 'Stemmen', replaces: 'kernteam:r1', order: 2 });
    expect(await statusOf('kernteam-outcome:r1')).toBe('pending');
    expect(await statusOf('kernteam-update:r1:2')).toBe('superseded');
  });

  it('lets a newer state replace an older one still waiting', async () => {
    const outbox = open();
    await outbox.notify('kernteam-update:r1:2', 'channel:kernteam', { text: 'Stemmen', replaces: 'kernteam:r1', order: 2 });
    await outbox.notify('kernteam-outcome:r1', 'channel:kernteam', { text: 'Besluit', replaces: 'kernteam:r1', order: 3 });
    expect(await statusOf('kernteam-update:r1:2')).toBe('superseded');
    expect(await statusOf('kernteam-outcome:r1')).toBe('pending');
  });
});

describe('settling reminders', () => {
  let dir: string;
  let store: Store;
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const item = (request: string) => ({
    jobId: `review:${request}`,
    title: 'Evaluatie',
    text: `Evalueer ${request}`,
    actions: [{ title: 'Evaluatie vastleggen', data: { zorgpad: { start: 'evaluatie', requestId: request } } }],
  });
  const isFor = (request: string) => (i: { actions: Array<{ data: Record<string, unknown> }> }) => i.actions.some((a) => (a.data.zorgpad as { requestId?: string }).requestId === request);

  it('settles one reminder of a shown bundle, and later the other, each time from the latest version', async () => {
    dir = mkdtempSync(join(tmpdir(), 'zorgpad-outbox-'));
    store = parsedStore(openSqliteStore(dir));
    let now = 1000;
    const outbox = new Outbox(store, 'demo', { now: () => now });
    outbox.useBundleRenderer((items) => ({ text: items.map((i) => `${i.text}${i.actions.length ? ' [knop]' : ''}`).join('\n'), card: { type: 'AdaptiveCard', body: [] } as never }));
    await outbox.addToBundle('reminders:m:1', 'm', [item('r1'), item('r2')], true);
    const [bundle] = await outbox.due(10);
    await outbox.markDelivered((await outbox.claim(bundle!))!, 'teams', 'a1');

    now = 2000;
    expect(await outbox.settleReminders(['m'], isFor('r1'), 'Afgehandeld.')).toBe(1);
    let [first] = await outbox.due(10);
    expect(first!.replaces).toBe(bundle!.id);
    expect(first!.text).toBe('Evalueer r1\nAfgehandeld.\nEvalueer r2 [knop]');
    first = (await outbox.take(first!, 'teams'))!.item;
    await outbox.markDelivered(first, 'teams', 'a1');

    now = 3000;
    expect(await outbox.settleReminders(['m'], isFor('r2'), 'Afgehandeld.')).toBe(1);
    const [second] = await outbox.due(10);
    expect(second!.replaces).toBe(first.id);
    expect(second!.text).toBe('Evalueer r1\nAfgehandeld.\nEvalueer r2\nAfgehandeld.');
    // Nothing left to settle: run again (a repeated operation), it changes nothing.
    expect(await outbox.settleReminders(['m'], isFor('r2'), 'Afgehandeld.')).toBe(0);
  });
});
