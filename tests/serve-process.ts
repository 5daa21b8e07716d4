// `beian serve` as a real child process on a free loopback port (issue 16: several processes over
// one primary + standby). The environment is the test's minus every database, key and listener
// setting, plus what the caller gives; the demo keys of tests/db.ts seal personal data.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD } from '../src/db/seed/demo.ts';
import { testSecrets } from './db.ts';
import { freePort } from './pg-cluster.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TEST_KEYS = { BEIAN_DATA_KEYS: `t1:${testSecrets.dataKeys[0]!.key.toString('base64')}`, BEIAN_HASH_KEY: testSecrets.hashKey.toString('base64') };

function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(DATABASE_|BEIAN_|PORT$|HOST$|PUBLIC_URL$|SMTP_|REDIS_URL$|VITEST)/.test(k)) env[k] = v;
  }
  return { ...env, LOG_LEVEL: 'error', ...TEST_KEYS, ...extra };
}

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  output(): string;
  alive(): boolean;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/** Starts `beian serve` with `env` (DATABASE_URL, DATABASE_READ_URL …) and waits until /api/health answers. */
export async function serveProcess(env: Record<string, string>, timeoutMs = 120_000): Promise<ServerProcess> {
  const port = await freePort();
  const cwd = mkdtempSync(path.join(tmpdir(), 'beian-serve-'));
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/beian.js'), 'serve'],
    { cwd, env: childEnv({ ...env, HOST: '127.0.0.1', PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { rmSync(cwd, { recursive: true, force: true }); resolve(); }));
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
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Signs in over HTTP: the session cookie and CSRF header for later requests. */
export async function loginOver(base: string, login: string): Promise<Record<string, string>> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: DEMO_PASSWORD }) });
  if (res.status !== 200) throw new Error(`sign-in as ${login}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('beian_session='))!.split(';')[0]!;
  return { cookie, 'x-csrf-token': (await res.json() as { csrfToken: string }).csrfToken };
}
