// A worker thread's part of a large verification batch (verify-workers.ts; ADR 0022 addendum "a
// large batch on two threads"): items [from, to) of a body read in place, looked up in a view of
// the process's shared identity index (IdentityIndex.view) and written as their results' JSON,
// joined by commas — the bytes the request's thread would have written for them
// (scanned-answer.ts, used by both). The request's thread uses the answer only if the index did
// not change meanwhile (its version); a change mid-read may tear what this thread reads, so any
// failure here just answers `ok: false` and the request's thread writes these items itself.
import { IdentityIndex, IdentityRead, type IndexLayout } from '../../db/identity-index.ts';
import { JsonBytes } from './json-bytes.ts';
import { HIT, MISS, writeScannedItem } from './scanned-answer.ts';

export interface BatchTask {
  layout: IndexLayout;
  /** The request body's bytes (buf[0, bodyLength)) and its spans (ScannedBatch.spans), in shared memory. */
  buf: Uint8Array;
  spans: Int32Array;
  from: number;
  to: number;
  /** Where the answer goes: shared memory the request's thread reads back (nothing is copied through the message). */
  out: Uint8Array;
  /** Render each hit's service id (the caller records watches). */
  serviceIds: boolean;
}

/** The answer: `length` bytes in `out`, or — when they did not fit there — the bytes themselves (`json`). */
export type BatchAnswer = { ok: true; length: number; json?: Uint8Array; serviceIds: string[] } | { ok: false };

export default function answerItems(t: BatchTask): BatchAnswer {
  try {
    const index = IdentityIndex.view(t.layout);
    const buf = Buffer.from(t.buf.buffer, t.buf.byteOffset, t.buf.byteLength);
    const out = Buffer.from(t.out.buffer, t.out.byteOffset, t.out.byteLength);
    // Nothing allocated per batch but small objects: a thread whose heap barely grows is rarely collected, and
    // buffers it let go of would pile up outside its heap until then.
    const w = JsonBytes.over(out);
    const read = new IdentityRead();
    const serviceIds: string[] = [];
    for (let i = t.from; i < t.to; i++) {
      if (i > t.from) w.ascii(',');
      const found = writeScannedItem(w, buf, t.spans, i, read, t.serviceIds, index);
      if (found !== HIT && found !== MISS) return { ok: false }; // another shape: the request's thread answers it as it does
      if (found === HIT && t.serviceIds) serviceIds.push(read.serviceId);
    }
    return w.buf === out ? { ok: true, length: w.pos, serviceIds } : { ok: true, length: w.pos, json: w.bytes(), serviceIds };
  } catch {
    return { ok: false };
  }
}
