// Backup and restore of the whole database (issue 15 §3), for both backends:
// - PostgreSQL: pg_dump's custom format, restored by pg_restore into an empty database. The keys
//   are configuration (BEIAN_DATA_KEYS, BEIAN_HASH_KEY, BEIAN_LOG_KEY) and are backed up with it,
//   not in the dump. Production also archives WAL for point-in-time recovery (docs/operations.md).
// - PGlite: the data folder as PGlite's own tarball (`dumpDataDir`, taken under the folder's
//   lock, so no server may be running), preceded by a header carrying the folder's generated
//   keys — without them sealed personal data and the log's digests could not be read back. The
//   file is therefore written 0600 and is as secret as the data folder itself.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
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
    await run('pg_dump', ['--format=custom', '--no-owner', '--file', target, cfg.database.url], { maxBuffer: 16 * 1024 * 1024 })
      .catch((e: { stderr?: string }) => { throw new BackupError(`pg_dump failed: ${(e.stderr ?? String(e)).trim().split('\n')[0]}`); });
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
  const end = bytes.indexOf(0x0a, PGLITE_MAGIC.length);
  const header = JSON.parse(bytes.subarray(PGLITE_MAGIC.length, end).toString('utf8')) as { keys: unknown };
  const dir = cfg.database.dataDir;
  mkdirSync(dir, { recursive: true });
  const release = lockDataDir(dir);
  try {
    if (existsSync(path.join(dir, 'pgdata'))) throw new BackupError(`${dir} already holds a database; restore into an empty data folder`);
    const keysFile = path.join(dir, 'keys.json');
    const keys = `${JSON.stringify(header.keys, null, 2)}`;
    if (existsSync(keysFile) && JSON.stringify(JSON.parse(readFileSync(keysFile, 'utf8'))) !== JSON.stringify(header.keys)) {
      throw new BackupError(`${keysFile} holds other keys than the backup; restore into an empty data folder`);
    }
    if (!existsSync(keysFile)) writeFileSync(keysFile, keys, { mode: 0o600, flag: 'wx' });
    embeddedSecrets(dir); // the keys read back as the server will read them
    const lite = new PGlite({ dataDir: path.join(dir, 'pgdata'), loadDataDir: new Blob([bytes.subarray(end + 1)]), extensions: { pg_trgm } });
    await lite.waitReady;
    await lite.close();
    return { file: source, bytes: bytes.length, backend: 'pglite' };
  } finally { release(); }
}

async function requireEmpty(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: number }>(`select count(*)::int as n from pg_tables where schemaname = 'public'`);
    if (rows[0]!.n > 0) throw new BackupError('the database named by DATABASE_URL is not empty; restore into a new, empty database');
  } finally { await c.end(); }
}
