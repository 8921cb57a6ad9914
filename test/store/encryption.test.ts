import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { auditSubject } from '../../src/core/privacy/service.js';
import { dataKey, FieldCipher, generateDataKey } from '../../src/store/cipher.js';
import { encryptingStore } from '../../src/store/encrypting.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { RecordCollection, VersionedRecord } from '../../src/core/kernel/ports.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const SECRET = 'Tijdens gym werd GEHEIM-4711 vernederd';

describe('sensitive fields at rest', () => {
  let bot: TestApp | undefined;
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  it('encrypts and decrypts with the key named in the value, and detects tampering', () => {
    const a = dataKey(generateDataKey());
    const b = dataKey(generateDataKey());
    const old = new FieldCipher(a);
    const sealed = old.encrypt({ note: 'x' });
    expect(sealed).toMatch(new RegExp(`^enc:v1:${a.id}:`));
    expect(new FieldCipher(b, [a]).decrypt(sealed)).toEqual({ note: 'x' });
    expect(() => new FieldCipher(b).decrypt(sealed)).toThrow(/no data key/);
    const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => old.decrypt(tampered)).toThrow();
  });

  it('never seals two values with the same IV (GCM nonce), also past the pool of random bytes it draws them from', () => {
    const cipher = new FieldCipher(dataKey(generateDataKey()));
    const sealed = Array.from({ length: 1000 }, () => cipher.encrypt('zelfde waarde'));
    const ivs = new Set(sealed.map((s) => s.split(':')[3]));
    expect(ivs.size).toBe(1000);
    expect(new Set(sealed).size).toBe(1000);
    for (const s of sealed.slice(250, 260)) expect(cipher.decrypt(s)).toBe('zelfde waarde');
  });

  it('stores an empty text, list or object as it is (nothing to hide) and reads every field back as written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zorgpad-empty-'));
    const raw = openSqliteStore(dir);
    try {
      const store = encryptingStore(raw, new FieldCipher(dataKey(generateDataKey())));
      const entry = { id: 'e1', schoolId: 'demo', kind: 'slack', personKey: '', status: 'done' as const, availableAt: 1, arrivedAt: 1, leaseOwner: null, running: false, attempts: 1 };
      await store.collection('inbox').create({ ...entry, request: '' });
      await store.collection('inbox').create({ ...entry, id: 'e2', request: SECRET });
      const sealed = (id: string) => (raw.collection('inbox') as unknown as RecordCollection<VersionedRecord & { request: unknown }>).get(id);
      expect((await sealed('e1'))?.request).toBe('');
      expect(FieldCipher.keyIdOf((await sealed('e2'))?.request)).not.toBeNull();
      expect((await store.collection('inbox').get('e1'))?.request).toBe('');
      expect((await store.collection('inbox').get('e2'))?.request).toBe(SECRET);
      const state = { id: 's1', schoolId: 'demo', userKey: 'u', flowId: null, stepId: null, history: [], updatedAt: 1, recentDeliveries: [] };
      await store.collection('dialogStates').create({ ...state, answers: {} });
      await store.collection('dialogStates').create({ ...state, id: 's2', answers: { wie: { value: 'L1001', display: SECRET } } as never });
      const rawState = (id: string) => (raw.collection('dialogStates') as unknown as RecordCollection<VersionedRecord & { answers: unknown }>).get(id);
      expect((await rawState('s1'))?.answers).toEqual({});
      expect(FieldCipher.keyIdOf((await rawState('s2'))?.answers)).not.toBeNull();
      expect((await store.collection('dialogStates').get('s2'))?.answers).toEqual({ wie: { value: 'L1001', display: SECRET } });
    } finally {
      await raw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  async function signal(app: TestApp): Promise<void> {
    for (const text of ['pesten melden', '1', 'L1001', 'L1002', 'geen', '1', 'vandaag', '2', '1', 'nee', SECRET, 'ja']) await app.say('t.bakker', text);
  }

  function rawDatabaseText(dataDir: string): string {
    return readdirSync(dataDir)
      .filter((f) => f.startsWith('zorgpad.sqlite'))
      .map((f) => readFileSync(join(dataDir, f)).toString('latin1'))
      .join('');
  }

  it('keeps notes out of the database file in plain text, with a development key generated next to the data', async () => {
    bot = await startTestApp();
    await signal(bot);
    const [stored] = await bot.app.store.collection('bullyingCases').findBy('studentRef', 'L1001');
    expect(stored!.signals[0]!.description).toBe(SECRET);
    expect(existsSync(join(bot.dataDir, 'zorgpad-dev.key'))).toBe(true);
    const raw = new Database(join(bot.dataDir, 'zorgpad.sqlite'), { readonly: true });
    const rows = raw.prepare("SELECT data FROM records WHERE collection IN ('bullyingCases', 'outbox', 'dialogStates')").all() as Array<{ data: string }>;
    raw.close();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.data).join('\n')).not.toContain('GEHEIM-4711');
    expect(rawDatabaseText(bot.dataDir)).not.toContain('GEHEIM-4711');
    // After a restart the same key reads it back.
    await bot.restart();
    const [again] = await bot.app.store.collection('bullyingCases').findBy('studentRef', 'L1001');
    expect(again!.signals[0]!.description).toBe(SECRET);
  });

  it('re-encrypts everything with a new key (npm run rotate-key), after which the old key is not needed', async () => {
    const oldKey = generateDataKey();
    const newKey = generateDataKey();
    bot = await startTestApp({ ZORGPAD_DATA_KEY: oldKey });
    await signal(bot);
    await bot.app.close();
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/rotate-key.ts'], {
      env: { PATH: process.env.PATH ?? '', ZORGPAD_DATA_DIR: bot.dataDir, ZORGPAD_DATA_KEY: newKey, ZORGPAD_DATA_KEYS_PREVIOUS: oldKey },
    });
    const raw = new Database(join(bot.dataDir, 'zorgpad.sqlite'), { readonly: true });
    const row = raw.prepare("SELECT data FROM records WHERE collection = 'bullyingCases'").get() as { data: string };
    raw.close();
    const description = (JSON.parse(row.data) as { signals: Array<{ description: string }> }).signals[0]!.description;
    expect(FieldCipher.keyIdOf(description)).toBe(dataKey(newKey).id);
    const only = new FieldCipher(dataKey(newKey));
    expect(only.decrypt(description)).toBe(SECRET);
    rmSync(bot.dataDir, { recursive: true, force: true });
    bot = undefined;
  });

  it('moves the audit trail to the new key\'s pseudonyms, so the trail is found with the new key alone', async () => {
    const oldKey = generateDataKey();
    const newKey = generateDataKey();
    bot = await startTestApp({ ZORGPAD_DATA_KEY: oldKey });
    const dataDir = bot.dataDir;
    // Under the old key: a lookup with no exception to point at (kept under L1003's pseudonym), and an
    // entry an earlier version wrote under L1002's plain hash.
    await bot.say('t.bakker', 'heeft L1003 een uitzondering?');
    await bot.app.close();
    const plainL1002 = `leerling-${createHash('sha256').update('demo:L1002').digest('hex').slice(0, 16)}`;
    const db = new Database(join(dataDir, 'zorgpad.sqlite'));
    db.prepare('INSERT INTO audit (at, school_id, actor, action, record_kind, record_id, channel) VALUES (?, ?, ?, ?, ?, ?, ?)').run(1, 'demo', 'b.koster', 'privacy.export', 'student', plainL1002, 'teams');
    db.close();
    const subjects = () => {
      const raw = new Database(join(dataDir, 'zorgpad.sqlite'), { readonly: true });
      const rows = raw.prepare("SELECT DISTINCT record_id FROM audit WHERE record_kind IN ('student', 'exceptionRequest')").all() as Array<{ record_id: string }>;
      raw.close();
      return rows.map((r) => r.record_id).sort();
    };
    const oldPseudonyms = new FieldCipher(dataKey(oldKey)).auditPseudonyms();
    const newPseudonyms = new FieldCipher(dataKey(newKey)).auditPseudonyms();
    const l1003 = auditSubject('demo', 'L1003');
    expect(subjects()).toEqual([oldPseudonyms.keyed(l1003), plainL1002].sort());

    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/rotate-key.ts'], {
      env: { PATH: process.env.PATH ?? '', ZORGPAD_DATA_DIR: dataDir, ZORGPAD_DATA_KEY: newKey, ZORGPAD_DATA_KEYS_PREVIOUS: oldKey },
    }).toString();
    expect(out).toMatch(/ 2 audit entries re-keyed /);
    expect(out).not.toMatch(/L100/);
    expect(subjects()).toEqual([newPseudonyms.keyed(l1003), newPseudonyms.keyed(plainL1002)].sort());

    // The old key removed: the beheerder still finds both students' entries.
    const after = await startTestApp({ ZORGPAD_DATA_DIR: dataDir, ZORGPAD_DATA_KEY: newKey });
    try {
      expect((await after.say('b.koster', 'audit L1003')).texts[0]).toMatch(/Tessa Bakker — exception\.functional-read/);
      expect((await after.say('b.koster', 'audit L1002')).texts[0]).toMatch(/Bram Koster — privacy\.export — teams/);
    } finally {
      await after.stop();
      rmSync(dataDir, { recursive: true, force: true });
      bot = undefined;
    }
  });
});
