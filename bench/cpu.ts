// CPU time of processes under load, from /proc (Linux): what a request costs the server and
// PostgreSQL, whatever else shares the machine — latency and requests/s depend on the machine's
// load, CPU per request much less.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/** User + system CPU of a process in milliseconds (0 once it is gone). */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU of every running `postgres` process (the machine's PostgreSQL), by process id. */
export function postgresCpu(): Map<number, number> {
  let pids: string[] = [];
  try { pids = execFileSync('pgrep', ['-x', 'postgres']).toString().trim().split('\n').filter(Boolean); } catch { /* none */ }
  return new Map(pids.map((pid) => [Number(pid), cpuMs(Number(pid))]));
}

/** PostgreSQL CPU since `before`: processes started since count whole, ended ones are lost (never negative). */
export function postgresCpuSince(before: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of postgresCpu()) sum += Math.max(0, ms - (before.get(pid) ?? 0));
  return sum;
}

/** Runs `work` and answers the server's and PostgreSQL's CPU per request, in microseconds. */
export async function cpuPerRequest<T extends { requests: number }>(serverPid: number, work: () => Promise<T>): Promise<T & { serverUs: number; postgresUs: number }> {
  const s0 = cpuMs(serverPid);
  const p0 = postgresCpu();
  const r = await work();
  const per = (ms: number) => Math.round((ms * 1000) / Math.max(1, r.requests));
  return { ...r, serverUs: per(cpuMs(serverPid) - s0), postgresUs: per(postgresCpuSince(p0)) };
}
