// The module of the verification batch's worker threads (src/api/verify-workers.ts) when the
// sources run through tsx (`npm start`, tests): tsx's loader for this thread — module hooks
// registered on the main thread do not reach a worker — then the TypeScript worker. A bundled
// build (scripts/build.ts) has its own dist/verify-worker.mjs and does not load this.
import { register } from 'tsx/esm/api';

register();
const { default: answerItems } = await import('../src/api/verify/batch-worker.ts');
export default answerItems;
