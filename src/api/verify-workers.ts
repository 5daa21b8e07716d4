// Worker threads that answer part of a large verification batch (issue 16 item 6b; ADR 0022
// addendum "a large batch on two threads"): the identity index lives in SharedArrayBuffers
// (IdentityIndex option `shared`), so a worker reads the same memory through a view
// (IdentityIndex.view) — nothing of the index is copied — and writes the JSON of its share of
// the items (src/api/verify/batch-worker.ts) while the request's thread writes the rest. A Piscina
// pool, started at the first batch large enough to split (a process that never sees one never
// starts a thread). Its module: the bundled dist/verify-worker.mjs under a build (scripts/build.ts),
// else bin/verify-worker.js, which loads the TypeScript through tsx as the import's workers do.
import { Piscina } from 'piscina';
import type { BatchAnswer, BatchTask } from './verify/batch-worker.ts';

/** Set by the bundle's banner (scripts/build.ts): the URL of the bundle's own file; absent when the sources run. */
declare const __beianBundleUrl: string | undefined;

const entry = () => (typeof __beianBundleUrl === 'string'
  ? new URL('verify-worker.mjs', __beianBundleUrl).href
  : new URL('../../bin/verify-worker.js', import.meta.url).href);

export interface BatchWorkers {
  readonly count: number;
  /** Items [from, to) answered on a worker thread; a worker that fails answers { ok: false }. */
  answer(task: BatchTask): Promise<BatchAnswer>;
  close(): Promise<void>;
}

export function startBatchWorkers(count: number): BatchWorkers {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('verify workers: a whole number of at least 1');
  let pool: Piscina<BatchTask, BatchAnswer> | undefined;
  return {
    count,
    answer: (task) => {
      pool ??= new Piscina<BatchTask, BatchAnswer>({ filename: entry(), minThreads: count, maxThreads: count, idleTimeout: 60_000 });
      return pool.run(task).catch((): BatchAnswer => ({ ok: false }));
    },
    close: async () => { await pool?.destroy(); pool = undefined; },
  };
}
