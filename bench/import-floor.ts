// The database's share of a first load alone (issue 16 item 8; docs/BENCHMARKS.md "Bulk import"):
// the rows a `beian import` first load wrote, already built, COPied back into a fresh registry with
// the first load's indexes and foreign keys set aside (src/db/deferred-indexes.ts), then those
// built — the importer's own work (parsing, checks, sealing, the rows' text) costs nothing here.
// What this takes is a floor under any importer writing the same rows into the same schema on this
// machine: if it is above 1 / 20,000 s per service, no importer can reach 20,000 services/s here.
//
//   npx tsx bench/import.ts --services 200000        # first: fills beian_bench_import
//   npx tsx bench/import-floor.ts                    # then: reads it, loads beian_bench_floor
//   options: --from postgres://postgres@127.0.0.1:5432/beian_bench_import
//            --to postgres://postgres@127.0.0.1:5432/beian_bench_floor
//            --connections N (tables loaded side by side on N connections; default 1, as the import's one backend)
// Prints Markdown for docs/BENCHMARKS.md: wall time and PostgreSQL backend CPU per service, loading
// and builds apart, and the same source's raw COPY (one text column, no index) as the run's baseline.
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { benchArgs } from './args.ts';
import { openPostgres } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { deferIndexesForFirstLoad, restoreDeferredIndexes } from '../src/db/deferred-indexes.ts';

const { values } = benchArgs(import.meta.url, {
  options: {
    from: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/beian_bench_import' },
    to: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/beian_bench_floor' },
    connections: { type: 'string', default: '1' },
  },
});
const FROM = values.from!;
const TO = values.to!;
const CONNECTIONS = Number(values.connections);
if (!Number.isInteger(CONNECTIONS) || CONNECTIONS < 1 || CONNECTIONS > 16) {
  process.stderr.write(`bench/import-floor.ts: --connections takes a whole number from 1 to 16; see --help\n`);
  process.exit(2);
}

/** The tables a first load fills, in an order their references allow; history's generated columns are copied as they are. */
const TABLES = ['persons', 'users', 'subjects', 'services', 'app_platforms', 'verify_identities', 'history', 'public_events'];

const client = async (url: string) => { const c = new pg.Client({ connectionString: url }); await c.connect(); return c; };

/** A table's rows as COPY text, in memory (the floor moves no byte from disk or from JavaScript's row building). */
async function read(c: pg.Client, table: string, where = 'true'): Promise<{ columns: string; chunks: Buffer[]; bytes: number; rows: number }> {
  const cols = await c.query<{ name: string }>(
    `select quote_ident(attname) as name from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped and attgenerated = '' order by attnum`, [table]);
  const columns = cols.rows.map((r) => r.name).join(', ');
  const chunks: Buffer[] = [];
  let bytes = 0;
  let rows = 0;
  const s = c.query(copyTo(`copy (select ${columns} from ${table} where ${where}) to stdout`));
  for await (const b of s as AsyncIterable<Buffer>) {
    chunks.push(b); bytes += b.length;
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) rows += 1;
  }
  return { columns, chunks, bytes, rows };
}

