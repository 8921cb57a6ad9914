import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsedStore, RecordParseError } from '../../src/core/kernel/collections.js';
import type { RecordCollection, Store, VersionedRecord } from '../../src/core/kernel/ports.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

// That a wrong record type does not compile is checked by tsc itself: test/types/collections.ts.
describe('records parsed on read', () => {
  let dir: string;
  let raw: Store;
  afterEach(async () => {
    await raw.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = () => {
    dir = mkdtempSync(join(tmpdir(), 'zorgpad-records-'));
    raw = openSqliteStore(dir);
    // What an older or damaged version wrote: plain JSON, any shape.
    const json = raw.collection('roleAssignments') as unknown as RecordCollection<VersionedRecord & Record<string, unknown>>;
    return { json, roles: parsedStore(raw).collection('roleAssignments') };
  };

  it('reads a well-formed record, keeping fields the schema does not name', async () => {
    const { json, roles } = open();
    await json.create({ id: 'a1', schoolId: 'demo', staffId: 'm.devries', granted: ['clz'], revoked: [], addedLater: 'kept' });
    const read = await roles.get('a1');
    expect(read?.granted).toEqual(['clz']);
    expect((read as unknown as { addedLater?: string }).addedLater).toBe('kept');
  });

  it('refuses a damaged record with its collection, id and the field at fault, and no content', async () => {
    const { json, roles } = open();
    await json.create({ id: 'a2', schoolId: 'demo', staffId: 'GEHEIM-7f3a', granted: ['koning'], revoked: [] });
    const read = roles.get('a2');
    await expect(read).rejects.toBeInstanceOf(RecordParseError);
    await expect(roles.get('a2')).rejects.toThrow(/a2 in roleAssignments .* at granted\.0/);
    await expect(roles.get('a2')).rejects.not.toThrow(/GEHEIM|koning/);
    await expect(roles.findBy('schoolId', 'demo')).rejects.toBeInstanceOf(RecordParseError);
  });
});
