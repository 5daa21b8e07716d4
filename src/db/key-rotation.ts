// Data-key rotation (issue 15 §3): every sealed value (envelope `v1.<keyid>.…`, see
// personal-data.ts) is re-sealed under the current key — the first of BEIAN_DATA_KEYS, or of the
// embedded data folder's keys.json — in small batches of short transactions, so a serving
// process is never blocked for long; rows another transaction holds are skipped and taken by the
// next pass. Resumable by construction: a run only looks for values not yet under the current key.
import type { Db } from './connection.ts';
import type { Sealer } from './personal-data.ts';

/** Where sealed values live: every text column named *_enc, and the JSON documents that embed envelopes. */
export interface SealedColumn { table: string; column: string; json: boolean }

const JSON_COLUMNS: readonly SealedColumn[] = [
  { table: 'outbox', column: 'payload', json: true },
  { table: 'idempotency_keys', column: 'response', json: true },
];

const ENVELOPE = /^v1\.([A-Za-z0-9_-]{1,16})\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

export async function sealedColumns(db: Db): Promise<SealedColumn[]> {
  const rows = await db.query<{ table_name: string; column_name: string }>(
    `select c.table_name, c.column_name from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
      where c.table_schema = 'public' and c.column_name like '%\\_enc' and c.data_type = 'text'
      order by 1, 2`);
  const present = new Set((await db.query<{ t: string }>(`select tablename as t from pg_tables where schemaname = 'public'`)).map((r) => r.t));
  return [...rows.map((r) => ({ table: r.table_name, column: r.column_name, json: false })), ...JSON_COLUMNS.filter((c) => present.has(c.table))];
}

/** How many values each key seals, per column. */
export async function keyStatus(db: Db): Promise<{ column: string; key: string; values: number }[]> {
  const out: { column: string; key: string; values: number }[] = [];
  for (const c of await sealedColumns(db)) {
    const rows = c.json
      ? await db.query<{ key: string; n: number }>(
        `select m[1] as key, count(*)::int as n from ${ident(c.table)} x, regexp_matches(x.${ident(c.column)}::text, '"v1\\.([A-Za-z0-9_-]{1,16})\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+"', 'g') as m group by 1 order by 1`)
      : await db.query<{ key: string; n: number }>(
        `select split_part(${ident(c.column)}, '.', 2) as key, count(*)::int as n from ${ident(c.table)} where ${ident(c.column)} is not null group by 1 order by 1`);
    for (const r of rows) out.push({ column: `${c.table}.${c.column}`, key: r.key, values: r.n });
  }
  return out;
}

function resealJson(v: unknown, reseal: (s: string) => string): unknown {
  if (typeof v === 'string') return ENVELOPE.test(v) ? reseal(v) : v;
  if (Array.isArray(v)) return v.map((x) => resealJson(x, reseal));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resealJson(x, reseal)]));
  return v;
}

export const ROTATE_BATCH = 200;

/**
 * Re-seals one batch of one column: rows holding a value under another key than `currentKeyId`.
 * Returns how many rows it moved (0: the column is done, or every remaining row was locked).
 */
async function resealBatch(db: Db, sealer: Sealer, c: SealedColumn, currentKeyId: string, batch: number): Promise<number> {
  const col = ident(c.column);
  const notCurrent = c.json
    ? `${col}::text ~ ('"v1\\.(?!' || $1 || '\\.)[A-Za-z0-9_-]{1,16}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+"')`
    : `${col} is not null and ${col} not like ('v1.' || $1 || '.%')`;
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ ctid: string; v: unknown }>(
      `select ctid::text as ctid, ${col} as v from ${ident(c.table)} where ${notCurrent} limit $2 for update skip locked`, [currentKeyId, batch]);
    let changed = 0;
    for (const r of rows) {
      const next = c.json ? JSON.stringify(resealJson(r.v, sealer.reseal)) : sealer.reseal(r.v as string);
      if (next === (c.json ? JSON.stringify(r.v) : r.v)) continue;
      await tx.query(`update ${ident(c.table)} set ${col} = $1${c.json ? '::jsonb' : ''} where ctid = $2::tid`, [next, r.ctid]);
      changed++;
    }
    return changed;
  });
}

export interface RotateProgress { column: string; done: number; total: number }

/** Moves every sealed value to the current key; reports progress after each batch. */
export async function resealAll(db: Db, sealer: Sealer, currentKeyId: string, onProgress: (p: RotateProgress) => void = () => {}, batch = ROTATE_BATCH): Promise<number> {
  const status = await keyStatus(db);
  let moved = 0;
  for (const c of await sealedColumns(db)) {
    const name = `${c.table}.${c.column}`;
    const total = status.filter((s) => s.column === name && s.key !== currentKeyId).reduce((a, s) => a + s.values, 0);
    let done = 0;
    for (let empty = 0; empty < 3;) {
      const n = await resealBatch(db, sealer, c, currentKeyId, batch);
      if (n === 0) { empty++; if (empty < 3) await new Promise((r) => setTimeout(r, 50)); continue; }
      done += n;
      onProgress({ column: name, done: Math.min(done, total), total });
    }
    moved += done;
  }
  return moved;
}
