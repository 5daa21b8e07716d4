// A compact in-memory index of every registered APP identity (issue 16, item 6; ADR 0022):
// `platform|package` → the facts a verification answer needs (RegisteredIdentity), held in
// typed arrays and a chunked byte arena instead of a JS object per identity, so a process holds
// millions of them in a fraction of the memory and answers a never-seen package without a query.
//
// Layout (ADR 0022 has the measured bytes per identity):
//  - key table: open addressing, linear probing, one Uint32 a slot: row + 1 (0 = empty); the
//    row's stored 32-bit hash is compared first (ADR 0031: 4 bytes a slot, not 8), at most 70 %
//    full, doubled and rebuilt from the rows' stored hashes when fuller; deletion by backward
//    shift (no tombstones). The hash is seeded per index; a hit is confirmed by comparing the
//    platform and the package name's bytes exactly, so a collision costs a comparison, never a
//    wrong answer.
//  - rows (struct of arrays, grown by doubling, freed rows reused): hash, meta bits (platform,
//    active, which fingerprints), the package name's offset in the arena, the service part's
//    offset in the arena, md5 + sha256 as 48 fixed bytes, sha1 as 20 bytes in a column allocated
//    only once some identity has one.
//  - arena: Buffers of 16 MiB (ADR 0031), filled in turn and never copied to grow, addressed by
//    one 32-bit offset; an entry never straddles two. A package name is [u16 length][UTF-8]. A service part — what the
//    platforms of one service share: service id (16 bytes), status, host type, dates (float64 ms),
//    service number, main number (usually a prefix of the service number: stored as its length),
//    service name, host name — is [u32 refcount][u32 hash][u16 length][content] and interned by
//    content in a second open-addressing table (Uint32 offset + 1 a slot; the part's hash is read
//    from its header), so the two or three platforms of a service share
//    one copy. Strings are Latin-1, UTF-8 or UTF-16 (whichever is shortest: Chinese names take 2
//    bytes a character, not 3). Dropped parts are garbage until the arena is compacted (when
//    garbage passes half of it).
import { type IdentityGist, matchingPackageName, RECORDED_MD5 as R_MD5, RECORDED_SHA1 as R_SHA1, RECORDED_SHA256 as R_SHA256, type RegisteredIdentity, VERIFY_PLATFORMS } from '../domain/verification.ts';

const PLATFORMS = VERIFY_PLATFORMS; // platform codes 0, 1, 2 (IdentityIndex.readBytes's platformCode)
const PLATFORM_CODE: Record<string, number> = { android: 0, ios: 1, harmonyos: 2 };
/** iOS: its bundle IDs are held and found folded to lower case (matchingPackageName: case-insensitive, as Apple's). */
const IOS = 1;
/** Whether the ASCII bytes src[at, end) hold an upper-case letter. */
const hasUpperBytes = (src: Uint8Array, at: number, end: number) => { for (let i = at; i < end; i++) if (src[i]! >= 65 && src[i]! <= 90) return true; return false; };
const STATUSES = ['filed', 'cancelled', 'revoked'] as const;
const STATUS_CODE: Record<string, number> = { filed: 0, cancelled: 1, revoked: 2 };

// Row meta bits.
const M_PLATFORM = 0b11;
const M_ACTIVE = 1 << 2;
const M_MD5 = 1 << 3;
const M_SHA1 = 1 << 4;
const M_SHA256 = 1 << 5;
const M_LIVE = 1 << 7;

// Service-part flag bits.
const S_STATUS = 0b11;
const S_INDIVIDUAL = 1 << 2;
const S_SHELL = 1 << 3;
const S_CHANGED = 1 << 4; // statusChangedAt differs from filedAt (else not stored)
const S_NO_MAIN = 1 << 5; // mainNumber is null

// String header: u16, top two bits the encoding, the rest the byte length.
export const E_LATIN1 = 0;
export const E_UTF8 = 1;
export const E_UTF16 = 2;
export const E_PREFIX = 3; // the main number: the first `length` characters of the service number
const MAX_STRING_BYTES = 0x3fff;

const FP = 48; // md5 (16) + sha256 (32)
const SHA1 = 20;
const SVC_HEADER = 10; // refcount u32, hash u32, content length u16
const MAX_LOAD = 0.7;

/** RegisteredIdentity with its dates as milliseconds since the epoch (what the loader reads). */
export type IdentityFacts = Omit<RegisteredIdentity, 'filedAt' | 'statusChangedAt' | 'shellSince'> & { filedAt: number; statusChangedAt: number; shellSince: number | null };

/** Thrown by put for an identity the layout cannot hold (a string over 16 KiB, an unknown platform). */
export class UnindexableIdentity extends Error {}

/** A slot count for n entries at most MAX_LOAD full (any size: homes are found by multiplication, not a mask). */
const slotsFor = (n: number) => Math.max(16, Math.ceil(n / MAX_LOAD));
/** The home slot of a 32-bit hash among n slots (the hash's high bits: Lemire's multiply-shift). */
const home = (h: number, n: number) => Math.floor((h / 4294967296) * n);
const next = (i: number, n: number) => (i + 1 === n ? 0 : i + 1);

/** 32-bit hash of a string's UTF-16 code units, seeded (murmur-style mixing; ADR 0022). */
export function hashString(s: string, seed: number): number {
  let h = (seed ^ Math.imul(s.length, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashBytes(b: Buffer, start: number, end: number, seed: number): number {
  let h = (seed ^ Math.imul(end - start, 0x9e3779b1)) >>> 0;
  for (let i = start; i < end; i++) {
    h = Math.imul(h ^ b[i]!, 0x5bd1e995);
    h ^= h >>> 15;
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const keyHash = (platformCode: number, packageName: string, seed: number) => hashString(packageName, (seed + Math.imul(platformCode + 1, 0x9e3779b9)) >>> 0);


const hexDigit = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1);

/** Writes a canonical lowercase UUID's 16 bytes; false when it is not one. */
function uuidToBytes(id: string, out: Buffer, at: number): boolean {
  if (id.length !== 36) return false;
  let k = at;
  for (let i = 0; i < 36;) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (id.charCodeAt(i) !== 45) return false;
      i += 1;
      continue;
    }
    const hi = hexDigit(id.charCodeAt(i));
    const lo = hexDigit(id.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return false;
    out[k++] = (hi << 4) | lo;
    i += 2;
  }
  return true;
}

const isHex = (s: string, n: number) => {
  if (s.length !== n) return false;
  for (let i = 0; i < n; i++) if (hexDigit(s.charCodeAt(i)) < 0) return false;
  return true;
};

const toMs = (d: string | number) => (typeof d === 'number' ? d : Date.parse(d));

/** Writes the 16 bytes of a canonical lowercase UUID spelled at src[at, end); false when it is not one. */
function uuidBytesToBytes(src: Buffer, at: number, end: number, out: Buffer, outAt: number): boolean {
  if (end - at !== 36) return false;
  let k = outAt;
  for (let i = 0; i < 36;) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (src[at + i] !== 45) return false;
      i += 1;
      continue;
    }
    const hi = hexDigit(src[at + i]!);
    const lo = hexDigit(src[at + i + 1]!);
    if (hi < 0 || lo < 0) return false;
    out[k++] = (hi << 4) | lo;
    i += 2;
  }
  return true;
}

/** A byte's value as a lowercase hex digit, or -1 (a table: the load checks 136 digits a row). */
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let c = 0; c < 256; c++) HEX_VALUE[c] = hexDigit(c);

/** Whether src[at, end) is exactly `digits` lowercase hex digits. */
function isHexBytes(src: Buffer, at: number, end: number, digits: number): boolean {
  if (end - at !== digits) return false;
  for (let i = at; i < end; i++) if (HEX_VALUE[src[i]!]! < 0) return false;
  return true;
}

