// resources.arsc (ResTable in ResourceTypes.h), read only to turn a resource reference such as
// android:label="@string/app_name" into text. For an ID 0xPPTTEEEE we find package PP, every type
// chunk TT (one per configuration) and entry EEEE, and prefer the default configuration, as
// `aapt dump badging` does for `application-label:`. References to references are followed a few
// hops at most, so a self-referencing resource cannot loop.
import { ByteView } from '../bytes.ts';
import { LIMITS } from '../limits.ts';
import { RES_STRING_POOL_TYPE, StringPool } from './string-pool.ts';

const RES_TABLE_TYPE = 0x0002;
const RES_TABLE_PACKAGE_TYPE = 0x0200;
const RES_TABLE_TYPE_TYPE = 0x0201;

const FLAG_SPARSE = 0x01;
const FLAG_OFFSET16 = 0x02;
const ENTRY_FLAG_COMPLEX = 0x0001;
const ENTRY_FLAG_COMPACT = 0x0008;
const TYPE_REFERENCE = 0x01;
const TYPE_STRING = 0x03;
const TYPE_DYNAMIC_REFERENCE = 0x07;
const TYPE_INT_DEC = 0x10;
const TYPE_INT_HEX = 0x11;

interface Value { dataType: number; data: number }

export class ResourceTable {
  private constructor(
    private readonly v: ByteView,
    private readonly strings: StringPool | null,
    private readonly packages: Map<number, { start: number; end: number }>,
  ) {}

  static parse(buf: Buffer): ResourceTable {
    const v = new ByteView(buf, 'malformed_resources', 'resources.arsc');
    if (v.u16le(0) !== RES_TABLE_TYPE) v.fail('not a resource table');
    const end = Math.min(v.u32le(4), v.length);
    let strings: StringPool | null = null;
    const packages = new Map<number, { start: number; end: number }>();
    forEachChunk(v, v.u16le(2), end, (off, size, type) => {
      if (type === RES_STRING_POOL_TYPE && !strings) strings = StringPool.parse(v.view(off, size, 'resources.arsc string pool'));
      if (type === RES_TABLE_PACKAGE_TYPE) packages.set(v.u32le(off + 8), { start: off, end: off + size });
    });
    return new ResourceTable(v, strings, packages);
  }

  /** The string or integer a reference resolves to (default configuration first), or null. */
  resolve(id: number, hops = 0): string | number | null {
    if (hops > LIMITS.maxReferenceHops) return null;
    const value = this.lookup(id);
    if (!value) return null;
    if (value.dataType === TYPE_STRING) return this.strings?.get(value.data) ?? null;
    if (value.dataType === TYPE_INT_DEC || value.dataType === TYPE_INT_HEX) return value.data;
    if (value.dataType === TYPE_REFERENCE || value.dataType === TYPE_DYNAMIC_REFERENCE) {
      return this.resolve(value.data, hops + 1);
    }
    return null;
  }

  private lookup(id: number): Value | null {
    const pkg = this.packages.get(id >>> 24);
    const typeId = (id >>> 16) & 0xff;
    const entry = id & 0xffff;
    if (!pkg || typeId === 0) return null;
    let best: { score: number; value: Value } | null = null;
    forEachChunk(this.v, pkg.start + this.v.u16le(pkg.start + 2), pkg.end, (off, _size, type) => {
      if (type !== RES_TABLE_TYPE_TYPE || this.v.u8(off + 8) !== typeId) return;
      const value = this.entryValue(off, entry);
      const score = configScore(this.v, off);
      if (value && (!best || score < best.score)) best = { score, value };
    });
    return (best as { value: Value } | null)?.value ?? null;
  }

  private entryValue(chunk: number, index: number): Value | null {
    const v = this.v;
    const flags = v.u8(chunk + 9);
    const count = v.u32le(chunk + 12);
    const entriesStart = chunk + v.u32le(chunk + 16);
    const offsets = chunk + v.u16le(chunk + 2);
    let offset: number | null = null;
    if (flags & FLAG_SPARSE) {
      v.need(offsets, count * 4);
      for (let i = 0; i < count && offset === null; i++) {
        if (v.u16le(offsets + i * 4) === index) offset = v.u16le(offsets + i * 4 + 2) * 4;
      }
    } else if (index < count) {
      const raw = flags & FLAG_OFFSET16 ? v.u16le(offsets + index * 2) : v.u32le(offsets + index * 4);
      if (raw !== 0xffffffff && !(flags & FLAG_OFFSET16 && raw === 0xffff)) offset = flags & FLAG_OFFSET16 ? raw * 4 : raw;
    }
    if (offset === null) return null;
    const at = entriesStart + offset;
    const entryFlags = v.u16le(at + 2);
    if (entryFlags & ENTRY_FLAG_COMPACT) return { dataType: entryFlags >>> 8, data: v.u32le(at + 4) };
    if (entryFlags & ENTRY_FLAG_COMPLEX) return null; // a bag (style, plural): never a label
    const valueAt = at + v.u16le(at);
    return { dataType: v.u8(valueAt + 3), data: v.u32le(valueAt + 4) };
  }
}

/** 0 = default configuration, 1 = no locale but other qualifiers, 2 = a specific locale. */
function configScore(v: ByteView, chunk: number): number {
  const size = v.u32le(chunk + 20);
  const body = v.slice(chunk + 24, Math.max(0, Math.min(size, v.u16le(chunk + 2) - 20) - 4));
  if (body.every((b) => b === 0)) return 0;
  // ResTable_config: imsi (4 bytes), then language[2] and country[2].
  return body.length >= 6 && body[4] === 0 && body[5] === 0 ? 1 : 2;
}

function forEachChunk(v: ByteView, start: number, end: number, fn: (off: number, size: number, type: number) => void): void {
  let off = start;
  while (off + 8 <= end) {
    const size = v.u32le(off + 4);
    if (size < 8 || off + size > end) v.fail(`chunk at byte ${off} has an invalid size ${size}`);
    fn(off, size, v.u16le(off));
    off += size;
  }
}
