// The verification API under load (issue 5, item 8a/8b/8d): autocannon against 127.0.0.1, the
// application on PostgreSQL over 1,000,000 generated services (bench/generate.ts), beside a bare
// Fastify route returning constant JSON in the same server process and the same run.
//   (a) single-item checks at 50 connections, by POST /api/verify/v1/apps (one-item body) and by
//       GET /api/verify/v1/apps?platform=&packageName=&fingerprint=: a hot set of 10,000 filed
//       identities, identities drawn uniformly from 200,000, and packages never filed — all answered
//       from the in-memory identity index (ADR 0022; before it, the last two were cache misses);
//   (b) 10,000-item batches, one at a time: asked before, filed but not asked before, never filed;
//   (d) the server's RSS: idle, under (a), under (b), and while a 1,000,000-line NDJSON catalogue
//       streams through POST /api/verify/v1/apps/stream.
//
//   npx tsx bench/verify.ts            # creates/loads beian_bench when missing
//   npx tsx bench/verify.ts --write    # and refresh "## Verification API" in docs/BENCHMARKS.md
//   options: --database-url postgres://postgres@127.0.0.1:5432/beian_bench --services 1000000
//            --duration 10 (seconds per autocannon run) --rounds 3 --connections 50 --stream-lines 1000000
//            --server build|tsx (default build: the server bundled as production runs it; tsx: through tsx's loader)
//            --node-flags '…' (default: the memory-lean V8 flags of docs/deploy.md; '' for V8's defaults)
import http from 'node:http';
import os from 'node:os';
import { benchArgs } from './args.ts';
import autocannon from 'autocannon';
import pg from 'pg';
import { migrate } from '../src/db/migrate.ts';
import { openPostgres } from '../src/db/connection.ts';
import { createSealer } from '../src/db/personal-data.ts';
import { DEMO_API_KEY, seedDemo } from '../src/db/seed/demo.ts';
import { cpuPerRequest } from './cpu.ts';
import { ensureDatabase } from './database.ts';
import { MEMORY_LEAN_FLAGS, publishReport, rssOf, startBenchServer } from './shared.ts';
import { generate } from './generate.ts';

const { values } = benchArgs(import.meta.url, {
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/beian_bench' },
    services: { type: 'string', default: '1000000' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    'stream-lines': { type: 'string', default: '1000000' },
    port: { type: 'string', default: '3918' },
    write: { type: 'boolean', default: false },
    // build: bundled (scripts/build.ts) and run by plain Node, as production runs (docs/deploy.md); tsx: the sources through tsx's loader.
    server: { type: 'string', default: 'build' },
    // V8 flags of the server process: the memory-lean settings docs/deploy.md recommends (ADR 0031); '' for V8's defaults.
    'node-flags': { type: 'string', default: MEMORY_LEAN_FLAGS.join(' ') },
    'prepare-only': { type: 'boolean', default: false },
  },
});
const DB_URL = values['database-url']!;
const SERVICES = Number(values.services);
const DURATION = Number(values.duration);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const STREAM_LINES = Number(values['stream-lines']);
const PORT = Number(values.port);
// A fixed sealer key for this synthetic database (no real personal data lives there).
const SEAL_KEY = Buffer.alloc(32, 42).toString('base64');
const AUTH = { authorization: `Bearer ${DEMO_API_KEY}`, 'content-type': 'application/json' };

interface Identity { platform: string; packageName: string; fingerprint: string }

/** Migrated, demo-seeded (the demo key), topped up to SERVICES services with bench/generate.ts. */
async function prepare(): Promise<{ services: number; platforms: number; activePlatforms: number }> {
  await ensureDatabase(DB_URL);
  const db = await openPostgres(DB_URL, { max: 2 });
  try {
    await migrate(db);
    const sealer = createSealer({ dataKeys: [{ id: 'b1', key: Buffer.from(SEAL_KEY, 'base64') }], hashKey: Buffer.from(SEAL_KEY, 'base64') });
    await seedDemo(db, sealer);
    const [{ n } = { n: 0 }] = await db.query<{ n: number }>('select count(*)::int as n from services');
    if (n < SERVICES) {
      // bench/generate.ts looks for its owner by login and otherwise inserts a host with one, which
      // migration 0001 no longer allows (hosts have no login): give it a staff owner to find.
      await db.query(
        `insert into users (role, organisation_id, display_name, login, password_hash)
         select 'ministry_admin', id, '压测主办者', 'bench-host@bench.beian.test', '!' from organisations where kind = 'ministry'
         on conflict do nothing`);
      await generate({ services: SERVICES - n, databaseUrl: DB_URL });
    }
    const [c] = await db.query<{ services: number; platforms: number; active: number }>(
      `select (select count(*)::int from services) as services, (select count(*)::int from app_platforms) as platforms,
              (select count(*)::int from app_platforms where active) as active`);
    return { services: c!.services, platforms: c!.platforms, activePlatforms: c!.active };
  } finally {
    await db.close();
  }
}

