// What the request metrics (src/api/metrics.ts, issue 16 §9) cost a request: autocannon against the
// same bare Fastify route (constant JSON, a route parameter) without hooks, with an empty onSend
// hook (Fastify's part) and with the metrics hook, each in its own server process, interleaved rounds,
// the median round of each by requests/s; the server's CPU per request (from /proc) depends little on
// what else loads the machine.
//   npx tsx bench/metrics.ts [--duration 5] [--rounds 3] [--connections 50]
import { spawn } from 'node:child_process';
import { benchArgs } from './args.ts';
import autocannon from 'autocannon';
import { cpuMs } from './cpu.ts';

const { values } = benchArgs(import.meta.url, { options: { duration: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '50' }, port: { type: 'string', default: '3927' } } });
const PORT = Number(values.port);

type Mode = 'without' | 'hook' | 'with';
const MODES: Mode[] = ['without', 'hook', 'with'];

async function server(mode: Mode) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/metrics-server.ts', String(PORT), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { pid: child.pid!, stop: () => new Promise<void>((r) => { child.once('exit', () => r()); child.kill('SIGTERM'); }) };
}

async function round(mode: Mode) {
  const s = await server(mode);
  try {
    let i = 0;
    const cpu0 = cpuMs(s.pid);
    const r = await autocannon({
      url: `http://127.0.0.1:${PORT}/bench/bare/0`, connections: Number(values.connections), duration: Number(values.duration),
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/bench/bare/${i++ % 1000}` }) }],
    });
    const cpuUs = Math.round(((cpuMs(s.pid) - cpu0) * 1000) / Math.max(1, r.requests.total) * 10) / 10;
    return { rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, cpuUs };
  } finally { await s.stop(); }
}

const rows: Record<Mode, Awaited<ReturnType<typeof round>>[]> = { without: [], hook: [], with: [] };
for (let k = 0; k < Number(values.rounds); k++) for (const mode of MODES) rows[mode].push(await round(mode));
const median = (xs: Awaited<ReturnType<typeof round>>[]) => [...xs].sort((a, b) => a.rps - b.rps)[Math.floor(xs.length / 2)]!;
const base = median(rows.without).rps;
const LABEL: Record<Mode, string> = { without: 'bare route, no hook (baseline)', hook: 'bare route, an empty onSend hook', with: 'bare route, request metrics (installMetrics)' };
const cpuMedian = (xs: { cpuUs: number }[]) => [...xs].map((x) => x.cpuUs).sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`| run | requests/s | vs baseline | p50 | p99 | non-2xx | server CPU / request (median of rounds) |\n|---|---|---|---|---|---|---|`);
for (const mode of MODES) {
  const m = median(rows[mode]);
  console.log(`| ${LABEL[mode]} | ${m.rps.toLocaleString('en')} | ${Math.round((m.rps / base) * 100)} % | ${m.p50} ms | ${m.p99} ms | ${m.non2xx} | ${cpuMedian(rows[mode])} µs |`);
}
console.log(`load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}; rounds: ${JSON.stringify(rows)}`);
