// Worker threads that prepare a bulk import's lines (src/db/import-prepare.ts): parse, check, seal
// and hash — the per-line work that held an import to one core (ADR 0032, addendum "lines
// prepared on worker threads"). A Piscina pool: each chunk of lines is one task; the importer
// awaits the tasks in the order it sent them, so it sees its lines in file order. Each worker
// seals with its own sealer built from the same secrets (the keys reach the thread once, in its
// workerData).
import { Piscina } from 'piscina';
import type { PreparedLine, SourceLine } from './import-prepare.ts';
import type { Secrets } from './personal-data.ts';

/**
 * The workers' module: a plain one that registers tsx's loader in the thread and re-exports
 * src/db/import-worker.ts (the `beian` command runs its sources through tsx, bin/beian.js, whose
 * loader a worker thread does not inherit; a bundled build, ADR 0031, finds the same file in the
 * checkout it was built from).
 */
const ENTRY = new URL('../../bin/import-worker.js', import.meta.url).href;

/** What the workers' module receives as workerData: the secrets, as bytes. */
export interface WorkerSecrets { dataKeys: { id: string; key: Uint8Array }[]; hashKey: Uint8Array }

export interface PrepareWorkers {
  readonly count: number;
  /** The lines prepared (in the order given); a failure names the worker's reason. */
  prepare(lines: SourceLine[]): Promise<PreparedLine[]>;
  close(): Promise<void>;
}

export function startPrepareWorkers(count: number, secrets: Secrets): PrepareWorkers {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('workers: a whole number of at least 1');
  const workerData: WorkerSecrets = {
    dataKeys: secrets.dataKeys.map((k) => ({ id: k.id, key: new Uint8Array(k.key) })), hashKey: new Uint8Array(secrets.hashKey),
  };
  const pool = new Piscina<SourceLine[], PreparedLine[]>({ filename: ENTRY, minThreads: count, maxThreads: count, idleTimeout: 60_000, workerData });
  return {
    count,
    prepare: (lines) => pool.run(lines).catch((e: unknown) => {
      throw new Error(`import worker: ${e instanceof Error ? e.message : String(e)}`);
    }),
    close: () => pool.destroy(),
  };
}
