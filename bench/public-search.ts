// Public keyword search under load (issue 5, item 8c/8d): autocannon against 127.0.0.1, the
// application on PostgreSQL over N generated services, beside a bare Fastify route returning
// constant JSON in the same server process and the same run; the server's RSS under load.
//
//   npx tsx bench/public-search.ts                      # 1,000,000 services in beian_bench
//   npx tsx bench/public-search.ts --write              # and refresh "## Public search" in docs/BENCHMARKS.md
//   options: --database-url postgres://postgres@127.0.0.1:5432/beian_bench --services 1000000
//            --duration 5 (seconds per run) --connections 1,10 (one table per concurrency)
// The database is created when missing and topped up to --services with bench/generate.ts.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { benchArgs } from './args.ts';
import autocannon from 'autocannon';
import pg from 'pg';
import { cpuPerRequest } from './cpu.ts';
import { SEARCH_CHANNEL } from '../src/api/public/search-cache.ts';
import { ensureDatabase } from './database.ts';
import { generate } from './generate.ts';

const { values } = benchArgs(import.meta.url, {
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/beian_bench' },
    services: { type: 'string', default: '1000000' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10,1' },
    port: { type: 'string', default: '3917' },
    write: { type: 'boolean', default: false },
  },
});
const URL_ = values['database-url']!;
const SERVICES = Number(values.services);
const DURATION = Number(values.duration);
const CONNECTION_LIST = values.connections!.split(',').map(Number);
let CONNECTIONS = CONNECTION_LIST[0]!;
const PORT = Number(values.port);

async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: URL_ });
  await c.connect();
  try { return await fn(c); } finally { await c.end(); }
}

/** Keywords people type, drawn from the data (deterministically), by kind. */
async function keywords(): Promise<Record<string, string[]>> {
  return withClient(async (c) => {
    const col = async (sql: string) => (await c.query<{ v: string }>(sql)).rows.map((r) => r.v);
    const sample = (table: string, n = 300) => `(select * from ${table} order by md5(id::text) limit ${n})`;
    return {
      'service name (full)': await col(`select name as v from ${sample('services')} s`),
      'service name, 2 characters': await col(`select left(name, 2) as v from ${sample('services')} s`),
      'service name, 3+ characters inside': await col(`select substr(name, 2, 3) as v from ${sample('services')} s where char_length(name) >= 4`),
      'host name part': await col(`select substr(name, 4, 4) as v from ${sample('subjects')} su where subject_type = 'unit'`),
      'service number': await col(`select service_number as v from ${sample('services')} s`),
      'main number (all services)': await col(`select main_number as v from ${sample('subjects')} su`),
      'domain': await col(`select domains[1] as v from ${sample('services', 3000)} s where service_type = 'website' limit 300`),
      'package name': await col(`select package_name as v from ${sample('app_platforms')} p`),
      'common word (worst case)': ['科技', '有限公司', '音乐', '商城', '网络科技', '小程序', '天气', '官网'],
    };
  });
}

interface Run { connections: number; name: string; rps: number; p50: number; p95: number; p99: number; non2xx: number; requests: number; serverUs: number; postgresUs: number }

let serverPid = 0;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function load(name: string, paths: string[], duration = DURATION): Promise<Run> {
  return cpuPerRequest(serverPid, () => loadOnly(name, paths, duration));
}

async function loadOnly(name: string, paths: string[], duration: number) {
  let i = 0;
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url: `http://127.0.0.1:${PORT}`, connections: CONNECTIONS, duration,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length]! }) }],
    }, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on('response', (_c, _s, _b, t) => { times.push(t); });
  });
  times.sort((a, b) => a - b);
  return {
    connections: CONNECTIONS, name, rps: Math.round(result.requests.average), p50: pct(times, 50), p95: pct(times, 95), p99: pct(times, 99),
    non2xx: result.non2xx, requests: result.requests.total,
  };
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