/** Filed identities in a fixed pseudo-random order (md5 of the row id). */
async function identities(limit: number, offset: number): Promise<Identity[]> {
  const c = new pg.Client({ connectionString: DB_URL });
  await c.connect();
  try {
    const r = await c.query<{ platform: string; package_name: string; cert_md5: string }>(
      `select platform, package_name, cert_md5 from app_platforms where active and cert_md5 is not null
        order by md5(id::text) limit $1 offset $2`, [limit, offset]);
    return r.rows.map((x) => ({ platform: x.platform, packageName: x.package_name, fingerprint: x.cert_md5 }));
  } finally {
    await c.end();
  }
}

const SERVER = values.server === 'tsx' ? 'tsx' : 'build';
const NODE_FLAGS = values['node-flags']!.split(/\s+/).filter(Boolean);
const startServer = () => startBenchServer(DB_URL, PORT, SEAL_KEY, SERVER, NODE_FLAGS);

interface Run { name: string; rps: number; p50: number; p99: number; max: number; non2xx: number; requests: number; errors: number; serverUs: number; postgresUs: number }

let serverPid = 0;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

interface LoadRequest { method: 'GET' | 'POST'; path: string; bodies?: string[]; paths?: string[] }

async function load(name: string, request: LoadRequest, duration = DURATION): Promise<Run> {
  return cpuPerRequest(serverPid, () => loadOnly(name, request, duration));
}

async function loadOnly(name: string, request: LoadRequest, duration: number) {
  let i = 0;
  const times: number[] = [];
  const { bodies, paths } = request;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url: `http://127.0.0.1:${PORT}${request.path}`, connections: CONNECTIONS, duration, method: request.method, headers: AUTH,
      ...(bodies ? { requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length]! }) }] } : {}),
      ...(paths ? { requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length]! }) }] } : {}),
    }, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on('response', (_c, _s, _b, t) => { times.push(t); });
  });
  times.sort((a, b) => a - b);
  return {
    name, rps: Math.round(result.requests.average), p50: pct(times, 50), p99: pct(times, 99), max: times.at(-1) ?? 0,
    non2xx: result.non2xx, requests: result.requests.total, errors: result.errors,
  };
}

const single = (x: Identity) => JSON.stringify({ items: [x] });
const query = (x: Identity) => `/api/verify/v1/apps?${new URLSearchParams({ platform: x.platform, packageName: x.packageName, fingerprint: x.fingerprint }).toString()}`;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One request over a kept-alive connection: the status and the whole answer's bytes. */
function request(path: string, body?: string): Promise<{ status: number; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: PORT, path, agent, method: body ? 'POST' : 'GET', headers: body ? { ...AUTH, 'content-length': Buffer.byteLength(body) } : AUTH }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sequential requests (one at a time): the response time (request written → the answer's last
 * byte received) and, beside it, the same plus the client's JSON.parse of the whole answer.
 */
async function timed(label: string, n: number, make: (i: number) => { path: string; body?: string }, check?: (json: unknown) => void) {
  const times: number[] = [];
  const parsed: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = make(i);
    const t0 = performance.now();
    const res = await request(r.path, r.body);
    const t1 = performance.now();
    const json: unknown = JSON.parse(res.bytes.toString('utf8'));
    parsed.push(performance.now() - t0);
    times.push(t1 - t0);
    if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
    check?.(json);
  }
  times.sort((a, b) => a - b);
  parsed.sort((a, b) => a - b);
  return { label, n, p50: pct(times, 50), p95: pct(times, 95), max: times.at(-1)!, parsedP50: pct(parsed, 50) };
}

/**
 * Streams `lines` NDJSON lines (cycling over `pool`) through the stream endpoint; counts the answers.
 * The body goes out as a file upload sends it (curl -T, fs.createReadStream): ~64 KiB writes of whole
 * lines, made before the clock starts, so the client's own work takes little of the shared cores.
 */
