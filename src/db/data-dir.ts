// The embedded database's data folder: created if missing, guarded by a lock file so two
// processes never open the same PGlite files (PGlite has no inter-process locking), and
// holding the generated data keys on first start.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Secrets } from './personal-data.ts';

export class DataDirLockedError extends Error {
  readonly code = 'data_dir_locked';
}

/** Lock files this process holds: its own pid in a lock it does not hold is a previous life's. */
const held = new Set<string>();

function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Takes the data folder's lock; returns its release function. A stale lock (dead pid) is taken over. */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = path.resolve(dir, 'beian.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      held.add(file);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        held.delete(file);
        process.off('exit', release);
        try { unlinkSync(file); } catch { /* already gone */ }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8').trim());
      // A container restarted after a crash often gets the same pid (1) as the process that left the lock.
      const ours = pid === process.pid && !held.has(file);
      if (Number.isInteger(pid) && pid > 0 && !ours && pidAlive(pid)) {
        throw new DataDirLockedError(`data folder ${dir} is in use by process ${pid} (lock file ${file})`);
      }
      unlinkSync(file);
    }
  }
  throw new DataDirLockedError(`could not lock data folder ${dir}`);
}

/** Reads the embedded database's keys, generating them (mode 0600) on first start. */
export function embeddedSecrets(dir: string): Secrets {
  const file = path.join(dir, 'keys.json');
  if (!existsSync(file)) {
    const fresh = { dataKeys: [{ id: 'k1', key: randomBytes(32).toString('base64') }], hashKey: randomBytes(32).toString('base64') };
    writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' });
  }
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { dataKeys: { id: string; key: string }[]; hashKey: string };
  return {
    dataKeys: raw.dataKeys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })),
    hashKey: Buffer.from(raw.hashKey, 'base64'),
  };
}

interface KeyFile { dataKeys: { id: string; key: string }[]; hashKey: string }
const readKeyFile = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
const writeKeyFile = (file: string, keys: KeyFile) => {
  // Written beside and renamed over: a crash never leaves a half-written key file.
  writeFileSync(`${file}.new`, JSON.stringify(keys, null, 2), { mode: 0o600 });
  renameSync(`${file}.new`, file);
};

/** Puts a fresh data key first in the embedded key file (`k<n+1>`); returns its id. */
export function addEmbeddedDataKey(dir: string): string {
  const file = path.join(dir, 'keys.json');
  embeddedSecrets(dir); // creates the file on a first start
  const keys = readKeyFile(file);
  const n = Math.max(0, ...keys.dataKeys.map((k) => Number(/^k(\d+)$/.exec(k.id)?.[1] ?? 0))) + 1;
  const id = `k${n}`;
  writeKeyFile(file, { ...keys, dataKeys: [{ id, key: randomBytes(32).toString('base64') }, ...keys.dataKeys] });
  return id;
}

/** Removes a data key from the embedded key file (the caller checks that it seals nothing). */
export function dropEmbeddedDataKey(dir: string, id: string): void {
  const file = path.join(dir, 'keys.json');
  const keys = readKeyFile(file);
  writeKeyFile(file, { ...keys, dataKeys: keys.dataKeys.filter((k) => k.id !== id) });
}
