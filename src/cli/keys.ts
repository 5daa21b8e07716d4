// `beian keys status` and `beian keys rotate` (issue 15 §3; docs/operations.md "Data keys").
// rotate: when every value is already under the current key, the embedded database gets a new
// generated key first in keys.json (a server needs BEIAN_DATA_KEYS changed by its operator);
// then every value still under an older key is re-sealed, in batches, with progress on stderr.
// Interrupted, it is simply run again: it continues with what is left.
import { config } from '../config.ts';
import { addEmbeddedDataKey, embeddedSecrets } from '../db/data-dir.ts';
import { keyStatus, resealAll } from '../db/key-rotation.ts';
import { migrate } from '../db/migrate.ts';
import { openStorage } from '../db/open.ts';
import type { Io } from './main.ts';
import { UsageError } from './main.ts';

function configuredKeys(): string[] {
  const cfg = config();
  if (cfg.secrets) return cfg.secrets.dataKeys.map((k) => k.id);
  if (cfg.database.kind === 'pglite') return embeddedSecrets(cfg.database.dataDir).dataKeys.map((k) => k.id);
  return [];
}

async function withStorage<T>(fn: (s: Awaited<ReturnType<typeof openStorage>>) => Promise<T>): Promise<T> {
  const s = await openStorage(config());
  try { await migrate(s.db); return await fn(s); } finally { await s.close(); }
}

export async function keysCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (rest.length || (sub !== 'status' && sub !== 'rotate')) throw new UsageError('usage: beian keys status | beian keys rotate');
  return sub === 'status' ? status(io) : rotate(io);
}

async function status(io: Io): Promise<number> {
  const rows = await withStorage((s) => keyStatus(s.db));
  const keys = configuredKeys();
  for (const r of rows) io.stdout.write(`${r.column}\t${r.key}\t${r.values}\n`);
  const totals = new Map<string, number>(keys.map((k) => [k, 0]));
  for (const r of rows) totals.set(r.key, (totals.get(r.key) ?? 0) + r.values);
  for (const [k, n] of totals) {
    const role = k === keys[0] ? 'current: seals new values' : !keys.includes(k) ? 'NOT CONFIGURED: these values cannot be opened' : n === 0 ? 'seals nothing: may be removed' : 'still needed: run `beian keys rotate`';
    io.stdout.write(`key ${k}: ${n} values (${role})\n`);
  }
  return [...totals].some(([k, n]) => n > 0 && !keys.includes(k)) ? 1 : 0;
}

async function rotate(io: Io): Promise<number> {
  const cfg = config();
  let current = configuredKeys()[0]!;
  const pending = async () => (await withStorage((s) => keyStatus(s.db))).filter((r) => r.key !== current).reduce((a, r) => a + r.values, 0);
  if (await pending() === 0) {
    if (cfg.database.kind !== 'pglite' || cfg.secrets) {
      io.stdout.write(`every value is sealed under ${current}; to rotate, put a new key first in BEIAN_DATA_KEYS (keep the old ones after it), restart the servers, and run this again\n`);
      return 0;
    }
    current = addEmbeddedDataKey(cfg.database.dataDir);
    io.stdout.write(`added data key ${current} (first in ${cfg.database.dataDir}/keys.json)\n`);
  }
  const moved = await withStorage((s) => resealAll(s.db, s.sealer, current, (p) => {
    const width = 30;
    const filled = p.total ? Math.round((p.done / p.total) * width) : width;
    io.stderr.write(`keys rotate: [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.column} ${p.done}/${p.total}\n`);
  }));
  const left = await pending();
  io.stdout.write(`re-sealed ${moved} values under ${current}${left ? `; ${left} values are still under older keys (rows were busy): run again` : '; older keys now seal nothing (see `beian keys status`)'}\n`);
  return left ? 1 : 0;
}
