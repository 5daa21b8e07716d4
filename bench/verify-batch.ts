// The 10,000-item verification batch with and without its worker threads (ADR 0022 addendum "a
// large batch on two threads"), interleaved, with a light client: one kept-alive connection, one
// batch at a time, each answer parsed before the next is sent (as bench/verify.ts's (b)), the
// identities held as request bodies made in advance. Each round starts the bundled server
// (bench/verify-server.ts, as bench/verify.ts runs it) once per setting, so both see the same
// machine state; the answers of every setting are compared byte for byte (SHA-1 over all of them).
//   npx tsx bench/verify-batch.ts --database-url postgres://postgres@127.0.0.1:5432/beian_bench_1m
//   options: --rounds 2 --batches 20 --workers 0,1 (VERIFY_WORKERS values, in the order run)
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { benchArgs } from './args.ts';
import pg from 'pg';
import { DEMO_API_KEY } from '../src/db/seed/demo.ts';
import { MEMORY_LEAN_FLAGS, startBenchServer } from './shared.ts';

const { values } = benchArgs(import.meta.url, {
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/beian_bench' },
    rounds: { type: 'string', default: '2' },
    batches: { type: 'string', default: '20' },
    workers: { type: 'string', default: '0,1' },
    port: { type: 'string', default: '3919' },
  },
});
const DB = values['database-url']!;
const PORT = Number(values.port);
const BATCHES = Number(values.batches);
const SETTINGS = values.workers!.split(',').map((w) => w.trim());
const SEAL_KEY = Buffer.alloc(32, 42).toString('base64'); // bench/verify.ts's key for its synthetic database

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const post = (body: string) => new Promise<Buffer>((resolve, reject) => {
  const req = http.request({
    host: '127.0.0.1', port: PORT, path: '/api/verify/v1/apps', method: 'POST', agent,
    headers: { authorization: `Bearer ${DEMO_API_KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  }, (res) => {
    const parts: Buffer[] = [];
    res.on('data', (d: Buffer) => parts.push(d));
    res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(parts)) : reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(parts).toString().slice(0, 300)}`))));
  });
  req.on('error', reject);
  req.end(body);
});

const client = new pg.Client({ connectionString: DB });
await client.connect();
const rows = (await client.query<{ platform: string; package_name: string; cert_md5: string }>(
  `select platform, package_name, cert_md5 from app_platforms where active and cert_md5 is not null order by md5(id::text) limit 400000`)).rows;
await client.end();
if (rows.length < 400_000) throw new Error(`the database holds ${rows.length} filed identities; prepare it with bench/verify.ts --prepare-only`);
const body = (from: number) => JSON.stringify({ items: rows.slice(from, from + 10_000).map((r) => ({ platform: r.platform, packageName: r.package_name, fingerprint: r.cert_md5 })) });
const hot = body(0);
const fresh = Array.from({ length: 38 }, (_, k) => body(10_000 + k * 10_000));
const never = Array.from({ length: 10 }, (_, k) => JSON.stringify({ items: Array.from({ length: 10_000 }, (_, i) => ({ platform: 'android', packageName: `com.never.filed.p${k}x${i}`, fingerprint: 'a'.repeat(32) })) }));

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const rssMiB = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);
const digests = new Map<string, ReturnType<typeof createHash>>();
const lines: string[] = [];

for (let round = 0; round < Number(values.rounds); round++) {
  for (const setting of SETTINGS) {
    process.env.VERIFY_WORKERS = setting; // the server inherits it (bench/verify-server.ts reads it)
    const server = await startBenchServer(DB, PORT, SEAL_KEY, 'build', MEMORY_LEAN_FLAGS);
    try {
      const digest = digests.get(setting) ?? createHash('sha1');
      digests.set(setting, digest);
      for (let i = 0; i < 3; i++) await post(hot); // warm-up
      const time = async (kind: string, make: (i: number) => string) => {
        const t: number[] = [];
        for (let i = 0; i < BATCHES; i++) {
          const b = make(i);
          const t0 = performance.now();
          const answer = await post(b);
          t.push(performance.now() - t0);
          JSON.parse(answer.toString('utf8'));
          digest.update(answer);
        }
        return `${kind} p50 ${pct(t, 50).toFixed(1)} ms, p95 ${pct(t, 95).toFixed(1)} ms`;
      };
      const results = [await time('asked before', () => hot), await time('not asked before', (i) => fresh[(round * BATCHES + i) % fresh.length]!), await time('never filed', (i) => never[i % never.length]!)];
      lines.push(`| ${round + 1} | ${setting} | ${results.join('; ')} | ${rssMiB(server.pid)} MiB |`);
      process.stdout.write(`${lines.at(-1)}\n`);
    } finally {
      server.stop();
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
process.stdout.write([
  '',
  `Command: \`npx tsx bench/verify-batch.ts --database-url ${DB} --rounds ${values.rounds} --batches ${BATCHES} --workers ${values.workers}\`; `
  + `${new Date().toISOString().slice(0, 10)}; nproc ${os.availableParallelism()}, Node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at the end.`,
  '',
  '| round | VERIFY_WORKERS | 10,000-item batches, one at a time | server RSS after |',
  '|---|---|---|---|',
  ...lines,
  '',
  `Answers: ${[...new Set([...digests.values()].map((d) => d.digest('hex')))].length === 1 ? 'byte-identical across the settings' : 'DIFFERENT across the settings'} (SHA-1 over every answer of each setting).`,
].join('\n') + '\n');
process.exit(0);
