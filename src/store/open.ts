import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/env.js';
import type { Logger, Store } from '../core/kernel/ports.js';
import { dataKey, FieldCipher, generateDataKey } from './cipher.js';
import { encryptingStore } from './encrypting.js';
import { openMongoStore } from './mongo.js';
import { openSqliteStore } from './sqlite.js';

/** MongoDB when MONGODB_URI is set, otherwise the embedded SQLite file under the data directory. */
export async function openRawStore(config: Config['store'], log?: Logger): Promise<Store> {
  if (config.kind === 'sqlite') return openSqliteStore(config.dataDir);
  const store = await openMongoStore(config.uri, config.dbName, { writeClaims: config.writeClaims });
  log?.info('store.mongodb', { writeClaims: store.writeClaims, ferretdb: store.ferretdb, mode: config.writeClaims });
  return store;
}

/** The store the application uses: sensitive fields encrypted with the configured data key. */
export async function openStore(config: Config, log: Logger): Promise<Store> {
  return encryptingStore(await openRawStore(config.store, log), cipherFor(config, log));
}

export function cipherFor(config: Config, log: Logger): FieldCipher {
  const previous = config.previousDataKeys.map(dataKey);
  if (config.dataKey) return new FieldCipher(dataKey(config.dataKey), previous);
  // Development only (production refuses to start without a key): a key kept next to the data.
  const dir = config.store.kind === 'sqlite' ? config.store.dataDir : './data';
  const file = join(dir, 'zorgpad-dev.key');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(file)) {
    writeFileSync(file, `${generateDataKey()}\n`, { mode: 0o600 });
    log.warn('data-key.generated', { detail: `no ZORGPAD_DATA_KEY: generated a development key in ${file}` });
  } else {
    log.warn('data-key.development', { detail: `no ZORGPAD_DATA_KEY: using the development key in ${file}` });
  }
  return new FieldCipher(dataKey(readFileSync(file, 'utf8').trim()), previous);
}
