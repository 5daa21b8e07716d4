// UUID version 7 (RFC 9562 §5.7): a 48-bit Unix-millisecond timestamp, then a 12-bit counter
// (monotonic within one millisecond, method 3 of §6.2) and 62 random bits. Bulk writers give
// their rows these ids so that the B-trees keyed by them — primary keys and the foreign-key
// indexes that follow them (services by subject, history by entity, the read model by
// platform) — grow at their right edge instead of touching a random page per row
// (docs/decisions/0028-import-throughput.md). Still 74 random bits: not guessable.
import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const pool = Buffer.alloc(8 * 1024);
let pos = pool.length;
let lastMs = -1;
let counter = 0;

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
  return `${HEX[(hi >>> 16) & 0xff]}${HEX[(hi >>> 8) & 0xff]}${HEX[hi & 0xff]}${HEX[(lo >>> 16) & 0xff]}-${HEX[(lo >>> 8) & 0xff]}${HEX[lo & 0xff]}-`
    + `${HEX[0x70 | (counter >>> 8)]}${HEX[counter & 0xff]}-${HEX[0x80 | (r[p]! & 0x3f)]}${HEX[r[p + 1]!]}-`
    + `${HEX[r[p + 2]!]}${HEX[r[p + 3]!]}${HEX[r[p + 4]!]}${HEX[r[p + 5]!]}${HEX[r[p + 6]!]}${HEX[r[p + 7]!]}`;
}
