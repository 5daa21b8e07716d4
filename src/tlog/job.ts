// The log's timed work (registered with the other timers in src/cli/serve.ts): every few
// seconds append what was committed, and sign a tree head when the tree grew — at most every
// HEAD_INTERVAL_MS, so a grown tree has a signed head within a minute (issue 15). Safe to run
// in every process: sequencers and signers queue on the log_state row.
import type { Db } from '../db/connection.ts';
import type { LogKeys } from './keys.ts';
import { sequenceAll, signTreeHead, type TreeHead } from './store.ts';

export const SEQUENCE_EVERY_MS = 5_000;
export const HEAD_INTERVAL_MS = 30_000;

export interface LogTick { appended: number; treeSize: number; head: TreeHead | null }

export async function logTick(db: Db, keys: LogKeys, now: Date, headIntervalMs = HEAD_INTERVAL_MS): Promise<LogTick> {
  const { appended, treeSize } = await sequenceAll(db, keys);
  const head = await signTreeHead(db, keys.signer, now, headIntervalMs);
  return { appended, treeSize, head };
}
