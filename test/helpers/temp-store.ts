import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { parsedStore } from '../../src/core/kernel/collections.js';
import type { Store } from '../../src/core/kernel/ports.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

/**
 * A SQLite store in a folder of its own for each test that opens one (`open()`), closed and removed
 * after the test. For tests of one part over the real embedded store, without an app around it.
 */
export function tempSqliteStores(prefix: string): { open: () => Store } {
  const opened: Array<{ dir: string; store: Store }> = [];
  afterEach(async () => {
    for (const { dir, store } of opened.splice(0)) {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return {
    open: () => {
      const dir = mkdtempSync(join(tmpdir(), `zorgpad-${prefix}-`));
      const store = parsedStore(openSqliteStore(dir));
      opened.push({ dir, store });
      return store;
    },
  };
}
