// A throw-away PostgreSQL 15 primary + streaming hot standby for tests (issue 16 items 1, 2, 4):
// initdb, pg_basebackup -R, pg_ctl — the engine's own replication, nothing home-made. Each node
// lives in a temp folder on a free loopback port and runs as the OS user `postgres` (PostgreSQL
// refuses root). `synchronous: true` sets synchronous_standby_names so a commit is acknowledged
// only once the standby has flushed it. Helpers stop, kill -9 (the postmaster and every child, as
// a dead machine), promote, and pause/resume replay.
//
// scripts/cluster.sh (the cluster topology for people) builds the same pair in shell; this one
// is for tests and needs nothing but the Debian PostgreSQL 15 binaries.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { freePort } from './server-process.ts';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { openPostgres } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { createSealer } from '../src/db/personal-data.ts';
import { seedDemo } from '../src/db/seed/demo.ts';
import { runsOn, testSecrets } from './db.ts';

const run = promisify(execFile);
/** Debian's server binaries: PostgreSQL 15 (what these machines run) when present, else the newest installed. */
export const PG_BIN = ((): string => {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a)) : [];
  const major = majors.includes('15') ? '15' : majors[0] ?? '15';
  return path.join(root, major, 'bin');
})();

/** True when this machine can run the harness (the PostgreSQL 15 binaries and runuser). */
export const pgClusterAvailable = (): boolean => existsSync(path.join(PG_BIN, 'initdb')) && existsSync(path.join(PG_BIN, 'pg_basebackup'))
  && (process.getuid?.() !== 0 || ((existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser')) && /^postgres:/m.test(readFileSync('/etc/passwd', 'utf8'))));


/**
 * Whether the tests that start a primary + standby of their own run in this pass. Never a silent
 * skip: on the embedded database it says where they run (the PostgreSQL pass); on PostgreSQL without
 * the server programs it fails the file, naming the command that installs them.
 */
export function clusterTestsRun(what: string): boolean {
  if (!runsOn('postgresql', what)) return false;
  if (!pgClusterAvailable()) throw new Error(`${what}: needs PostgreSQL's server programs in ${PG_BIN} and runuser — bash scripts/system-deps.sh --test installs them`);
  return true;
}

/** Runs a PostgreSQL binary as the `postgres` user (when we are root). */
async function pgBin(bin: string, args: string[], timeout = 120_000): Promise<string> {
  const exe = path.join(PG_BIN, bin);
  const [cmd, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', exe, ...args]] : [exe, args];
  try {
    return (await run(cmd, argv, { timeout, maxBuffer: 8 << 20 })).stdout;
  } catch (e) {
    const err = e as Error & { stderr?: string; stdout?: string };
    throw new Error(`${bin} ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

export class PgNode {
  constructor(readonly name: string, readonly dataDir: string, readonly port: number, private readonly root: string) {}

  /** postgres://postgres@127.0.0.1:PORT/DB (trust authentication on loopback). */
  url(database = 'postgres'): string { return `postgres://postgres@127.0.0.1:${this.port}/${database}`; }

  get logFile(): string { return path.join(this.root, `${this.name}.log`); }

  async start(): Promise<void> {
    await pgBin('pg_ctl', ['-D', this.dataDir, '-l', this.logFile, '-w', '-t', '60', 'start']);
  }

  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!existsSync(path.join(this.dataDir, 'postmaster.pid'))) return;
    await pgBin('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']).catch(() => {});
  }

  /** The postmaster's pid, or null when it is not running. */
  pid(): number | null {
    const f = path.join(this.dataDir, 'postmaster.pid');
    if (!existsSync(f)) return null;
    const pid = Number(readFileSync(f, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  }

  /** kill -9 of the postmaster and all its children at once: the machine died, nothing was flushed by a shutdown. */
  kill(): void {
    const pid = this.pid();
    if (!pid) return;
    const children = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try { return Number(readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]) === pid; } catch { return false; }
    }).map(Number);
    for (const p of [pid, ...children]) { try { process.kill(p, 'SIGKILL'); } catch { /* already gone */ } }
  }

  /** pg_ctl promote: the standby leaves recovery and accepts writes. */
  async promote(): Promise<void> {
    await pgBin('pg_ctl', ['-D', this.dataDir, '-w', '-t', '60', 'promote']);
  }

  /** One statement on this node's `postgres` (or the named) database. */
  async query<T extends object = Record<string, unknown>>(text: string, params: unknown[] = [], database = 'postgres'): Promise<T[]> {
    const c = new pg.Client({ connectionString: this.url(database) });
    await c.connect();
    try { return (await c.query(text, params)).rows as T[]; } finally { await c.end().catch(() => {}); }
  }

  async pauseReplay(): Promise<void> { await this.query('select pg_wal_replay_pause()'); }
  async resumeReplay(): Promise<void> { await this.query('select pg_wal_replay_resume()'); }
}

export interface PgCluster {
  root: string;
  primary: PgNode;
  standby: PgNode;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Stops both nodes (immediate) and removes their folders. */
  close(): Promise<void>;
}

export interface PgClusterOptions {
  /** synchronous_standby_names = 'standby' (commits wait for the standby's flush). Default false. */
  synchronous?: boolean;
}

const commonConf = (port: number, root: string) => [
  `port = ${port}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${root}'`,
  'wal_level = replica', 'max_wal_senders = 5', 'max_replication_slots = 5', 'hot_standby = on',
  'max_connections = 60', 'shared_buffers = 32MB', `wal_keep_size = '256MB'`,
  // The tests load a few MB: checkpoints and fsync of a shared CI machine are not what they measure.
  `checkpoint_timeout = '15min'`,
];

/** initdb a primary, pg_basebackup -R a standby from it, start both and wait until the standby streams. */
export async function startPgCluster(options: PgClusterOptions = {}): Promise<PgCluster> {
  const root = mkdtempSync(path.join(tmpdir(), 'beian-pgcluster-'));
  if (process.getuid?.() === 0) chownSync(root, uidOf('postgres'), gidOf('postgres'));
  const [pPort, sPort] = [await freePort(), await freePort()];
  const primary = new PgNode('primary', path.join(root, 'primary'), pPort, root);
  const standby = new PgNode('standby', path.join(root, 'standby'), sPort, root);
  const cluster: PgCluster = {
    root, primary, standby,
    async caughtUp(timeoutMs = 30_000) {
      const [{ lsn }] = await primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn') as [{ lsn: string }];
      const until = Date.now() + timeoutMs;
      for (;;) {
        const [r] = await standby.query<{ ok: boolean }>('select coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) as ok', [lsn]);
        if (r!.ok) return;
        if (Date.now() > until) throw new Error(`the standby did not replay ${lsn} within ${timeoutMs} ms`);
        await new Promise((done) => setTimeout(done, 20));
      }
    },
    async close() {
      await Promise.all([primary.stop('immediate'), standby.stop('immediate')]);
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await pgBin('initdb', ['-D', primary.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    appendFileSync(primary.dataDir + '/postgresql.conf', [...commonConf(pPort, root),
      options.synchronous ? `synchronous_standby_names = 'standby'` : '', ''].join('\n'));
    await primary.start();
    await pgBin('pg_basebackup', ['-h', '127.0.0.1', '-p', String(pPort), '-U', 'postgres', '-D', standby.dataDir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync']);
    // The standby's own port; cluster_name is the walreceiver's application_name (synchronous_standby_names).
    appendFileSync(standby.dataDir + '/postgresql.conf', [...commonConf(sPort, root), `cluster_name = 'standby'`, ''].join('\n'));
    // The base backup copied the primary's synchronous_standby_names: a standby promoted later would wait forever for a standby of its own.
    writeFileSync(standby.dataDir + '/postgresql.auto.conf', readFileSync(standby.dataDir + '/postgresql.auto.conf', 'utf8') + `synchronous_standby_names = ''\n`);
    await standby.start();
    await waitStreaming(primary, options.synchronous ? 'sync' : null);
    return cluster;
  } catch (e) {
    await cluster.close().catch(() => {});
    throw e;
  }
}

async function waitStreaming(primary: PgNode, syncState: string | null): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    const rows = await primary.query<{ state: string; sync_state: string }>(`select state, sync_state from pg_stat_replication where application_name = 'standby'`);
    if (rows.some((r) => r.state === 'streaming' && (!syncState || r.sync_state === syncState))) return;
    if (Date.now() > until) throw new Error(`the standby is not streaming: ${JSON.stringify(rows)}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

function passwdField(user: string, field: 2 | 3): number {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no OS user ${user}: install postgresql-15`);
  return Number(line.split(':')[field]);
}
const uidOf = (user: string) => passwdField(user, 2);
const gidOf = (user: string) => passwdField(user, 3);

/**
 * A database `name` on the primary, migrated and seeded with the demo data (sealed with the test
 * keys of tests/db.ts), replayed on the standby; its URL on each node.
 */
export async function seededDatabase(cluster: PgCluster, name = 'beian'): Promise<{ primaryUrl: string; standbyUrl: string }> {
  await cluster.primary.query(`create database ${name}`);
  const db = await openPostgres(cluster.primary.url(name), { max: 4 });
  try {
    await migrate(db);
    await seedDemo(db, createSealer(testSecrets));
  } finally {
    await db.close();
  }
  await cluster.caughtUp();
  return { primaryUrl: cluster.primary.url(name), standbyUrl: cluster.standby.url(name) };
}
