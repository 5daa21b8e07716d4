// JSON written as UTF-8 bytes into one growing Buffer: the 10,000-item verification batch (issue 16
// item 6) is built here instead of as 10,000 result objects, their strings and a JSON.stringify of
// them (ADR 0022 addendum: that was most of the batch's time and garbage). The output is byte for
// byte what JSON.stringify then UTF-8 encoding would give (json-bytes.test.ts checks it against
// JSON.stringify over random strings): `"` `\` and C0 controls escaped the short way where JSON has
// one, else \u00xx; lone surrogates as \udxxx; everything else as its UTF-8 bytes.

import { E_LATIN1, E_UTF16 } from '../../db/identity-index.ts';

const HEX = '0123456789abcdef';
const SHORT: Record<number, number> = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72 }; // \b \t \n \f \r

/** JSON text known in advance (keys, punctuation), as bytes for JsonBytes.frag. */
export const fragment = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

/** n in `width` decimal digits (zero-padded) at b[p…]; returns the position after them. */
function digits(b: Buffer, p: number, n: number, width: number): number {
  for (let k = width - 1; k >= 0; k--) { b[p + k] = 0x30 + (n % 10); n = (n / 10) | 0; }
  return p + width;
}

/** The JSON escape of one code unit below 0x20, `"` or `\`, or a lone surrogate, at b[p…]; returns the position after it. */
function escapeAt(b: Buffer, p: number, c: number): number {
  b[p++] = 0x5c;
  if (c === 0x22 || c === 0x5c) { b[p++] = c; return p; }
  const short = SHORT[c];
  if (short !== undefined) { b[p++] = short; return p; }
  b[p++] = 0x75;
  for (let shift = 12; shift >= 0; shift -= 4) b[p++] = HEX.charCodeAt((c >> shift) & 0xf);
  return p;
}

/**
 * Large answer buffers kept for the next answer instead of one new allocation per batch: under the
 * memory-lean heap settings (ADR 0031) V8 counts such external memory toward its next collection,
 * and a fresh 3 MB answer per batch started a full mark-compact about every batch (measured with
 * --trace-gc). A buffer is issued by take and comes back only by giveBack, which the batch route
 * calls when the response has finished — after Node handed its last byte to the kernel — so no
 * answer is ever overwritten while it is being sent; an answer whose connection broke is not given
 * back (a cancelled write may still hold it) and is simply collected.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  /** Issued buffers by their memory: a view of one (what JsonBytes.bytes returns) finds it; one never given back is collected. */
  private readonly issued = new WeakMap<ArrayBufferLike, Buffer>();

  constructor(readonly keep = 2, readonly largest = 16 * 1024 * 1024) {}

  /** A buffer of at least n bytes (contents undefined). */
  take(n: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) if (this.free[i]!.length >= n && (best < 0 || this.free[i]!.length < this.free[best]!.length)) best = i;
    const b = best >= 0 ? this.free.splice(best, 1)[0]! : Buffer.allocUnsafeSlow(n);
    this.issued.set(b.buffer, b);
    return b;
  }

  /** Takes back the buffer `view` lies in (ignored when it is not one of this pool's). */
  giveBack(view: Uint8Array): void {
    const b = this.issued.get(view.buffer);
    if (!b || this.free.includes(b)) return;
    this.issued.delete(view.buffer);
    if (this.free.length < this.keep && b.length <= this.largest) this.free.push(b);
  }
}

export class JsonBytes {
  buf: Buffer;
  pos = 0;

  /** `pool`: the buffer is taken from it (and a larger one replacing it is issued by it too). */
  constructor(capacity = 4096, private readonly pool?: BufferPool) { this.buf = pool ? pool.take(capacity) : Buffer.allocUnsafe(capacity); }

  /** A writer into `buf` from its start (a worker thread's shared answer buffer); it moves to memory of its own if `buf` fills. */
  static over(buf: Buffer): JsonBytes {
    const w = new JsonBytes(0);
    w.buf = buf;
    return w;
  }

