import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/kernel/ports.js';
import { AuditPseudonyms, rekeyAuditSubjects } from '../../src/core/privacy/pseudonyms.js';
import { auditSubject, studentAudit } from '../../src/core/privacy/service.js';
import { dataKey, FieldCipher, generateDataKey, pseudonymKey } from '../../src/store/cipher.js';
import { encryptingStore } from '../../src/store/encrypting.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

/** What earlier versions stored: the first 16 hex of an unsalted sha256 — anyone can compute it from a number. */
const plainHash = (ref: string) => createHash('sha256').update(`demo:${ref}`).digest('hex');
const PLAIN = `leerling-${plainHash('L1002').slice(0, 16)}`;

describe('the audit trail pseudonym', () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function sqlite(): Store {
    const dir = mkdtempSync(join(tmpdir(), 'zorgpad-pseudonym-'));
    dirs.push(dir);
    const store = openSqliteStore(dir);
    stores.push(store);
    return store;
  }

  it('is a keyed HMAC: not the plain hash, not the number, stable for one key, different for another', () => {
    const a = dataKey(generateDataKey());
    const b = dataKey(generateDataKey());
    expect(auditSubject('demo', 'L1002')).toBe(PLAIN);
    const underA = new FieldCipher(a).auditPseudonyms().keyed(auditSubject('demo', 'L1002'));
    expect(underA).toMatch(/^leerling-[0-9a-f]{32}$/);
    expect(underA).not.toContain(plainHash('L1002').slice(0, 16));
    expect(underA).not.toBe(PLAIN);
    expect(underA).not.toMatch(/L1002/i);
    // Stable: the same key (a new cipher, as after a restart) gives the same pseudonym; the number is case-insensitive.
    expect(new FieldCipher(a).auditPseudonyms().keyed(auditSubject('demo', 'l1002'))).toBe(underA);
    // Another key, another pseudonym; another student, another pseudonym.
    expect(new FieldCipher(b).auditPseudonyms().keyed(auditSubject('demo', 'L1002'))).not.toBe(underA);
    expect(new FieldCipher(a).auditPseudonyms().keyed(auditSubject('demo', 'L1003'))).not.toBe(underA);
    // The key is derived from the data key, not the data key itself.
    expect(pseudonymKey(a).equals(a.key)).toBe(false);
    expect(pseudonymKey(a)).toHaveLength(32);
    expect(underA).not.toBe(`leerling-${createHmac('sha256', a.key).update(PLAIN).digest('hex').slice(0, 32)}`);
  });

  it('is what the store keeps: no plain hash reaches the audit table, and lookups find entries of earlier versions', async () => {
    const raw = sqlite();
    const cipher = new FieldCipher(dataKey(generateDataKey()));
    const store = encryptingStore(raw, cipher);
    // An entry of an earlier version, under the plain hash, written straight to the store.
    await raw.audit.append({ ...studentAudit('demo', 1, 'staff:b.koster', 'privacy.export', 'L1002', 'teams'), recordId: PLAIN });
    await store.audit.append(studentAudit('demo', 2, 'staff:h.smit', 'privacy.audit-read', 'L1002', 'teams'));
    await store.audit.append({ at: 3, schoolId: 'demo', actor: 'staff:t.bakker', action: 'exception.functional-read', recordKind: 'exceptionRequest', recordId: auditSubject('demo', 'L1002'), channel: 'teams' });

    const keyed = cipher.auditPseudonyms().keyed(PLAIN);
    expect(await raw.audit.recordIds('student')).toEqual(expect.arrayContaining([PLAIN, keyed]));
    expect((await raw.audit.forRecord('student', keyed)).map((e) => e.action)).toEqual(['privacy.audit-read']);
    expect((await raw.audit.forRecord('exceptionRequest', keyed)).map((e) => e.action)).toEqual(['exception.functional-read']);
    expect(await raw.audit.forRecord('exceptionRequest', PLAIN)).toEqual([]);
    // Looked up by the student's subject: the old entry and the new, oldest first.
    expect((await store.audit.forRecord('student', PLAIN)).map((e) => e.action)).toEqual(['privacy.export', 'privacy.audit-read']);
    // Other records pass through untouched.
    await store.audit.append({ at: 4, schoolId: 'demo', actor: 'a', action: 'case.read', recordKind: 'bullyingCase', recordId: 'case-1', channel: 'teams' });
    expect((await raw.audit.forRecord('bullyingCase', 'case-1')).map((e) => e.recordId)).toEqual(['case-1']);
  });

  it('is re-keyed by a rotation: entries under the previous key, the plain hash or the number move to the new key', async () => {
    const raw = sqlite();
    const oldKey = dataKey(generateDataKey());
    const newKey = dataKey(generateDataKey());
    const before = encryptingStore(raw, new FieldCipher(oldKey));
    await before.audit.append(studentAudit('demo', 1, 'staff:h.smit', 'privacy.audit-read', 'L1002', 'teams'));
    // Older versions: the plain hash (of a student nobody names any more, too) and the number itself.
    const gone = `leerling-${plainHash('L9999').slice(0, 16)}`;
    await raw.audit.append({ ...studentAudit('demo', 2, 'staff:b.koster', 'privacy.export', 'L1002', 'teams'), recordId: PLAIN });
    await raw.audit.append({ ...studentAudit('demo', 3, 'staff:b.koster', 'privacy.erase', 'L9999', 'teams'), recordId: gone });
    await raw.audit.append({ at: 4, schoolId: 'demo', actor: 'staff:t.bakker', action: 'exception.functional-read', recordKind: 'exceptionRequest', recordId: 'L1002', channel: 'teams' });

    const rotated = new FieldCipher(newKey, [oldKey]).auditPseudonyms();
    const moved = await rekeyAuditSubjects(raw.audit, rotated, [{ ref: 'L1002', subject: PLAIN }]);
    expect(moved).toBe(4);

    const now = new AuditPseudonyms(pseudonymKey(newKey));
    const oldName = new AuditPseudonyms(pseudonymKey(oldKey)).keyed(PLAIN);
    expect(await raw.audit.recordIds('student')).not.toContain(oldName);
    expect((await raw.audit.recordIds('student')).sort()).toEqual([now.keyed(PLAIN), now.keyed(gone)].sort());
    expect(await raw.audit.recordIds('exceptionRequest')).toEqual([now.keyed(PLAIN)]);
    // With the new key only (the old one removed), the student's whole trail is found.
    const after = encryptingStore(raw, new FieldCipher(newKey));
    expect((await after.audit.forRecord('student', PLAIN)).map((e) => e.action)).toEqual(['privacy.audit-read', 'privacy.export']);
    expect((await after.audit.forRecord('exceptionRequest', PLAIN)).map((e) => e.action)).toEqual(['exception.functional-read']);
    expect((await after.audit.forRecord('student', gone)).map((e) => e.action)).toEqual(['privacy.erase']);
    // A second run has nothing left to move.
    expect(await rekeyAuditSubjects(raw.audit, rotated, [{ ref: 'L1002', subject: PLAIN }])).toBe(0);
  });
});