/** Writes the n bytes that the 2n lowercase hex digits at src[at…] spell (checked by isHexBytes). */
function hexBytesTo(src: Buffer, at: number, n: number, out: Buffer, outAt: number): void {
  for (let i = 0; i < n; i++) out[outAt + i] = (HEX_VALUE[src[at + 2 * i]!]! << 4) | HEX_VALUE[src[at + 2 * i + 1]!]!;
}

/** A whole number written in ASCII digits at src[at, end) (optionally negative; how float8 prints whole milliseconds), else NaN. */
function wholeNumberOf(src: Buffer, at: number, end: number): number {
  const negative = src[at] === 45;
  let i = negative ? at + 1 : at;
  if (i === end || end - i > 15) return NaN;
  let v = 0;
  for (; i < end; i++) {
    const d = src[i]! - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

/** Bytes of the UTF-8 sequence that begins with lead byte c. */
const utf8Width = (c: number) => (c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4);

/** The code point of the (valid) UTF-8 sequence at src[i…]. */
function codePointAt(src: Buffer, i: number): number {
  const c = src[i]!;
  if (c < 0x80) return c;
  if (c < 0xe0) return ((c & 0x1f) << 6) | (src[i + 1]! & 0x3f);
  if (c < 0xf0) return ((c & 0x0f) << 12) | ((src[i + 1]! & 0x3f) << 6) | (src[i + 2]! & 0x3f);
  return ((c & 0x07) << 18) | ((src[i + 1]! & 0x3f) << 12) | ((src[i + 2]! & 0x3f) << 6) | (src[i + 3]! & 0x3f);
}

/** UTF-16 code units of the valid UTF-8 at src[at, end) (a 4-byte sequence is a surrogate pair). */
function utf16Units(src: Buffer, at: number, end: number): number {
  let units = 0;
  for (let i = at; i < end; i++) {
    const c = src[i]!;
    if ((c & 0xc0) !== 0x80) units += c >= 0xf0 ? 2 : 1;
  }
  return units;
}

const STATUS_BYTES = STATUSES.map((x) => Buffer.from(x));
const INDIVIDUAL_BYTES = Buffer.from('individual');

/**
 * A loaded identity's fields as bytes (IdentityIndex.putLine): field i is src[spans[2i], spans[2i+1])
 * — platform, package name, service id, active (1/0), service status, md5, sha1, sha256 (lowercase hex
 * or empty), service number, main number (empty: none), service name, host name, host type, filed,
 * status changed, shell since (milliseconds as whole numbers; shell since empty: none).
 */
export const LINE_FIELDS = 16;
export const L_PLATFORM = 0;
export const L_PACKAGE = 1;
const L_SERVICE_ID = 2;
const L_ACTIVE = 3;
const L_STATUS = 4;
const L_MD5 = 5;
const L_SHA1 = 6;
const L_SHA256 = 7;
const L_SERVICE_NUMBER = 8;
const L_MAIN_NUMBER = 9;
const L_SERVICE_NAME = 10;
const L_HOST_NAME = 11;
const L_HOST_TYPE = 12;
const L_FILED = 13;
const L_CHANGED = 14;
const L_SHELL = 15;
/** Whether a line's fingerprint field is present (lowercase hex of `digits`); throws as put does for anything else but empty. */
function fingerprintField(src: Buffer, f: Int32Array, field: number, digits: number): boolean {
  const at = f[2 * field]!;
  const end = f[2 * field + 1]!;
  if (at !== end && !isHexBytes(src, at, end, digits)) throw new UnindexableIdentity('fingerprint not lowercase hex');
  return at !== end;
}

/** putLine's answer for a line it leaves to put (the caller decodes the line into strings). */
export const NOT_TAKEN = -1;

const HEX_DIGITS = Buffer.from('0123456789abcdef');
const uuidText = Buffer.alloc(36, 0x2d); // the dashes stay where they are
/** The 16 bytes at b[at…] as a lowercase UUID: written into one buffer and read as one flat string (no pieces to join: a batch's hits render 10,000). */
function bytesToUuid(b: Buffer, at: number): string {
  let o = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) o += 1;
    const v = b[at + i]!;
    uuidText[o++] = HEX_DIGITS[v >> 4]!;
    uuidText[o++] = HEX_DIGITS[v & 15]!;
  }
  return uuidText.toString('latin1', 0, 36);
}

const CHUNK_BITS = 24;
const CHUNK = 1 << CHUNK_BITS; // 16 MiB
const CHUNK_MASK = CHUNK - 1;
const MAX_CHUNKS = 255; // offsets (and offset + 1) stay within 32 bits

/**
 * Where an index's memory comes from: ordinary ArrayBuffers, or SharedArrayBuffers that worker
 * threads read through IdentityIndex.view (the verification batch answered on two threads, ADR
 * 0022 addendum "a large batch on two threads"). Same sizes, zero-filled either way.
 */
interface Memory { bytes(n: number): Buffer; chunk(n: number): Buffer; u32(n: number): Uint32Array; u8(n: number): Uint8Array }
const PRIVATE: Memory = { bytes: (n) => Buffer.alloc(n), chunk: (n) => Buffer.allocUnsafe(n), u32: (n) => new Uint32Array(n), u8: (n) => new Uint8Array(n) };
const SHARED: Memory = {
  bytes: (n) => Buffer.from(new SharedArrayBuffer(n)),
  chunk: (n) => Buffer.from(new SharedArrayBuffer(n)),
  u32: (n) => new Uint32Array(new SharedArrayBuffer(4 * n)),
  u8: (n) => new Uint8Array(new SharedArrayBuffer(n)),
};

/**
 * Bytes in chunks of 16 MiB (the first one grown from 64 KiB by doubling), addressed by one 32-bit
 * offset (chunk number × 16 MiB + position). An entry never straddles two chunks. Growing never
 * copies what is held (only the small first chunk), so a load leaves no garbage behind and holds
 * no room it does not use beyond the last chunk's rest (ADR 0031).
 */
class Arena {
  chunks: Buffer[] = [];
  constructor(private readonly memory: Memory = PRIVATE) {}
  /** Bytes used in the last chunk. */
  private pos = 0;

  /** The chunk an offset lies in. */
  buf(off: number): Buffer { return this.chunks[off >>> CHUNK_BITS]!; }

  /** Room for n bytes (n ≤ 16 MiB) in one chunk; returns its offset. */
  alloc(n: number): number {
    let c = this.chunks.length - 1;
    if (c < 0 || this.pos + n > CHUNK) {
      if (c + 1 >= MAX_CHUNKS) throw new UnindexableIdentity('index full');
      c += 1;
      this.chunks.push(this.memory.chunk(c === 0 ? Math.max(65536, n) : CHUNK));
      this.pos = 0;
    }
    const cur = this.chunks[c]!;
    if (this.pos + n > cur.length) {
      const grown = this.memory.chunk(Math.min(CHUNK, Math.max(this.pos + n, cur.length * 2)));
      cur.copy(grown, 0, 0, this.pos);
      this.chunks[c] = grown;
    }
    const off = c * CHUNK + this.pos;
    this.pos += n;
    return off;
  }

  get bytes(): number { let b = 0; for (const c of this.chunks) b += c.length; return b; }

  reset(): void { this.chunks.length = Math.min(this.chunks.length, 1); this.pos = 0; }
}

/** A hex digit of either case, or -1. */
const hexDigitAny = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);

/** Whether the 2n hex digits (either case) at src[srcAt…] spell the n bytes at b[at…]. */
function sameHexBytes(b: Buffer, at: number, n: number, src: Buffer, srcAt: number): boolean {
  for (let i = 0; i < n; i++) {
    const hi = hexDigitAny(src[srcAt + 2 * i]!);
    const lo = hexDigitAny(src[srcAt + 2 * i + 1]!);
    if (hi < 0 || lo < 0 || b[at + i] !== ((hi << 4) | lo)) return false;
  }
  return true;
}

