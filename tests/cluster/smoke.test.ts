// The deployment's smoke test (issue 16 §5): `scripts/cluster.sh up` brings up PostgreSQL primary +
// streaming standby, Redis, two app processes and HAProxy on loopback (its own state folder and free
// ports); then, through the proxy only, a filing from draft to number (host, provider, SMS code from
// the development inbox, bureau), the public query and verification, a revocation that every app
// process answers within a second, and one app process killed (SIGKILL) under concurrent load: reads
// are retried on the other process by the proxy, and every acknowledged write is in the database
// exactly once. `down --purge` at the end.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A2DP_CERT, DEMO_API_KEY } from '../../src/db/seed/demo.ts';
import { appMaterials, CLOUD, websiteMaterials } from '../filing.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/cluster.sh');
const STATE = mkdtempSync(path.join(tmpdir(), 'beian-cluster-'));
const env = { ...process.env, BEIAN_CLUSTER_DIR: STATE, DATABASE_URL: '' };

let proxy = '';
let ports: Record<string, string> = {};
let appPorts: number[] = [];
let primary: pg.Client;
let standby: pg.Client;

const cluster = (...args: string[]) => run('bash', [SCRIPT, ...args], { env, cwd: ROOT, maxBuffer: 10 * 1024 * 1024, timeout: 240_000 });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, each checked by expect
type Answer = any;

