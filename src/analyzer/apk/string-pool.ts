// ResStringPool (frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h): the string
// table of binary XML and of resources.arsc, in UTF-16 or (flag 0x100) UTF-8. Strings are decoded
// lazily and every offset and length is bounds-checked.
import { ByteView } from '../bytes.ts';

export const RES_STRING_POOL_TYPE = 0x0001;
const UTF8_FLAG = 0x100;

export class StringPool {
  private readonly cache = new Map<number, string>();

  private constructor(
    private readonly v: ByteView,
    readonly count: number,
    private readonly utf8: boolean,
    private readonly offsetsAt: number,
    private readonly stringsAt: number,
  ) {}

  /** `v` spans exactly the chunk (header + body). */
  static parse(v: ByteView): StringPool {
    const headerSize = v.u16le(2);
    const count = v.u32le(8);
    const flags = v.u32le(16);
    const stringsStart = v.u32le(20);
    // Each string needs a 4-byte offset: a count beyond that is a lie meant to exhaust memory.
    if (count > (v.length - headerSize) / 4) v.fail(`string pool claims ${count} strings in ${v.length} bytes`);
    v.need(headerSize, count * 4);
    if (count > 0) v.need(stringsStart, 0);
    return new StringPool(v, count, (flags & UTF8_FLAG) !== 0, headerSize, stringsStart);
  }

  get(index: number): string | null {
    if (index === 0xffffffff || index < 0 || index >= this.count) return null;
    const hit = this.cache.get(index);
    if (hit !== undefined) return hit;
    const at = this.stringsAt + this.v.u32le(this.offsetsAt + index * 4);
    const s = this.utf8 ? this.utf8At(at) : this.utf16At(at);
    this.cache.set(index, s);
    return s;
  }

  private utf16At(at: number): string {
    let len = this.v.u16le(at);
    let p = at + 2;
    if (len & 0x8000) {
      len = ((len & 0x7fff) << 16) | this.v.u16le(p);
      p += 2;
    }
    return this.v.slice(p, len * 2).toString('utf16le');
  }

  private utf8At(at: number): string {
    // Two lengths: UTF-16 units (ignored), then UTF-8 bytes; each 1 byte, or 2 with the high bit.
    let p = at;
    const skip = this.v.u8(p) & 0x80 ? 2 : 1;
    p += skip;
    let len = this.v.u8(p);
    if (len & 0x80) {
      len = ((len & 0x7f) << 8) | this.v.u8(p + 1);
      p += 2;
    } else {
      p += 1;
    }
    return this.v.slice(p, len).toString('utf8');
  }
}