const PLATFORM_BYTES = PLATFORMS.map((p) => Buffer.from(p));
/** The platform code of the ASCII bytes src[at, end) (android 0, ios 1, harmonyos 2), or -1. */
export function platformCodeOf(src: Uint8Array, at: number, end: number): number {
  for (let k = 0; k < PLATFORM_BYTES.length; k++) if (sameBytes(PLATFORM_BYTES[k]!, src, at, end)) return k;
  return -1;
}

/** Whether src[at, end) holds exactly the bytes of `name` (a loop: cheaper than Buffer.compare's call for a few bytes). */
export function sameBytes(name: Uint8Array, src: Uint8Array, at: number, end: number): boolean {
  if (name.length !== end - at) return false;
  for (let i = 0; i < name.length; i++) if (name[i] !== src[at + i]) return false;
  return true;
}

/** Whether a lowercase hex string spells the n bytes at b[at…]. */
function sameHex(b: Buffer, at: number, n: number, hex: string): boolean {
  if (hex.length !== 2 * n) return false;
  for (let i = 0; i < n; i++) {
    const hi = hexDigit(hex.charCodeAt(2 * i));
    const lo = hexDigit(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0 || b[at + i] !== ((hi << 4) | lo)) return false;
  }
  return true;
}

/**
 * What IdentityIndex.read yields: the facts a verification answer needs, in one reusable object
 * (a batch reads 10,000 identities into the same one). The strings below `svc` are set by
 * readFacts only.
 */
export class IdentityRead implements IdentityGist {
  active = false;
  serviceStatus: RegisteredIdentity['serviceStatus'] = 'filed';
  /** The service is a shell (shellSince set). */
  shell = false;
  /** RECORDED_MD5 | RECORDED_SHA1 | RECORDED_SHA256: the fingerprints recorded. */
  recorded = 0;
  /** The asked fingerprint against the recorded one of its algorithm: 1 equal, 0 different, -1 none recorded. */
  match = -1;
  hostType: RegisteredIdentity['hostType'] = 'unit';
  /** Set only when read asked for it ('' otherwise). */
  serviceId = '';
  /** The service part's arena offset (readFacts reads from it). */
  svc = 0;
  serviceNumber = '';
  mainNumber = '';
  serviceName = '';
  hostName = '';
  filedAt = '';
  statusChangedAt = '';
  /** ISO 8601 while the service is a shell (readFacts); null otherwise. */
  shellSince: string | null = null;
  // Set by readSpans only: where the answer's facts lie, undecoded (a batch writes their bytes straight into its JSON).
  /** The arena chunk holding the spans below. */
  chunk: Buffer = EMPTY;
  filedMs = 0;
  statusChangedMs = 0;
  /** While the service is a shell: since when (ms); NaN otherwise. */
  shellSinceMs = Number.NaN;
  /** Each stored string: [at, end) of `chunk` and its encoding (0 Latin-1, 1 UTF-8, 2 UTF-16LE). */
  snAt = 0; snEnd = 0; snEnc = 0;
  /** The main number: mnEnc -1 when null; E_PREFIX (3) when it is the service number's first mnEnd code units. */
  mnAt = 0; mnEnd = 0; mnEnc = 0;
  nameAt = 0; nameEnd = 0; nameEnc = 0;
  hostAt = 0; hostEnd = 0; hostEnc = 0;
}

const EMPTY = Buffer.alloc(0);

/** A string of the arena as readSpans located it. */
export const spanString = (chunk: Buffer, at: number, end: number, enc: number) =>
  chunk.toString(enc === E_LATIN1 ? 'latin1' : enc === E_UTF8 ? 'utf8' : 'utf16le', at, end);

export interface IdentityIndexStats {
  /** Identities held. */
  size: number;
  /** Distinct service parts held (interned). */
  services: number;
  /** Bytes of every typed array and the arena (what the index itself takes). */
  bytes: number;
  /** Bytes of the arena that are garbage until the next compaction. */
  garbage: number;
  /** Compactions of the arena so far. */
  compactions: number;
}

/** IdentityIndex.layout: the shared memory a reader on another thread looks identities up in. */
export interface IndexLayout {
  seed: number; n: number; slots: Uint32Array; rHash: Uint32Array; rMeta: Uint8Array; rPkg: Uint32Array; rSvc: Uint32Array;
  rFp: Uint8Array; rSha1: Uint8Array | null; chunks: Uint8Array[];
}

export class IdentityIndex {
  private readonly seed: number;
  // Key table.
  private slots: Uint32Array;
  private n: number;
  private count = 0;
  // Rows.
  private cap: number;
  private rows = 0; // high-water mark
  private free: number[] = [];
  private rHash: Uint32Array;
  private rMeta: Uint8Array;
  private rPkg: Uint32Array;
  private rSvc: Uint32Array;
  private rFp: Buffer;
  private rSha1: Buffer | null = null;
  // Arena and the service-part intern table.
  private arena: Arena;
  /** Bytes of entries written to the arena (live and garbage). */
  private used = 0;
  private garbage = 0;
  private svcSlots: Uint32Array;
  private svcN: number;
  private svcCount = 0;
  // Scratch space to build a service part before interning it.
  private scratch = Buffer.alloc(4 * (MAX_STRING_BYTES + 2) + 64);
  private readonly compactAbove: number;
  private compactions = 0;

  private readonly memory: Memory;
  /** Changes so far (every put, delete, clear, reserve): a reader on another thread compares it before and after (IdentityIndex.view). */
  private changes = 0;

  /**
   * capacity: identities expected (allocated up front); compactAbove: garbage bytes below which the
   * arena is never compacted; shared: the memory is SharedArrayBuffers, for views on worker threads.
   */
  constructor(options: { capacity?: number; seed?: number; compactAbove?: number; shared?: boolean } = {}) {
    this.memory = options.shared ? SHARED : PRIVATE;
    this.arena = new Arena(this.memory);
    this.compactAbove = options.compactAbove ?? 1 << 20;
    this.seed = (options.seed ?? (Math.random() * 2 ** 32)) >>> 0;
    const capacity = Math.max(16, options.capacity ?? 1024);
    this.cap = capacity;
    this.rHash = this.memory.u32(capacity);
    this.rMeta = this.memory.u8(capacity);
    this.rPkg = this.memory.u32(capacity);
    this.rSvc = this.memory.u32(capacity);
    this.rFp = this.memory.bytes(capacity * FP);
    const slots = slotsFor(capacity);
    this.slots = this.memory.u32(slots);
    this.n = slots;
    const svcSlots = slotsFor(capacity);
    this.svcSlots = this.memory.u32(svcSlots);
    this.svcN = svcSlots;
  }

  /** How many changes the index has had: equal before and after a read on another thread means that read saw one state. */
  get version(): number { return this.changes; }

  /**
   * What a reader on another thread needs to look identities up (a shared index only): the key
   * table, the rows and the arena's chunks, as SharedArrayBuffer views. Valid until the next
   * change (which may replace any of them); IdentityIndex.view reads through it.
   */
  layout(): IndexLayout {
    if (this.memory !== SHARED) throw new Error('IdentityIndex.layout: the index is not shared');
    return {
      seed: this.seed, n: this.n, slots: this.slots, rHash: this.rHash, rMeta: this.rMeta, rPkg: this.rPkg, rSvc: this.rSvc,
      rFp: this.rFp, rSha1: this.rSha1, chunks: this.arena.chunks.slice(),
    };
  }

