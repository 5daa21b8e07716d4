// A minimal ZIP writer for tests and the benchmark: it can also lie (declared sizes, entry counts)
// to build hostile archives, insert bytes before the central directory (a hand-made APK Signing
// Block), and stream large stored entries to disk without holding them in memory.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { crc32, deflateRawSync } from 'node:zlib';

export interface EntrySpec {
  name: string;
  data: Buffer;
  /** 0 = stored, 8 = deflated (default). */
  method?: 0 | 8;
  /** Override what the headers declare (zip bombs, truncation). */
  declaredSize?: number;
  declaredCompressedSize?: number;
}

export interface ZipOptions {
  /** Bytes placed between the last entry and the central directory. */
  beforeCentralDirectory?: Buffer;
  /** Override the entry count in the end record. */
  declaredEntryCount?: number;
}

interface Written { name: Buffer; crc: number; method: number; size: number; csize: number; offset: number }

function localHeader(w: Written): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(0x800, 6); // UTF-8 names
  h.writeUInt16LE(w.method, 8);
  h.writeUInt16LE(0x21, 12); // 1980-01-01
  h.writeUInt32LE(w.crc, 14);
  h.writeUInt32LE(w.csize, 18);
  h.writeUInt32LE(w.size, 22);
  h.writeUInt16LE(w.name.length, 26);
  return Buffer.concat([h, w.name]);
}

function centralHeader(w: Written): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(0x800, 8);
  h.writeUInt16LE(w.method, 10);
  h.writeUInt16LE(0x21, 14);
  h.writeUInt32LE(w.crc, 16);
  h.writeUInt32LE(w.csize, 20);
  h.writeUInt32LE(w.size, 24);
  h.writeUInt16LE(w.name.length, 28);
  h.writeUInt32LE(w.offset, 42);
  return Buffer.concat([h, w.name]);
}

function endRecord(count: number, cdSize: number, cdOffset: number): Buffer {
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(count, 8);
  e.writeUInt16LE(count, 10);
  e.writeUInt32LE(cdSize, 12);
  e.writeUInt32LE(cdOffset, 16);
  return e;
}

export function buildZip(entries: EntrySpec[], options: ZipOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const written: Written[] = [];
  let offset = 0;
  for (const e of entries) {
    const method = e.method ?? 8;
    const body = method === 8 ? deflateRawSync(e.data) : e.data;
    const w: Written = {
      name: Buffer.from(e.name, 'utf8'), crc: crc32(e.data), method,
      size: e.declaredSize ?? e.data.length, csize: e.declaredCompressedSize ?? body.length, offset,
    };
    const header = localHeader(w);
    parts.push(header, body);
    written.push(w);
    offset += header.length + body.length;
  }
  if (options.beforeCentralDirectory) {
    parts.push(options.beforeCentralDirectory);
    offset += options.beforeCentralDirectory.length;
  }
  const cd = Buffer.concat(written.map(centralHeader));
  parts.push(cd, endRecord(options.declaredEntryCount ?? written.length, cd.length, offset));
  return Buffer.concat(parts);
}

export interface StreamedEntry {
  name: string;
  size: number;
  /** Produces exactly `size` bytes, chunk by chunk. */
  chunks: () => Iterable<Buffer>;
}

/** Small entries as in buildZip, then large stored entries streamed to disk (for the benchmark). */
export async function writeZipFile(path: string, small: EntrySpec[], large: StreamedEntry[]): Promise<void> {
  const out = createWriteStream(path);
  const written: Written[] = [];
  let offset = 0;
  const write = async (b: Buffer) => {
    offset += b.length;
    if (!out.write(b)) await once(out, 'drain');
  };
  for (const e of small) {
    const body = deflateRawSync(e.data);
    const w: Written = { name: Buffer.from(e.name), crc: crc32(e.data), method: 8, size: e.data.length, csize: body.length, offset };
    written.push(w);
    await write(localHeader(w));
    await write(body);
  }
  for (const e of large) {
    let crc = 0;
    for (const chunk of e.chunks()) crc = crc32(chunk, crc);
    const w: Written = { name: Buffer.from(e.name), crc, method: 0, size: e.size, csize: e.size, offset };
    written.push(w);
    await write(localHeader(w));
    for (const chunk of e.chunks()) await write(chunk);
  }
  const cd = Buffer.concat(written.map(centralHeader));
  const cdOffset = offset;
  await write(cd);
  await write(endRecord(written.length, cd.length, cdOffset));
  out.end();
  await once(out, 'finish');
}
