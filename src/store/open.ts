import type { Config } from '../config/env.js';
import type { Store } from '../core/ports.js';
import { openMongoStore } from './mongo.js';
import { openSqliteStore } from './sqlite.js';

/** MongoDB when MONGODB_URI is set, otherwise the embedded SQLite file under the data directory. */
export async function openStore(config: Config['store']): Promise<Store> {
  return config.kind === 'mongodb' ? openMongoStore(config.uri, config.dbName) : openSqliteStore(config.dataDir);
}
