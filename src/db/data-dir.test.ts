// The embedded database's data folder: one process at a time (lock file), keys generated
// once with owner-only permissions, the folder created on first open.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { DataDirLockedError, embeddedSecrets, lockDataDir } from './data-dir.ts';
import { openStorage } from './open.ts';

const root = mkdtempSync(path.join(tmpdir(), 'beian-data-dir-'));
let n = 0;
const freshDir = () => path.join(root, `d${++n}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The pid of a process that has exited (and been reaped), so it names no live process. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

function lockError(dir: string): DataDirLockedError {
  try {
    lockDataDir(dir)();
  } catch (e) {
    return e as DataDirLockedError;
  }
  throw new Error(`${dir} was locked a second time`);
}

describe('lockDataDir', () => {
  it('creates the folder and writes this process id into beian.lock; release removes it', () => {
    const dir = freshDir();
    const release = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'beian.lock'), 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(path.join(dir, 'beian.lock'))).toBe(false);
    release(); // twice is harmless
    lockDataDir(dir)(); // and the folder can be locked again
  });

  it('refuses a second lock while the first is held, naming the holder', () => {
    const dir = freshDir();
    const release = lockDataDir(dir);
    try {
      const err = lockError(dir);
      expect(err).toBeInstanceOf(DataDirLockedError);
      expect(err.code).toBe('data_dir_locked');
      expect(err.message).toContain(`process ${process.pid}`);
      expect(err.message).toContain(path.join(dir, 'beian.lock'));
      // The refused attempt left the holder's lock alone.
      expect(readFileSync(path.join(dir, 'beian.lock'), 'utf8')).toBe(String(process.pid));
    } finally { release(); }
  });

  it('refuses a lock held by another live process', async () => {
    const dir = freshDir();
    const other: ChildProcess = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await new Promise((resolve) => other.once('spawn', resolve));
      lockDataDir(dir)();
      writeFileSync(path.join(dir, 'beian.lock'), String(other.pid));
      const err = lockError(dir);
      expect(err).toBeInstanceOf(DataDirLockedError);
      expect(err.message).toContain(`process ${other.pid}`);
    } finally { other.kill(); }
  });

  it('takes over a stale lock left by a process that has died', async () => {
    const dir = freshDir();
    const pid = await deadPid();
    lockDataDir(dir)();
    writeFileSync(path.join(dir, 'beian.lock'), String(pid));
    const release = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'beian.lock'), 'utf8')).toBe(String(process.pid));
    release();
  });

  it('takes over a lock with no readable pid (a crash between create and write)', () => {
    const dir = freshDir();
    lockDataDir(dir)();
    writeFileSync(path.join(dir, 'beian.lock'), '');
    lockDataDir(dir)();
  });

  it('takes over a lock carrying its own pid that it does not hold (a restarted container is pid 1 again)', () => {
    const dir = freshDir();
    lockDataDir(dir)();
    writeFileSync(path.join(dir, 'beian.lock'), String(process.pid));
    const release = lockDataDir(dir);
    expect(lockError(dir)).toBeInstanceOf(DataDirLockedError);
    release();
  });

  it('does not leave an exit listener behind per released lock', () => {
    const before = process.listenerCount('exit');
    for (let i = 0; i < 20; i++) lockDataDir(freshDir())();
    expect(process.listenerCount('exit')).toBe(before);
  });
});

describe('embeddedSecrets', () => {
  it('generates a 32-byte data key and hash key once, readable by the owner only, and returns the same keys after', () => {
    const dir = freshDir();
    lockDataDir(dir)(); // creates the folder
    const first = embeddedSecrets(dir);
    const file = path.join(dir, 'keys.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.dataKeys).toHaveLength(1);
    expect(first.dataKeys[0]!.id).toBe('k1');
    expect(first.dataKeys[0]!.key).toHaveLength(32);
    expect(first.hashKey).toHaveLength(32);
    expect(first.hashKey.equals(first.dataKeys[0]!.key)).toBe(false);
    const raw = readFileSync(file, 'utf8');
    const again = embeddedSecrets(dir);
    expect(again).toEqual(first);
    expect(readFileSync(file, 'utf8')).toBe(raw);
  });

  it('generates different keys for different folders', () => {
    const a = freshDir(); const b = freshDir();
    lockDataDir(a)(); lockDataDir(b)();
    expect(embeddedSecrets(a).hashKey.equals(embeddedSecrets(b).hashKey)).toBe(false);
  });
});

describe('openStorage (embedded)', () => {
  it('creates a missing data folder with its database, keys and lock; a second open is refused until close', async () => {
    const dir = path.join(freshDir(), 'nested', 'data');
    expect(existsSync(dir)).toBe(false);
    const cfg = loadConfig({ BEIAN_DATA_DIR: dir });
    const storage = await openStorage(cfg);
    let sealed: string;
    try {
      expect(storage.db.kind).toBe('pglite');
      expect(existsSync(path.join(dir, 'pgdata'))).toBe(true);
      expect(existsSync(path.join(dir, 'keys.json'))).toBe(true);
      expect(readFileSync(path.join(dir, 'beian.lock'), 'utf8')).toBe(String(process.pid));
      expect(await storage.db.query('select 1 as one')).toEqual([{ one: 1 }]);
      await storage.db.query('create table kept (v text)');
      sealed = storage.sealer.seal('13800138000');
      await storage.db.query('insert into kept values ($1)', [sealed]);
      await expect(openStorage(cfg)).rejects.toBeInstanceOf(DataDirLockedError);
    } finally {
      await storage.close();
    }
    expect(existsSync(path.join(dir, 'beian.lock'))).toBe(false);

    const reopened = await openStorage(cfg);
    try {
      const [row] = await reopened.db.query<{ v: string }>('select v from kept');
      expect(row!.v).toBe(sealed);
      expect(reopened.sealer.open(row!.v)).toBe('13800138000');
    } finally { await reopened.close(); }
  }, 180_000); // two file-backed PGlite starts (initdb on the first) on a loaded 2-core machine
});
