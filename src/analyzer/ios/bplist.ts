// Binary property lists ("bplist00", Apple CFBinaryPList.c): a table of objects addressed by
// index, so an array may contain itself. Each object is decoded once (memoised: shared
// sub-objects cost nothing extra, no "billion laughs"), a reference back to an object still being
// decoded is a cycle and is refused, and nesting is capped.
import { ByteView } from '../bytes.ts';
import { LIMITS } from '../limits.ts';
import type { PlistValue } from './plist.ts';

const APPLE_EPOCH_MS = Date.UTC(2001, 0, 1);

class BinaryPlist {
  private readonly done = new Map<number, PlistValue>();
  private readonly active = new Set<number>();

  constructor(
    private readonly v: ByteView,
    private readonly offsetSize: number,
    private readonly refSize: number,
    private readonly count: number,
    private readonly table: number,
  ) {}

  object(ref: number, depth: number): PlistValue {
    const cached = this.done.get(ref);
    if (cached !== undefined) return cached;
    if (this.active.has(ref)) this.v.fail(`object ${ref} contains itself`);
    if (depth > LIMITS.maxDepth) this.v.fail(`objects nested deeper than ${LIMITS.maxDepth}`);
    if (ref >= this.count) this.v.fail(`reference to object ${ref} of ${this.count}`);
    this.active.add(ref);
    const value = this.decode(this.uint(this.table + ref * this.offsetSize, this.offsetSize), depth);
    this.active.delete(ref);
    this.done.set(ref, value);
    return value;
  }

  private decode(at: number, depth: number): PlistValue {
    const marker = this.v.u8(at);
    const kind = marker >> 4;
    const low = marker & 0x0f;
    switch (kind) {
      case 0x0: return low === 0x09 ? true : low === 0x08 ? false : null;
      case 0x1: return this.int(at + 1, 1 << low);
      case 0x2: return low === 2 ? this.v.buf.readFloatBE(this.at(at + 1, 4)) : this.v.buf.readDoubleBE(this.at(at + 1, 8));
      case 0x3: return new Date(APPLE_EPOCH_MS + this.v.buf.readDoubleBE(this.at(at + 1, 8)) * 1000);
      case 0x4: { const [n, p] = this.length(at, low); return Buffer.from(this.v.slice(p, n)); }
      case 0x5: { const [n, p] = this.length(at, low); return this.v.slice(p, n).toString('latin1'); }
      case 0x6: { const [n, p] = this.length(at, low); return utf16be(this.v.slice(p, n * 2)); }
      case 0x7: { const [n, p] = this.length(at, low); return this.v.slice(p, n).toString('utf8'); }
      case 0x8: return this.int(at + 1, low + 1); // UID (NSKeyedArchiver); not used by Info.plist
      case 0xa: case 0xc: {
        const [n, p] = this.length(at, low);
        return Array.from({ length: n }, (_, i) => this.object(this.ref(p + i * this.refSize), depth + 1));
      }
      case 0xd: {
        const [n, p] = this.length(at, low);
        const dict = new Map<string, PlistValue>();
        for (let i = 0; i < n; i++) {
          const key = this.object(this.ref(p + i * this.refSize), depth + 1);
          if (typeof key !== 'string') this.v.fail('a dictionary key that is not a string');
          dict.set(key, this.object(this.ref(p + (n + i) * this.refSize), depth + 1));
        }
        return dict;
      }
      default: return this.v.fail(`unknown object marker 0x${marker.toString(16)}`);
    }
  }

  /** Object count: in the marker's low nibble, or (0xF) in the integer object that follows. */
  private length(at: number, low: number): [number, number] {
    if (low !== 0x0f) return [low, at + 1];
    const intMarker = this.v.u8(at + 1);
    if (intMarker >> 4 !== 0x1) this.v.fail('invalid length marker');
    const size = 1 << (intMarker & 0x0f);
    const n = this.int(at + 2, size);
    // No object can be longer than the file itself.
    if (n > this.v.length) this.v.fail(`length ${n} exceeds the file`);
    return [n, at + 2 + size];
  }

  private ref(at: number): number {
    return this.uint(at, this.refSize);
  }

  private int(at: number, size: number): number {
    if (size > 8) return Number(this.v.buf.readBigInt64BE(this.at(at + size - 8, 8))); // 128-bit: low half
    return size === 8 ? Number(this.v.buf.readBigInt64BE(this.at(at, 8))) : this.uint(at, size);
  }

  private uint(at: number, size: number): number {
    this.v.need(at, size);
    let n = 0;
    for (let i = 0; i < size; i++) n = n * 256 + (this.v.buf[at + i] as number);
    if (!Number.isSafeInteger(n)) this.v.fail('integer out of range');
    return n;
  }

  private at(offset: number, length: number): number {
    this.v.need(offset, length);
    return offset;
  }
}

function utf16be(bytes: Buffer): string {
  const swapped = Buffer.from(bytes);
  swapped.swap16();
  return swapped.toString('utf16le');
}

export function parseBinaryPlist(buf: Buffer, what: string): PlistValue {
  const v = new ByteView(buf, 'malformed_plist', what);
  if (v.length < 40) v.fail('too short for a binary plist');
  const t = v.length - 32;
  const offsetSize = v.u8(t + 6);
  const refSize = v.u8(t + 7);
  const count = v.u64be(t + 8);
  const top = v.u64be(t + 16);
  const table = v.u64be(t + 24);
  if (offsetSize < 1 || offsetSize > 8 || refSize < 1 || refSize > 8) v.fail('invalid trailer sizes');
  if (count > LIMITS.maxPlistObjects || table + count * offsetSize > t) v.fail('offset table outside the file');
  return new BinaryPlist(v, offsetSize, refSize, count, table).object(top, 0);
}