  /** Room for n more bytes. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const size = Math.max(this.buf.length * 2, this.pos + n);
    const grown = this.pool ? this.pool.take(size) : Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.pool?.giveBack(this.buf); // copied: nothing else holds it
    this.buf = grown;
  }

  /** Characters known to be ASCII and to need no escaping (keys, punctuation, enum values). */
  ascii(s: string): this {
    this.room(s.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
    return this;
  }

  /** Bytes known to be JSON text as they are (fragments made once by `fragment`). */
  frag(f: Uint8Array): this {
    const n = f.length;
    this.room(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = f[i]!;
    this.pos = p;
    return this;
  }

  /** JSON bytes written elsewhere (a worker thread's share of a batch), copied in one go. */
  json(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** JSON text made elsewhere (e.g. JSON.stringify's), as UTF-8. */
  text(s: string): this {
    this.room(3 * s.length);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }

  /** src[at, end) between quotes: bytes known to be a JSON string's content as they are (printable ASCII without `"` or `\`). */
  quoted(src: Uint8Array, at: number, end: number): this {
    this.room(end - at + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x22;
    for (let i = at; i < end; i++) b[p++] = src[i]!;
    b[p++] = 0x22;
    this.pos = p;
    return this;
  }

  /** A JS string as a JSON string. */
  string(s: string): this {
    this.room(s.length + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x22;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) return this.text(JSON.stringify(s)); // rare: JSON.stringify's escaping
      b[p++] = c;
    }
    b[p++] = 0x22;
    this.pos = p;
    return this;
  }

  /**
   * A string stored as bytes (src/db/identity-index.ts: Latin-1, UTF-8 or UTF-16LE) as a JSON
   * string, without decoding it to a JS string. `units`: at most this many UTF-16 code units (a
   * prefix, as String.prototype.slice(0, units) would cut it), or -1 for all.
   */
  stored(src: Buffer, start: number, end: number, enc: number, units = -1): this {
    this.room(6 * (end - start) + 2); // at worst every byte a control character (\u00xx): nothing below grows the buffer
    let left = units < 0 ? 0x7fffffff : units;
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x22;
    if (enc === E_UTF16) {
      for (let i = start; i < end && left > 0; i += 2) {
        const u = src[i]! | (src[i + 1]! << 8);
        left -= 1;
        if (u >= 0x80 && u < 0x800) { b[p++] = 0xc0 | (u >> 6); b[p++] = 0x80 | (u & 0x3f); continue; }
        if (u >= 0x800 && (u < 0xd800 || u > 0xdfff)) { b[p++] = 0xe0 | (u >> 12); b[p++] = 0x80 | ((u >> 6) & 0x3f); b[p++] = 0x80 | (u & 0x3f); continue; }
        if (u < 0x80 && u >= 0x20 && u !== 0x22 && u !== 0x5c) { b[p++] = u; continue; }
        if (u < 0x80) { p = escapeAt(b, p, u); continue; }
        // A surrogate: a pair as one 4-byte character (unless the prefix ends between them), else escaped.
        const v = u <= 0xdbff && i + 3 < end && left > 0 ? src[i + 2]! | (src[i + 3]! << 8) : 0;
        if (v >= 0xdc00 && v <= 0xdfff) {
          const cp = 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00);
          b[p++] = 0xf0 | (cp >> 18); b[p++] = 0x80 | ((cp >> 12) & 0x3f); b[p++] = 0x80 | ((cp >> 6) & 0x3f); b[p++] = 0x80 | (cp & 0x3f);
          i += 2;
          left -= 1;
        } else p = escapeAt(b, p, u);
      }
    } else if (enc === E_LATIN1) {
      const stop = Math.min(end, start + left);
      for (let i = start; i < stop; i++) {
        const c = src[i]!;
        if (c >= 0x80) { b[p++] = 0xc0 | (c >> 6); b[p++] = 0x80 | (c & 0x3f); } else if (c >= 0x20 && c !== 0x22 && c !== 0x5c) b[p++] = c; else p = escapeAt(b, p, c);
      }
    } else {
      for (let i = start; i < end && left > 0;) {
        const c = src[i]!;
        if (c < 0x80) {
          if (c >= 0x20 && c !== 0x22 && c !== 0x5c) b[p++] = c; else p = escapeAt(b, p, c);
          i += 1;
          left -= 1;
          continue;
        }
        const n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (n === 4 && left < 2) { // the slice would end between the surrogates: the high one alone
          const cp = ((c & 0x07) << 18) | ((src[i + 1]! & 0x3f) << 12) | ((src[i + 2]! & 0x3f) << 6) | (src[i + 3]! & 0x3f);
          p = escapeAt(b, p, 0xd800 + ((cp - 0x10000) >> 10));
          break;
        }
        for (let k = 0; k < n; k++) b[p++] = src[i + k]!;
        i += n;
        left -= n === 4 ? 2 : 1;
      }
    }
    b[p++] = 0x22;
    this.pos = p;
    return this;
  }

  /** A time as JSON.stringify writes a Date: "YYYY-MM-DDTHH:mm:ss.sssZ" (toISOString), without a Date. */
  date(ms: number): this {
    const days = Math.floor(ms / 86_400_000);
    let rest = (ms - days * 86_400_000) | 0;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    const z = days + 719_468;
    const era = Math.floor(z / 146_097);
    const doe = z - era * 146_097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (!Number.isInteger(ms) || year < 0 || year > 9999) return this.text(JSON.stringify(new Date(ms))); // toISOString's own forms
    this.room(26);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x22;
    p = digits(b, p, year, 4); b[p++] = 0x2d; p = digits(b, p, month, 2); b[p++] = 0x2d; p = digits(b, p, day, 2); b[p++] = 0x54;
    const h = (rest / 3_600_000) | 0; rest -= h * 3_600_000;
    const m = (rest / 60_000) | 0; rest -= m * 60_000;
    const s = (rest / 1000) | 0; rest -= s * 1000;
    p = digits(b, p, h, 2); b[p++] = 0x3a; p = digits(b, p, m, 2); b[p++] = 0x3a; p = digits(b, p, s, 2); b[p++] = 0x2e; p = digits(b, p, rest, 3);
    b[p++] = 0x5a; b[p++] = 0x22;
    this.pos = p;
    return this;
  }

  /** The bytes written (a view of the buffer, not a copy). */
  bytes(): Buffer { return this.buf.subarray(0, this.pos); }
}
