// `beian import` throughput on PostgreSQL (issue 16 item 8: ≥ 20,000 services/s, 1 million in
// under 60 s), beside a same-run baseline: a raw COPY of the same file's lines into an
// unindexed scratch table (the floor of moving those bytes into the server).
//
//   npx tsx bench/import.ts --services 1000000                  # fresh database beian_bench_import
//   options: --database-url postgres://postgres@127.0.0.1:5432/beian_bench_import --batch-size 10000
//            --file /tmp/beian-import-bench.ndjson (kept between runs when it has the right size)
// Prints one Markdown table row set for docs/BENCHMARKS.md ("## Bulk import").
import { existsSync, statSync, createReadStream } from 'node:fs';
import os from 'node:os';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openPostgres } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { DEFAULT_BATCH, importFilings } from '../src/flows/import-filings.ts';
import { fileSource, fingerprintFile } from '../src/cli/import.ts';
import { BENCH_SEALER, writeImportFile } from './generate.ts';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/beian_bench_import' },
    services: { type: 'string', default: '1000000' },
    'batch-size': { type: 'string' },
    file: { type: 'string', default: path() },
  },
});
function path() { return `${os.tmpdir()}/beian-import-bench.ndjson`; }
const URL_ = values['database-url']!;
const N = Number(values.services);
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

const t0 = Date.now();
const s = await importFilings(db, BENCH_SEALER, fileSource(FILE, sha256), {
  batchSize: values['batch-size'] ? Number(values['batch-size']) : DEFAULT_BATCH,
  onProgress: (p) => process.stderr.write(`\r${p.line}/${lines} lines, ${p.services} services, ${Math.round(p.services / ((Date.now() - t0) / 1000))}/s   `),
});
const importSeconds = (Date.now() - t0) / 1000;
const [counts] = await db.query<{ h: number; v: number }>(
  `select (select count(*)::int from history where action = 'imported') as h, (select count(*)::int from verify_identities) as v`);
await db.close();
process.stderr.write('\n');
const n = (x: number) => Math.round(x).toLocaleString('en');
console.log(`Command: \`npx tsx bench/import.ts --services ${N}\`; ${new Date().toISOString().slice(0, 10)}; machine: nproc ${os.cpus().length}, ${os.cpus()[0]?.model}, Node ${process.version}; PostgreSQL on 127.0.0.1 (fresh database); ${loadBefore} before the import, ${load()} after.`);
console.log(`File: ${n(lines)} lines (${mib.toFixed(0)} MiB NDJSON, ${fresh ? `written by bench/generate.ts's record maker in ${genSeconds.toFixed(1)} s` : 'kept from an earlier run of bench/generate.ts\'s record maker'}).`);
console.log('');
console.log('| run | rows | time | rows/s |');
console.log('|---|---|---|---|');
console.log(`| baseline: raw COPY of the file's lines into an unindexed scratch table | ${n(lines)} lines | ${baseSeconds.toFixed(1)} s | ${n(lines / baseSeconds)} |`);
console.log(`| beian import (checks, sealing, staging COPY, set-based checks and writes, history, read model) | ${n(s.services)} services, ${n(s.subjects)} subjects, ${n(s.rejected)} rejected | ${importSeconds.toFixed(1)} s | ${n(s.services / importSeconds)} |`);
console.log('');
console.log(`After: ${n(counts!.h)} history rows 'imported', ${n(counts!.v)} verify_identities rows.`);
