import { mkdtempSync, rmSync } from 'node:fs';
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
