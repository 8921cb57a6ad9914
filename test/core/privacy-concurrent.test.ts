import { tempSqliteStores } from '../helpers/temp-store.js';
import { describe, expect, it } from 'vitest';
import type { BullyingCase } from '../../src/core/cases/model.js';
import { loadSchoolFile, SchoolDirectory } from '../../src/core/people/school.js';
import type { CollectionName, RecordCollection, Store, VersionedRecord } from '../../src/core/kernel/ports.js';
import { ANONYMISED, PrivacyService } from '../../src/core/privacy/service.js';
import { WRITE_ATTEMPTS } from '../../src/core/kernel/records.js';

const NOW = Date.parse('2026-11-30T10:00:00Z');
const DAY = 86_400_000;
const beheerder = { staffId: 'b.koster', roles: new Set(['beheerder'] as const) } as never;

/** A case about L1003 in which L1001 (the student to erase, "A.K." in the school file) was seen bullying. */
const otherCase = (): Omit<BullyingCase, 'version'> => ({
  id: 'case-l1003',
  schoolId: 'demo',
  studentRef: 'L1003',
  classId: '1A',
  studentsInvolved: ['L1003', 'L1001'],
  status: 'open',
  stage: 'mentor',
  ownerStaffId: 'm.devries',
  createdAt: NOW,
  closedAt: null,
  signals: [{ id: 's1', at: NOW, byStaffId: 't.bakker', bullies: ['L1001'], others: '', where: 'gang', date: '2026-11-30', forms: ['uitsluiten'], scope: 'klas', severe: false, description: 'L1001 sloot hem buiten.' }],
  steps: [],
  agreements: [],
  sanctions: [],
  escalations: [],
});

/**
 * The store, with someone else writing a record of `name` between each read and write of it: before
 * an update of a record `interfere` picks, `edit` is applied to it as stored (a concurrent edit), so
 * the update's version is stale. `times` how often (Infinity: always).
 */
function interfering(inner: Store, name: CollectionName, edit: (current: VersionedRecord) => VersionedRecord, times: number): { store: Store; edits: () => number } {
  let edits = 0;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'collection') return Reflect.get(target, prop, receiver);
      return (wanted: CollectionName) => {
        const base = target.collection(wanted) as unknown as RecordCollection<VersionedRecord>;
        if (wanted !== name) return base;
        return new Proxy(base, {
          get(collection, key, r) {
            if (key !== 'update') return Reflect.get(collection, key, r);
            return async (record: VersionedRecord) => {
              if (edits < times) {
                const current = await collection.get(record.id);
                if (current && (await collection.update(edit(current)))) edits++;
              }
              return collection.update(record);
            };
          },
        });
      };
    },
  });
  return { store, edits: () => edits };
}

describe('erasure and retention while someone else writes', () => {
  const stores = tempSqliteStores('privacy');
  let inner: Store;
  const open = async () => {
    inner = stores.open();
    await inner.collection('bullyingCases').create(otherCase());
  };
  const directory = () => new SchoolDirectory(loadSchoolFile('schools/demo.yaml'));

  it('scrubs the student number from a case changed between the read and the write, keeps the change, and says ok', async () => {
    await open();
    // The mentor adds a report naming L1001 again just as the beheerder erases L1001.
    const { store, edits } = interfering(
      inner,
      'bullyingCases',
      (c) => {
        const bc = c as BullyingCase;
        return { ...bc, signals: [...bc.signals, { ...bc.signals[0]!, id: 's2', description: 'Weer L1001, nu in de kantine.' }] } as VersionedRecord;
      },
      1,
    );
    const privacy = new PrivacyService({ store, directory: directory(), clock: { now: () => NOW } });
    const erased = await privacy.eraseStudent(beheerder, 'L1001', 'test');
    expect(edits()).toBe(1);
    expect(erased).toMatchObject({ ok: true, value: { mentions: 1, notScrubbed: [] } });
    if (!erased.ok) throw new Error(erased.reason);
    expect(erased.value.unchanged.filter((line) => line.includes('tegelijk'))).toEqual([]);
    const stored = (await inner.collection('bullyingCases').get('case-l1003'))!;
    // Scrubbed as it stood when written: the report added meanwhile is there, without the number.
    expect(stored.signals.map((s) => s.description)).toEqual([`${ANONYMISED} sloot hem buiten.`, `Weer ${ANONYMISED}, nu in de kantine.`]);
    expect(stored.studentsInvolved).toEqual(['L1003', ANONYMISED]);
    expect(JSON.stringify(stored)).not.toMatch(/L1001/);
  });

  it('says what it could not scrub when every write meets another one, and is not ok', async () => {
    await open();
    const { store, edits } = interfering(inner, 'bullyingCases', (c) => ({ ...(c as BullyingCase), ownerStaffId: (c as BullyingCase).ownerStaffId === 'm.devries' ? 's.yilmaz' : 'm.devries' }) as VersionedRecord, Infinity);
    const privacy = new PrivacyService({ store, directory: directory(), clock: { now: () => NOW } });
    const erased = await privacy.eraseStudent(beheerder, 'L1001', 'test');
    expect(edits()).toBe(WRITE_ATTEMPTS);
    expect(erased).toMatchObject({ ok: false, reason: 'incomplete', value: { mentions: 0, notScrubbed: [{ collection: 'bullyingCases', id: 'case-l1003' }] } });
    if (erased.ok || erased.reason !== 'incomplete') throw new Error('expected an incomplete erasure');
    // Once, with where it is and what to do.
    expect(erased.value.unchanged).toEqual(['De zaak rond L1003 (1A): werd tegelijk gewijzigd en is niet aangepast. Wis de leerling nog een keer.']);
    expect(JSON.stringify(await inner.collection('bullyingCases').get('case-l1003'))).toMatch(/L1001/);

    // Erased again, with nobody writing in between, it is finished.
    const again = await new PrivacyService({ store: inner, directory: directory(), clock: { now: () => NOW } }).eraseStudent(beheerder, 'L1001', 'test');
    expect(again).toMatchObject({ ok: true, value: { mentions: 1, notScrubbed: [] } });
    expect(JSON.stringify(await inner.collection('bullyingCases').get('case-l1003'))).not.toMatch(/L1001/);
  });

  it('decides retention on the case as stored: one reopened meanwhile is not anonymised', async () => {
    await open();
    await inner.collection('bullyingCases').update({ ...(await inner.collection('bullyingCases').get('case-l1003'))!, status: 'closed', closedAt: NOW });
    // Just as retention runs, the CLZ reopens the case.
    const { store } = interfering(inner, 'bullyingCases', (c) => ({ ...(c as BullyingCase), status: 'open', closedAt: null }) as VersionedRecord, 1);
    const later = NOW + 800 * DAY;
    const report = await new PrivacyService({ store, directory: directory(), clock: { now: () => later } }).applyRetention();
    expect(report).toMatchObject({ casesAnonymised: 0 });
    expect(await inner.collection('bullyingCases').get('case-l1003')).toMatchObject({ status: 'open', studentRef: 'L1003' });
  });
});
