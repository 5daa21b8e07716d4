// `beian import` throughput on PostgreSQL (issue 16 item 8: ≥ 20,000 services/s, 1 million in
// under 60 s), beside a same-run baseline: a raw COPY of the same file's lines into an
// unindexed scratch table (the floor of moving those bytes into the server).
//
//   npx tsx bench/import.ts --services 1000000                  # fresh database beian_bench_import
//   options: --database-url postgres://postgres@127.0.0.1:5432/beian_bench_import --batch-size 10000
//            --file /tmp/beian-import-bench.ndjson (kept between runs when it has the right size)
//            --trace (each statement's total time over the run, biggest first)
//            --keep-indexes (no first load: indexes and foreign keys maintained row by row, ADR 0032)
//            --workers N (threads preparing the lines; default `beian import`'s: one fewer than the cores)
// Prints one Markdown table row set for docs/BENCHMARKS.md ("## Bulk import"), and the CPU per
// imported service of the importer and of the bench database's PostgreSQL backends (/proc): on a
// shared machine the wall-clock rate follows the load, the CPU per service much less.
import { existsSync, statSync, createReadStream, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { pipeline } from 'node:stream/promises';
import { benchArgs } from './args.ts';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openPostgres } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { DEFAULT_BATCH, importFilings } from '../src/flows/import-filings.ts';
import { defaultWorkers, fileSource, fingerprintFile } from '../src/cli/import.ts';
import { BENCH_SEALER, BENCH_SECRETS, writeImportFile } from './generate.ts';

const { values } = benchArgs(import.meta.url, {
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/beian_bench_import' },
    services: { type: 'string', default: '1000000' },
    'batch-size': { type: 'string' },
    file: { type: 'string', default: path() },
    trace: { type: 'boolean', default: false },
    'keep-indexes': { type: 'boolean', default: false },
    // Worker threads preparing the lines (parse, check, seal), as `beian import --workers`; default as the command's.
    workers: { type: 'string' },
  },
});
function path() { return `${os.tmpdir()}/beian-import-bench.ndjson`; }
const URL_ = values['database-url']!;
const N = Number(values.services);
const WORKERS = values.workers !== undefined ? Number(values.workers) : defaultWorkers();
const FILE = values.file!;

async function recreateDatabase(): Promise<void> {
  const u = new URL(URL_);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  await c.query(`drop database if exists ${pg.escapeIdentifier(name)}`);
  await c.query(`create database ${pg.escapeIdentifier(name)}`);
  await c.end();
}

/**
 * CPU milliseconds used so far (Linux /proc): this process; the PostgreSQL backends connected to
 * the bench database (by their process title); PostgreSQL's shared writers (checkpointer, WAL and
 * background writers — they also serve other databases of the server).
 */
function cpuTimes(): { self: number; pg: number; aux: number } {
  const tick = 10; // ms per clock tick (USER_HZ 100)
  const ticks = (stat: string) => { const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); return Number(f[11]) + Number(f[12]); };
  const dbName = new URL(URL_).pathname.slice(1);
  let pgMs = 0;
  let auxMs = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (title.includes(` ${dbName} `)) pgMs += ticks(stat) * tick;
      else if (/checkpointer|walwriter|background writer/.test(title)) auxMs += ticks(stat) * tick;
    } catch { /* gone */ }
  }
  return { self: ticks(readFileSync('/proc/self/stat', 'utf8')) * tick, pg: pgMs, aux: auxMs };
}

const load = () => `load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`;

await recreateDatabase();
const db = await openPostgres(URL_, { max: 2 });
await migrate(db);
const g0 = Date.now();
const fresh = !existsSync(FILE) || (await fingerprintFile(FILE)).lines !== N;
if (fresh) await writeImportFile(FILE, N);
const genSeconds = (Date.now() - g0) / 1000;
const { sha256, lines } = await fingerprintFile(FILE);
const mib = statSync(FILE).size / 1048576;

// Baseline: the same bytes, one text column, no index, no trigger.
const raw = new pg.Client({ connectionString: URL_ });
await raw.connect();
await raw.query('create unlogged table bench_import_raw (line text)');
const b0 = Date.now();
await pipeline(createReadStream(FILE), raw.query(copyFrom(`copy bench_import_raw from stdin with (format text, delimiter e'\\x01')`)));
const baseSeconds = (Date.now() - b0) / 1000;
await raw.query('drop table bench_import_raw');
await raw.end();
const loadBefore = load();

