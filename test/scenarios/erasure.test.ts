import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COLLECTIONS, type CollectionName } from '../../src/core/kernel/ports.js';
import { STUDENT_DATA } from '../../src/core/privacy/collections.js';
import { dataKey, FieldCipher } from '../../src/store/cipher.js';
import { SENSITIVE_FIELDS, transform } from '../../src/store/encrypting.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { EXCEPTION_REQUEST, playground } from '../helpers/conversations.js';

/**
 * Erasure over every collection: after L1001 is named in a bullying case (as the bullied student and as
 * one who bullies), an exception request with votes and reviews, a half-finished dialog, messages,
 * reminders, lookups and the audit trail, erasing L1001 leaves no row anywhere in the database that
 * names them, decrypted or not.
 */
describe('erasing a student', () => {
  let bot: TestApp | undefined;
  afterEach(async () => {
    await bot?.stop();
  });

  it('declares for every collection how it refers to students', () => {
    expect(Object.keys(STUDENT_DATA).sort()).toEqual(Object.keys(COLLECTIONS).sort());
  });

  it('leaves no row that names the student in any table', async () => {
    bot = await startTestApp({ ZORGPAD_DELIVERY_INTERVAL_MS: '600000' });
    const { conversation: say } = playground(() => bot!);
    // L1001 bullied by L1002; L1003 bullied by L1001 (another case that must lose the number, not go).
    await say('t.bakker', ['pesten melden', 'Het is pesten', 'L1001', 'L1002', 'geen', 'In de les', 'vandaag', '1', 'Binnen de klas', 'nee', 'L1001 werd uitgelachen.', 'ja']);
    await say('r.elmoussaoui', ['pesten melden', 'Het is pesten', 'L1003', 'L1001', 'geen', 'Schoolplein', 'vandaag', '1', 'Binnen de klas', 'nee', 'L1001 duwde L1003.', 'ja']);
    // A case that names L1001 by initials only (A.K. in the school file), in the description and a talk.
    await say('t.bakker', ['pesten melden', 'Het is pesten', 'L2001', 'L2002', 'geen', 'Schoolplein', 'vandaag', '1', 'Binnen de klas', 'nee', 'A.K. keek toe en A. K. lachte mee.', 'ja']);
    await say('m.devries', ['mijn zaken', '2', 'Gesprek met de leerling die pest', 'L1001', 'Duwen benoemd.', '7', '-', 'ja', 'ja', 'L1001 erkent het.']);
    // An exception request for L1001, granted, with teachers told.
    await say('m.devries', [...EXCEPTION_REQUEST, 'Indienen']);
    const [request] = await bot.app.store.collection('exceptionRequests').findBy('studentRef', 'L1001');
    for (const persona of ['a.jansen', 'l.verhoeven']) await bot.click(persona, { zorgpad: { vote: 'approve', requestId: request!.id }, motivation: 'Akkoord voor L1001.' });
    // Lookups, a half-finished dialog naming L1001, and a read of the audit trail.
    await say('t.bakker', ['heeft L1001 een uitzondering?']);
    await say('j.pietersen', ['heeft L1001 een uitzondering?']);
    await say('j.pietersen', ['misbruik melden', 'L1001']);
    await say('h.smit', ['audit L1001']);

    const dbFile = join(bot.dataDir, 'zorgpad.sqlite');
    const cipher = new FieldCipher(dataKey(readFileSync(join(bot.dataDir, 'zorgpad-dev.key'), 'utf8').trim()));
    const rowsNaming = (ref: RegExp): string[] => {
      const db = new Database(dbFile, { readonly: true });
      try {
        const hits: string[] = [];
        for (const row of db.prepare('SELECT collection, id, data FROM records').all() as Array<{ collection: CollectionName; id: string; data: string }>) {
          const plain = transform(JSON.parse(row.data), SENSITIVE_FIELDS[row.collection] ?? [], (v) => cipher.decrypt(v));
          if (ref.test(`${row.id} ${JSON.stringify(plain)}`)) hits.push(`${row.collection}/${row.id}`);
        }
        for (const table of ['jobs', 'idempotency_keys', 'audit']) {
          for (const row of db.prepare(`SELECT * FROM ${table}`).all() as Array<Record<string, unknown>>) {
            if (ref.test(JSON.stringify(row))) hits.push(`${table}: ${JSON.stringify(row).slice(0, 80)}`);
          }
        }
        return hits;
      } finally {
        db.close();
      }
    };
    // Before: the student is named in every collection that holds student data.
    const before = rowsNaming(/\bL1001\b/i);
    for (const collection of ['bullyingCases', 'exceptionRequests', 'dialogStates', 'outbox']) {
      expect(before.some((h) => h.startsWith(`${collection}/`)), collection).toBe(true);
    }
    // And by initials in the other case and in the message about it to the mentor of 2B.
    const initials = /\bA\.\s?K\b/;
    const byInitials = rowsNaming(initials);
    for (const collection of ['bullyingCases', 'outbox']) expect(byInitials.some((h) => h.startsWith(`${collection}/`)), collection).toBe(true);

    await say('b.koster', ['gegevens wissen', 'L1001']);
    const erased = await bot.say('b.koster', 'ja');
    expect(erased.texts[0]).toMatch(/^Gewist voor L1001: 1 zaak\/zaken en 1 aanvraag\/aanvragen; in 1 andere zaak\/zaken is het leerlingnummer weggehaald\./);

    expect(rowsNaming(/\bL1001\b/i)).toEqual([]);
    // Nor by initials: the other case keeps its text with the initials replaced, as does the message.
    expect(rowsNaming(initials)).toEqual([]);
    const [watched] = await bot.app.store.collection('bullyingCases').findBy('studentRef', 'L2001');
    expect(watched!.signals[0]!.description).toBe('geanonimiseerd keek toe en geanonimiseerd lachte mee.');
    // The other case is still there, without the number; the audit trail keeps that the erasure happened.
    const [other] = await bot.app.store.collection('bullyingCases').findBy('studentRef', 'L1003');
    expect(other!.studentsInvolved).toEqual(['L1003', 'geanonimiseerd']);
    expect(rowsNaming(/privacy\.erase/).length).toBe(1);
  });
});
