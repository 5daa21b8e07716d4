// A real `beian serve` OS process for tests that must hold across processes (races between
// servers, kill -9, several processes over one primary + standby): its own Node runtime, pool,
// caches and timed work, configured only through its environment (config.ts reads nothing else),
// on a free port of 127.0.0.1. The environment is the test's minus every database, key and
// listener setting, plus what the caller gives; the keys of tests/db.ts's sealer seal personal data.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD } from '../src/db/seed/demo.ts';
import { testSecrets } from './db.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The data and hash keys of tests/db.ts's sealer, as the environment names them. */
export const TEST_KEYS_ENV = { BEIAN_DATA_KEYS: `t1:${testSecrets.dataKeys[0]!.key.toString('base64')}`, BEIAN_HASH_KEY: testSecrets.hashKey.toString('base64') };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
  });
}

/** This process's environment without anything that configures beian, plus the test keys and `extra`. */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(DATABASE_|BEIAN_|PORT$|HOST$|PUBLIC_URL$|SMTP_|REDIS_URL$|TRUST_PROXY$|VITEST)/.test(k)) env[k] = v;
  }
  return { ...env, LOG_LEVEL: 'error', ...TEST_KEYS_ENV, ...extra };
}

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  output(): string;
  alive(): boolean;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `beian serve` with `env` (DATABASE_URL, DATABASE_READ_URL or BEIAN_DATA_DIR …) in `cwd`
 * (a temporary folder of its own, removed at exit, when none is given); resolves once /api/health answers.
 */
export async function serveProcess(env: Record<string, string>, cwd?: string, timeoutMs = 150_000): Promise<ServerProcess> {
  const port = await freePort();
  const own = cwd ? null : mkdtempSync(path.join(tmpdir(), 'beian-serve-'));
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/beian.js'), 'serve'],
    { cwd: cwd ?? own!, env: childEnv({ ...env, HOST: '127.0.0.1', PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { if (own) rmSync(own, { recursive: true, force: true }); resolve(); }));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const server: ServerProcess = {
    child, base: `http://127.0.0.1:${port}`, output: () => out, alive,
    async stop() {
      if (!alive()) { await exited; return; }
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive()) throw new Error(`server exited: ${out}`);
    if (Date.now() > deadline) { await server.stop(); throw new Error(`server did not answer: ${out}`); }
    if (await fetch(`${server.base}/api/health`).then((r) => r.ok, () => false)) return server;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Signs in over HTTP as a browser does: the session cookie and the CSRF header, ready to send. */
export async function loginOver(base: string, login: string): Promise<Record<string, string>> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: DEMO_PASSWORD }) });
  if (res.status !== 200) throw new Error(`sign-in as ${login}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('beian_session='))!.split(';')[0]!;
  return { cookie, 'x-csrf-token': (await res.json() as { csrfToken: string }).csrfToken };
}
