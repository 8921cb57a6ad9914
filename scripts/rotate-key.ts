// Re-encrypts every sensitive field with the current ZORGPAD_DATA_KEY. Run it after moving the old key
// to ZORGPAD_DATA_KEYS_PREVIOUS; when it is done, the old key can be removed.
import { loadConfig } from '../src/config/env.js';
import { loadSchoolFile } from '../src/core/people/school.js';
import { updateWithRetry } from '../src/core/records.js';
import { dataKey } from '../src/store/cipher.js';
import { SENSITIVE_FIELDS } from '../src/store/encrypting.js';
import { openStore } from '../src/store/open.js';
import { createLogger } from '../src/log/logger.js';

const config = loadConfig();
if (!config.dataKey) {
  process.stderr.write('rotate-key: set ZORGPAD_DATA_KEY to the new key and ZORGPAD_DATA_KEYS_PREVIOUS to the old one(s)\n');
  process.exit(1);
}
const school = loadSchoolFile(config.schoolFile);
const store = await openStore(config, createLogger('warn'));
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
await store.close();
process.stdout.write(`rotate-key: ${count} records re-encrypted with key ${dataKey(config.dataKey).id}; keep the old key for one more hour (letter downloads still waiting)\n`);
