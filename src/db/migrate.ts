// Applies the numbered SQL files in db/migrations in order, each in its own transaction,
// recording them in schema_migrations; then syncs reference data (provinces, and the ministry
// and provincial bureaus as organisations, ADR 0012) from src/domain so the database and the
// domain share one source.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVINCES } from '../domain/provinces.ts';
import { REFERENCE_ORGANISATIONS, type ReferenceOrganisation } from '../domain/reference-organisations.ts';
import type { Db, Queryable } from './connection.ts';
import { restoreDeferredIndexes } from './deferred-indexes.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../db/migrations');

export interface Migration { version: string; name: string; file: string }

export async function listMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return files.map((file) => ({ version: file.slice(0, 4), name: file.slice(5, -4), file: path.join(dir, file) }));
}

/**
 * Applies pending migrations; returns the versions applied now. Then builds any index a first
 * load set aside and did not build (an import that died; migration 0035) — except for `beian
 * import`, which builds them itself and continues its own first load (`keepDeferredIndexes`).
 */
/** DATABASE_URL names a server in recovery (a hot standby): nothing can be written there. */
export class ReadOnlyDatabaseError extends Error {
  constructor(what: string) {
    super(`DATABASE_URL names a read-only standby${what}; run this against the primary`);
  }
}

/**
 * On a standby (pg_is_in_recovery()) nothing can be written, not even `create table if not
 * exists`: read-only commands (keys status, audit verify, calendar check) failed there with "cannot
 * execute CREATE TABLE in a read-only transaction" because they migrate first. A standby whose schema
 * is current needs nothing (its primary migrated it, replication brought it): true then. A standby
 * behind on migrations cannot be brought up to date here: ReadOnlyDatabaseError.
 */
async function currentStandby(db: Db, dir: string): Promise<boolean> {
  if (db.kind !== 'postgresql') return false;
  const [r] = await db.query<{ standby: boolean; migrations: boolean }>(
    `select pg_is_in_recovery() as standby, to_regclass('schema_migrations') is not null as migrations`);
  if (!r?.standby) return false;
  const done = r.migrations ? new Set((await db.query<{ version: string }>('select version from schema_migrations')).map((x) => x.version)) : new Set<string>();
  const missing = (await listMigrations(dir)).filter((m) => !done.has(m.version));
  if (missing.length) throw new ReadOnlyDatabaseError(` whose schema lacks migration${missing.length > 1 ? 's' : ''} ${missing.map((m) => m.version).join(', ')}`);
  return true;
}

export async function migrate(db: Db, dir = MIGRATIONS_DIR, o: { keepDeferredIndexes?: boolean; onIndexesBuilt?: (names: string[]) => void } = {}): Promise<string[]> {
  if (await currentStandby(db, dir)) return [];
  await db.query(`create table if not exists schema_migrations (
    version text primary key, name text not null, applied_at timestamptz not null default now())`);
  const done = new Set((await db.query<{ version: string }>('select version from schema_migrations')).map((r) => r.version));
  const applied: string[] = [];
  for (const m of await listMigrations(dir)) {
    if (done.has(m.version)) continue;
    const sql = await readFile(m.file, 'utf8');
    await db.transaction(async (tx) => {
      // Another process may have applied it meanwhile: the lock serialises migrators on a server.
      await tx.query('lock table schema_migrations in exclusive mode');
      const again = await tx.query('select 1 from schema_migrations where version = $1', [m.version]);
      if (again.length) return;
      await tx.exec(sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    });
  }
  await syncReferenceData(db);
  if (!o.keepDeferredIndexes) {
    const built = await restoreDeferredIndexes(db);
    if (built.length) o.onIndexesBuilt?.(built);
  }
  return applied;
}

/**
 * The last migration applied; null on a database never migrated. Any other failure is thrown: it
 * used to be swallowed too, so a health check answered "ok, migration null" with the primary down.
 */
export async function latestMigration(db: Db): Promise<string | null> {
  const rows = await db.query<{ version: string; name: string }>(
    `select version, name from schema_migrations order by version desc limit 1`,
  ).catch((err: unknown) => {
    if ((err as { code?: unknown }).code === '42P01') return []; // undefined_table: not migrated yet
    throw err;
  });
  return rows[0] ? `${rows[0].version}_${rows[0].name}` : null;
}

export async function syncReferenceData(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    for (const p of PROVINCES) {
      await tx.query(
        `insert into provinces (code, name_zh, name_en, prefix, prefix_variants, bureau_name)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (code) do update set name_zh = excluded.name_zh, name_en = excluded.name_en,
           prefix = excluded.prefix, prefix_variants = excluded.prefix_variants, bureau_name = excluded.bureau_name`,
        [p.code, p.name, p.nameEn, p.prefix, [...p.prefixes], p.bureauName],
      );
    }
  });
  await syncReferenceOrganisations(db);
}

