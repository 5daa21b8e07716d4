// A real `beian serve` OS process for tests that must hold across processes (races between
// servers, kill -9): its own Node runtime, pool, caches and timed work, configured only through
// its environment (config.ts reads nothing else), on a free port of 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
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
    if (v !== undefined && !/^(DATABASE_URL|BEIAN_|PORT$|HOST$|PUBLIC_URL$|SMTP_|REDIS_URL$|VITEST)/.test(k)) env[k] = v;
  }
  return { ...env, LOG_LEVEL: 'error', ...TEST_KEYS_ENV, ...extra };
}

export interface ServerProcess { child: ChildProcess; base: string; output: () => string; stop(): Promise<void> }

/** Starts `beian serve` with `dbEnv` (DATABASE_URL or BEIAN_DATA_DIR) in `cwd`; resolves once /api/health answers. */
export async function serveProcess(dbEnv: Record<string, string>, cwd: string): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/beian.js'), 'serve'],
    { cwd, env: childEnv({ ...dbEnv, HOST: '127.0.0.1', PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const base = `http://127.0.0.1:${port}`;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async () => {
    if (exited()) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  };
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (exited()) throw new Error(`server exited: ${out}`);
    if (Date.now() > deadline) { await stop(); throw new Error(`server did not answer: ${out}`); }
    const ok = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
    if (ok) return { child, base, output: () => out, stop };
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Signs in over HTTP as a browser does: the session cookie and the CSRF header, ready to send. */
export async function loginOver(base: string, login: string): Promise<Record<string, string>> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: DEMO_PASSWORD }) });
  expect(res.status, await res.clone().text()).toBe(200);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('beian_session='))!.split(';')[0]!;
  return { cookie, 'x-csrf-token': (await res.json() as { csrfToken: string }).csrfToken };
}