// --trace: each statement's total time over the run, biggest first (after the table).
const traced = new Map<string, { ms: number; n: number }>();
const trace = values.trace ? (sql: string, ms: number) => {
  const k = sql.slice(0, 80);
  const e = traced.get(k) ?? { ms: 0, n: 0 };
  e.ms += ms; e.n += 1;
  traced.set(k, e);
} : undefined;
const cpu0 = cpuTimes();
const t0 = Date.now();
// The CPU after the last batch committed: what loading cost, apart from the index builds after it.
let loaded = cpu0;
let loadedAt = t0;
const s = await importFilings(db, BENCH_SEALER, fileSource(FILE, sha256), {
  batchSize: values['batch-size'] ? Number(values['batch-size']) : DEFAULT_BATCH,
  trace,
  firstLoad: values['keep-indexes'] ? false : 'auto',
  workers: WORKERS > 0 ? { count: WORKERS, secrets: BENCH_SECRETS } : undefined,
  onProgress: (p) => {
    loaded = cpuTimes();
    loadedAt = Date.now();
    process.stderr.write(`\r${p.line}/${lines} lines, ${p.services} services, ${Math.round(p.services / ((Date.now() - t0) / 1000))}/s   `);
  },
});
const importSeconds = (Date.now() - t0) / 1000;
const cpu1 = cpuTimes();
// As `beian import` does after loading (src/cli/import.ts), outside the time measured: a database this
// benchmark leaves is then ready for the search and verification benchmarks (their plans read the statistics).
await db.exec('analyze subjects; analyze services; analyze app_platforms; analyze verify_identities');
const [counts] = await db.query<{ h: number; v: number }>(
  `select (select count(*)::int from history where action = 'imported') as h, (select count(*)::int from verify_identities) as v`);
await db.close();
process.stderr.write('\n');
const n = (x: number) => Math.round(x).toLocaleString('en');
const perService = (ms: number) => `${((ms * 1000) / Math.max(s.services, 1)).toFixed(0)} µs`;
// The report (Markdown for docs/BENCHMARKS.md "## Bulk import") is this benchmark's output on stdout.
const report = [
  `Command: \`npx tsx bench/import.ts --services ${N}${values['keep-indexes'] ? ' --keep-indexes' : ''}${values.workers !== undefined ? ` --workers ${WORKERS}` : ''}\` (${WORKERS} worker thread${WORKERS === 1 ? '' : 's'} preparing lines); ${new Date().toISOString().slice(0, 10)}; machine: nproc ${os.cpus().length}, ${os.cpus()[0]?.model}, Node ${process.version}; PostgreSQL on 127.0.0.1 (fresh database); ${loadBefore} before the import, ${load()} after.`,
  `File: ${n(lines)} lines (${mib.toFixed(0)} MiB NDJSON, ${fresh ? `written by bench/generate.ts's record maker in ${genSeconds.toFixed(1)} s` : 'kept from an earlier run of bench/generate.ts\'s record maker'}).`,
  '',
  '| run | rows | time | rows/s |',
  '|---|---|---|---|',
  `| baseline: raw COPY of the file's lines into an unindexed scratch table | ${n(lines)} lines | ${baseSeconds.toFixed(1)} s | ${n(lines / baseSeconds)} |`,
  `| beian import${s.firstLoad ? ', first load' : ''} (checks, sealing, ${s.firstLoad ? 'COPY straight into the registry tables with the registry checks over in-memory keys' : 'staging COPY, set-based checks and writes'}, history, read model${s.firstLoad ? ', indexes and foreign keys built at the end' : ''}) | ${n(s.services)} services, ${n(s.subjects)} subjects, ${n(s.rejected)} rejected | ${importSeconds.toFixed(1)} s | ${n(s.services / importSeconds)} |`,
  '',
  `CPU per imported service: importer (its worker threads included) ${perService(cpu1.self - cpu0.self)}, PostgreSQL backends ${perService(cpu1.pg - cpu0.pg)}, PostgreSQL writers ${perService(cpu1.aux - cpu0.aux)} (from /proc; the writers also serve the server's other databases).`,
  ...(s.firstLoad ? [`Of which loading the batches (${((loadedAt - t0) / 1000).toFixed(1)} s): importer ${perService(loaded.self - cpu0.self)}, PostgreSQL backends ${perService(loaded.pg - cpu0.pg)}; `
    + `the index and foreign-key builds after it (${((t0 + importSeconds * 1000 - loadedAt) / 1000).toFixed(1)} s): PostgreSQL backends ${perService(cpu1.pg - loaded.pg)} `
    + '(parallel B-tree workers, which exit, are not counted).'] : []),
  '',
  `After: ${n(counts!.h)} history rows 'imported', ${n(counts!.v)} verify_identities rows.`,
  ...(values.trace ? ['', '| statement (first 80 characters) | runs | total | per service |', '|---|---|---|---|',
    ...[...traced].sort((a, b) => b[1].ms - a[1].ms).map(([k, e]) => `| ${k.replace(/\|/g, '\\|')} | ${e.n} | ${(e.ms / 1000).toFixed(2)} s | ${perService(e.ms)} |`)] : []),
];
process.stdout.write(`${report.join('\n')}\n`);