  /**
   * An index that reads through a layout from another thread (lookups and spans only: readBytes,
   * read, readSpans, readFacts). What it answers is right only when the owner's version did not
   * change while it read; the caller compares. `reuse`: a view made before, pointed at this layout.
   */
  static view(l: IndexLayout, reuse?: IdentityIndex): IdentityIndex {
    const v = reuse?.seed === l.seed ? reuse : new IdentityIndex({ capacity: 16, seed: l.seed });
    const buf = (a: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    v.n = l.n; v.slots = l.slots; v.rHash = l.rHash; v.rMeta = l.rMeta; v.rPkg = l.rPkg; v.rSvc = l.rSvc;
    v.rFp = buf(l.rFp); v.rSha1 = l.rSha1 ? buf(l.rSha1) : null;
    v.arena.chunks = l.chunks.map(buf);
    return v;
  }

  get size(): number { return this.count; }

  stats(): IdentityIndexStats {
    const bytes = this.slots.byteLength + this.svcSlots.byteLength + this.rHash.byteLength + this.rMeta.byteLength + this.rPkg.byteLength
      + this.rSvc.byteLength + this.rFp.byteLength + (this.rSha1?.byteLength ?? 0) + this.arena.bytes;
    return { size: this.count, services: this.svcCount, bytes, garbage: this.garbage, compactions: this.compactions };
  }

  /**
   * Makes room for n identities at once (a load knows how many come): rows and both tables
   * (services estimated at 60 % of identities), without repeated doubling. The arena grows by
   * chunks as it fills.
   */
  reserve(n: number): void {
    this.changes += 1;
    if (n > this.cap) this.growRows(Math.ceil(n * 1.02));
    if (slotsFor(n) > this.n) this.rehash(slotsFor(n));
    if (slotsFor(n * 0.6) > this.svcN) this.rehashServices(slotsFor(n * 0.6));
  }

  /** Empties the index, keeping its allocations (a reload refills them). */
  clear(): void {
    this.changes += 1;
    this.slots.fill(0);
    this.svcSlots.fill(0);
    this.rMeta.fill(0);
    this.count = 0;
    this.rows = 0;
    this.free = [];
    this.arena.reset();
    this.used = 0;
    this.garbage = 0;
    this.svcCount = 0;
  }

  // ---- lookup -------------------------------------------------------------------------------

  /** The key find / findBytes look for: its package name as a string, or as bytes kSrc[kAt, kEnd). */
  private kStr = '';
  private kSrc: Buffer | null = null;
  private kAt = 0;
  private kEnd = 0;

  /** The row of a key, or -1. */
  private find(platformCode: number, packageName: string): number {
    if (platformCode === IOS) packageName = matchingPackageName('ios', packageName);
    this.kStr = packageName;
    this.kSrc = null;
    return this.probe(keyHash(platformCode, packageName, this.seed), platformCode);
  }

  /** find for a package name given as ASCII bytes src[at, end) (hashBytes over ASCII equals hashString over its characters). */
  private findBytes(platformCode: number, src: Buffer, at: number, end: number): number {
    // An iOS bundle ID in upper case is looked up folded (rare: the common shape is lower case).
    if (platformCode === IOS && hasUpperBytes(src, at, end)) return this.find(IOS, src.toString('latin1', at, end));
    this.kSrc = src;
    this.kAt = at;
    this.kEnd = end;
    const row = this.probe(hashBytes(src, at, end, (this.seed + Math.imul(platformCode + 1, 0x9e3779b9)) >>> 0), platformCode);
    this.kSrc = null; // holds no request body
    return row;
  }

  /** The row of the key set by find / findBytes, whose hash is h. */
  private probe(h: number, platformCode: number): number {
    const slots = this.slots;
    const hashes = this.rHash;
    for (let i = home(h, this.n); ; i = next(i, this.n)) {
      const r1 = slots[i]!;
      if (r1 === 0) return -1;
      const row = r1 - 1;
      if (hashes[row] === h && (this.rMeta[row]! & M_PLATFORM) === platformCode
        && (this.kSrc === null ? this.samePackage(row, this.kStr) : this.samePackageBytes(row, this.kSrc, this.kAt, this.kEnd))) return row;
    }
  }

  private samePackageBytes(row: number, src: Buffer, at: number, end: number): boolean {
    const off = this.rPkg[row]!;
    const a = this.arena.buf(off);
    const pkg = (off & CHUNK_MASK) + 2;
    if ((a[pkg - 2]! | (a[pkg - 1]! << 8)) !== end - at) return false;
    // A loop, not Buffer.compare: for a few dozen bytes the call into C++ costs more than the comparison.
    for (let i = 0; i < end - at; i++) if (a[pkg + i] !== src[at + i]) return false;
    return true;
  }

  private samePackage(row: number, s: string): boolean {
    const off = this.rPkg[row]!;
    const a = this.arena.buf(off);
    const at = off & CHUNK_MASK;
    const len = a.readUInt16LE(at);
    if (len !== s.length) {
      // Byte length equals character length only for ASCII; anything else compares encoded.
      return Buffer.byteLength(s, 'utf8') === len && a.toString('utf8', at + 2, at + 2 + len) === s;
    }
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return a.toString('utf8', at + 2, at + 2 + len) === s;
      if (a[at + 2 + i] !== c) return false;
    }
    return true;
  }

  /** Whether the index holds a record for the key (an unknown platform holds none). */
  has(platform: string, packageName: string): boolean {
    const code = PLATFORM_CODE[platform];
    return code !== undefined && this.find(code, packageName) >= 0;
  }

  /** The facts of a key, or null when the registry has no record of it. */
  get(platform: string, packageName: string): RegisteredIdentity | null {
    const code = PLATFORM_CODE[platform];
    if (code === undefined) return null;
    const row = this.find(code, packageName);
    return row < 0 ? null : this.materialise(row);
  }

  /**
   * The lean read of a verification (ADR 0022): fills `out` with what judging one asked
   * fingerprint needs — no RegisteredIdentity, no fingerprint or service-id strings (the asked hex
   * is compared with the stored bytes) — and returns false when the registry has no record of the
   * key. The answer's strings are decoded by readFacts(out) only when the answer shows them. `out`
   * is meant to be reused: its fields hold until the next read into it (and readFacts must come
   * before any change of the index). `serviceId`: also render the service id (for watches).
   */
  read(platform: string, packageName: string, algorithm: 'md5' | 'sha1' | 'sha256', hex: string, out: IdentityRead, serviceId = false): boolean {
    const code = PLATFORM_CODE[platform];
    if (code === undefined) return false;
    const row = this.find(code, packageName);
    if (row < 0) return false;
    const meta = this.rMeta[row]!;
    if (algorithm === 'sha256') out.match = meta & M_SHA256 ? (sameHex(this.rFp, row * FP + 16, 32, hex) ? 1 : 0) : -1;
    else if (algorithm === 'md5') out.match = meta & M_MD5 ? (sameHex(this.rFp, row * FP, 16, hex) ? 1 : 0) : -1;
    else out.match = meta & M_SHA1 ? (sameHex(this.rSha1!, row * SHA1, SHA1, hex) ? 1 : 0) : -1;
    this.readRow(row, out, serviceId);
    return true;
  }

  /**
   * read() for a key and fingerprint given as bytes of `src` (a verification batch's body read in
   * place, src/api/verify/batch-scan.ts): the package name src[pkgAt, pkgEnd) in ASCII, the
   * fingerprint as hex of either case at src[fpAt…] (its length `algorithm`'s). The same answer as
   * read(platform, the package's string, algorithm, the hex lowercased, out, serviceId).
   */
  readBytes(platformCode: number, src: Buffer, pkgAt: number, pkgEnd: number, algorithm: 'md5' | 'sha1' | 'sha256', fpAt: number, out: IdentityRead, serviceId = false): boolean {
    const row = this.findBytes(platformCode, src, pkgAt, pkgEnd);
    if (row < 0) return false;
    const meta = this.rMeta[row]!;
    if (algorithm === 'sha256') out.match = meta & M_SHA256 ? (sameHexBytes(this.rFp, row * FP + 16, 32, src, fpAt) ? 1 : 0) : -1;
    else if (algorithm === 'md5') out.match = meta & M_MD5 ? (sameHexBytes(this.rFp, row * FP, 16, src, fpAt) ? 1 : 0) : -1;
    else out.match = meta & M_SHA1 ? (sameHexBytes(this.rSha1!, row * SHA1, SHA1, src, fpAt) ? 1 : 0) : -1;
    this.readRow(row, out, serviceId);
    return true;
  }

