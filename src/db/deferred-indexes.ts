// Indexes set aside during a first load (migration 0035, docs/decisions/0032-first-load.md).
// An import into a registry with no filings drops the registry tables' non-unique indexes and
// records their definitions in `deferred_indexes` in the same transaction; building each once
// over the loaded rows costs a fraction of maintaining it row by row. Whoever comes next builds
// them from that table: the import's end, a resumed or another import, `beian migrate` and the
// server's start-up (src/db/migrate.ts) — so a database is never left without them. Unique
// indexes stay: the import's checks probe them, and they keep the registry's rules meanwhile.
import type { Db, Queryable } from './connection.ts';

/** The tables a first load writes most rows to; their non-unique indexes wait for the end. */
export const FIRST_LOAD_TABLES = ['subjects', 'services', 'app_platforms', 'persons', 'verify_identities', 'history'];
/**
 * Kept during a load: the transparency log's sequencer reads history in `tx` order (ADR 0017),
 * and a running server may sequence the load's own history rows meanwhile.
 */
const KEPT = ['history_tx'];

/**
 * In `tx`: when the registry holds no subject and no service, drops the non-unique indexes of
 * FIRST_LOAD_TABLES for `importId` and returns their names; otherwise drops nothing and returns
 * []. Takes the registry tables' write lock until `tx` ends, so no filing lands in between.
 */
export async function deferIndexesForFirstLoad(tx: Queryable, importId: string): Promise<string[]> {
  await tx.query('lock table subjects, services in share row exclusive mode');
  const [r] = await tx.query<{ empty: boolean }>(
    'select not exists (select 1 from subjects) and not exists (select 1 from services) as empty');
  if (!r?.empty) return [];
  const rows = await tx.query<{ name: string; definition: string }>(
    `insert into deferred_indexes (name, table_name, definition, import_id)
     select c.relname, t.relname, pg_get_indexdef(i.indexrelid), $1
       from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
      where t.relnamespace = current_schema()::regnamespace and t.relname = any ($2::text[])
        and not i.indisunique and not i.indisprimary and not i.indisexclusion and c.relname <> all ($3::text[])
     returning name, definition`, [importId, FIRST_LOAD_TABLES, KEPT]);
  for (const x of rows) await tx.exec(`drop index ${quoteIdent(x.name)}`);
  return rows.map((x) => x.name);
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

export interface RestoreOptions {
  /** Only these imports' indexes (default: every deferred index). */
  importId?: string;
  /** Every import's but this one's (an import resuming its own first load). */
  exceptImportId?: string;
  /** Called with each index built and its duration (bench/import.ts --trace). */
  trace?: (statement: string, ms: number) => void;
}

/**
 * Builds the deferred indexes (each in its own transaction, which also deletes its row), the
 * largest tables first, two at a time on a server (GIN builds are single-threaded; B-tree builds
 * use parallel maintenance workers). A row another process is building meanwhile is skipped
 * (row lock): it builds it. Returns the names built.
 */
export async function restoreDeferredIndexes(db: Db, o: RestoreOptions = {}): Promise<string[]> {
  const [t] = await db.query<{ ok: boolean }>(`select to_regclass('deferred_indexes') is not null as ok`);
  if (!t?.ok) return [];
  const todo = await db.query<{ name: string }>(
    `select d.name from deferred_indexes d left join pg_class c on c.relname = d.table_name and c.relnamespace = current_schema()::regnamespace
      where ($1::uuid is null or d.import_id = $1) and ($2::uuid is null or d.import_id is distinct from $2)
      order by c.reltuples desc nulls last, d.name`, [o.importId ?? null, o.exceptImportId ?? null]);
  const built: string[] = [];
  const next = async (): Promise<void> => {
    for (let x = todo.shift(); x; x = todo.shift()) {
      const name = x.name;
      const t0 = performance.now();
      const done = await db.transaction(async (tx) => {
        const [row] = await tx.query<{ definition: string }>(
          'select definition from deferred_indexes where name = $1 for update skip locked', [name]);
        if (!row) return false;
        // Sorting in memory and parallel B-tree workers: the build is most of a first load's end.
        await tx.exec(`set local maintenance_work_mem = '512MB'; set local max_parallel_maintenance_workers = 2`);
        await tx.exec(row.definition.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS '));
        await tx.query('delete from deferred_indexes where name = $1', [name]);
        return true;
      });
      if (done) {
        built.push(name);
        o.trace?.(`create index ${name}`, performance.now() - t0);
      }
    }
  };
  await Promise.all(db.kind === 'postgresql' ? [next(), next()] : [next()]);
  return built;
}
