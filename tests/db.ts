// A fresh, migrated database for one test file: in-memory PGlite by default, or a new
// database on the PostgreSQL server named by DATABASE_URL (as .ci/run does), dropped after.
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { type Db, openPglite, openPostgres } from '../src/db/connection.ts';
import { listMigrations, migrate } from '../src/db/migrate.ts';
import { createSealer, type Sealer } from '../src/db/personal-data.ts';
import { createLogKeys, type LogKeys } from '../src/tlog/keys.ts';
import { type SequencerKeys, sequenceAll } from '../src/tlog/store.ts';

export const testSecrets = {
  dataKeys: [{ id: 't1', key: Buffer.alloc(32, 7) }],
  hashKey: Buffer.alloc(32, 9),
};

/** The transparency log's keys for testSecrets (derived from the hash key, as without BEIAN_LOG_KEY). */
export const testLogKeys = (): LogKeys => createLogKeys(testSecrets.hashKey, null);

/**
 * Sequences until every committed history row is a leaf of the transparency log. The sequencer
 * appends only below the oldest transaction still running anywhere on the server (ADR 0017), so
 * on a PostgreSQL server shared with other test files a row may wait a moment for theirs to end.
 */
export async function logCaughtUp(db: Db, keys: SequencerKeys): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await sequenceAll(db, keys);
    const [r] = await db.query<{ behind: number }>('select (select count(*) from history)::int - (select count(*) from log_leaves)::int as behind');
    if (r!.behind === 0) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error('the transparency log did not catch up with history within 20 s');
}

/** Rows of the verification read model not in its source join, rows of the join not in it, and its size. */
export async function readModelDrift(db: Db): Promise<{ extra: number; missing: number; rows: number }> {
  const [r] = await db.query<{ extra: number; missing: number; rows: number }>(
    `select (select count(*)::int from (select * from verify_identities except select * from verify_identity_source) x) as extra,
            (select count(*)::int from (select * from verify_identity_source except select * from verify_identities) y) as missing,
            (select count(*)::int from verify_identities) as rows`);
  return r!;
}

export interface TestDb { db: Db; sealer: Sealer; url: string | null; close(): Promise<void> }

const serverUrl = () => {
  const cfg = loadConfig({ ...process.env, BEIAN_DATA_KEYS: 't1:' + testSecrets.dataKeys[0]!.key.toString('base64'), BEIAN_HASH_KEY: testSecrets.hashKey.toString('base64') });
  return cfg.database.kind === 'postgresql' ? cfg.database.url : null;
};

export const backend = (): 'pglite' | 'postgresql' => (serverUrl() ? 'postgresql' : 'pglite');

/**
 * For `describe.runIf` / `it.runIf`: true on that database; on the other it prints which pass runs
 * the test instead, so a test not run is never silent (the suite runs once on each, see README).
 */
export function runsOn(db: 'pglite' | 'postgresql', what: string): boolean {
  if (backend() === db) return true;
  console.info(db === 'postgresql'
    ? `${what}: not run on the embedded database — it runs in the PostgreSQL pass (DATABASE_URL=postgres://…, README "Using a PostgreSQL server", .ci/run's second pass)`
    : `${what}: not run on PostgreSQL — it runs in the embedded-database pass (npm test without DATABASE_URL)`);
  return false;
}

/** Creates an empty database (not migrated). */
export async function emptyDatabase(): Promise<TestDb> {
  const url = serverUrl();
  const sealer = createSealer(testSecrets);
  if (!url) {
    const db = await openPglite();
    return { db, sealer, url: null, close: () => db.close() };
  }
  const name = `beian_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), { max: 8 });
  return {
    db, sealer, url: u.toString(),
    async close() {
      await db.close();
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export async function testDatabase(): Promise<TestDb> {
  const t = await emptyDatabase();
  await migrate(t.db);
  return t;
}

/**
 * A database migrated up to, not including, migration `version`: a migration is then tested over
 * the data it meets (`migrate(t.db)` applies it and the rest). `also`: later migrations applied with
 * them, ahead of their turn — the columns today's code writes that a test's old database must have
 * (today's import over a schema of before 0039: 0056's `subjects.import_ending`).
 */
export async function databaseBefore(version: string, also: string[] = []): Promise<TestDb> {
  const t = await emptyDatabase();
  const dir = await mkdtemp(path.join(tmpdir(), 'beian-mig-'));
  try {
    for (const m of await listMigrations()) if (m.version < version || also.includes(m.version)) await cp(m.file, path.join(dir, path.basename(m.file)));
    await migrate(t.db, dir);
  } catch (e) {
    await t.close();
    throw e;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return t;
}

/**
 * The reference bureau of a province (ADR 0012): every migrated database holds the 31 bureaus,
 * and only one per province may exist, so tests use this row rather than creating a bureau.
 */
export async function bureauOf(db: Db, provinceCode: string): Promise<{ id: string; name: string }> {
  const [row] = await db.query<{ id: string; name: string }>(
    `select id, name from organisations where reference_key = 'bureau:' || $1::text`, [provinceCode]);
  if (!row) throw new Error(`no reference bureau for province ${provinceCode}: is the database migrated?`);
  return row;
}

/** The reference ministry (ADR 0012). */
export async function ministryOf(db: Db): Promise<{ id: string; name: string }> {
  const [row] = await db.query<{ id: string; name: string }>(`select id, name from organisations where reference_key = 'ministry'`);
  if (!row) throw new Error('no reference ministry: is the database migrated?');
  return row;
}
