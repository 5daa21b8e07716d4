// A real deployment from nothing (issue 12 part 2, ADR 0012), through the `beian` binary as an
// operator runs it (node bin/beian.js in a child process) and then the HTTP API: migrate →
// admin create → first sign-in must set a new password → the administrator registers a provider,
// its staff and a bureau reviewer → a host registers and files → the provider and the bureau
// approve. And the refusals: a login that exists, a demo over real accounts, serve without an
// administrator says how to make one. PGlite (a temporary data folder) or PostgreSQL (a fresh
// database on the server of DATABASE_URL), like every test here.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/connection.ts';
import { listMigrations } from '../src/db/migrate.ts';
import { openStorage, type Storage } from '../src/db/open.ts';
import type { Sealer } from '../src/db/personal-data.ts';
import { type AuthTestApp, fixedClock, SETUP_TIMEOUT, type Signed, registerWithCode, signedFrom, signIn } from './auth.ts';
import { backend, bureauOf, emptyDatabase, type TestDb, testSecrets } from './db.ts';
import { appMaterials, call, fileToProvider, throughSms } from './filing.ts';
import { freePort } from './server-process.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = mkdtempSync(path.join(tmpdir(), 'beian-bootstrap-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Run { code: number; stdout: string; stderr: string }

/** The environment of a fresh shell plus the database settings: nothing of this process's own. */
function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(DATABASE_URL|BEIAN_|PORT$|HOST$|PUBLIC_URL$|SMTP_|REDIS_URL$|VITEST)/.test(k)) env[k] = v;
  }
  return { ...env, LOG_LEVEL: 'error', ...extra };
}

function beian(args: string[], env: Record<string, string>, stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [path.join(repoRoot, 'bin/beian.js'), ...args], { cwd: root, env: childEnv(env), timeout: 150_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
    child.stdin!.end(stdin ?? '');
  });
}

