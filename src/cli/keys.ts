// `beian keys status | rotate | drop <id>` (issue 15 §3, ADR 0019): data-key rotation.
//   status   one line per key id: `<id> <values it seals> <current|old|not configured>`, then
//            whether any value still needs re-sealing.
//   rotate   embedded database: puts a new key first in <data dir>/keys.json (unless a previous
//            rotation is unfinished, which it resumes), then re-seals every value under it.
//            PostgreSQL: the operator puts the new key first in BEIAN_DATA_KEYS (restarting the
//            servers with it) and rotate re-seals; the servers keep serving meanwhile.
//            [--batch-size N] rows per transaction; [--max-batches N] stops early (resumable).
//   drop     embedded key file only; refused (exit 2) while the key still seals any value.
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { type Config, config } from '../config.ts';
import { addEmbeddedDataKey, dropEmbeddedDataKey, embeddedSecrets } from '../db/data-dir.ts';
import { rotateDataKeys, sealedCounts } from '../db/key-rotation.ts';
import { migrate } from '../db/migrate.ts';
import { openStorage } from '../db/open.ts';
import { createSealer, type Secrets } from '../db/personal-data.ts';
import type { Io } from './main.ts';
import { operandProblem, subcommandProblem, usageProblem } from './usage.ts';

export class KeysUsageError extends Error {}

export const KEYS_USAGE = 'usage: beian keys status | beian keys rotate [--batch-size N] [--max-batches N] | beian keys drop <key id>';

const secretsOf = (cfg: Config): Secrets => cfg.secrets ?? (cfg.database.kind === 'pglite' ? embeddedSecrets(cfg.database.dataDir) : (() => { throw new KeysUsageError('no data keys configured'); })());

const positive = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^[1-9]\d{0,6}$/.test(v)) throw new KeysUsageError(`--${name} must be a positive whole number`);
  return Number(v);
};

export async function keysCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'batch-size': { type: 'string' }, 'max-batches': { type: 'string' } } });
  const [sub, ...rest] = positionals;
  const cfg = config();
  const embedded = cfg.database.kind === 'pglite' && !cfg.secrets;
  if (sub === 'status' && rest.length === 0) return status(cfg, io);
  if (sub === 'rotate' && rest.length === 0) {
    return rotate(cfg, embedded, io, positive('batch-size', values['batch-size']), positive('max-batches', values['max-batches']));
  }
  if (sub === 'drop' && rest.length === 1) return drop(cfg, embedded, rest[0]!, io);
  throw new KeysUsageError(usageProblem(subcommandProblem(sub, ['status', 'rotate', 'drop']) ?? operandProblem(`keys ${sub}`, rest, sub === 'drop' ? ['<key id>'] : []), KEYS_USAGE));
}

async function countsNow(cfg: Config) {
  const storage = await openStorage(cfg);
  try {
    await migrate(storage.db);
    return await sealedCounts(storage.db);
  } finally { await storage.close(); }
}

async function status(cfg: Config, io: Io): Promise<number> {
  const counts = await countsNow(cfg);
  const keys = secretsOf(cfg).dataKeys.map((k) => k.id);
  const ids = [...keys, ...Object.keys(counts).filter((id) => !keys.includes(id)).sort()];
  for (const id of ids) {
    const role = id === keys[0] ? 'current' : keys.includes(id) ? 'old' : 'not configured';
    io.stdout.write(`${id} ${counts[id] ?? 0} ${role}\n`);
  }
  // Values under a key that is not configured cannot be opened (nor re-sealed): say which, exit 1.
  const missing = ids.filter((id) => !keys.includes(id) && (counts[id] ?? 0) > 0);
  if (missing.length) {
    io.stdout.write(`${missing.map((id) => `${counts[id]} values are sealed under ${id}, which is not configured`).join('; ')}: `
      + `they cannot be opened; add ${missing.length > 1 ? 'those keys' : 'that key'} to ${cfg.secrets ? 'BEIAN_DATA_KEYS (after the first)' : 'the data folder\'s keys.json'}, then run beian keys rotate\n`);
    return 1;
  }
  const remaining = ids.filter((id) => id !== keys[0]).reduce((s, id) => s + (counts[id] ?? 0), 0);
  io.stdout.write(remaining === 0
    ? `every value is sealed under ${keys[0]}${keys.length > 1 ? `; ${keys.slice(1).join(', ')} ${keys.length > 2 ? 'seal' : 'seals'} nothing and can be removed${cfg.secrets ? ' from BEIAN_DATA_KEYS' : ' (beian keys drop <id>)'}` : ''}\n`
    : `${remaining} values still sealed under older keys: run beian keys rotate\n`);
  return 0;
}

