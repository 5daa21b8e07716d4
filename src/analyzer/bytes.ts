// Bounds-checked reads over untrusted bytes. Every parser goes through these so that an offset or
// length taken from the input can never read outside the buffer: it throws the parser's named error.
import { AnalyzerError, type AnalyzerErrorCode } from './errors.ts';

export class ByteView {
  constructor(
    readonly buf: Buffer,
    readonly code: AnalyzerErrorCode,
    readonly what: string,
  ) {}

  get length(): number {
    return this.buf.length;
  }

  fail(message: string): never {
    throw new AnalyzerError(this.code, `${this.what}: ${message}`);
  }

  need(offset: number, length: number): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0
      || offset + length > this.buf.length) {
      this.fail(`reference to bytes ${offset}..${offset + length} outside its ${this.buf.length} bytes`);
    }
  }

  u8(o: number): number { this.need(o, 1); return this.buf.readUInt8(o); }
  u16le(o: number): number { this.need(o, 2); return this.buf.readUInt16LE(o); }
  u32le(o: number): number { this.need(o, 4); return this.buf.readUInt32LE(o); }
  u16be(o: number): number { this.need(o, 2); return this.buf.readUInt16BE(o); }
  u32be(o: number): number { this.need(o, 4); return this.buf.readUInt32BE(o); }

  /** Unsigned 64-bit little-endian, rejected when beyond Number's safe range. */
  u64le(o: number): number { this.need(o, 8); return safe(this, this.buf.readBigUInt64LE(o)); }
  u64be(o: number): number { this.need(o, 8); return safe(this, this.buf.readBigUInt64BE(o)); }

  /** A sub-view; shares memory, no copy. */
  slice(offset: number, length: number): Buffer {
    this.need(offset, length);
    return this.buf.subarray(offset, offset + length);
  }

  view(offset: number, length: number, what = this.what): ByteView {
    return new ByteView(this.slice(offset, length), this.code, what);
  }
}

function safe(v: ByteView, n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) v.fail(`64-bit value ${n} is out of range`);
  return Number(n);
}

export function hex(bytes: Uint8Array, upper = false): string {
  const s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return upper ? s.toUpperCase() : s;
}

/** Drops leading zero bytes (DER's sign padding), keeping at least one byte. */
export function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}
