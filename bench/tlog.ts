// Transparency-log sequencing throughput (docs/BENCHMARKS.md "Transparency log"): inserts
// ROWS history rows, then times the sequencer appending them (entries, leaf and node hashes,
// two bulk inserts per batch of 2,000) and a proof read. PGlite in memory by default;
// BENCH_DATABASE_URL=postgres://… for a server (a fresh database `beian_bench_tlog`).
//   npx tsx bench/tlog.ts [rows]
import { type Db, openPglite, openPostgres } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { createLogKeys } from '../src/tlog/keys.ts';
import { consistencyProof, inclusionProof, sequenceAll } from '../src/tlog/store.ts';
import { ensureDatabase } from './database.ts';
import pg from 'pg';

const rows = Number(process.argv[2] ?? 50_000);
const url = process.env.BENCH_DATABASE_URL;

async function open(): Promise<Db> {
  if (!url) return openPglite();
  const u = new URL(url);
  u.pathname = '/beian_bench_tlog';
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('drop database if exists beian_bench_tlog with (force)');
  await admin.end();
  await ensureDatabase(u.toString());
  return openPostgres(u.toString());
}

const db = await open();
await migrate(db);
const keys = createLogKeys(Buffer.alloc(32, 1), null);
await db.query(`insert into history (entity_type, entity_id, action, actor_role, reason)
  select 'user', gen_random_uuid(), 'signed_in', 'system', jsonb_build_object('i', g) from generate_series(1, $1) g`, [rows]);
await sequenceAll(db, keys, 0); // warm-up: nothing
let t = performance.now();
const r = await sequenceAll(db, keys, 100_000);
const ms = performance.now() - t;
t = performance.now();
for (let i = 0; i < 200; i++) await inclusionProof(db, (i * 7919) % r.treeSize, r.treeSize);
const proofMs = (performance.now() - t) / 200;
t = performance.now();
for (let i = 1; i <= 200; i++) await consistencyProof(db, Math.max(1, (i * 7919) % r.treeSize), r.treeSize);
const consMs = (performance.now() - t) / 200;
console.log(`${db.kind}: sequenced ${r.appended} rows in ${ms.toFixed(0)} ms = ${(r.appended / ms * 1000).toFixed(0)} rows/s; inclusion proof ${proofMs.toFixed(2)} ms, consistency proof ${consMs.toFixed(2)} ms (tree of ${r.treeSize})`);
await db.close();