async function rotate(cfg: Config, embedded: boolean, io: Io, batchSize?: number, maxBatches?: number): Promise<number> {
  let secrets = secretsOf(cfg);
  const before = await countsNow(cfg);
  const pending = (current: string) => Object.entries(before).filter(([id]) => id !== current).reduce((s, [, n]) => s + n, 0);
  if (pending(secrets.dataKeys[0]!.id) === 0) {
    if (!embedded) {
      io.stdout.write(`every value is already sealed under ${secrets.dataKeys[0]!.id}; to rotate, put a new key first in BEIAN_DATA_KEYS and run again\n`);
      return 0;
    }
    const id = addEmbeddedDataKey((cfg.database as { dataDir: string }).dataDir);
    io.stdout.write(`added data key ${id}\n`);
    secrets = secretsOf(cfg);
  }
  const current = secrets.dataKeys[0]!.id;
  const unknown = Object.keys(before).filter((id) => !secrets.dataKeys.some((k) => k.id === id));
  if (unknown.length) throw new KeysUsageError(`values are sealed under key ${unknown.join(', ')}, which is not configured: add it (after the first) and run again`);
  const total = pending(current);
  const storage = await openStorage(cfg);
  const bar = new cliProgress.SingleBar({ stream: io.stderr, format: 're-sealing [{bar}] {value}/{total} values', noTTYOutput: true, notTTYSchedule: 2000 }, cliProgress.Presets.legacy);
  try {
    bar.start(total, 0);
    const sealer = createSealer(secrets);
    const remaining = async () => Object.entries(await sealedCounts(storage.db)).filter(([id]) => id !== current).reduce((s, [, n]) => s + n, 0);
    let result = await rotateDataKeys(storage.db, sealer, current, { batchSize, maxBatches, onBatch: (n) => bar.increment(n) });
    let left = await remaining();
    // Rows a server changed under a batch were skipped (never overwritten): a further pass takes them.
    for (let pass = 0; result.complete && left > 0 && pass < 3; pass++) {
      const more = await rotateDataKeys(storage.db, sealer, current, { batchSize, onBatch: (n) => bar.increment(n) });
      result = { resealed: result.resealed + more.resealed, complete: more.complete };
      left = await remaining();
    }
    bar.stop();
    io.stdout.write(left === 0
      ? `re-sealed ${result.resealed} values; every value is sealed under ${current}\n`
      : `stopped after ${result.resealed} values; ${left} remain under older keys: run beian keys rotate again to resume\n`);
  } finally { bar.stop(); await storage.close(); }
  return 0;
}

async function drop(cfg: Config, embedded: boolean, id: string, io: Io): Promise<number> {
  if (!embedded) throw new KeysUsageError(`keys come from BEIAN_DATA_KEYS: remove ${id} there once beian keys status shows it seals nothing`);
  const keys = secretsOf(cfg).dataKeys.map((k) => k.id);
  if (!keys.includes(id)) throw new KeysUsageError(`no data key ${id} (keys: ${keys.join(', ')})`);
  if (id === keys[0]) throw new KeysUsageError(`refused: ${id} is the current key`);
  const n = (await countsNow(cfg))[id] ?? 0;
  if (n > 0) throw new KeysUsageError(`refused: ${id} still seals ${n} values; run beian keys rotate first`);
  dropEmbeddedDataKey((cfg.database as { dataDir: string }).dataDir, id);
  io.stdout.write(`dropped data key ${id}\n`);
  return 0;
}
