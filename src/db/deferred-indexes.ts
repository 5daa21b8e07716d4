// Indexes and foreign keys set aside during a first load (migration 0035,
// docs/decisions/0032-first-load.md). An import into a registry with no filings drops the
// registry tables' non-unique indexes and the foreign keys of the tables it fills, and records
// their definitions in `deferred_indexes` in the same transaction; building each once over the
// loaded rows (a foreign key: one validating join) costs a fraction of doing it row by row. Whoever comes next builds
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
 * The tables whose foreign keys wait for the end of a first load: the import fills them, and
 * checking each inserted row's references one by one cost ~18 % of the database's time per
 * service (ADR 0032). History's stay: other writers fill it, and the import's rows leave them NULL.
 */
export const FIRST_LOAD_FK_TABLES = ['subjects', 'services', 'app_platforms', 'verify_identities'];

/**
 * In `tx`: when the registry holds no subject and no service, drops the non-unique indexes of
 * FIRST_LOAD_TABLES and the foreign keys of FIRST_LOAD_FK_TABLES for `importId` and returns their
 * names; otherwise drops nothing and returns []. Takes the registry tables' write lock until `tx`
 * ends, so no filing lands in between.
 */
export async function deferIndexesForFirstLoad(tx: Queryable, importId: string): Promise<string[]> {
  await tx.query('lock table subjects, services in share row exclusive mode');
  const [r] = await tx.query<{ empty: boolean }>(
    'select not exists (select 1 from subjects) and not exists (select 1 from services) as empty');
  if (!r?.empty) return [];
  const rows = await tx.query<{ table_name: string; name: string; kind: string }>(
    `insert into deferred_indexes (table_name, name, kind, definition, import_id)
     select t.relname, c.relname, 'index', pg_get_indexdef(i.indexrelid), $1::uuid
       from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
      where t.relnamespace = current_schema()::regnamespace and t.relname = any ($2::text[])
        and not i.indisunique and not i.indisprimary and not i.indisexclusion and c.relname <> all ($3::text[])
     union all
     select t.relname, k.conname, 'foreign_key', pg_get_constraintdef(k.oid), $1::uuid
       from pg_constraint k join pg_class t on t.oid = k.conrelid
      where k.contype = 'f' and t.relnamespace = current_schema()::regnamespace and t.relname = any ($4::text[])
     returning table_name, name, kind`, [importId, FIRST_LOAD_TABLES, KEPT, FIRST_LOAD_FK_TABLES]);
  for (const x of rows) {
    await tx.exec(x.kind === 'index' ? `drop index ${quoteIdent(x.name)}`
      : `alter table ${quoteIdent(x.table_name)} drop constraint ${quoteIdent(x.name)}`);
  }
  return rows.map((x) => x.name);
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** The advisory lock of a running import (a 64-bit key from its id). */
const RUNNING_LOCK = `hashtextextended('beian-import:' || $1::text, 0)`;

/** Another process runs this import now. */
export class ImportRunningError extends Error {
  constructor(readonly importId: string) { super(`import ${importId} is running in another process`); }
}

/**
 * Marks import `importId` running until the returned function is called: on a server, an advisory
 * lock held by a transaction of its own (one pooled connection, idle, no snapshot kept; the lock
 * goes when the process or its connection dies). restoreDeferredIndexes leaves a running import's
 * set-aside indexes to it — a server started during a first load does not build them under it.
 * Throws ImportRunningError when another process runs the same import. On PGlite (one process)
 * nothing is held.
 */
export async function markImportRunning(db: Db, importId: string): Promise<() => Promise<void>> {
  if (db.kind !== 'postgresql') return async () => {};
  let finish!: () => void;
  const finished = new Promise<void>((r) => { finish = r; });
  let taken!: (ok: boolean) => void;
  const attempt = new Promise<boolean>((r) => { taken = r; });
  const held = db.transaction(async (tx) => {
    const [r] = await tx.query<{ ok: boolean }>(`select pg_try_advisory_xact_lock(${RUNNING_LOCK}) as ok`, [importId]);
    taken(r!.ok);
    if (r!.ok) await finished;
  });
  held.catch(() => taken(false));
  if (!(await attempt)) {
    finish();
    await held.catch((e: unknown) => { throw e; });
    throw new ImportRunningError(importId);
  }
  return async () => { finish(); await held.catch(() => {}); };
}

/** Whether import `importId` runs now in a process that marked it (markImportRunning). */
async function importRunning(db: Db, importId: string): Promise<boolean> {
  if (db.kind !== 'postgresql') return false;
  // Taken and let go at once (its own transaction): a running import holds it.
  return db.transaction(async (tx) => {
    const [r] = await tx.query<{ free: boolean }>(`select pg_try_advisory_xact_lock(${RUNNING_LOCK}) as free`, [importId]);
    return !r!.free;
  });
}

export interface RestoreOptions {
  /** Only these imports' indexes (default: every deferred index). */
  importId?: string;
  /** Every import's but this one's (an import resuming its own first load). */
  exceptImportId?: string;
  /** Called with each index built and its duration (bench/import.ts --trace). */
  trace?: (statement: string, ms: number) => void;
}

/**
 * Builds the deferred indexes and adds back the foreign keys (each in its own transaction, which
 * also deletes its row), the largest tables first, two at a time on a server (GIN builds are
 * single-threaded; B-tree builds use parallel maintenance workers). A row another process is building meanwhile is skipped
 * (row lock): it builds it. The indexes of an import running in another process (markImportRunning)
 * are left to it, unless they are `importId`'s (the import itself). Returns the names built.
 */
export async function restoreDeferredIndexes(db: Db, o: RestoreOptions = {}): Promise<string[]> {
  const [t] = await db.query<{ ok: boolean }>(`select to_regclass('deferred_indexes') is not null as ok`);
  if (!t?.ok) return [];
  // Indexes first, the largest tables first; then the foreign keys (each locks two tables).
  const listed = await db.query<{ table_name: string; name: string; import_id: string | null }>(
    `select d.table_name, d.name, d.import_id from deferred_indexes d
       left join pg_class c on c.relname = d.table_name and c.relnamespace = current_schema()::regnamespace
      where ($1::uuid is null or d.import_id = $1) and ($2::uuid is null or d.import_id is distinct from $2)
      order by d.kind = 'foreign_key', c.reltuples desc nulls last, d.name`, [o.importId ?? null, o.exceptImportId ?? null]);
  // A running import's indexes are its own to build (at its end); another's, whoever comes next.
  const running = new Set<string>();
  for (const id of new Set(listed.map((x) => x.import_id))) {
    if (id && id !== o.importId && await importRunning(db, id)) running.add(id);
  }
  const todo = listed.filter((x) => !x.import_id || !running.has(x.import_id));
  const built: string[] = [];
  const next = async (): Promise<void> => {
    for (let x = todo.shift(); x; x = todo.shift()) {
      const { table_name: table, name } = x;
      const t0 = performance.now();
      const kind = await db.transaction(async (tx) => {
        const [row] = await tx.query<{ kind: string; definition: string }>(
          'select kind, definition from deferred_indexes where table_name = $1 and name = $2 for update skip locked', [table, name]);
        if (!row) return null;
        // Sorting in memory and parallel B-tree workers: the builds are most of a first load's end.
        await tx.exec(`set local maintenance_work_mem = '512MB'; set local max_parallel_maintenance_workers = 2`);
        await tx.exec(row.kind === 'index' ? row.definition.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS ')
          : `alter table ${quoteIdent(table)} add constraint ${quoteIdent(name)} ${row.definition}`);
        await tx.query('delete from deferred_indexes where table_name = $1 and name = $2', [table, name]);
        return row.kind;
      });
      if (kind) {
        built.push(name);
        o.trace?.(`${kind === 'index' ? 'create index' : 'add foreign key'} ${name}`, performance.now() - t0);
      }
    }
  };
  // Both builders finish (or fail) before this returns: none is left running on a closing pool.
  const settled = await Promise.allSettled(db.kind === 'postgresql' ? [next(), next()] : [next()]);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return built;
}
