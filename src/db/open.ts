// Opens the configured database: a PostgreSQL server when DATABASE_URL is set, otherwise
// PGlite in the (locked) data folder with keys generated there on first start.
import path from 'node:path';
import type { Config } from '../config.ts';
import { type Db, openPglite, openPostgres } from './connection.ts';
import { embeddedSecrets, lockDataDir } from './data-dir.ts';
import { primaryOnly, type ReadSide, standbyName, withStandbys } from './replicas.ts';
import { createSealer, type Sealer, type Secrets } from './personal-data.ts';
import { createLogKeys, type LogKeys } from '../tlog/keys.ts';

/**
 * `log`: the transparency log's digest and signing keys (docs/decisions/0017-transparency-log.md).
 * `reads`: where reads that may see a standby go (ADR 0020): the primary unless DATABASE_READ_URL names standbys.
 * `secrets`: the sealer's keys (`beian import`'s worker threads build sealers of their own from them).
 */
export interface Storage { db: Db; reads: ReadSide; sealer: Sealer; secrets: Secrets; log: LogKeys; close(): Promise<void> }

/** Told when a standby stops (why) or starts again (null) being used for reads. */
export type StandbyExcluded = (name: string, why: 'not_a_standby' | 'not_streaming' | null) => void;

/** A database URL fit for a message: the password replaced. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

/** One pool per standby of DATABASE_READ_URL; none (every read on the primary) without. */
export async function openReadSide(primary: Db, readUrls: readonly string[], onExcluded?: StandbyExcluded): Promise<ReadSide> {
  if (readUrls.length === 0) return primaryOnly(primary);
  const opened: { name: string; db: Db }[] = [];
  try {
    for (const url of readUrls) opened.push({ name: standbyName(url), db: await openPostgres(url, { probe: false }) });
  } catch (e) {
    await Promise.all(opened.map((s) => s.db.close()));
    throw e;
  }
  return withStandbys(primary, opened, onExcluded ? { onExcluded } : {});
}

/** `standbys`: open the read pools of DATABASE_READ_URL (the server does; one-shot commands read the primary). */
export async function openStorage(cfg: Config, options: { standbys?: boolean; onStandbyExcluded?: StandbyExcluded } = {}): Promise<Storage> {
  if (cfg.database.kind === 'postgresql') {
    const url = cfg.database.url;
    const db = await openPostgres(url).catch((err: unknown) => {
      // A bare "connect ECONNREFUSED 127.0.0.1:1" did not say which setting to fix.
      throw new Error(`cannot connect to DATABASE_URL (${redactedUrl(url)}): ${(err as Error).message}`, { cause: err });
    });
    let reads: ReadSide;
    try { reads = await openReadSide(db, options.standbys ? cfg.database.readUrls : [], options.onStandbyExcluded); } catch (e) { await db.close(); throw e; }
    return {
      db, reads, sealer: createSealer(cfg.secrets!), secrets: cfg.secrets!, log: createLogKeys(cfg.secrets!.hashKey, cfg.logSigningKey),
      close: async () => { await reads.close(); await db.close(); },
    };
  }
  const release = lockDataDir(cfg.database.dataDir);
  try {
    const secrets = cfg.secrets ?? embeddedSecrets(cfg.database.dataDir);
    const db = await openPglite(path.join(cfg.database.dataDir, 'pgdata'));
    return {
      db, reads: primaryOnly(db), sealer: createSealer(secrets), secrets, log: createLogKeys(secrets.hashKey, cfg.logSigningKey),
      close: async () => { await db.close(); release(); },
    };
  } catch (e) {
    release();
    throw e;
  }
}
