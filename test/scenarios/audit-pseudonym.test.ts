import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/core/kernel/ports.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

/** The pseudonym of earlier versions: 16 hex of an unsalted sha256, which anyone can compute from the number. */
const PLAIN_HASH = createHash('sha256').update('demo:L1001').digest('hex').slice(0, 16);

/**
 * The audit trail names students by a keyed pseudonym (HMAC from the data key): the table never holds
 * the number or the plain hash for new entries, and the audit trail, the export and the erasure still
 * find a student's entries — those written now and those an earlier version wrote under the plain hash.
 */
describe('the audit pseudonym, as the directie and the beheerder use the trail', () => {
  let bot: TestApp | undefined;
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  const auditRows = (dataDir: string): Array<{ record_kind: string; record_id: string; action: string }> => {
    const db = new Database(join(dataDir, 'zorgpad.sqlite'), { readonly: true });
    try {
      return db.prepare('SELECT record_kind, record_id, action FROM audit ORDER BY seq').all() as Array<{ record_kind: string; record_id: string; action: string }>;
    } finally {
      db.close();
    }
  };

  it('keeps new entries under the keyed pseudonym, and export, audit and erasure find old and new entries', async () => {
    bot = await startTestApp();
    // An entry an earlier version wrote under the plain hash, straight into the table.
    const db = new Database(join(bot.dataDir, 'zorgpad.sqlite'));
    db.prepare('INSERT INTO audit (at, school_id, actor, action, record_kind, record_id, channel) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      Date.parse('2026-01-05T09:00:00Z'),
      'demo',
      'b.koster',
      'privacy.export',
      'student',
      `leerling-${PLAIN_HASH}`,
      'teams',
    );
    db.close();
    // A lookup with no exception to point at is kept under the student's pseudonym.
    await bot.say('t.bakker', 'heeft L1001 een uitzondering?');
    await bot.say('h.smit', 'audit L1001');

    const written = auditRows(bot.dataDir).filter((r) => r.action === 'exception.functional-read' || r.action === 'privacy.audit-read');
    expect(written).toHaveLength(2);
    for (const row of written) {
      expect(row.record_id).toMatch(/^leerling-[0-9a-f]{32}$/);
      expect(row.record_id).not.toContain(PLAIN_HASH);
    }
    // One student, one pseudonym, whatever the kind of entry.
    expect(new Set(written.map((r) => r.record_id)).size).toBe(1);
    expect(JSON.stringify(auditRows(bot.dataDir))).not.toMatch(/L1001/i);

    // The export holds the old entry and the new ones.
    const exported = await bot.say('b.koster', 'gegevens van L1001');
    const trail = (JSON.parse(exported.texts[1]!) as { audit: AuditEntry[] }).audit.map((e) => `${e.actor} ${e.action}`);
    expect(trail).toEqual(['b.koster privacy.export', 't.bakker exception.functional-read', 'h.smit privacy.audit-read']);

    // Erasure is kept under the same pseudonym: the trail after it still has everything, the erasure last.
    await bot.say('b.koster', 'gegevens wissen');
    await bot.say('b.koster', 'L1001');
    await bot.say('b.koster', 'ja');
    const after = await bot.say('h.smit', 'audit L1001');
    expect(after.texts[0]).toMatch(/^Logboek L1001: 5 regels/);
    expect(after.texts[0]).toMatch(/Bram Koster — privacy\.export — teams\n.*Tessa Bakker — exception\.functional-read[\s\S]*Bram Koster — privacy\.export — playground\n.*Bram Koster — privacy\.erase/);
    const erased = auditRows(bot.dataDir).find((r) => r.action === 'privacy.erase');
    expect(erased?.record_id).toBe(written[0]!.record_id);
  });
});