  /** The lean read's facts of a row (all but `match`). */
  private readRow(row: number, out: IdentityRead, serviceId: boolean): void {
    const meta = this.rMeta[row]!;
    out.active = (meta & M_ACTIVE) !== 0;
    out.recorded = (meta & M_MD5 ? R_MD5 : 0) | (meta & M_SHA1 ? R_SHA1 : 0) | (meta & M_SHA256 ? R_SHA256 : 0);
    const svc = this.rSvc[row]!;
    const a = this.arena.buf(svc);
    const at = (svc & CHUNK_MASK) + SVC_HEADER;
    out.serviceId = serviceId ? bytesToUuid(a, at) : '';
    const flags = a[at + 16]!;
    out.serviceStatus = STATUSES[flags & S_STATUS]!;
    out.shell = (flags & S_SHELL) !== 0;
    out.hostType = flags & S_INDIVIDUAL ? 'individual' : 'unit';
    out.svc = svc;
  }

  /** Decodes the answer's strings (numbers, names, dates) of the identity last read into `out`. */
  readFacts(out: IdentityRead): void {
    const svc = out.svc;
    const a = this.arena.buf(svc);
    let at = (svc & CHUNK_MASK) + SVC_HEADER + 16;
    const flags = a[at]!;
    at += 1;
    const filedAt = new Date(a.readDoubleLE(at)).toISOString();
    at += 8;
    out.filedAt = filedAt;
    if (flags & S_CHANGED) { out.statusChangedAt = new Date(a.readDoubleLE(at)).toISOString(); at += 8; } else out.statusChangedAt = filedAt;
    if (flags & S_SHELL) { out.shellSince = new Date(a.readDoubleLE(at)).toISOString(); at += 8; } else out.shellSince = null;
    // Strings read in turn (readStringAt leaves the next one's offset in `this.strEnd`: no object per string).
    const sn = this.readStringAt(a, at, '');
    out.serviceNumber = sn;
    out.mainNumber = flags & S_NO_MAIN ? null as unknown as string : this.readStringAt(a, this.strEnd, sn);
    out.serviceName = this.readStringAt(a, this.strEnd, '');
    out.hostName = this.readStringAt(a, this.strEnd, '');
  }

  /**
   * Locates the answer's facts of the identity last read into `out` without decoding them
   * (IdentityRead's span fields): the verification batch copies their bytes into its JSON.
   */
  readSpans(out: IdentityRead): void {
    const svc = out.svc;
    const a = this.arena.buf(svc);
    out.chunk = a;
    let at = (svc & CHUNK_MASK) + SVC_HEADER + 16;
    const flags = a[at]!;
    at += 1;
    out.filedMs = a.readDoubleLE(at);
    at += 8;
    if (flags & S_CHANGED) { out.statusChangedMs = a.readDoubleLE(at); at += 8; } else out.statusChangedMs = out.filedMs;
    if (flags & S_SHELL) { out.shellSinceMs = a.readDoubleLE(at); at += 8; } else out.shellSinceMs = Number.NaN;
    let head = a[at]! | (a[at + 1]! << 8);
    out.snEnc = head >>> 14; out.snAt = at + 2; out.snEnd = at = out.snAt + (head & MAX_STRING_BYTES);
    if (flags & S_NO_MAIN) out.mnEnc = -1;
    else {
      head = a[at]! | (a[at + 1]! << 8);
      out.mnEnc = head >>> 14; out.mnAt = at + 2;
      if (out.mnEnc === E_PREFIX) { out.mnEnd = head & MAX_STRING_BYTES; at += 2; } else out.mnEnd = at = out.mnAt + (head & MAX_STRING_BYTES);
    }
    head = a[at]! | (a[at + 1]! << 8);
    out.nameEnc = head >>> 14; out.nameAt = at + 2; out.nameEnd = at = out.nameAt + (head & MAX_STRING_BYTES);
    head = a[at]! | (a[at + 1]! << 8);
    out.hostEnc = head >>> 14; out.hostAt = at + 2; out.hostEnd = out.hostAt + (head & MAX_STRING_BYTES);
  }

  /** Where the string readStringAt read last ends. */
  private strEnd = 0;

  /** readString without the result object: the string at `at`; its end in `this.strEnd`. */
  private readStringAt(a: Buffer, at: number, serviceNumber: string): string {
    const head = a[at]! | (a[at + 1]! << 8);
    const enc = head >>> 14;
    const len = head & MAX_STRING_BYTES;
    const s = at + 2;
    if (enc === E_PREFIX) { this.strEnd = s; return serviceNumber.slice(0, len); }
    this.strEnd = s + len;
    return a.toString(enc === E_LATIN1 ? 'latin1' : enc === E_UTF8 ? 'utf8' : 'utf16le', s, s + len);
  }

  private readString(a: Buffer, at: number, serviceNumber: string | null): { value: string; next: number } {
    const head = a.readUInt16LE(at);
    const enc = head >>> 14;
    const len = head & MAX_STRING_BYTES;
    const s = at + 2;
    if (enc === E_PREFIX) return { value: serviceNumber!.slice(0, len), next: s };
    const value = enc === E_LATIN1 ? a.toString('latin1', s, s + len) : enc === E_UTF8 ? a.toString('utf8', s, s + len) : a.toString('utf16le', s, s + len);
    return { value, next: s + len };
  }

  private materialise(row: number): RegisteredIdentity {
    const meta = this.rMeta[row]!;
    const fp = this.rFp;
    const o = row * FP;
    const svc = this.rSvc[row]!;
    const a = this.arena.buf(svc);
    let at = (svc & CHUNK_MASK) + SVC_HEADER;
    const serviceId = bytesToUuid(a, at);
    at += 16;
    const flags = a[at]!;
    at += 1;
    const filedMs = a.readDoubleLE(at);
    at += 8;
    const filedAt = new Date(filedMs).toISOString();
    let statusChangedAt = filedAt;
    if (flags & S_CHANGED) { statusChangedAt = new Date(a.readDoubleLE(at)).toISOString(); at += 8; }
    let shellSince: string | null = null;
    if (flags & S_SHELL) { shellSince = new Date(a.readDoubleLE(at)).toISOString(); at += 8; }
    const sn = this.readString(a, at, null);
    const mn = flags & S_NO_MAIN ? { value: null, next: sn.next } : this.readString(a, sn.next, sn.value);
    const name = this.readString(a, mn.next, null);
    const host = this.readString(a, name.next, null);
    return {
      serviceId,
      active: (meta & M_ACTIVE) !== 0,
      serviceStatus: STATUSES[flags & S_STATUS]!,
      certMd5: meta & M_MD5 ? fp.toString('hex', o, o + 16) : null,
      certSha1: meta & M_SHA1 ? this.rSha1!.toString('hex', row * SHA1, row * SHA1 + SHA1) : null,
      certSha256: meta & M_SHA256 ? fp.toString('hex', o + 16, o + FP) : null,
      serviceNumber: sn.value,
      mainNumber: mn.value as string,
      serviceName: name.value,
      hostName: host.value,
      hostType: flags & S_INDIVIDUAL ? 'individual' : 'unit',
      filedAt,
      statusChangedAt,
      shellSince,
    };
  }

  // ---- change -------------------------------------------------------------------------------

  /** Removes a key; false when it was not held. */
  delete(platform: string, packageName: string): boolean {
    this.changes += 1;
    const code = PLATFORM_CODE[platform];
    if (code === undefined) return false;
    const row = this.find(code, packageName);
    if (row < 0) return false;
    this.removeSlot(this.slots, this.n, this.slotOfRow(row), this.rowHashAt);
    this.releaseRow(row);
    this.count -= 1;
    return true;
  }

  private slotOfRow(row: number): number {
    for (let i = home(this.rHash[row]!, this.n); ; i = next(i, this.n)) if (this.slots[i] === row + 1) return i;
  }

