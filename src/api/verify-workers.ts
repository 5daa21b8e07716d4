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
    // Never rejects: a pool that cannot start or a worker that fails answers { ok: false } (the request's thread writes the part).
    answer: (task) => {
      try {
        pool ??= new Piscina<BatchTask, BatchAnswer>({
          filename: entry(), minThreads: count, maxThreads: count, idleTimeout: 60_000,
          resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
        });
        return pool.run(task).catch((): BatchAnswer => ({ ok: false }));
      } catch {
        return Promise.resolve({ ok: false });
      }
    },
    close: async () => { await pool?.destroy(); pool = undefined; },
  };
}

/** The shared memory a split batch hands its workers: the body, its spans, and one answer area per part. */
export interface SplitMemory { body: Buffer; spans: Int32Array; outs: Buffer[] }

const sharedBytes = (n: number) => Buffer.from(new SharedArrayBuffer(n));
const roomy = (n: number) => Math.ceil(n * 1.25);

/**
 * SplitMemory reused batch after batch (grown when a batch needs more), so neither thread allocates
 * megabytes per batch: a worker whose heap barely grows is rarely collected, and buffers it let go of
 * would pile up outside its heap meanwhile (measured: ~60 MiB more resident memory). A set comes back
 * only when every worker is done with it.
 */
export class SplitMemoryPool {
  private readonly free: SplitMemory[] = [];
  constructor(private readonly keep = 2) {}

  take(bodyBytes: number, spanInts: number, outBytes: readonly number[]): SplitMemory {
    const m = this.free.pop() ?? { body: sharedBytes(0), spans: new Int32Array(new SharedArrayBuffer(0)), outs: [] };
    if (m.body.length < bodyBytes) m.body = sharedBytes(roomy(bodyBytes));
    if (m.spans.length < spanInts) m.spans = new Int32Array(new SharedArrayBuffer(4 * roomy(spanInts)));
    outBytes.forEach((n, k) => { if ((m.outs[k]?.length ?? 0) < n) m.outs[k] = sharedBytes(roomy(n)); });
    return m;
  }

  giveBack(m: SplitMemory): void { if (this.free.length < this.keep) this.free.push(m); }
}