interface OrgRow { id: string; kind: string; name: string; province_code: string | null; reference_key: string | null; created_at: Date }

type OrgChange =
  | { op: 'create'; ref: ReferenceOrganisation }
  | { op: 'adopt' | 'rename'; ref: ReferenceOrganisation; row: OrgRow };

/**
 * What syncing would change: rows keyed by reference_key are renamed in place when the code's
 * name differs; a bureau or ministry created before 0009 (the demo seed, or by hand) is adopted
 * rather than duplicated — the bureau of the province, the ministry of the reference name, else
 * the only ministry there is; what is left is created.
 */
function planReferenceOrganisations(rows: OrgRow[]): OrgChange[] {
  const byKey = new Map(rows.filter((r) => r.reference_key).map((r) => [r.reference_key!, r]));
  const free = rows.filter((r) => !r.reference_key);
  const changes: OrgChange[] = [];
  for (const ref of REFERENCE_ORGANISATIONS) {
    const row = byKey.get(ref.key);
    if (row) {
      if (row.name !== ref.name) changes.push({ op: 'rename', ref, row });
      continue;
    }
    const ministries = free.filter((r) => r.kind === 'ministry');
    const candidate = ref.kind === 'bureau'
      ? free.find((r) => r.kind === 'bureau' && r.province_code === ref.provinceCode)
      : ministries.find((r) => r.name === ref.name) ?? (ministries.length === 1 ? ministries[0] : undefined);
    changes.push(candidate ? { op: 'adopt', ref, row: candidate } : { op: 'create', ref });
  }
  return changes;
}

const REFERENCE_ROWS = `select id, kind, name, province_code, reference_key, created_at from organisations
  where reference_key is not null or kind in ('ministry', 'bureau') order by created_at, id`;

/** The ministry and the 31 bureaus as organisations rows (ADR 0012); writes only what differs. */
export async function syncReferenceOrganisations(db: Db): Promise<void> {
  if (planReferenceOrganisations(await db.query<OrgRow>(REFERENCE_ROWS)).length === 0) return;
  await db.transaction(async (tx) => {
    // Two migrators at once (several servers starting): the second waits, then finds nothing to do.
    await tx.query('lock table organisations in share row exclusive mode');
    for (const change of planReferenceOrganisations(await tx.query<OrgRow>(REFERENCE_ROWS))) await applyOrgChange(tx, change);
  });
}

async function applyOrgChange(tx: Queryable, c: OrgChange): Promise<void> {
  const { ref } = c;
  let id: string;
  let reason: Record<string, string>;
  if (c.op === 'create') {
    const [row] = await tx.query<{ id: string }>(
      `insert into organisations (kind, name, province_code, reference_key) values ($1, $2, $3, $4) returning id`,
      [ref.kind, ref.name, ref.provinceCode, ref.key],
    );
    id = row!.id;
    reason = { reference: ref.key };
  } else {
    await tx.query('update organisations set reference_key = $2, name = $3 where id = $1', [c.row.id, ref.key, ref.name]);
    id = c.row.id;
    reason = { reference: ref.key, ...(c.row.name !== ref.name ? { fromName: c.row.name, toName: ref.name } : {}) };
  }
  const action = c.op === 'create' ? 'created' : c.op === 'adopt' ? 'reference_adopted' : 'renamed';
  await tx.query(
    `insert into history (entity_type, entity_id, action, to_status, actor_role, reason)
     values ('organisation', $1, $2, $3, 'system', $4)`,
    [id, action, c.op === 'create' ? 'active' : null, JSON.stringify(reason)],
  );
}
