// UUID version 7 (RFC 9562 §5.7): a 48-bit Unix-millisecond timestamp, then a 12-bit counter
// (monotonic within one millisecond, method 3 of §6.2) and 62 random bits. Bulk writers give
// their rows these ids so that the B-trees keyed by them — primary keys and the foreign-key
// indexes that follow them (services by subject, history by entity, the read model by
// platform) — grow at their right edge instead of touching a random page per row
// (docs/decisions/0028-import-throughput.md). Still 74 random bits: not guessable.
import { randomFillSync } from 'node:crypto';

// The 36 characters are written into one buffer and read back as one flat one-byte string: a
// template of 20 pieces made a rope of ~20 string nodes per id, which a bulk import kept alive
// until its rows were joined (GC time), and cost 3–4× the time (ADR 0032, addendum of 2026-12-06).
const HEX = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, '0');
  HEX[2 * i] = h.charCodeAt(0);
  HEX[2 * i + 1] = h.charCodeAt(1);
}
const out = Buffer.alloc(36, 0x2d); // the dashes stay where they are
const pool = Buffer.alloc(8 * 1024);
let pos = pool.length;
let lastMs = -1;
let counter = 0;

/** Writes byte b as two hex digits at out[at]. */
const put = (at: number, b: number) => { out[at] = HEX[2 * b]!; out[at + 1] = HEX[2 * b + 1]!; };

export function uuidv7(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (++counter > 0xfff) { // more than 4096 ids in one millisecond (or the clock went back): borrow the next
    lastMs += 1;
    counter = 0;
  }
  if (pos + 8 > pool.length) { randomFillSync(pool); pos = 0; }
  const ms = lastMs;
  const hi = Math.floor(ms / 0x1000000); // top 24 bits of the 48
  const lo = ms % 0x1000000;
  const r = pool;
  const p = pos;
  pos += 8;
  put(0, (hi >>> 16) & 0xff); put(2, (hi >>> 8) & 0xff); put(4, hi & 0xff); put(6, (lo >>> 16) & 0xff);
  put(9, (lo >>> 8) & 0xff); put(11, lo & 0xff);
  put(14, 0x70 | (counter >>> 8)); put(16, counter & 0xff);
  put(19, 0x80 | (r[p]! & 0x3f)); put(21, r[p + 1]!);
  put(24, r[p + 2]!); put(26, r[p + 3]!); put(28, r[p + 4]!); put(30, r[p + 5]!); put(32, r[p + 6]!); put(34, r[p + 7]!);
  return out.toString('latin1', 0, 36);
}