/** PostgreSQL backends of `dbName` (by process title): CPU milliseconds so far (/proc; parallel workers, which exit, not counted). */
function pgCpu(dbName: string): number {
  let ms = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${dbName} `)) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ms += (Number(f[11]) + Number(f[12])) * 10;
    } catch { /* gone */ }
  }
  return ms;
}

// The target: a fresh registry, migrated (its own rows: the migrations' history of the reference organisations).
const target = new URL(TO);
const dbName = target.pathname.slice(1);
const admin = await client(Object.assign(new URL(TO), { pathname: '/postgres' }).toString());
await admin.query(`drop database if exists ${pg.escapeIdentifier(dbName)}`);
await admin.query(`create database ${pg.escapeIdentifier(dbName)}`);
await admin.end();
const db = await openPostgres(TO, { max: 2 });
await migrate(db);
const [own] = await db.query<{ h: string }>('select coalesce(max(id), 0)::text as h from history');

// The source: every row the import (and the server's work after it) added to the first load's tables.
const src = await client(FROM);
const [{ n: services }] = (await src.query<{ n: number }>('select count(*)::int as n from services')).rows as [{ n: number }];
const [imp] = (await src.query<{ id: string }>('select id from imports order by started_at limit 1')).rows;
if (!services || !imp) throw new Error(`${FROM} holds no imported services: run bench/import.ts first`);
// public_events: the import's own catch-up rows; the history trigger writes the others as the rows arrive, as in the import.
const WHERE: Record<string, string> = { history: `id > ${own!.h}`, public_events: `history_id > ${own!.h} and action = 'imported'` };
const data = new Map<string, Awaited<ReturnType<typeof read>>>();
for (const t of TABLES) data.set(t, await read(src, t, WHERE[t]));
const importRow = await read(src, 'imports');
await src.end();

const copyIn = async (c: pg.Client, table: string, d: { columns: string; chunks: Buffer[] }) => {
  await pipeline(Readable.from(d.chunks), c.query(copyFrom(`copy ${table} (${d.columns}) from stdin`)));
};
{
  const c = await client(TO);
  await copyIn(c, 'imports', importRow);
  await c.end();
}
await db.transaction(async (tx) => { await deferIndexesForFirstLoad(tx, imp.id); });

// Baseline of the run: the same bytes into one unindexed, unlogged text column per table.
const base = await client(TO);
await base.query('create unlogged table floor_raw (line text)');
const b0 = performance.now();
for (const t of TABLES) await pipeline(Readable.from(data.get(t)!.chunks), base.query(copyFrom(`copy floor_raw from stdin with (format text, delimiter e'\\x01')`)));
const baseMs = performance.now() - b0;
await base.query('drop table floor_raw');
await base.end();

// Loading: each table in one transaction as the import's batches do (deferred maintenance on, commits not waited for).
const conns = await Promise.all(Array.from({ length: CONNECTIONS }, () => client(TO)));
const cpu0 = pgCpu(dbName);
const t0 = performance.now();
const queue = [...TABLES];
// public_events' foreign key to history stays during a first load: its rows wait for history's commit.
const committed = new Map<string, Promise<void>>();
const done = new Map<string, () => void>();
for (const t of TABLES) committed.set(t, new Promise((r) => done.set(t, r)));
const perTable = new Map<string, { ms: number; cpu: number | null }>();
const AFTER: Record<string, string> = { public_events: 'history' };
await Promise.all(conns.map(async (c) => {
  for (let t = queue.shift(); t; t = queue.shift()) {
    const before = AFTER[t];
    if (before) await committed.get(before);
    await c.query(`begin; set local synchronous_commit = off; select set_config('beian.deferred_maintenance', 'on', true)`);
    const w = performance.now();
    const u = pgCpu(dbName);
    await copyIn(c, t, data.get(t)!);
    await c.query('commit');
    // A table's CPU alone only when it has the connections to itself.
    perTable.set(t, { ms: performance.now() - w, cpu: CONNECTIONS === 1 ? pgCpu(dbName) - u : null });
    done.get(t)!();
  }
}));
const loadMs = performance.now() - t0;
const cpu1 = pgCpu(dbName);
await Promise.all(conns.map((c) => c.end()));
const cpu1b = pgCpu(dbName);
const t1 = performance.now();
await restoreDeferredIndexes(db, { importId: imp.id });
const buildMs = performance.now() - t1;
const cpu2 = pgCpu(dbName);
await db.close();

const n = (x: number) => Math.round(x).toLocaleString('en');
const us = (ms: number) => `${((ms * 1000) / services).toFixed(0)} µs`;
const rows = TABLES.reduce((s, t) => s + data.get(t)!.rows, 0);
const bytes = TABLES.reduce((s, t) => s + data.get(t)!.bytes, 0);
const total = loadMs + buildMs;
process.stdout.write([
  `Command: \`npx tsx bench/import-floor.ts${CONNECTIONS > 1 ? ` --connections ${CONNECTIONS}` : ''}\` after \`bench/import.ts\`; ${new Date().toISOString().slice(0, 10)}; nproc ${os.cpus().length}, ${os.cpus()[0]?.model}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at the end.`,
  `Source: ${n(services)} services; ${n(rows)} rows (${TABLES.map((t) => `${t} ${n(data.get(t)!.rows)}`).join(', ')}), ${(bytes / 1048576).toFixed(0)} MiB as COPY text.`,
  '',
  '| run | time | services/s | PostgreSQL backend CPU per service |',
  '|---|---|---|---|',
  `| baseline: the same bytes into one unlogged, unindexed text column | ${(baseMs / 1000).toFixed(1)} s | ${n(services / (baseMs / 1000))} | — |`,
  `| loading: the rows COPied into the registry tables (unique indexes kept, the rest set aside), ${CONNECTIONS} connection${CONNECTIONS > 1 ? 's' : ''} | ${(loadMs / 1000).toFixed(1)} s | ${n(services / (loadMs / 1000))} | ${us(cpu1 - cpu0)} |`,
  `| builds: the set-aside indexes and foreign keys | ${(buildMs / 1000).toFixed(1)} s | — | ${us(cpu2 - cpu1b)} (parallel workers not counted) |`,
  `| **the database's share of a first load** | **${(total / 1000).toFixed(1)} s** | **${n(services / (total / 1000))}** | ${us(cpu1 - cpu0 + cpu2 - cpu1b)} |`,
  '',
  '| table loaded | rows | time | per service | PostgreSQL backend CPU per service |',
  '|---|---|---|---|---|',
  ...TABLES.map((t) => { const x = perTable.get(t)!; return `| ${t} | ${n(data.get(t)!.rows)} | ${(x.ms / 1000).toFixed(2)} s | ${us(x.ms)} | ${x.cpu === null ? '—' : us(x.cpu)} |`; }),
  '',
].join('\n'));
