import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsedStore } from '../../src/core/collections.js';
import { Outbox } from '../../src/core/notify/outbox.js';
import type { Store } from '../../src/core/ports.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

describe('replacements of a posted card', () => {
  let dir: string;
  let store: Store;
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = () => {
    dir = mkdtempSync(join(tmpdir(), 'zorgpad-outbox-'));
    store = parsedStore(openSqliteStore(dir));
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