  /** The hash of the key in a slot of the key table (read from its row). */
  private readonly rowHashAt = (slot: number) => this.rHash[this.slots[slot]! - 1]!;
  /** The hash of the service part in a slot of the intern table (read from its header in the arena). */
  private readonly svcHashAt = (slot: number) => this.serviceHash(this.svcSlots[slot]! - 1);
  private serviceHash(off: number): number { return this.arena.buf(off).readUInt32LE((off & CHUNK_MASK) + 4); }

  /** Backward-shift deletion for linear probing: later entries of the cluster move up into the hole. */
  private removeSlot(slots: Uint32Array, n: number, hole: number, hashAt: (slot: number) => number): void {
    let i = hole;
    slots[i] = 0;
    for (let j = next(i, n); slots[j] !== 0; j = next(j, n)) {
      const h = home(hashAt(j), n);
      // Moves j into the hole unless its home lies cyclically in (i, j].
      const between = i <= j ? (h > i && h <= j) : (h > i || h <= j);
      if (between) continue;
      slots[i] = slots[j]!;
      slots[j] = 0;
      i = j;
    }
  }

  private releaseRow(row: number): void {
    const pkgAt = this.rPkg[row]!;
    this.garbage += 2 + this.arena.buf(pkgAt).readUInt16LE(pkgAt & CHUNK_MASK);
    this.releaseService(this.rSvc[row]!);
    this.rMeta[row] = 0;
    this.free.push(row);
  }

  /**
   * Sets the facts of a key (inserting or replacing). Throws UnindexableIdentity for what the
   * layout cannot hold; the caller answers such keys from the database.
   */
  /** Returns true when the key was held before (its facts replaced). */
  put(platform: string, packageName: string, r: RegisteredIdentity | IdentityFacts): boolean {
    this.changes += 1;
    const code = PLATFORM_CODE[platform];
    if (code === undefined) throw new UnindexableIdentity(`platform ${platform}`);
    if (code === IOS) packageName = matchingPackageName(platform, packageName); // held folded: found in any case
    const pkgBytes = Buffer.byteLength(packageName, 'utf8');
    if (pkgBytes > 0xffff) throw new UnindexableIdentity('package name too long');
    if ((r.certMd5 !== null && !isHex(r.certMd5, 32)) || (r.certSha1 !== null && !isHex(r.certSha1, 40)) || (r.certSha256 !== null && !isHex(r.certSha256, 64))) {
      throw new UnindexableIdentity('fingerprint not lowercase hex');
    }
    const svcLen = this.buildService(r); // throws before anything changes
    // Interned before the old row lets go of its part: an unchanged service keeps its one copy.
    const svc = this.internService(svcLen);
    const old = this.find(code, packageName);
    const h = keyHash(code, packageName, this.seed);
    const row = this.placeRow(h, old, svc, pkgBytes);
    const pkgAt = this.rPkg[row]!;
    this.arena.buf(pkgAt).write(packageName, (pkgAt & CHUNK_MASK) + 2, pkgBytes, 'utf8');
    let meta = M_LIVE | code | (r.active ? M_ACTIVE : 0);
    const o = row * FP;
    if (r.certMd5) { meta |= M_MD5; this.rFp.write(r.certMd5, o, 16, 'hex'); }
    if (r.certSha256) { meta |= M_SHA256; this.rFp.write(r.certSha256, o + 16, 32, 'hex'); }
    if (r.certSha1) { meta |= M_SHA1; this.sha1Column().write(r.certSha1, row * SHA1, SHA1, 'hex'); }
    this.finishRow(h, row, meta);
    return old >= 0;
  }

  /**
   * put() for an identity given as the bytes of a loaded line (LINE_FIELDS spans of `src`: the
   * start-up load reads COPY output, src/db/verification.ts), without a string per field: the same
   * index as put(the fields decoded) would make (property-tested). 1 when the key was held before,
   * 0 when not; NOT_TAKEN, with nothing changed, for a line it leaves to put (a package name beyond
   * ASCII, a date that is not a whole number); throws UnindexableIdentity where put would.
   */
  putLine(src: Buffer, f: Int32Array): number {
    this.changes += 1;
    const pkgAt = f[2 * L_PACKAGE]!;
    const pkgEnd = f[2 * L_PACKAGE + 1]!;
    for (let i = pkgAt; i < pkgEnd; i++) if (src[i]! >= 0x80) return NOT_TAKEN; // ASCII: hashBytes agrees with keyHash
    const filed = wholeNumberOf(src, f[2 * L_FILED]!, f[2 * L_FILED + 1]!);
    const changed = wholeNumberOf(src, f[2 * L_CHANGED]!, f[2 * L_CHANGED + 1]!);
    const shellAt = f[2 * L_SHELL]!;
    const shellEnd = f[2 * L_SHELL + 1]!;
    const shell = shellAt === shellEnd ? null : wholeNumberOf(src, shellAt, shellEnd);
    if (Number.isNaN(filed) || Number.isNaN(changed) || (shell !== null && Number.isNaN(shell))) return NOT_TAKEN;
    const code = platformCodeOf(src, f[2 * L_PLATFORM]!, f[2 * L_PLATFORM + 1]!);
    if (code < 0) throw new UnindexableIdentity(`platform ${src.toString('utf8', f[2 * L_PLATFORM]!, f[2 * L_PLATFORM + 1]!)}`);
    if (code === IOS && hasUpperBytes(src, pkgAt, pkgEnd)) return NOT_TAKEN; // put() holds it folded
    const pkgBytes = pkgEnd - pkgAt;
    if (pkgBytes > 0xffff) throw new UnindexableIdentity('package name too long');
    const md5 = fingerprintField(src, f, L_MD5, 32);
    const sha1 = fingerprintField(src, f, L_SHA1, 40);
    const sha256 = fingerprintField(src, f, L_SHA256, 64);
    const svcLen = this.buildServiceLine(src, f, filed, changed, shell); // throws before anything changes
    const svc = this.internService(svcLen);
    const old = this.findBytes(code, src, pkgAt, pkgEnd);
    const h = hashBytes(src, pkgAt, pkgEnd, (this.seed + Math.imul(code + 1, 0x9e3779b9)) >>> 0);
    const row = this.placeRow(h, old, svc, pkgBytes);
    const p = this.rPkg[row]!;
    src.copy(this.arena.buf(p), (p & CHUNK_MASK) + 2, pkgAt, pkgEnd);
    const active = f[2 * L_ACTIVE + 1]! - f[2 * L_ACTIVE]! === 1 && src[f[2 * L_ACTIVE]!] === 0x31;
    let meta = M_LIVE | code | (active ? M_ACTIVE : 0);
    const o = row * FP;
    if (md5) { meta |= M_MD5; hexBytesTo(src, f[2 * L_MD5]!, 16, this.rFp, o); }
    if (sha256) { meta |= M_SHA256; hexBytesTo(src, f[2 * L_SHA256]!, 32, this.rFp, o + 16); }
    if (sha1) { meta |= M_SHA1; hexBytesTo(src, f[2 * L_SHA1]!, SHA1, this.sha1Column(), row * SHA1); }
    this.finishRow(h, row, meta);
    return old >= 0 ? 1 : 0;
  }

  private sha1Column(): Buffer { return (this.rSha1 ??= this.memory.bytes(this.cap * SHA1)); }

  /**
   * The row for a key whose hash is h: `old` (its row, or -1) let go, a row taken with its service
   * part (svc) and room for its package name (pkgBytes, length written; the name goes at
   * rPkg[row] + 2). The caller then writes the name and fingerprints and calls finishRow.
   */
  private placeRow(h: number, old: number, svc: number, pkgBytes: number): number {
    if (old >= 0) {
      this.removeSlot(this.slots, this.n, this.slotOfRow(old), this.rowHashAt);
      this.releaseRow(old);
      this.count -= 1;
    }
    const row = this.allocRow();
    this.rHash[row] = h;
    const pkgAt = this.arena.alloc(2 + pkgBytes);
    this.arena.buf(pkgAt).writeUInt16LE(pkgBytes, pkgAt & CHUNK_MASK);
    this.used += 2 + pkgBytes;
    this.rPkg[row] = pkgAt;
    this.rSvc[row] = svc;
    return row;
  }