/** `beian serve` until it has printed its start-up lines (API docs line and what follows), then SIGTERM. */
async function serveOutput(args: string[], env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/beian.js'), 'serve', ...args],
    { cwd: root, env: childEnv({ ...env, HOST: '127.0.0.1', PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 150_000;
  while (!/^SMS: .*$/m.test(out) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 300)); // the lines printed with it
  child.kill('SIGTERM');
  expect(await exited, out).toBe(0);
  // Stdout carries the log's JSON lines only (docs/deploy.md, LOG_LEVEL): the banner was plain text there.
  for (const line of stdout.split('\n').filter(Boolean)) expect(() => JSON.parse(line), line).not.toThrow();
  return out;
}

/** Exit 2, nothing on stdout, one line on stderr naming the command. */
function expectRefused(r: Run, command: string, message: RegExp) {
  expect(r, JSON.stringify(r)).toMatchObject({ code: 2, stdout: '' });
  expect(r.stderr).toMatch(new RegExp(`^beian ${command}: [^\\n]+\\n$`));
  expect(r.stderr).toMatch(message);
}

describe('a deployment from nothing', () => {
  const keys = { BEIAN_DATA_KEYS: `t1:${testSecrets.dataKeys[0]!.key.toString('base64')}`, BEIAN_HASH_KEY: testSecrets.hashKey.toString('base64') };
  let server: TestDb | null = null;
  let env: Record<string, string>;
  let storage: Storage | null = null;
  let db: Db;
  let sealer: Sealer;
  let h: AuthTestApp;
  let oneTime = '';
  let secondOneTime = '';
  const NEW_PASSWORD = 'Gov-registry-2026!';

  beforeAll(async () => {
    if (backend() === 'postgresql') {
      server = await emptyDatabase();
      env = { DATABASE_URL: server.url!, ...keys };
    } else {
      env = { BEIAN_DATA_DIR: path.join(root, 'data') };
    }
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await h?.app.close();
    await storage?.close();
    await server?.close();
  });

  it('beian migrate applies every migration (the reference organisations: src/db/reference-data.test.ts)', async () => {
    const versions = (await listMigrations()).map((m) => m.version);
    expect(await beian(['migrate'], env)).toEqual({ code: 0, stdout: `applied ${versions.join(', ')}\n`, stderr: '' });
  }, SETUP_TIMEOUT);

  it('beian serve without an administrator says how to create one', async () => {
    const out = await serveOutput([], env);
    expect(out).toMatch(/^No administrator yet\. .*\n\s+npx beian admin create --login <login> --email <email>\n/m);
    expect(out).not.toMatch(/Demo logins/);
  }, SETUP_TIMEOUT);

  it('beian admin create prints the one-time password as its last line', async () => {
    const r = await beian(['admin', 'create', '--login', 'Root.Admin', '--email', 'root@miit.example.cn'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('created ministry administrator "root.admin" of 中华人民共和国工业和信息化部');
    expect(lines.at(-1)).toMatch(/^password: \S{20}$/);
    oneTime = lines.at(-1)!.slice('password: '.length);
  }, SETUP_TIMEOUT);

  it('refuses a login that exists in one line with exit 2 (nothing created)', async () => {
    expectRefused(await beian(['admin', 'create', '--login', 'root.admin', '--email', 'other@miit.example.cn'], env), 'admin', /login "root\.admin" exists/);
    // Bad input is refused before any database work: src/cli/main.test.ts.
  }, SETUP_TIMEOUT);

  it('--password-stdin takes the first line of standard input and prints no password', async () => {
    const r = await beian(['admin', 'create', '--login', 'second', '--email', 'second@miit.example.cn', '--name', '第二管理员', '--password-stdin'], env, 'Chosen-by-operator-7\nignored\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/password: /);
    expect(r.stdout).not.toContain('Chosen-by-operator-7');
  }, SETUP_TIMEOUT);

  it('beian admin reset-password sets a new one-time password on an account and prints it as its last line', async () => {
    const r = await beian(['admin', 'reset-password', '--login', 'Second'], env);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('set a new one-time password on "second"; its sessions ended and its sign-in lock (if any) was lifted');
    expect(lines.at(-1)).toMatch(/^password: \S{20}$/);
    secondOneTime = lines.at(-1)!.slice('password: '.length);
    expectRefused(await beian(['admin', 'reset-password', '--login', 'nobody.here'], env), 'admin', /no staff account with login "nobody\.here"/);
    expectRefused(await beian(['admin', 'reset-password', '--login', 'host@demo.beian.test'], env), 'admin', /hosts reset their own password with a code sent to their mobile/);
    expectRefused(await beian(['admin', 'reset-password', '--login', 'second', '--password-stdin'], env, 'short\n'), 'admin', /--password: at least 10 characters/);
  }, SETUP_TIMEOUT);

  it('beian seed --demo refuses a database that holds real accounts', async () => {
    expectRefused(await beian(['seed', '--demo'], env), 'seed', /refused: the database holds 2 account\(s\) and 0 filing\(s\) that are not demo data/);
  }, SETUP_TIMEOUT);

  it('beian serve --seed-if-empty over real accounts serves without the demo and without the hint', async () => {
    const out = await serveOutput(['--seed-if-empty'], env);
    expect(out).toMatch(/^beian is serving /m);
    expect(out).not.toMatch(/Demo logins|No administrator yet/);
  }, SETUP_TIMEOUT);

  it('the first sign-in must set a new password before anything else', async () => {
    if (server) { db = server.db; sealer = server.sealer; } else {
      storage = await openStorage(loadConfig({ BEIAN_DATA_DIR: env.BEIAN_DATA_DIR }));
      ({ db, sealer } = storage);
    }
    expect(await db.query(`select 1 from organisations where name = '示例云计算有限公司'`)).toEqual([]); // no demo
    const clock = fixedClock();
    const app = await buildApp({ db, sealer, now: clock.now, config: loadConfig({ LOG_LEVEL: 'silent' }) });
    h = { app, t: { db, sealer, url: null, close: async () => {} }, clock, close: async () => {} };

    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'root.admin', password: oneTime } });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json()).toMatchObject({ role: 'ministry_admin', mustChangePassword: true, organisation: { kind: 'ministry' } });
    const first = signedFrom(login);
    for (const [method, url] of [['GET', '/api/admin/organisations'], ['GET', '/api/admin/users'], ['POST', '/api/admin/organisations']] as const) {
      const res = await app.inject({ method, url, headers: first.headers, ...(method === 'POST' ? { payload: {} } : {}) });
      expect([res.statusCode, res.json().code], url).toEqual([403, 'password_change_required']);
    }
    expect((await app.inject({ method: 'GET', url: '/api/auth/session', headers: first.headers })).json().mustChangePassword).toBe(true);
    const same = await app.inject({ method: 'POST', url: '/api/auth/password', headers: first.headers, payload: { currentPassword: oneTime, newPassword: oneTime } });
    expect([same.statusCode, same.json().errors]).toEqual([400, [expect.objectContaining({ field: 'body.newPassword', code: 'password_unchanged' })]]);
    const changed = await app.inject({ method: 'POST', url: '/api/auth/password', headers: first.headers, payload: { currentPassword: oneTime, newPassword: NEW_PASSWORD } });
    expect(changed.statusCode, changed.body).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/auth/session', headers: first.headers })).json().mustChangePassword).toBe(false);
    expect((await app.inject({ method: 'GET', url: '/api/admin/organisations?kind=bureau', headers: first.headers })).json().total).toBe(31);
    // The one-time password is spent; the new one signs in without the flag. So does the operator-chosen one, with it.
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'root.admin', password: oneTime } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'root.admin', password: NEW_PASSWORD } })).json().mustChangePassword).toBe(false);
    // `second`'s operator-chosen password was replaced by `beian admin reset-password`'s one-time password.
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'second', password: 'Chosen-by-operator-7' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'second', password: secondOneTime } })).json())
      .toMatchObject({ mustChangePassword: true, user: { displayName: '第二管理员' } });
  }, SETUP_TIMEOUT);

  it('the administrator registers a provider, its staff and a reviewer of a reference bureau; a host files; both approve', async () => {
    // Staff the administrator creates get a one-time password: their first call changes it.
    const firstSignIn = async (login: string, oneTime: string) => {
      const s = await signIn(h.app, login, oneTime);
      const changed = await h.app.inject({ method: 'POST', url: '/api/auth/password', headers: s.headers, payload: { currentPassword: oneTime, newPassword: 'Staff-registry-2026!' } });
      expect(changed.statusCode, changed.body).toBe(204);
      return s;
    };
    const admin = await signIn(h.app, 'root.admin', NEW_PASSWORD);
    const provider = await call(h.app, admin, 'POST', '/api/admin/organisations', { kind: 'access_provider', name: '远山云计算有限公司', uscc: '91440300708461136T' }, 201);
    const bureaus = await call(h.app, admin, 'GET', '/api/admin/organisations?kind=bureau&limit=100');
    expect(bureaus.total).toBe(31);
    const gd = (bureaus.items as { id: string; provinceCode: string }[]).find((b) => b.provinceCode === '440000')!;
    expect(gd.id).toBe((await bureauOf(db, '440000')).id);
    const users = await call(h.app, admin, 'GET', '/api/admin/users');
    expect((users.items as { login: string }[]).map((u) => u.login).sort()).toEqual(['root.admin', 'second']); // nothing else
    const staff = await call(h.app, admin, 'POST', '/api/admin/users',
      { organisationId: provider.organisation.id, role: 'provider_staff', displayName: '远山初审员', login: 'yuanshan.review' }, 201);
    const reviewer = await call(h.app, admin, 'POST', '/api/admin/users',
      { organisationId: gd.id, role: 'bureau_reviewer', displayName: '广东审核员', login: 'gd.first' }, 201);

    const registered = await registerWithCode(h.app, h.t, {
      displayName: '张伟', mobile: '13912345678', email: 'zhangwei@example.test', password: 'Host-password-2026',
    });
    expect(registered.statusCode, registered.body).toBe(201);
    expect(registered.json().mustChangePassword).toBe(false);
    const host: Signed = signedFrom(registered);
    const providerId = provider.organisation.id as string;
    const id = await fileToProvider(h.app, host, { serviceType: 'app', submitterOrgId: providerId, materials: appMaterials(providerId) });
    const providerStaff = await firstSignIn('yuanshan.review', staff.initialPassword);
    await throughSms(h, host, providerStaff, id);
    const gdReviewer = await firstSignIn('gd.first', reviewer.initialPassword);
    const approved = await call(h.app, gdReviewer, 'POST', `/api/bureau/applications/${id}/approve`);
    expect(approved.application.status).toBe('approved');
    expect(approved.serviceNumber).toBe('粤ICP备2026000001号-1A');
  }, SETUP_TIMEOUT);
});
