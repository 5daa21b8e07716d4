// Where a batch item's strings lie in a body read in place (ScannedBatch.spans, batch-scan.ts):
// SPAN int32 a item, [at, end) byte offsets of each field. A module of its own so the batch's
// worker threads (batch-worker.ts) load these and nothing of the request's schemas.

/** Span fields per item in ScannedBatch.spans. */
export const SPAN = 8;
export const P_AT = 0;
export const P_END = 1;
export const PKG_AT = 2;
export const PKG_END = 3;
export const FP_AT = 4;
export const FP_END = 5;
/** ref's span; REF_AT is -1 when the item has no ref. */
export const REF_AT = 6;
export const REF_END = 7;