async function streamCatalogue(lines: number, pool: Identity[]): Promise<{ seconds: number; answered: number; filed: number }> {
  const text = pool.map((p) => `${JSON.stringify(p)}\n`);
  const writes: Buffer[] = [];
  for (let at = 0; at < lines;) {
    let s = '';
    for (; at < lines && s.length < 65_536 - 512; at++) s += text[at % text.length];
    writes.push(Buffer.from(s));
  }
  const filedBytes = Buffer.from('"status":"filed"');
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: PORT, path: '/api/verify/v1/apps/stream', method: 'POST', headers: { ...AUTH, 'content-type': 'application/x-ndjson' } }, (res) => {
      let answered = 0;
      let filed = 0;
      let tail = Buffer.alloc(0); // the last bytes of the previous chunk: a status cut by a chunk boundary is still found once
      res.on('data', (chunk: Buffer) => {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) answered += 1;
        const seen = Buffer.concat([tail, chunk]);
        for (let i = seen.indexOf(filedBytes); i !== -1; i = seen.indexOf(filedBytes, i + 1)) filed += 1;
        tail = seen.subarray(Math.max(0, seen.length - (filedBytes.length - 1)));
      });
      res.on('end', () => resolve({ seconds: (performance.now() - t0) / 1000, answered, filed }));
      res.on('error', reject);
    });
    req.on('error', reject);
    let written = 0;
    const pump = () => {
      while (written < writes.length) {
        const ok = req.write(writes[written]!);
        written += 1;
        if (!ok) { req.once('drain', pump); return; }
      }
      req.end();
    };
    pump();
  });
}

async function main() {
  const loadBefore = os.loadavg();
  const sizes = await prepare();
  if (values['prepare-only']) { process.stdout.write(`prepared: ${JSON.stringify(sizes)}\n`); return; }
  const hot = await identities(10_000, 0);
  const uniform = await identities(200_000, 10_000);
  const fresh = await identities(100_000, 210_000);
  // Never filed: packages the registry has no record of (same shape and fingerprints as real ones).
  const never = uniform.slice(0, 100_000).map((x, i) => ({ ...x, packageName: `com.neverfiled${i}.app` }));
  const server = await startServer();
  serverPid = server.pid;
  const rss: Record<string, number> = {};
  let peak = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, rssOf(server.pid)); }, 100);
  const phase = (name: string) => { rss[name] = peak; peak = rssOf(server.pid); };
  try {
    rss.idle = rssOf(server.pid);
    // Sanity: the demo contract and a generated identity answer filed.
    await timed('sanity', 1, () => ({ path: '/api/verify/v1/apps', body: JSON.stringify({ items: [hot[0], { platform: 'android', packageName: 'a2dp.Vol', fingerprint: 'c1cabe8ad9dc272b2443a3a67bc443d5' }] }) }), (j) => {
      const s = (j as { results: { status: string }[] }).results.map((r) => r.status);
      if (s.join() !== 'filed,filed') throw new Error(`sanity check answered ${s.join()}`);
    });
    peak = rssOf(server.pid);
    // (a) — warm the JIT, then measure beside the bare route.
    await load('warm-up', { method: 'POST', path: '/api/verify/v1/apps', bodies: hot.map(single) }, 3);
    await load('warm-up bare', { method: 'GET', path: '/bench/bare' }, 3);
    // Interleaved rounds: the machine is shared, so each round measures the baselines and the
    // verification back to back and the table reports the median round of each.
    const kinds: [string, Parameters<typeof load>[1]][] = [
      ['bare Fastify route, GET, constant JSON (baseline)', { method: 'GET', path: '/bench/bare' }],
      ['bare Fastify route, POST of the same one-item body, constant JSON (baseline)', { method: 'POST', path: '/bench/bare', bodies: hot.map(single) }],
      ['single item, hot set of 10,000 filed identities (hits)', { method: 'POST', path: '/api/verify/v1/apps', bodies: hot.map(single) }],
      ['single item, uniform over 200,000 filed identities (what were cache misses)', { method: 'POST', path: '/api/verify/v1/apps', bodies: uniform.map(single) }],
      ['single item, 100,000 packages never filed (never seen)', { method: 'POST', path: '/api/verify/v1/apps', bodies: never.map(single) }],
      ['single item by GET (query string), hot set (hits)', { method: 'GET', path: '/api/verify/v1/apps', paths: hot.map(query) }],
      ['single item by GET (query string), uniform over 200,000 (what were misses)', { method: 'GET', path: '/api/verify/v1/apps', paths: uniform.map(query) }],
      ['single item by GET (query string), never filed (never seen)', { method: 'GET', path: '/api/verify/v1/apps', paths: never.map(query) }],
    ];
    const rounds: Run[][] = kinds.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [k, [name, req]] of kinds.entries()) {
        rounds[k]!.push(await load(name, req));
      }
    }
    const median = (xs: Run[]) => [...xs].sort((x, y) => x.rps - y.rps)[Math.floor(xs.length / 2)]!;
    const runs = rounds.map(median);
    phase('a');
    // (b) — one at a time, after three batches that warm the JIT for the batch's own path (as (a) warms the single checks').
    await timed('warm-up', 3, () => ({ path: '/api/verify/v1/apps', body: JSON.stringify({ items: hot }) }));
    const batches = [
      await timed('bare Fastify route (baseline), 1 at a time', 200, () => ({ path: '/bench/bare' })),
      await timed('10,000-item batch, the hot set (asked before)', 20, () => ({ path: '/api/verify/v1/apps', body: JSON.stringify({ items: hot }) })),
      await timed('10,000-item batch, filed identities not asked before', 10, (i) => ({ path: '/api/verify/v1/apps', body: JSON.stringify({ items: fresh.slice(i * 10_000, (i + 1) * 10_000) }) })),
      await timed('10,000-item batch, packages never filed', 10, (i) => ({ path: '/api/verify/v1/apps', body: JSON.stringify({ items: never.slice(i * 10_000, (i + 1) * 10_000) }) })),
    ];
    phase('b');
    const stream = await streamCatalogue(STREAM_LINES, uniform);
    phase('stream');
    rss.after = rssOf(server.pid);
    clearInterval(sampler);
    report({ sizes, runs, batches, stream, rss, loadBefore, loadAfter: os.loadavg(), startMs: server.startMs, index: server.index });
  } finally {
    clearInterval(sampler);
    server.stop();
  }
}