  /** Sets a placed row's meta and enters it in the key table (grown, and the arena compacted, as needed). */
  private finishRow(h: number, row: number, meta: number): void {
    this.rMeta[row] = meta;
    if (this.count + 1 > this.n * MAX_LOAD) this.rehash(this.n * 2);
    this.insertSlot(h, row);
    this.count += 1;
    if (this.garbage > this.compactAbove && this.garbage > this.used / 2) this.compact();
  }

  private insertSlot(h: number, row: number): void {
    const slots = this.slots;
    let i = home(h, this.n);
    while (slots[i] !== 0) i = next(i, this.n);
    slots[i] = row + 1;
  }

  private rehash(slotCount: number): void {
    this.slots = this.memory.u32(slotCount);
    this.n = slotCount;
    for (let row = 0; row < this.rows; row++) if (this.rMeta[row]! & M_LIVE) this.insertSlot(this.rHash[row]!, row);
  }

  private allocRow(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.rows === this.cap) this.growRows(this.cap * 2);
    return this.rows++;
  }

  private growRows(cap: number): void {
    const grow = <T extends Uint32Array | Uint8Array>(a: T, make: (n: number) => T, per = 1): T => { const b = make(cap * per); b.set(a); return b; };
    this.rHash = grow(this.rHash, (n) => this.memory.u32(n));
    this.rMeta = grow(this.rMeta, (n) => this.memory.u8(n));
    this.rPkg = grow(this.rPkg, (n) => this.memory.u32(n));
    this.rSvc = grow(this.rSvc, (n) => this.memory.u32(n));
    const fp = this.memory.bytes(cap * FP);
    this.rFp.copy(fp);
    this.rFp = fp;
    if (this.rSha1) { const s = this.memory.bytes(cap * SHA1); this.rSha1.copy(s); this.rSha1 = s; }
    this.cap = cap;
  }

  /** Writes the service part's content into the scratch buffer; returns its length. */
  private buildService(r: RegisteredIdentity | IdentityFacts): number {
    const b = this.scratch;
    let at = 0;
    if (!uuidToBytes(r.serviceId, b, at)) throw new UnindexableIdentity('service id is not a UUID');
    at += 16;
    const status = STATUS_CODE[r.serviceStatus];
    if (status === undefined) throw new UnindexableIdentity(`status ${r.serviceStatus}`);
    const filed = toMs(r.filedAt);
    const changed = toMs(r.statusChangedAt);
    const shell = r.shellSince === null ? null : toMs(r.shellSince);
    if (Number.isNaN(filed) || Number.isNaN(changed) || (shell !== null && Number.isNaN(shell))) throw new UnindexableIdentity('date');
    const flags = status | (r.hostType === 'individual' ? S_INDIVIDUAL : 0) | (shell !== null ? S_SHELL : 0)
      | (changed !== filed ? S_CHANGED : 0) | (r.mainNumber === null ? S_NO_MAIN : 0);
    b[at++] = flags;
    b.writeDoubleLE(filed, at); at += 8;
    if (changed !== filed) { b.writeDoubleLE(changed, at); at += 8; }
    if (shell !== null) { b.writeDoubleLE(shell, at); at += 8; }
    at = this.writeString(r.serviceNumber, at);
    if (r.mainNumber !== null) {
      if (r.serviceNumber.startsWith(r.mainNumber) && r.mainNumber.length <= MAX_STRING_BYTES) {
        b.writeUInt16LE((E_PREFIX << 14) | r.mainNumber.length, at); at += 2;
      } else at = this.writeString(r.mainNumber, at);
    }
    at = this.writeString(r.serviceName, at);
    at = this.writeString(r.hostName, at);
    return at;
  }

  private writeString(s: string, at: number): number {
    const b = this.scratch;
    let latin1 = true;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) { latin1 = false; break; }
    let enc: number;
    let len: number;
    if (latin1) { enc = E_LATIN1; len = s.length; } else {
      const utf8 = Buffer.byteLength(s, 'utf8');
      if (utf8 <= 2 * s.length) { enc = E_UTF8; len = utf8; } else { enc = E_UTF16; len = 2 * s.length; }
    }
    if (len > MAX_STRING_BYTES) throw new UnindexableIdentity('string too long');
    b.writeUInt16LE((enc << 14) | len, at);
    at += 2;
    b.write(s, at, len, enc === E_LATIN1 ? 'latin1' : enc === E_UTF8 ? 'utf8' : 'utf16le');
    return at + len;
  }

  /** buildService for a loaded line's fields (putLine): the same scratch content as buildService(the fields decoded). */
  private buildServiceLine(src: Buffer, f: Int32Array, filed: number, changed: number, shell: number | null): number {
    const b = this.scratch;
    let at = 0;
    if (!uuidBytesToBytes(src, f[2 * L_SERVICE_ID]!, f[2 * L_SERVICE_ID + 1]!, b, at)) throw new UnindexableIdentity('service id is not a UUID');
    at += 16;
    let status = -1;
    for (let k = 0; k < STATUS_BYTES.length; k++) if (sameBytes(STATUS_BYTES[k]!, src, f[2 * L_STATUS]!, f[2 * L_STATUS + 1]!)) status = k;
    if (status < 0) throw new UnindexableIdentity(`status ${src.toString('utf8', f[2 * L_STATUS]!, f[2 * L_STATUS + 1]!)}`);
    const snAt = f[2 * L_SERVICE_NUMBER]!;
    const snEnd = f[2 * L_SERVICE_NUMBER + 1]!;
    const mainAt = f[2 * L_MAIN_NUMBER]!;
    const mainEnd = f[2 * L_MAIN_NUMBER + 1]!;
    const individual = sameBytes(INDIVIDUAL_BYTES, src, f[2 * L_HOST_TYPE]!, f[2 * L_HOST_TYPE + 1]!);
    const flags = status | (individual ? S_INDIVIDUAL : 0) | (shell !== null ? S_SHELL : 0)
      | (changed !== filed ? S_CHANGED : 0) | (mainAt === mainEnd ? S_NO_MAIN : 0);
    b[at++] = flags;
    b.writeDoubleLE(filed, at); at += 8;
    if (changed !== filed) { b.writeDoubleLE(changed, at); at += 8; }
    if (shell !== null) { b.writeDoubleLE(shell, at); at += 8; }
    at = this.writeStringBytes(src, snAt, snEnd, at);
    if (mainAt !== mainEnd) {
      // A byte prefix of valid UTF-8 that is itself whole characters is a character prefix.
      const units = mainEnd - mainAt <= snEnd - snAt && src.compare(src, mainAt, mainEnd, snAt, snAt + (mainEnd - mainAt)) === 0 ? utf16Units(src, mainAt, mainEnd) : -1;
      if (units >= 0 && units <= MAX_STRING_BYTES) {
        b.writeUInt16LE((E_PREFIX << 14) | units, at); at += 2;
      } else at = this.writeStringBytes(src, mainAt, mainEnd, at);
    }
    at = this.writeStringBytes(src, f[2 * L_SERVICE_NAME]!, f[2 * L_SERVICE_NAME + 1]!, at);
    at = this.writeStringBytes(src, f[2 * L_HOST_NAME]!, f[2 * L_HOST_NAME + 1]!, at);
    return at;
  }

  /**
   * writeString for the (valid) UTF-8 at src[from, end), without decoding it into a string: the
   * same encoding chosen (Latin-1 when every character fits a byte, else UTF-8 or UTF-16, whichever
   * is shorter) and the same bytes written.
   */
  private writeStringBytes(src: Buffer, from: number, end: number, at: number): number {
    const b = this.scratch;
    let units = 0;
    let max = 0;
    for (let i = from; i < end;) {
      const cp = codePointAt(src, i);
      i += utf8Width(src[i]!);
      units += cp > 0xffff ? 2 : 1;
      if (cp > max) max = cp;
    }
    const utf8 = end - from;
    if (max < 0x80 || utf8 <= 2 * units) {
      // ASCII (Latin-1 and UTF-8 alike), or UTF-8 the shortest: the bytes as they are.
      const enc = max <= 0xff ? E_LATIN1 : E_UTF8;
      if (enc === E_LATIN1 && max >= 0x80) return this.writeLatin1(src, from, end, units, at);
      if (utf8 > MAX_STRING_BYTES) throw new UnindexableIdentity('string too long');
      b.writeUInt16LE((enc << 14) | utf8, at);
      src.copy(b, at + 2, from, end);
      return at + 2 + utf8;
    }
    if (max <= 0xff) return this.writeLatin1(src, from, end, units, at);
    const len = 2 * units;
    if (len > MAX_STRING_BYTES) throw new UnindexableIdentity('string too long');
    b.writeUInt16LE((E_UTF16 << 14) | len, at);
    let o = at + 2;
    for (let i = from; i < end;) {
      const cp = codePointAt(src, i);
      i += utf8Width(src[i]!);
      if (cp > 0xffff) {
        const v = cp - 0x10000;
        b[o] = (0xd800 | (v >> 10)) & 0xff; b[o + 1] = (0xd800 | (v >> 10)) >> 8;
        b[o + 2] = (0xdc00 | (v & 0x3ff)) & 0xff; b[o + 3] = (0xdc00 | (v & 0x3ff)) >> 8;
        o += 4;
      } else { b[o] = cp & 0xff; b[o + 1] = cp >> 8; o += 2; }
    }
    return o;
  }

  /** A string of `units` characters all below U+0100, given as UTF-8, written as Latin-1 (one byte each). */
  private writeLatin1(src: Buffer, from: number, end: number, units: number, at: number): number {
    if (units > MAX_STRING_BYTES) throw new UnindexableIdentity('string too long');
    const b = this.scratch;
    b.writeUInt16LE((E_LATIN1 << 14) | units, at);
    let o = at + 2;
    for (let i = from; i < end; o++) {
      const c = src[i]!;
      if (c < 0x80) { b[o] = c; i += 1; } else { b[o] = ((c & 0x1f) << 6) | (src[i + 1]! & 0x3f); i += 2; }
    }
    return o;
  }

  /** The arena offset of a service part equal to the scratch content (shared), or of a new copy. */
  private internService(len: number): number {
    const b = this.scratch;
    const h = hashBytes(b, 0, len, this.seed);
    for (let i = home(h, this.svcN); ; i = next(i, this.svcN)) {
      const off1 = this.svcSlots[i]!;
      if (off1 === 0) break;
      const off = off1 - 1;
      const a = this.arena.buf(off);
      const at = off & CHUNK_MASK;
      if (a.readUInt32LE(at + 4) !== h) continue;
      if (a.readUInt16LE(at + 8) !== len) continue;
      if (a.compare(b, 0, len, at + SVC_HEADER, at + SVC_HEADER + len) !== 0) continue;
      a.writeUInt32LE(a.readUInt32LE(at) + 1, at);
      return off;
    }
    const off = this.arena.alloc(SVC_HEADER + len);
    const arena = this.arena.buf(off);
    const at = off & CHUNK_MASK;
    arena.writeUInt32LE(1, at);
    arena.writeUInt32LE(h, at + 4);
    arena.writeUInt16LE(len, at + 8);
    b.copy(arena, at + SVC_HEADER, 0, len);
    this.used += SVC_HEADER + len;
    if (this.svcCount + 1 > this.svcN * MAX_LOAD) this.rehashServices(this.svcN * 2);
    this.insertService(h, off);
    this.svcCount += 1;
    return off;
  }

  private insertService(h: number, off: number): void {
    let i = home(h, this.svcN);
    while (this.svcSlots[i] !== 0) i = next(i, this.svcN);
    this.svcSlots[i] = off + 1;
  }

  private rehashServices(slotCount: number): void {
    const old = this.svcSlots;
    this.svcSlots = this.memory.u32(slotCount);
    this.svcN = slotCount;
    for (let i = 0; i < old.length; i++) if (old[i] !== 0) this.insertService(this.serviceHash(old[i]! - 1), old[i]! - 1);
  }

  private releaseService(off: number): void {
    const a = this.arena.buf(off);
    const at = off & CHUNK_MASK;
    const refs = a.readUInt32LE(at) - 1;
    a.writeUInt32LE(refs, at);
    if (refs > 0) return;
    const h = a.readUInt32LE(at + 4);
    let i = home(h, this.svcN);
    while (this.svcSlots[i] !== off + 1) i = next(i, this.svcN);
    this.removeSlot(this.svcSlots, this.svcN, i, this.svcHashAt);
    this.svcCount -= 1;
    this.garbage += SVC_HEADER + a.readUInt16LE(at + 8);
  }

  /** Copies the live parts of the arena into a new one and repoints rows and the intern table. */
  private compact(): void {
    const old = this.arena;
    const next = new Arena(this.memory);
    let used = 0;
    /** Copies size bytes at an old offset into the new arena; returns the new offset. */
    const move = (off: number, size: number): number => {
      const to = next.alloc(size);
      old.buf(off).copy(next.buf(to), to & CHUNK_MASK, off & CHUNK_MASK, (off & CHUNK_MASK) + size);
      used += size;
      return to;
    };
    // Service parts: copied once each; the old copy's hash field then holds the new offset.
    for (let i = 0; i < this.svcSlots.length; i++) {
      const off1 = this.svcSlots[i]!;
      if (off1 === 0) continue;
      const off = off1 - 1;
      const a = old.buf(off);
      const at = off & CHUNK_MASK;
      const to = move(off, SVC_HEADER + a.readUInt16LE(at + 8));
      a.writeUInt32LE(to, at + 4);
      this.svcSlots[i] = to + 1;
    }
    for (let row = 0; row < this.rows; row++) {
      if (!(this.rMeta[row]! & M_LIVE)) continue;
      const p = this.rPkg[row]!;
      this.rPkg[row] = move(p, 2 + old.buf(p).readUInt16LE(p & CHUNK_MASK));
      const svc = this.rSvc[row]!;
      this.rSvc[row] = old.buf(svc).readUInt32LE((svc & CHUNK_MASK) + 4);
    }
    this.arena = next;
    this.used = used;
    this.garbage = 0;
    this.compactions += 1;
  }

  /** Checks the structure's invariants (tests): every live row found by its key, counts agree. */
  check(): void {
    let live = 0;
    for (let row = 0; row < this.rows; row++) {
      if (!(this.rMeta[row]! & M_LIVE)) continue;
      live += 1;
      const off = this.rPkg[row]!;
      const a = this.arena.buf(off);
      const at = off & CHUNK_MASK;
      const pkg = a.toString('utf8', at + 2, at + 2 + a.readUInt16LE(at));
      const platform = PLATFORMS[this.rMeta[row]! & M_PLATFORM]!;
      if (this.find(PLATFORM_CODE[platform]!, pkg) !== row) throw new Error(`row ${row} (${platform}|${pkg}) is not found by its key`);
    }
    if (live !== this.count) throw new Error(`live rows ${live} ≠ count ${this.count}`);
    let refs = 0;
    for (let i = 0; i < this.svcSlots.length; i++) {
      const off = this.svcSlots[i]! - 1;
      if (off >= 0) refs += this.arena.buf(off).readUInt32LE(off & CHUNK_MASK);
    }
    if (refs !== this.count) throw new Error(`service references ${refs} ≠ count ${this.count}`);
  }
}