async function startServer(): Promise<{ pid: number; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/public-search-server.ts', URL_, String(PORT)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

const enc = encodeURIComponent;
const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;

async function main() {
  await ensureDatabase(URL_);
  const have = await withClient(async (c) => {
    const r = await c.query(`select count(*)::int as n from information_schema.tables where table_name = 'services'`);
    return r.rows[0].n ? Number((await c.query('select count(*)::int as n from services')).rows[0].n) : 0;
  });
  if (have < SERVICES) await generate({ services: SERVICES - have, databaseUrl: URL_ });
  const kw = await keywords();
  const server = await startServer();
  serverPid = server.pid;
  const rss: number[] = [];
  const rssIdle = rssOf(server.pid);
  const sampler = setInterval(() => rss.push(rssOf(server.pid)), 200);
  try {
    const search = (ks: string[]) => ks.map((k) => `/api/public/v1/services?q=${enc(k)}`);
    const mixed = Object.entries(kw).filter(([k]) => !k.startsWith('common')).flatMap(([, ks]) => search(ks));
    mixed.sort((a, b) => (a.length * 7919 + b.charCodeAt(30)) % 13 - (b.length * 7919 + a.charCodeAt(30)) % 13);
    await load('warm-up', mixed, 3);
    const numbers = await withClient(async (c) => (await c.query<{ v: string }>('select service_number as v from services order by md5(id::text) limit 300')).rows.map((r) => r.v));
    const runs: Run[] = [];
    for (const connections of CONNECTION_LIST) {
      CONNECTIONS = connections;
      runs.push(await load('bare Fastify route, constant JSON (baseline)', ['/bench/bare']));
      runs.push(await load('keyword search, mixed keywords (all kinds below)', mixed));
      for (const [kind, ks] of Object.entries(kw)) runs.push(await load(`search: ${kind}`, search(ks)));
      // The per-process cache answers repeated common words until the next committed write (ADR 0029
      // addendum): the same keywords with a write every 100 ms (the notification a write sends), so
      // each is loaded again after every write.
      runs.push(await withClient(async (c) => {
        const writes = setInterval(() => { void c.query(`select pg_notify('${SEARCH_CHANNEL}', '')`).catch(() => {}); }, 100);
        try { return await load('search: common word, a write every 100 ms (past the cache)', search(kw['common word (worst case)']!)); } finally { clearInterval(writes); }
      }));
      runs.push(await load('record by number (GET /services/{number})', numbers.map((n) => `/api/public/v1/services/${enc(n)}`)));
    }
    clearInterval(sampler);
    report(runs, rssIdle, Math.max(...rss));
  } finally {
    clearInterval(sampler);
    server.stop();
  }
}

function report(runs: Run[], rssIdle: number, rssPeak: number) {
  const pgVersion = '';
  const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MiB`;
  const lines = [
    '## Public search',
    '',
    `Command: \`npx tsx bench/public-search.ts\` (add \`--write\` to refresh this section). Machine: nproc ${os.cpus().length}, ${os.cpus()[0]?.model.trim()}, ` +
      `Node ${process.version}, ${os.platform()}/${os.arch()}, PostgreSQL on 127.0.0.1 (database \`${new URL(URL_).pathname.slice(1)}\`); load average at the end of the run ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${new Date().toISOString().slice(0, 10)}.${pgVersion}`,
    `Data: ${SERVICES.toLocaleString('en')} services loaded through \`beian import\`'s path (\`npx tsx bench/generate.ts --services ${SERVICES} --database-url ${URL_}\`, or \`bench/import.ts\`) ` +
      '(APPs with 1–3 platforms, websites with domains, mini programs, quick apps; ~2 services per subject; 92% filed, 5% cancelled, 3% revoked).',
    `Load: autocannon in the benchmark process, ${CONNECTION_LIST.join(' and ')} connection(s), ${DURATION} s per row, against one server process (\`bench/public-search-server.ts\`: the application ` +
      'with its rate limiter counting every request, quota raised out of reach, plus the bare route); latencies are per response, percentiles computed from every response. ' +
      'Keywords: 300 per kind sampled from the data; a row cycles through its keywords. First page, 20 items, platforms included.',
    '',
    '| connections | run | requests/s | p50 | p95 | p99 | non-2xx | server CPU / request | PostgreSQL CPU / request |',
    '|---|---|---|---|---|---|---|---|---|',
    ...runs.map((r) => `| ${r.connections} | ${r.name} | ${r.rps.toLocaleString('en')} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.non2xx} | ${r.serverUs.toLocaleString('en')} µs | ${r.postgresUs.toLocaleString('en')} µs |`),
    '',
    `Server memory (RSS of the server process): ${mb(rssIdle)} before load, ${mb(rssPeak)} peak under load.`,
    '',
    `Against the target (keyword search p95 < 50 ms over ${SERVICES.toLocaleString('en')} services): ` + CONNECTION_LIST.map((c) => {
      const mixed = runs.find((r) => r.connections === c && r.name.startsWith('keyword search'))!;
      const record = runs.find((r) => r.connections === c && r.name.startsWith('record'))!;
      const kinds = runs.filter((r) => r.connections === c && r.name.startsWith('search:'));
      const worst = kinds.reduce((a, b) => (b.p95 > a.p95 ? b : a));
      return `${c} connection(s): mixed keywords p95 ${fmt(mixed.p95)}, ${mixed.p95 < 50 ? 'met' : 'not met'}; every kind alone ${kinds.every((r) => r.p95 < 50) ? 'met' : 'not met'}, `
        + `the slowest "${worst.name.slice('search: '.length)}" p95 ${fmt(worst.p95)} (a record lookup, one index probe: p95 ${fmt(record.p95)})`;
    }).join('; ') + '.',
    '',
    'Reading the figures: the server, PostgreSQL and autocannon share the machine\'s cores with whatever else runs (see the load average); ' +
      'with 10 connections a request mostly waits for a CPU, so compare each search row with the baseline of the same table; the CPU columns ' +
      '(server process and all PostgreSQL processes, from /proc, divided by the requests of the row) depend little on that load. The cost of ' +
      'each index path alone, without HTTP, is measured by `npx tsx bench/search-indexes.ts` (docs/decisions/0007-public-search-indexes.md). ' +
      '"Common word" keywords (科技, 有限公司, 音乐 …) match hundreds of thousands of names; they are the documented worst case, answered from ' +
      'the first 1,000 matches per path with `totalCapped: true`, and kept per process until the next committed write (ADR 0029 addendum); ' +
      'the row "a write every 100 ms" empties that cache ten times a second, so every keyword is loaded again after each write (a miss alone costs 4.4–5.4 ms of PostgreSQL CPU: ADR 0029 addendum).',
    '',
  ];
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  if (values.write) {
    const file = 'docs/BENCHMARKS.md';
    const doc = readFileSync(file, 'utf8');
    const start = doc.indexOf('## Public search');
    if (start < 0) writeFileSync(file, `${doc.trimEnd()}\n\n${text}`);
    else {
      const next = doc.indexOf('\n## ', start + 3);
      writeFileSync(file, doc.slice(0, start) + text + (next < 0 ? '' : doc.slice(next + 1)));
    }
  }
}

await main();
