// Transparency-log sequencing throughput (docs/BENCHMARKS.md "Transparency log"; ADR 0017 addendum
// "Sequencer throughput"): times the sequencer appending a cold backlog of history rows (entries,
// HMAC digests, leaf and node hashes, COPY of leaves and nodes, 20,000 rows per transaction), then
// proof reads. Reports rows/s and the CPU per row of this process and of the database's
// PostgreSQL backends (/proc): on a shared machine the rate follows the load, CPU per row much less.
//
//   npx tsx bench/tlog.ts [rows]            PGlite in memory: the demo seed, then `rows` history rows
//                                           of every kind (src/tlog/test-support/mixed-history.ts)
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/tlog.ts [rows]
//                                           the same in a fresh database `beian_bench_tlog`
//   BENCH_DATABASE_URL=postgres://…/beian_bench_import npx tsx bench/tlog.ts --existing [--max-rows N]
//                                           the history already in that database (e.g. after
//                                           `npx tsx bench/import.ts --services 1000000`: 1.5 million
//                                           rows over 1 million services); its log is emptied first
import os from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { benchArgs } from './args.ts';
import pg from 'pg';
import { type Db, openPglite, openPostgres } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDemo } from '../src/db/seed/demo.ts';
import { createLogKeys } from '../src/tlog/keys.ts';
import { consistencyProof, inclusionProof, SEQUENCE_BATCH, sequenceOnce } from '../src/tlog/store.ts';
import { insertMixedHistory } from '../src/tlog/test-support/mixed-history.ts';
import { ensureDatabase } from './database.ts';
import { BENCH_SEALER } from './generate.ts';

const { values, positionals } = benchArgs(import.meta.url, {
  allowPositionals: true,
  options: { existing: { type: 'boolean', default: false }, 'max-rows': { type: 'string' } },
});
const rows = Number(positionals[0] ?? 50_000);
const maxRows = values['max-rows'] ? Number(values['max-rows']) : Number.POSITIVE_INFINITY;
const url = process.env.BENCH_DATABASE_URL;
if (values.existing && !url) throw new Error('--existing needs BENCH_DATABASE_URL');
const dbName = values.existing ? new URL(url!).pathname.slice(1) : 'beian_bench_tlog';

async function open(): Promise<Db> {
  if (!url) return openPglite();
  if (values.existing) return openPostgres(url);
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
  await ensureDatabase(u.toString());
  return openPostgres(u.toString());
}

/** CPU milliseconds of the PostgreSQL backends connected to the bench database (their process titles name it). */
function postgresCpuMs(): number {
  let ms = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!title.startsWith('postgres: ') || !title.includes(` ${dbName} `)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ms += (Number(f[11]) + Number(f[12])) * 10; // USER_HZ 100
    } catch { /* ended */ }
  }
  return ms;
}

const db = await open();
const keys = createLogKeys(Buffer.alloc(32, 1), null);
if (values.existing) {
  // A bench database only: the log tables refuse update and delete, not truncate.
  await db.exec(`truncate log_leaves, log_nodes, log_tree_heads; update log_state set cursor_tx = '0', cursor_id = 0, tree_size = 0`);
} else {
  await migrate(db);
  await seedDemo(db, BENCH_SEALER);
  for (let done = 0; done < rows; done += 50_000) await insertMixedHistory(db, Math.min(50_000, rows - done), done);
}
if (db.kind === 'postgresql') await db.exec('checkpoint');
const [{ backlog }] = await db.query<{ backlog: number }>('select count(*)::int as backlog from history') as [{ backlog: number }];

const load0 = os.loadavg();
const cpu0 = process.cpuUsage();
const pg0 = postgresCpuMs();
let t = performance.now();
let appended = 0;
let treeSize = 0;
while (appended < maxRows) {
  const r = await sequenceOnce(db, keys, Math.min(SEQUENCE_BATCH, maxRows - appended));
  appended += r.appended;
  treeSize = r.treeSize;
  if (!r.appended) break;
}
const ms = performance.now() - t;
const cpu = process.cpuUsage(cpu0);
const pgMs = db.kind === 'postgresql' ? postgresCpuMs() - pg0 : 0;
const load1 = os.loadavg();

t = performance.now();
for (let i = 0; i < 200; i++) await inclusionProof(db, (i * 7919) % treeSize, treeSize);
const proofMs = (performance.now() - t) / 200;
t = performance.now();
for (let i = 1; i <= 200; i++) await consistencyProof(db, Math.max(1, (i * 7919) % treeSize), treeSize);
const consMs = (performance.now() - t) / 200;

const us = (x: number) => (x / appended).toFixed(1);
process.stdout.write(`${db.kind}${values.existing ? ` (${dbName}, backlog ${backlog})` : ` (${backlog} history rows)`}: sequenced ${appended} rows in ${ms.toFixed(0)} ms = ${(appended / ms * 1000).toFixed(0)} rows/s; `
  + `CPU per row: this process ${us(cpu.user + cpu.system)} µs${db.kind === 'postgresql' ? `, PostgreSQL backends ${us(pgMs * 1000)} µs` : ' (the database runs in it)'}; `
  + `inclusion proof ${proofMs.toFixed(2)} ms, consistency proof ${consMs.toFixed(2)} ms (tree of ${treeSize}); `
  + `load average ${load0.map((x) => x.toFixed(1)).join(' ')} before, ${load1.map((x) => x.toFixed(1)).join(' ')} after\n`);
await db.close();
