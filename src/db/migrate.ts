// Applies the numbered SQL files in db/migrations in order, each in its own transaction,
// recording them in schema_migrations; then syncs reference data (provinces) from
// src/domain so the database and the domain share one source.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVINCES } from '../domain/provinces.ts';
import type { Db } from './connection.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../db/migrations');

export interface Migration { version: string; name: string; file: string }

export async function listMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return files.map((file) => ({ version: file.slice(0, 4), name: file.slice(5, -4), file: path.join(dir, file) }));
}

/** Applies pending migrations; returns the versions applied now. */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
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
  return applied;
}

export async function latestMigration(db: Db): Promise<string | null> {
  const rows = await db.query<{ version: string; name: string }>(
    `select version, name from schema_migrations order by version desc limit 1`,
  ).catch(() => []);
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
}
