// Backup and restore of the whole database (issue 15 §3), for both backends:
// - PostgreSQL: pg_dump's custom format, restored by pg_restore into an empty database. The keys
//   are configuration (BEIAN_DATA_KEYS, BEIAN_HASH_KEY, BEIAN_LOG_KEY) and are backed up with it,
//   not in the dump. Production also archives WAL for point-in-time recovery (docs/operations.md).
// - PGlite: the data folder as PGlite's own tarball (`dumpDataDir`, taken under the folder's
//   lock, so no server may be running), preceded by a header carrying the folder's generated
//   keys — without them sealed personal data and the log's digests could not be read back. The
//   file is therefore written 0600 and is as secret as the data folder itself.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import type { Config } from '../config.ts';
import { embeddedSecrets, lockDataDir } from './data-dir.ts';

const run = promisify(execFile);
const PGLITE_MAGIC = 'BEIAN-PGLITE-BACKUP v1\n';
const PGDUMP_MAGIC = 'PGDMP';

export class BackupError extends Error {}

export interface BackupResult { file: string; bytes: number; backend: 'pglite' | 'postgresql' }

export async function backup(cfg: Config, file: string): Promise<BackupResult> {
  const target = path.resolve(file);
  if (existsSync(target)) throw new BackupError(`${file} exists; choose a new file name`);
  if (cfg.database.kind === 'postgresql') {
    // Created 0600 first (pg_dump keeps an existing file's mode): the dump holds every record, its
    // personal data sealed, and is kept as closely as the embedded backup.
    writeFileSync(target, '', { mode: 0o600, flag: 'wx' });
    await run('pg_dump', ['--format=custom', '--no-owner', '--file', target, cfg.database.url], { maxBuffer: 16 * 1024 * 1024 })
      .catch((e: { stderr?: string }) => { rmSync(target, { force: true }); throw new BackupError(`pg_dump failed: ${(e.stderr ?? String(e)).trim().split('\n')[0]}`); });
    return { file: target, bytes: readFileSync(target).length, backend: 'postgresql' };
  }
  const dir = cfg.database.dataDir;
  if (!existsSync(path.join(dir, 'pgdata'))) throw new BackupError(`no embedded database in ${dir}`);
  const release = lockDataDir(dir);
  try {
    const keys = readFileSync(path.join(dir, 'keys.json'), 'utf8');
    const lite = new PGlite({ dataDir: path.join(dir, 'pgdata'), extensions: { pg_trgm } });
    await lite.waitReady;
    let tar: Buffer;
    try { tar = Buffer.from(await (await lite.dumpDataDir('gzip')).arrayBuffer()); } finally { await lite.close(); }
    const header = Buffer.from(`${PGLITE_MAGIC}${JSON.stringify({ keys: JSON.parse(keys) })}\n`, 'utf8');
    writeFileSync(target, Buffer.concat([header, tar]), { mode: 0o600, flag: 'wx' });
    return { file: target, bytes: header.length + tar.length, backend: 'pglite' };
  } finally { release(); }
}

export async function restore(cfg: Config, file: string): Promise<BackupResult> {
  const source = path.resolve(file);
  if (!existsSync(source)) throw new BackupError(`${file} does not exist`);
  const bytes = readFileSync(source);
  if (cfg.database.kind === 'postgresql') {
    if (bytes.subarray(0, PGDUMP_MAGIC.length).toString('latin1') !== PGDUMP_MAGIC) throw new BackupError(`${file} is not a PostgreSQL backup (pg_dump custom format)`);
    await requireEmpty(cfg.database.url);
    await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', '--dbname', cfg.database.url, source], { maxBuffer: 16 * 1024 * 1024 })
      .catch((e: { stderr?: string }) => { throw new BackupError(`pg_restore failed: ${(e.stderr ?? String(e)).trim().split('\n')[0]}`); });
    return { file: source, bytes: bytes.length, backend: 'postgresql' };
  }
  if (bytes.subarray(0, PGLITE_MAGIC.length).toString('utf8') !== PGLITE_MAGIC) throw new BackupError(`${file} is not an embedded-database backup of beian`);
  // Everything is checked before anything is written: the header's keys, the tarball whole
  // (a truncated copy fails here, not half-way through the restore).
  const end = bytes.indexOf(0x0a, PGLITE_MAGIC.length);
  const keys = end > 0 ? headerKeys(bytes.subarray(PGLITE_MAGIC.length, end)) : null;
  if (!keys) throw new BackupError(`${file} is damaged: its header (the data folder's keys) cannot be read`);
  const tar = bytes.subarray(end + 1);
  try { gunzipSync(tar); } catch { throw new BackupError(`${file} is truncated or damaged: its database archive does not unpack`); }
  const dir = cfg.database.dataDir;
  mkdirSync(dir, { recursive: true });
  const release = lockDataDir(dir);
  const keysFile = path.join(dir, 'keys.json');
  const staging = path.join(dir, 'pgdata.restoring');
  let wroteKeys = false;
  try {
    if (existsSync(path.join(dir, 'pgdata'))) throw new BackupError(`${dir} already holds a database; restore into an empty data folder`);
    if (existsSync(keysFile) && JSON.stringify(JSON.parse(readFileSync(keysFile, 'utf8'))) !== JSON.stringify(keys)) {
      throw new BackupError(`${keysFile} holds other keys than the backup; restore into an empty data folder`);
    }
    // The database is unpacked beside and renamed into place: an interrupted restore leaves no
    // half-written pgdata (and no key file it wrote), so it can simply be run again.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(keysFile)) { writeFileSync(keysFile, `${JSON.stringify(keys, null, 2)}`, { mode: 0o600, flag: 'wx' }); wroteKeys = true; }
    embeddedSecrets(dir); // the keys read back as the server will read them
    const lite = new PGlite({ dataDir: staging, loadDataDir: new Blob([tar]), extensions: { pg_trgm } });
    try { await lite.waitReady; } finally { await lite.close().catch(() => {}); }
    renameSync(staging, path.join(dir, 'pgdata'));
    return { file: source, bytes: bytes.length, backend: 'pglite' };
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (wroteKeys) rmSync(keysFile, { force: true });
    if (e instanceof BackupError) throw e;
    throw new BackupError(`restore failed, nothing kept in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  } finally { release(); }
}

/** The header's keys when they have the key file's shape (base64 data keys with ids, a hash key), else null. */
function headerKeys(raw: Buffer): KeyFile | null {
  let h: unknown;
  try { h = JSON.parse(raw.toString('utf8')); } catch { return null; }
  const k = (h as { keys?: unknown } | null)?.keys as KeyFile | undefined;
  const b64 = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32;
  if (!k || typeof k !== 'object' || !Array.isArray(k.dataKeys) || k.dataKeys.length === 0 || !b64(k.hashKey)) return null;
  if (!k.dataKeys.every((d) => d && typeof d.id === 'string' && d.id !== '' && b64(d.key))) return null;
  return k;
}

interface KeyFile { dataKeys: { id: string; key: string }[]; hashKey: string }

async function requireEmpty(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: number }>(`select count(*)::int as n from pg_tables where schemaname = 'public'`);
    if (rows[0]!.n > 0) throw new BackupError('the database named by DATABASE_URL is not empty; restore into a new, empty database');
  } finally { await c.end(); }
}
