// The module of `beian import`'s worker threads (src/db/import-workers.ts, a Piscina pool): tsx's loader for
// this thread — module hooks registered on the main thread do not reach a worker — then the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
const { default: prepare } = await import('../src/db/import-worker.ts');
export default prepare;
