// Re-encrypts every sensitive field with the current ZORGPAD_DATA_KEY, and moves the audit trail's
// student pseudonyms to the current key's. Run it after moving the old key to ZORGPAD_DATA_KEYS_PREVIOUS;
// when it is done, the old key can be removed.
import { loadConfig } from '../src/config/env.js';
import { loadSchoolFile } from '../src/core/people/school.js';
import { rekeyAuditSubjects } from '../src/core/privacy/pseudonyms.js';
import { ANONYMISED, auditSubject } from '../src/core/privacy/service.js';
import { updateWithRetry } from '../src/core/kernel/records.js';
import { dataKey } from '../src/store/cipher.js';
import { encryptingStore, SENSITIVE_FIELDS } from '../src/store/encrypting.js';
import { cipherFor, openRawStore } from '../src/store/open.js';
import { createLogger } from '../src/log/logger.js';

const config = loadConfig();
if (!config.dataKey) {
  process.stderr.write('rotate-key: set ZORGPAD_DATA_KEY to the new key and ZORGPAD_DATA_KEYS_PREVIOUS to the old one(s)\n');
  process.exit(1);
}
const school = loadSchoolFile(config.schoolFile);
const log = createLogger('warn');
const cipher = cipherFor(config, log);
const raw = await openRawStore(config.store, log);
const store = encryptingStore(raw, cipher);
let count = 0;
for (const name of Object.keys(SENSITIVE_FIELDS) as Array<keyof typeof SENSITIVE_FIELDS>) {
  // Short-lived records (a letter's PDF waiting for its download) expire within the hour: keep the old
  // key in ZORGPAD_DATA_KEYS_PREVIOUS for an hour after rotating, and they are gone by themselves.
  if (name === 'transient') continue;
  const collection = store.collection(name);
  for (const record of await collection.findBy('schoolId', school.id)) {
    // Reading decrypts with whichever key wrote it; writing seals with the current key.
    await updateWithRetry(collection, record.id, (current) => ({ ...current }));
    count++;
  }
}

// The audit trail's pseudonyms: entries under the plain hash of older versions are keyed for any student;
// entries under a previous key's pseudonym (or the number, older versions) for every student the school
// file or a record still names. Those of a student named nowhere any more stay under the previous key's
// pseudonym, which nobody can link to a number once that key is gone.
const refs = new Set(school.students.map((s) => s.ref));
for (const c of await store.collection('bullyingCases').findBy('schoolId', school.id)) {
  for (const ref of [c.studentRef, ...c.studentsInvolved]) refs.add(ref);
}
for (const name of ['exceptionRequests', 'parentLinks'] as const) {
  for (const r of await store.collection(name).findBy('schoolId', school.id)) refs.add(r.studentRef);
}
refs.delete(ANONYMISED);
const students = [...refs].map((ref) => ({ ref, subject: auditSubject(school.id, ref) }));
const moved = await rekeyAuditSubjects(raw.audit, cipher.auditPseudonyms(), students);
await store.close();
process.stdout.write(
  `rotate-key: ${count} records re-encrypted and ${moved} audit entries re-keyed with key ${dataKey(config.dataKey).id}; keep the old key for one more hour (letter downloads still waiting)\n`,
);
