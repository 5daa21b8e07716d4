// The task of `beian import`'s worker threads (src/db/import-workers.ts): a chunk of lines prepared
// (src/db/import-prepare.ts) with a sealer of the thread's own over the import's secrets.
import { workerData } from 'piscina';
import { type PreparedLine, prepareLines, type SourceLine } from './import-prepare.ts';
import type { WorkerSecrets } from './import-workers.ts';
import { createSealer } from './personal-data.ts';

const data = workerData as WorkerSecrets;
const sealer = createSealer({
  dataKeys: data.dataKeys.map((k) => ({ id: k.id, key: Buffer.from(k.key) })),
  hashKey: Buffer.from(data.hashKey),
});

export default function prepare(lines: SourceLine[]): PreparedLine[] {
  return prepareLines(sealer, lines);
}