/** A signed-in person over HTTP: the session cookie and its CSRF token. */
class Person {
  constructor(private readonly base: string, private cookie = '', private csrf = '') {}
  static async signIn(base: string, login: string): Promise<Person> {
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: 'Demo@2026' }) });
    expect(res.status, `sign-in ${login}`).toBe(200);
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    return new Person(base, cookie, ((await res.json()) as { csrfToken: string }).csrfToken);
  }
  async call(method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Answer }> {
    const res = await fetch(`${this.base}${url}`, {
      method, headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }
  async ok(method: 'GET' | 'POST', url: string, body?: unknown, expected = 200): Promise<Answer> {
    const r = await this.call(method, url, body);
    expect(r.status, `${method} ${url}: ${JSON.stringify(r.json)}`).toBe(expected);
    return r.json;
  }
}

const verifyUrl = (packageName: string) => `/api/verify/v1/apps?platform=android&packageName=${encodeURIComponent(packageName)}&fingerprint=${A2DP_CERT.sha256}`;
const verifyAt = async (base: string, packageName: string) => {
  const res = await fetch(`${base}${verifyUrl(packageName)}`, { headers: { authorization: `Bearer ${DEMO_API_KEY}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { status: string }).status;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A GET with the path exactly as given (fetch normalises dot segments and would not send them). */
const rawGet = (base: string, rawPath: string) => new Promise<{ status: number; body: string; type: string }>((resolve, reject) => {
  const u = new URL(base);
  const req = httpRequest({ host: u.hostname, port: Number(u.port), path: rawPath, method: 'GET' }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => { body += c; });
    res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
  });
  req.on('error', reject);
  req.end();
});

/** A port nothing listens on (the kernel's choice, closed again). */
const freePort = () => new Promise<number>((resolve) => {
  const srv = createServer().listen(0, '127.0.0.1', () => { const { port } = srv.address() as { port: number }; srv.close(() => resolve(port)); });
});
const clusterEnv = () => Object.fromEntries(readFileSync(path.join(STATE, 'cluster.env'), 'utf8').trim().split('\n').map((l) => l.split('=') as [string, string]));

beforeAll(async () => {
  const { stdout } = await cluster('up', '--apps', '2');
  proxy = stdout.trim().split('\n').at(-1)!;
  expect(proxy).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  ports = Object.fromEntries(readFileSync(path.join(STATE, 'ports.env'), 'utf8').trim().split('\n').map((l) => {
    const i = l.indexOf('=');
    return [l.slice(0, i), l.slice(i + 1).replace(/^"|"$/g, '')];
  }));
  appPorts = ports.APP_PORTS!.split(' ').slice(0, 2).map(Number);
  primary = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${ports.PG_PRIMARY_PORT}/beian` });
  standby = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${ports.PG_STANDBY_PORT}/beian` });
  // failover stops the first primary: a client's dropped connection must not crash the run.
  primary.on('error', () => {});
  standby.on('error', () => {});
  await primary.connect();
  await standby.connect();
}, 240_000);

afterAll(async () => {
  await primary?.end().catch(() => {});
  await standby?.end().catch(() => {});
  await cluster('down', '--purge').catch((e: unknown) => { console.error('cluster down failed', e); });
}, 120_000);

describe('the cluster through its proxy', () => {
  let packageName = '';
  let serviceNumber = '';

  it('is up: `up` again says so, status names every part, /api/health answers on PostgreSQL, the standby streams synchronously', async () => {
    const again = await cluster('up', '--apps', '2');
    expect(again.stdout.trim().split('\n').at(-1)).toBe(proxy);
    expect(again.stderr).toContain('already up');
    // Defect: a comment's backticks ran as a command while the configuration was written ("inter: command not found").
    expect(again.stderr).not.toContain('command not found');
    expect(readFileSync(path.join(STATE, 'haproxy.cfg'), 'utf8')).toContain('(without it, `inter` — 500 ms — bounds the whole check)');
    const { stdout } = await cluster('status');
    for (const part of ['primary', 'standby', 'redis', 'app1', 'app2', 'haproxy']) expect(stdout).toMatch(new RegExp(`^${part}\\s+up\\s`, 'm'));
    expect(stdout).toMatch(/standby1 streaming sync/);
    expect(stdout).toMatch(/app1=UP app2=UP/);
    const health = await (await fetch(`${proxy}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', database: 'postgresql', standbys: [{ name: `127.0.0.1:${ports.PG_STANDBY_PORT}` }] });
    expect((await standby.query('select pg_is_in_recovery() as r')).rows[0].r).toBe(true);
    // The proxy does not pass /metrics on, however it is spelled (the server decodes %6D to m:
    // `curl --path-as-is $P/%6Detrics` answered 200); each process answers it to this machine.
    expect((await fetch(`${proxy}/metrics`)).status).toBe(404);
    for (const spelling of ['/metrics', '/%6Detrics', '/%6d%65%74%72%69%63%73', '//metrics', '/./metrics', '/api/../metrics', '/metrics/', '/metrics?x=1']) {
      const r = await rawGet(proxy, spelling);
      expect(r.status, spelling).toBe(404);
      expect(r.body, spelling).not.toContain('beian_');
      // Defect: HAProxy's own HTML page ("<html><body><h1>404 Not Found</h1>…"); the processes answer problem+json.
      expect(r.type, spelling).toBe('application/problem+json; charset=utf-8');
      expect(JSON.parse(r.body), spelling).toEqual({
        type: 'about:blank', title: 'Not Found', status: 404, code: 'not_found', detail: expect.stringContaining('scrape each process'), instance: spelling.split('?')[0],
      });
    }
    // The same shape as a process's own 404.
    const own = await rawGet(proxy, '/no-such-page/x');
    expect(own.type).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(own.body)).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404, code: 'not_found', instance: '/no-such-page/x' });
    expect((await rawGet(`http://127.0.0.1:${appPorts[0]}`, '/%6Detrics')).body).toContain('beian_'); // what the rule guards
    const metrics = await (await fetch(`http://127.0.0.1:${appPorts[0]}/metrics`)).text();
    expect(metrics).toMatch(/^beian_replication_standbys 1$/m);
    expect(Number(/^beian_replication_replay_lag_seconds\{standby="standby1"\} (\S+)$/m.exec(metrics)?.[1])).toBeLessThan(5);
    expect(Number(/^beian_replication_replay_lag_bytes\{standby="standby1"\} (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(0);
  });

  // Defect: with no process up HAProxy answered its HTML "503 Service Unavailable" page.
  it('answers problem+json itself when no process answers (503 with Retry-After), with the configuration the script writes', async () => {
    const [port, dead] = [await freePort(), await freePort()];
    const cfg = readFileSync(path.join(STATE, 'haproxy.cfg'), 'utf8')
      .replace(/^ {2}bind 127\.0\.0\.1:\d+$/m, `  bind 127.0.0.1:${port}`)
      .replace(/^ {2}server (app\d+) 127\.0\.0\.1:\d+$/gm, `  server $1 127.0.0.1:${dead}`)
      .replace(/^ {2}pidfile .*$/m, '')
      .replace(/\nlisten stats[\s\S]*$/, '\n');
    const file = path.join(STATE, 'haproxy-no-apps.cfg');
    writeFileSync(file, cfg);
    const haproxy = spawn(existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy', ['-db', '-f', file], { stdio: 'ignore' });
    try {
      let res: Response | null = null;
      for (let i = 0; i < 50 && !res; i++) { res = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null); if (!res) await sleep(100); }
      expect(res?.status).toBe(503);
      expect(res!.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(res!.headers.get('retry-after')).toBe('5');
      expect(await res!.json()).toMatchObject({ type: 'about:blank', title: 'Service Unavailable', status: 503, code: 'no_server_available' });
    } finally {
      haproxy.kill('SIGKILL');
    }
  });

  // Missing: `up --no-demo` left the first administrator to make (README, "Production set-up") with no way to
  // run `beian admin create` against the cluster's primary with its generated keys.
  it('`beian …` runs a beian command on the primary with the cluster\'s keys: the first administrator, who signs in through the proxy', async () => {
    const created = await cluster('beian', 'admin', 'create', '--login', 'smoke.admin', '--email', 'smoke.admin@example.gov.cn');
    const password = /^password: (\S+)$/m.exec(created.stdout)?.[1];
    expect(password, created.stdout).toBeDefined();
    const res = await fetch(`${proxy}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'smoke.admin', password }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ mustChangePassword: true });
    // Its exit code is the command's: a login that exists is refused (exit 2).
    const again = await cluster('beian', 'admin', 'create', '--login', 'smoke.admin', '--email', 'smoke.admin@example.gov.cn').then(() => null, (e: { code: number }) => e);
    expect(again?.code).toBe(2);
  });

  it('files an APP from draft to number through the proxy: host, provider, SMS code, bureau', async () => {
    const host = await Person.signIn(proxy, 'host@demo.beian.test');
    const submitters = await host.ok('GET', '/api/host/submitters?serviceType=app');
    const cloud = (submitters.items as { id: string; name: string }[]).find((s) => s.name === CLOUD)!.id;
    const materials = appMaterials(cloud, `cn.cluster.smoke${Date.now() % 100000}`);
    packageName = materials.platforms[0]!.packageName;
    const created = await host.ok('POST', '/api/host/applications', { serviceType: 'app', submitterOrgId: cloud, materials }, 201);
    expect(created.problems).toEqual([]);
    const id = created.id as string;
    await host.ok('POST', `/api/host/applications/${id}/identity-verification`);
    await host.ok('POST', `/api/host/applications/${id}/submit`, {});

    const provider = await Person.signIn(proxy, 'provider.demo');
    expect((await provider.ok('POST', `/api/provider/applications/${id}/approve`, {})).status).toBe('sms_pending');

    // The codes, from the development inbox (the outbox worker of either process delivers them).
    const admin = await Person.signIn(proxy, 'admin');
    const view = await host.ok('GET', `/api/host/applications/${id}`);
    const mobiles = [materials.subject.principal.mobile, materials.service.principal.mobile];
    let last = view;
    for (const check of (view.smsChecks as { id: string; mobile: string; status: string }[]).filter((c) => c.status === 'pending')) {
      const mobile = mobiles.find((m) => m.slice(-4) === check.mobile.slice(-4))!;
      let code: string | undefined;
      for (let i = 0; i < 100 && !code; i++) {
        const inbox = await admin.ok('GET', `/api/admin/dev-sms?mobile=${mobile}`);
        code = (inbox.items as { body: string }[])[0]?.body.match(/(\d{6})/)?.[1];
        if (!code) await sleep(100);
      }
      expect(code, `SMS code for ${mobile}`).toBeDefined();
      last = await host.ok('POST', `/api/host/applications/${id}/sms/verify`, { challengeId: check.id, code });
    }
    expect(last.status).toBe('bureau_review');

    const bureau = await Person.signIn(proxy, 'gd.reviewer');
    const approved = await bureau.ok('POST', `/api/bureau/applications/${id}/approve`);
    serviceNumber = approved.serviceNumber;
    expect(serviceNumber).toMatch(/^粤ICP备\d{10}号-\d+A$/);
  }, 120_000);

  it('answers the public query and the verification; the standby holds the filing as soon as the approval is acknowledged (synchronous)', async () => {
    const rows = await standby.query('select status from services where service_number = $1', [serviceNumber]);
    expect(rows.rows).toEqual([{ status: 'filed' }]);
    const record = await fetch(`${proxy}/api/public/v1/services/${encodeURIComponent(serviceNumber)}`, { headers: { authorization: `Bearer ${DEMO_API_KEY}` } });
    expect(record.status).toBe(200);
    expect(await record.json()).toMatchObject({ serviceNumber, status: 'filed' });
    expect(await verifyAt(proxy, packageName)).toBe('filed');
    // …and those reads ran on the standby (DATABASE_READ_URL): its own statistics count them.
    const standbyCommits = async () => Number((await standby.query(`select xact_commit from pg_stat_database where datname = 'beian'`)).rows[0].xact_commit);
    const before = await standbyCommits();
    for (let i = 0; i < 20; i++) expect((await fetch(`${proxy}/api/public/v1/services/${encodeURIComponent(serviceNumber)}`)).status).toBe(200);
    let after = before;
    for (let i = 0; i < 50 && after < before + 20; i++) { await sleep(100); after = await standbyCommits(); }
    expect(after - before).toBeGreaterThanOrEqual(20);
  });

  it('a revocation is seen by every app process within a second', async () => {
    // Every process holds the answer in its cache first.
    for (const port of appPorts) expect(await verifyAt(`http://127.0.0.1:${port}`, packageName)).toBe('filed');
    const bureau = await Person.signIn(proxy, 'gd.reviewer');
    await bureau.ok('POST', `/api/bureau/services/${encodeURIComponent(serviceNumber)}/revoke`, { reason: '集群冒烟测试：撤销', category: 'other' });
    const acknowledged = Date.now();
    const seenAfter = await Promise.all(appPorts.map(async (port) => {
      for (;;) {
        if (await verifyAt(`http://127.0.0.1:${port}`, packageName) === 'revoked') return Date.now() - acknowledged;
        if (Date.now() - acknowledged > 5000) return Infinity;
        await sleep(20);
      }
    }));
    for (const ms of seenAfter) expect(ms).toBeLessThan(1000);
    expect(await verifyAt(proxy, packageName)).toBe('revoked');
  });

  it('one app process killed (SIGKILL) under load: reads retried on the other, every acknowledged write there once', async () => {
    const host = await Person.signIn(proxy, 'host@demo.beian.test');
    const submitters = await host.ok('GET', '/api/host/submitters?serviceType=website');
    const cloud = (submitters.items as { id: string; name: string }[]).find((s) => s.name === CLOUD)!.id;
    const victim = Number(readFileSync(path.join(STATE, 'pids/app1.pid'), 'utf8'));
    const reads: number[] = [];
    const acked = new Map<string, string>(); // idempotency key → application id
    const failedWrites: string[] = [];
    let stop = false;
    let n = 0;
    let retried = 0;
    const reader = async () => {
      while (!stop) {
        const res = await fetch(`${proxy}${verifyUrl('a2dp.Vol')}`, { headers: { authorization: `Bearer ${DEMO_API_KEY}` } }).catch(() => null);
        reads.push(res?.status ?? 0);
        await res?.arrayBuffer();
      }
    };
    const writer = async (w: number) => {
      while (!stop) {
        const i = n++;
        const key = `smoke-${w}-${i}-${Date.now()}`;
        const materials = websiteMaterials(cloud);
        const body = { serviceType: 'website', submitterOrgId: cloud, materials: { ...materials, service: { ...materials.service, name: `冒烟网站${w}x${i}` } } };
        // A write that is not acknowledged is retried with its key (what a client does): it must
        // then be acknowledged with the same application, never a second one.
        for (let attempt = 0; attempt < 10; attempt++) {
          const r = await host.call('POST', '/api/host/applications', body, { 'idempotency-key': key }).catch(() => null);
          if (r?.status === 201) { acked.set(key, r.json.id); break; }
          retried += 1;
          if (attempt === 9) failedWrites.push(`${key}: ${r?.status}`);
          await sleep(200);
        }
      }
    };
    const load = [...Array.from({ length: 6 }, reader), ...[0, 1].map(writer)];
    await sleep(1500);
    process.kill(-victim, 'SIGKILL'); // the process group: node and whatever it started
    const killedAt = reads.length;
    await sleep(3000);
    stop = true;
    await Promise.all(load);

    // The proxy did retry on the other process: its backend counts retries and redispatches.
    const csv = (await (await fetch(`http://127.0.0.1:${ports.STATS_PORT}/;csv`)).text()).trim().split('\n');
    const columns = csv[0]!.replace(/^# /, '').split(',');
    const backend = csv.map((l) => l.split(',')).find((r) => r[0] === 'apps' && r[1] === 'BACKEND')!;
    const proxyRetries = Number(backend[columns.indexOf('wretr')]) + Number(backend[columns.indexOf('wredis')]);
    console.info(`smoke: ${reads.length} reads (${reads.length - killedAt} after the kill), ${acked.size} writes acknowledged, ${retried} write attempts retried by the client, ${proxyRetries} retries/redispatches by the proxy`);
    expect(proxyRetries).toBeGreaterThan(0);
    expect(reads.length - killedAt).toBeGreaterThan(20); // load went on after the kill
    expect(reads.filter((s) => s !== 200)).toEqual([]); // every read answered: retried on the live process
    expect(failedWrites).toEqual([]);
    expect(acked.size).toBeGreaterThan(4);
    // Every acknowledged write is in the database, once: one application per key.
    const ids = [...acked.values()];
    expect(new Set(ids).size).toBe(ids.length);
    const found = await primary.query('select count(*)::int as n from applications where id = any($1::uuid[])', [ids]);
    expect(found.rows[0].n).toBe(ids.length);
    const perKey = await primary.query(`select count(*)::int as n from idempotency_keys where key like 'smoke-%' and status_code = 201`);
    expect(perKey.rows[0].n).toBe(ids.length);
    const byName = await primary.query(`select service_name, count(*)::int as n from applications where service_name like '冒烟%' group by 1 having count(*) > 1`);
    expect(byName.rows).toEqual([]);

    // The proxy marked it down; `up` starts it again.
    const status = await cluster('status').catch((e: { stdout: string }) => e);
    expect(status.stdout).toMatch(/^app1\s+down/m);
    await cluster('up', '--apps', '2');
    expect((await cluster('status')).stdout).toMatch(/^app1\s+up/m);
  }, 240_000);

  it('keeps the number of app processes: a plain `up` after `up --apps 3` leaves app3 running', async () => {
    await cluster('up', '--apps', '3');
    await cluster('up'); // stopped app3 silently before (the count was not kept)
    const { stdout } = await cluster('status');
    expect(stdout).toMatch(/^app3\s+up/m);
    await cluster('up', '--apps', '2');
    expect((await cluster('status')).stdout).not.toMatch(/^app3/m);
  }, 240_000);

  // Defect: `up --async` on a synchronous cluster was silently ignored.
  it('switches an existing cluster to asynchronous replication and back when asked, and says so', async () => {
    const async = await cluster('up', '--async');
    expect(async.stderr).toContain('replication: synchronous → asynchronous');
    expect((await cluster('status')).stdout).toMatch(/standby1 streaming async/);
    expect((await cluster('up')).stderr).not.toContain('replication:'); // kept
    expect((await cluster('status')).stdout).toMatch(/standby1 streaming async/);
    expect((await cluster('up', '--sync')).stderr).toContain('replication: asynchronous → synchronous');
    let status = '';
    for (let i = 0; i < 20 && !/standby1 streaming sync/.test(status); i++) { status = (await cluster('status')).stdout; await sleep(100); }
    expect(status).toMatch(/standby1 streaming sync/);
  }, 120_000);

  it('says what it does: --help lists every command, --apps past 20 is refused with the real limit', async () => {
    const help = await cluster('--help');
    for (const c of ['up [--no-demo] [--apps N] [--async|--sync]', 'status', 'failover', 'rebuild-standby', 'repoint', 'beian <command> [args…]', 'down [--purge]']) expect(help.stdout).toContain(`usage: scripts/cluster.sh ${c}`);
    expect(help.stdout).not.toMatch(/^#/m);
    const refused = await cluster('up', '--apps', '21').catch((e: { stderr: string; code: number }) => e);
    expect(refused.stderr).toContain('--apps must be 1–20');
  });

  it('fails over as docs/deploy-replication.md says: fence, promote, repoint one at a time; then rebuilds the old primary as the standby with pg_rewind', async () => {
    const host = await Person.signIn(proxy, 'host@demo.beian.test');
    const submitters = await host.ok('GET', '/api/host/submitters?serviceType=website');
    const cloud = (submitters.items as { id: string; name: string }[]).find((x) => x.name === CLOUD)!.id;
    const draft = async (name: string) => {
      const materials = websiteMaterials(cloud);
      return (await host.ok('POST', '/api/host/applications', { serviceType: 'website', submitterOrgId: cloud, materials: { ...materials, service: { ...materials.service, name } } }, 201)).id as string;
    };
    const before = await draft('故障切换前网站');

    const failed = await cluster('failover');
    expect(failed.stdout.trim().split('\n').at(-1)).toBe(proxy);
    let { stdout } = await cluster('status').catch((e: { stdout: string }) => e);
    expect(stdout).toMatch(new RegExp(`^primary\\s+up\\s+127\\.0\\.0\\.1:${ports.PG_STANDBY_PORT} \\(standby\\)`, 'm'));
    expect(stdout).toMatch(/^standby\s+down\s+none since the failover/m);
    // Writes and reads go on through the proxy on the promoted server; the session (in the database) survived.
    const after = await draft('故障切换后网站');
    const promoted = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${ports.PG_STANDBY_PORT}/beian` });
    promoted.on('error', () => {});
    await promoted.connect();
    try {
      expect((await promoted.query('select pg_is_in_recovery() as r')).rows[0].r).toBe(false);
      expect((await promoted.query('select count(*)::int as n from applications where id = any($1::uuid[])', [[before, after]])).rows[0].n).toBe(2);
    } finally {
      await promoted.end().catch(() => {});
    }
    expect(await verifyAt(proxy, 'a2dp.Vol')).toBe('filed');
    const health = await (await fetch(`${proxy}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', primary: 'up', writes: 'ok' });
    // `up` keeps the new roles: it neither refuses nor starts the old primary beside the new one.
    const again = await cluster('up');
    expect(again.stderr).toContain('already up');

    const rebuilt = await cluster('rebuild-standby');
    expect(rebuilt.stderr).toContain('standby rebuilt with pg_rewind');
    ({ stdout } = await cluster('status'));
    expect(stdout).toMatch(new RegExp(`^standby\\s+up\\s+127\\.0\\.0\\.1:${ports.PG_PRIMARY_PORT} \\(primary\\) in recovery: true`, 'm'));
    expect(stdout).toMatch(/standby1 streaming sync/);
    const healthy = await (await fetch(`${proxy}/api/health`)).json();
    expect(healthy).toMatchObject({ status: 'ok', writes: 'ok', standbys: [{ name: `127.0.0.1:${ports.PG_PRIMARY_PORT}`, streaming: true, notAStandby: false }] });
    await draft('重建备库后网站');
    expect((await cluster('up')).stderr).toContain('already up');
  }, 300_000);

  // Defect: after the manual procedure's step 4 (pg_rewind, start the old primary as standby1, synchronous
  // again), the script's cluster.env still said "no standby": `up` set synchronous_standby_names = '' on
  // the primary (acknowledged writes no longer waited for the standby: the loss window of asynchronous
  // replication), status said the standby was down, and the apps never read from it.
  it('by hand as docs/deploy-replication.md shows (kill -9, pg_ctl promote, pg_rewind): `up` keeps replication synchronous and `rebuild-standby` records the standby', async () => {
    const env_ = Object.fromEntries(readFileSync(path.join(STATE, 'cluster.env'), 'utf8').trim().split('\n').map((l) => l.split('=') as [string, string]));
    const [oldNode, newNode] = [env_.PRIMARY_NODE!, env_.STANDBY_NODE!];
    const portOf = (node: string) => Number(node === 'primary' ? ports.PG_PRIMARY_PORT : ports.PG_STANDBY_PORT);
    const [oldDir, newDir, oldPort, newPort] = [path.join(ports.PGROOT!, oldNode), path.join(ports.PGROOT!, newNode), portOf(oldNode), portOf(newNode)];
    const bin = path.join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)).at(-1)!, 'bin');
    const asPg = (cmd: string, ...args: string[]) => (process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]) : run(path.join(bin, cmd), args));
    const psql = async (port: number, sql: string) => (await asPg('psql', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-X', '-At', '-d', 'postgres', '-c', sql)).stdout.trim();

    // The primary dies; 1.–2. promote the standby; the script records it (failover skips the promotion).
    const pid = Number(readFileSync(path.join(oldDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && (() => { try { process.kill(pid, 0); return true; } catch { return false; } })(); i++) await sleep(100);
    await asPg('pg_ctl', '-D', newDir, '-w', 'promote');
    await psql(newPort, "alter system set synchronous_standby_names = ''");
    await psql(newPort, 'select pg_reload_conf()');
    await cluster('failover');
    // 4. by hand: rewind the old primary, start it as standby1, synchronous again.
    await psql(newPort, 'checkpoint');
    await asPg('pg_rewind', `--target-pgdata=${oldDir}`, `--source-server=host=127.0.0.1 port=${newPort} user=postgres dbname=postgres`, '--write-recovery-conf');
    const conf = `port = ${oldPort}\ncluster_name = 'standby1'\n`;
    await run('bash', ['-c', `printf "${conf}" | ${process.getuid?.() === 0 ? 'runuser -u postgres -- ' : ''}tee -a ${oldDir}/postgresql.conf >/dev/null`]);
    await asPg('pg_ctl', '-D', oldDir, '-l', `${oldDir}.log`, '-w', 'start');
    await psql(newPort, "alter system set synchronous_standby_names = 'standby1'");
    await psql(newPort, 'select pg_reload_conf()');
    for (let i = 0; i < 100 && !(await psql(newPort, "select sync_state from pg_stat_replication where application_name = 'standby1'")); i++) await sleep(200);
    expect(await psql(newPort, "select sync_state from pg_stat_replication where application_name = 'standby1'")).toBe('sync');

    // `up` does not undo it: it stops and names the command that records the standby.
    const up = await cluster('up').then(() => null, (e: { stderr: string; code: number }) => e);
    expect(up?.stderr).toContain('rebuild-standby');
    expect(await psql(newPort, 'show synchronous_standby_names')).toBe('standby1');
    let { stdout } = await cluster('status').catch((e: { stdout: string }) => e);
    expect(stdout).toMatch(new RegExp(`^standby\\s+down\\s+.*rebuilt by hand.*rebuild-standby`, 'm'));

    // `rebuild-standby` records it as it is (no second rewind) and gives it to the apps' reads.
    const recorded = await cluster('rebuild-standby');
    expect(recorded.stderr).toContain('recorded');
    expect(recorded.stderr).not.toContain('pg_rewind');
    ({ stdout } = await cluster('status'));
    expect(stdout).toMatch(new RegExp(`^standby\\s+up\\s+127\\.0\\.0\\.1:${oldPort} \\(${oldNode}\\) in recovery: true`, 'm'));
    expect(stdout).toMatch(/standby1 streaming sync/);
    const healthy = await (await fetch(`${proxy}/api/health`)).json();
    expect(healthy).toMatchObject({ status: 'ok', writes: 'ok', standbys: [{ name: `127.0.0.1:${oldPort}`, streaming: true, notAStandby: false }] });
    expect((await cluster('up')).stderr).toContain('already up');
    expect(await psql(newPort, 'show synchronous_standby_names')).toBe('standby1');
  }, 300_000);
  // Defect: the manual procedure's step 3 was a comment ("restart each app with DATABASE_URL=…"), not a command.
  it('fails over by hand with the block of docs/deploy-replication.md pasted as it stands (after a kill -9 of the primary): `repoint` is step 3', async () => {
    const doc = readFileSync(path.join(ROOT, 'docs/deploy-replication.md'), 'utf8');
    const block = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('scripts/cluster.sh repoint'));
    expect(block).toBeDefined();
    expect(block).not.toMatch(/^#/m); // every step a command
    const { PRIMARY_NODE: oldNode, STANDBY_NODE: newNode } = clusterEnv();
    expect(newNode).toBeTruthy();
    const portOf = (node: string) => (node === 'primary' ? ports.PG_PRIMARY_PORT : ports.PG_STANDBY_PORT);
    const pid = Number(readFileSync(path.join(ports.PGROOT!, oldNode!, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && (() => { try { process.kill(pid, 0); return true; } catch { return false; } })(); i++) await sleep(100);

    const pasted = await run('bash', ['-e', '-c', block!], { env, cwd: ROOT, maxBuffer: 10 * 1024 * 1024, timeout: 280_000 });
    expect(pasted.stderr).toContain('was promoted: it is the primary now');
    expect(pasted.stderr).toContain('the rebuilt standby');
    expect(clusterEnv()).toMatchObject({ PRIMARY_NODE: newNode, STANDBY_NODE: oldNode });
    const { stdout } = await cluster('status');
    expect(stdout).toMatch(new RegExp(`^primary\\s+up\\s+127\\.0\\.0\\.1:${portOf(newNode!)} \\(${newNode}\\)`, 'm'));
    expect(stdout).toMatch(new RegExp(`^standby\\s+up\\s+127\\.0\\.0\\.1:${portOf(oldNode!)} \\(${oldNode}\\) in recovery: true`, 'm'));
    expect(stdout).toMatch(/standby1 streaming sync/);
    const health = await (await fetch(`${proxy}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', primary: 'up', writes: 'ok', standbys: [{ name: `127.0.0.1:${portOf(oldNode!)}`, streaming: true, notAStandby: false }] });
    const host = await Person.signIn(proxy, 'host@demo.beian.test');
    const cloud = ((await host.ok('GET', '/api/host/submitters?serviceType=website')).items as { id: string; name: string }[]).find((x) => x.name === CLOUD)!.id;
    const materials = websiteMaterials(cloud);
    await host.ok('POST', '/api/host/applications', { serviceType: 'website', submitterOrgId: cloud, materials: { ...materials, service: { ...materials.service, name: '手工切换后网站' } } }, 201);
    expect((await cluster('up')).stderr).toContain('already up');
  }, 300_000);

  it('`repoint` refuses two primaries: a promoted standby while the old primary still runs (step 1 not done)', async () => {
    const { PRIMARY_NODE: oldNode, STANDBY_NODE: newNode } = clusterEnv();
    const bin = path.join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)).at(-1)!, 'bin');
    const asPg = (cmd: string, ...args: string[]) => (process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]) : run(path.join(bin, cmd), args));
    await asPg('pg_ctl', '-D', path.join(ports.PGROOT!, newNode!), '-w', 'promote');
    const refused = await cluster('repoint').then(() => null, (e: { stderr: string; code: number }) => e);
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain(`two primaries`);
    expect(refused?.stderr).toContain(`pg_ctl -D ${path.join(ports.PGROOT!, oldNode!)} -m fast stop`);
    expect(clusterEnv()).toMatchObject({ PRIMARY_NODE: oldNode, STANDBY_NODE: newNode }); // nothing recorded
  }, 120_000);
});