interface Report {
  sizes: Awaited<ReturnType<typeof prepare>>;
  runs: Run[];
  batches: Awaited<ReturnType<typeof timed>>[];
  stream: Awaited<ReturnType<typeof streamCatalogue>>;
  rss: Record<string, number>;
  loadBefore: number[];
  loadAfter: number[];
  startMs: number;
  index: string;
}

function report(r: Report) {
  const mb = (b: number) => `${Math.round(b / 1048576)} MiB`;
  const ms = (x: number) => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;
  const n = (x: number) => x.toLocaleString('en');
  const bareGet = r.runs[0]!.rps;
  const barePost = r.runs[1]!.rps;
  const [, , hot, uni, nev, hotGet, uniGet, nevGet] = r.runs as [Run, Run, Run, Run, Run, Run, Run, Run];
  const meets = (x: Run) => x.rps >= bareGet / 2 && x.p99 < 20;
  type Timed = Awaited<ReturnType<typeof timed>>;
  const [, cached, fresh, never] = r.batches as [Timed, Timed, Timed, Timed];
  const pc = (x: number, of: number) => `${Math.round((x / of) * 100)} %`;
  const verdict = (ok: boolean) => (ok ? '(met)' : '(not met)');
  const la = (x: number[]) => x.map((v) => v.toFixed(2)).join(' ');
  const lps = Math.round(r.stream.answered / r.stream.seconds);
  const peak = Math.max(r.rss.idle!, r.rss.a!, r.rss.b!, r.rss.stream!);
  const row = (label: string, x: Run) => `${label} ${verdict(meets(x))}: ${pc(x.rps, bareGet)} (${pc(x.rps, barePost)} of the bare POST), p99 ${ms(x.p99)}`;
  const lines = [
    '## Verification API',
    '',
    `Command: \`npx tsx bench/verify.ts\` (add \`--write\` to refresh this section). Machine: nproc ${os.cpus().length}, ${os.cpus()[0]?.model.trim()}, ` +
      `Node ${process.version}, ${os.platform()}/${os.arch()}; PostgreSQL on 127.0.0.1, database \`${new URL(DB_URL).pathname.slice(1)}\`: ${n(r.sizes.services)} services ` +
      `(bench/generate.ts + the demo seed), ${n(r.sizes.platforms)} APP platform rows of which ${n(r.sizes.activePlatforms)} filed. ` +
      `Load generator (autocannon), server (\`bench/verify-server.ts\`: the real application — API-key lookup, quota counting, in-memory identity index, watches — plus a bare route; ${SERVER === 'build' ? 'bundled by scripts/build.ts and run by plain Node, as `node dist/beian.mjs serve` runs in production (docs/deploy.md)' : 'run through tsx\'s loader, as `npm start` runs'}; V8 flags: ${NODE_FLAGS.length ? NODE_FLAGS.map((f) => `\`${f}\``).join(' ') : 'none'}; VERIFY_WORKERS ${process.env.VERIFY_WORKERS ?? `unset (the default: ${os.availableParallelism() > 1 ? 1 : 0} here)`} — a batch of 2,000+ items answered on that many worker threads beside the request's) and PostgreSQL share the machine, ` +
      `and whatever else runs on it: load average before ${la(r.loadBefore)}, after ${la(r.loadAfter)} (2 cores); ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `Start-up: spawn to "ready" (modules, the identity index loaded from \`verify_identities\`, listening) ${(r.startMs / 1000).toFixed(1)} s; index: ${r.index}.`,
    '',
    `(a) ${CONNECTIONS} connections, ${DURATION} s per run, one item per request and the demo key; ${ROUNDS} interleaved rounds, the median round of each row (by requests/s):`,
    '',
    '| run | requests/s | vs bare GET | vs bare POST | p50 | p99 | max | non-2xx | server CPU / request | PostgreSQL CPU / request |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...r.runs.map((x) => `| ${x.name} | ${n(x.rps)} | ${Math.round((x.rps / bareGet) * 100)} % | ${Math.round((x.rps / barePost) * 100)} % | ${ms(x.p50)} | ${ms(x.p99)} | ${ms(x.max)} | ${x.non2xx + x.errors} | ${n(x.serverUs)} µs | ${n(x.postgresUs)} µs |`),
    '',
    '(b) one request at a time over a kept-alive connection (node:http): response time from writing the request to the answer\'s last byte; '
      + 'the last column adds the client\'s JSON.parse of the whole answer (the client\'s own work, shown for comparison):',
    '',
    '| request | n | p50 | p95 | max | p50 with the client\'s JSON.parse |',
    '|---|---|---|---|---|---|',
    ...r.batches.map((b) => `| ${b.label} | ${b.n} | ${ms(b.p50)} | ${ms(b.p95)} | ${ms(b.max)} | ${ms(b.parsedP50)} |`),
    '',
    `(d) server RSS: idle (index loaded) ${mb(r.rss.idle!)}; peak under (a) ${mb(r.rss.a!)}; peak under (b) ${mb(r.rss.b!)}; ` +
      `peak while ${n(STREAM_LINES)} NDJSON lines streamed through /api/verify/v1/apps/stream ${mb(r.rss.stream!)} ` +
      `(${n(r.stream.answered)} answers, ${n(r.stream.filed)} filed, ${r.stream.seconds.toFixed(1)} s, ${n(lps)} lines/s); after ${mb(r.rss.after!)}.`,
    '',
    `Against the targets of issue 16 item 6, this run: (a) at least 50 % of the bare GET route's requests/s and p99 under 20 ms — ` +
      `${row('by POST, hits', hot)}; ${row('by POST, filed identities that were misses', uni)}; ${row('by POST, never seen', nev)}; ` +
      `${row('by GET, hits', hotGet)}; ${row('by GET, what were misses', uniGet)}; ${row('by GET, never seen', nevGet)}. ` +
      `(b) 10,000-item batch p50 response time under 50 ms: asked before ${ms(cached.p50)} ${verdict(cached.p50 < 50)}, not asked before ${ms(fresh.p50)} ${verdict(fresh.p50 < 50)}, never filed ${ms(never.p50)} ${verdict(never.p50 < 50)}. ` +
      `NDJSON at least 100,000 lines/s: ${n(lps)} ${verdict(lps >= 100_000)}. RSS under 300 MiB under every load: peak ${mb(peak)} ${verdict(peak < 300 * 1048576)}. ` +
      `Start-up under 10 s: ${(r.startMs / 1000).toFixed(1)} s ${verdict(r.startMs < 10_000)}.`,
    '',
    'Every registered identity is held in memory (ADR 0022): typed arrays and one byte arena, loaded at start by four parallel COPYs read as bytes',
    'over `verify_identities` and kept current by NOTIFY beian_registry (ADR 0006; a changed key is answered from the database until',
    'its re-read lands). So hits, filed identities never asked before and packages never filed are all answered without a query;',
    'a batch or stream never waits on PostgreSQL. The CPU columns are the server process\'s and all PostgreSQL processes\' CPU time',
    '(from /proc) divided by the requests of the row: they depend little on what else runs. Memory per million identities: see',
    '"Identity index memory" below.',
  ];
  publishReport('## Verification API', lines, values.write);
}

await main();
