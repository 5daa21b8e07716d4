// Opens the configured database: a PostgreSQL server when DATABASE_URL is set, otherwise
// PGlite in the (locked) data folder with keys generated there on first start.
import path from 'node:path';
import type { Config } from '../config.ts';
import { type Db, openPglite, openPostgres } from './connection.ts';
import { embeddedSecrets, lockDataDir } from './data-dir.ts';
import { createSealer, type Sealer } from './personal-data.ts';
import { createLogKeys, type LogKeys } from '../tlog/keys.ts';

/** `log`: the transparency log's digest and signing keys (docs/decisions/0017-transparency-log.md). */
export interface Storage { db: Db; sealer: Sealer; log: LogKeys; close(): Promise<void> }

export async function openStorage(cfg: Config): Promise<Storage> {
  if (cfg.database.kind === 'postgresql') {
    const db = await openPostgres(cfg.database.url);
    return { db, sealer: createSealer(cfg.secrets!), log: createLogKeys(cfg.secrets!.hashKey, cfg.logSigningKey), close: () => db.close() };
  }
  const release = lockDataDir(cfg.database.dataDir);
  try {
    const secrets = cfg.secrets ?? embeddedSecrets(cfg.database.dataDir);
    const db = await openPglite(path.join(cfg.database.dataDir, 'pgdata'));
    return {
      db, sealer: createSealer(secrets), log: createLogKeys(secrets.hashKey, cfg.logSigningKey),
      close: async () => { await db.close(); release(); },
    };
  } catch (e) {
    release();
    throw e;
  }
}
