// The verification batch's body read in place (issue 16 item 6, ADR 0022 addendum): a body of
// the shape nearly every caller sends — {"items":[{"platform":…,"packageName":…,"fingerprint":…,
// "ref"?:…},…]} with plain ASCII strings — is located as byte spans instead of being parsed into
// 10,000 objects and 30,000 strings, whose garbage cost a batch more than its lookups (a scavenge
// and a mark-compact per batch, measured with --trace-gc). Anything else — an escape, a byte
// outside printable ASCII, another key, a number, a duplicate key, a limit passed — is left to
// JSON.parse and the schema (scanVerifyBody answers null), so a body scanned here is one
// JSON.parse + verifyBody accept with exactly these items (property-tested in batch-scan.test.ts).
import { sameBytes } from '../../db/identity-index.ts';
import { MAX_BATCH_ITEMS } from './schemas.ts';
import type { RawItem } from './verifier.ts';

import { FP_AT, P_AT, PKG_AT, REF_AT, REF_END, SPAN } from './spans.ts';

export { FP_AT, FP_END, P_AT, P_END, PKG_AT, PKG_END, REF_AT, REF_END, SPAN } from './spans.ts';

/** A batch body located in place: item i's strings are buf[spans[i*SPAN+…]] (printable ASCII, no `"` or `\`). */
export class ScannedBatch {
  constructor(readonly buf: Buffer, readonly count: number, readonly spans: Int32Array) {}

  /** Item i's field as a string (for the paths that need strings). */
  text(i: number, field: number): string {
    const at = this.spans[i * SPAN + field]!;
    return this.buf.toString('latin1', at, this.spans[i * SPAN + field + 1]!);
  }

  /** Item i as JSON.parse would have given it. */
  item(i: number): RawItem {
    const item: RawItem = { platform: this.text(i, P_AT), packageName: this.text(i, PKG_AT), fingerprint: this.text(i, FP_AT) };
    if (this.spans[i * SPAN + REF_AT]! >= 0) item.ref = this.text(i, REF_AT);
    return item;
  }

  /** Every item as JSON.parse would have given it. */
  items(): RawItem[] {
    return Array.from({ length: this.count }, (_, i) => this.item(i));
  }
}

const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;

// The keys an item may have, and their limits (verifyItemSchema's, in characters: ASCII here, so bytes).
const KEYS = [
  { name: Buffer.from('platform'), field: P_AT, max: 32 },
  { name: Buffer.from('packageName'), field: PKG_AT, max: 300 },
  { name: Buffer.from('fingerprint'), field: FP_AT, max: 300 },
  { name: Buffer.from('ref'), field: REF_AT, max: 128 },
];
const ITEMS_KEY = Buffer.from('items');

/** The key whose name is b[at, end), or -1. */
function keyAt(b: Buffer, at: number, end: number): number {
  for (let k = 0; k < KEYS.length; k++) if (sameBytes(KEYS[k]!.name, b, at, end)) return k;
  return -1;
}

/**
 * The body's items as spans, or null when the body is not of the plain shape (then JSON.parse and
 * the schema judge it, errors included).
 */
export function scanVerifyBody(b: Buffer): ScannedBatch | null {
  const n = b.length;
  let p = 0;
  const ws = () => { while (p < n && WS[b[p]!]) p++; };
  /** A plain string at p (opening quote): its end (the closing quote's index), or -1. */
  const str = (): number => {
    if (b[p] !== 0x22) return -1;
    for (let i = p + 1; i < n; i++) {
      const c = b[i]!;
      if (c === 0x22) return i;
      if (c < 0x20 || c > 0x7e || c === 0x5c) return -1;
    }
    return -1;
  };
  ws();
  if (b[p++] !== 0x7b) return null; // {
  ws();
  let e = str();
  if (e < 0 || !sameBytes(ITEMS_KEY, b, p + 1, e)) return null;
  p = e + 1;
  ws();
  if (b[p++] !== 0x3a) return null; // :
  ws();
  if (b[p++] !== 0x5b) return null; // [
  // ~60 bytes at least per item: a first guess at the room needed, grown if ever short. Room for 3
  // items at least: 96 bytes, above V8's 64 for typed arrays kept on its heap, so a one-item body's
  // spans are stored as a batch's are (off the heap) — with both kinds, the lookups the single checks
  // share with the batches ran ~25 % slower for batches after a single-check load (measured).
  let spans = new Int32Array(SPAN * Math.min(MAX_BATCH_ITEMS, Math.max(3, Math.ceil(n / 60))));
  let count = 0;
  ws();
  if (b[p] === 0x5d) return null; // an empty list: the schema's error (min 1)
  for (;;) {
    if (count === MAX_BATCH_ITEMS) return null; // too many: the schema's error
    if (SPAN * (count + 1) > spans.length) { const grown = new Int32Array(Math.min(SPAN * MAX_BATCH_ITEMS, spans.length * 2)); grown.set(spans); spans = grown; }
    const o = count * SPAN;
    ws();
    if (b[p++] !== 0x7b) return null; // {
    let seen = 0;
    ws();
    for (;;) {
      e = str();
      if (e < 0) return null;
      const k = keyAt(b, p + 1, e);
      if (k < 0 || seen & (1 << k)) return null; // another key, or one given twice
      seen |= 1 << k;
      p = e + 1;
      ws();
      if (b[p++] !== 0x3a) return null;
      ws();
      e = str();
      if (e < 0 || e - p - 1 > KEYS[k]!.max) return null;
      spans[o + KEYS[k]!.field] = p + 1;
      spans[o + KEYS[k]!.field + 1] = e;
      p = e + 1;
      ws();
      const c = b[p++];
      if (c === 0x7d) break; // }
      if (c !== 0x2c) return null;
      ws();
    }
    if ((seen & 0b111) !== 0b111) return null; // platform, packageName and fingerprint are required
    if (!(seen & 0b1000)) { spans[o + REF_AT] = -1; spans[o + REF_END] = -1; }
    count += 1;
    ws();
    const c = b[p++];
    if (c === 0x5d) break; // ]
    if (c !== 0x2c) return null;
  }
  ws();
  if (b[p++] !== 0x7d) return null;
  ws();
  return p === n ? new ScannedBatch(b, count, spans) : null;
}
