// The package as a ZIP: its central directory (through yauzl), a few entries, and raw byte ranges
// of the file (for the APK Signing Block and the HAP sign block, which sit between the last entry
// and the central directory). Nothing else of the package is ever read, so time and memory do not
// grow with its size.
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { AnalyzerError, check, type AnalyzerErrorCode } from './errors.ts';
import { LIMITS } from './limits.ts';
import { collect, ForwardSource, type ByteSource } from './stream.ts';
import { findEndOfCentralDirectory, type EndOfCentralDirectory } from './zip-eocd.ts';

const READ_CHUNK = 64 * 1024;

export class ZipPackage {
  private constructor(
    private readonly file: FileHandle,
    private readonly zip: yauzl.ZipFile,
    readonly fileSize: number,
    readonly eocd: EndOfCentralDirectory,
    private readonly entries: Map<string, yauzl.Entry>,
  ) {}

  static async open(path: string): Promise<ZipPackage> {
    const file = await openFile(path);
    try {
      const size = (await file.stat()).size;
      const eocd = await findEndOfCentralDirectory((o, n) => readExactly(file, size, o, n), size);
      // The central directory is read in one go (it is capped) and served from memory while
      // yauzl walks it: one read instead of two per entry.
      const reader = new HandleReader(file);
      reader.window = {
        start: eocd.centralDirectoryOffset,
        bytes: await readExactly(file, size, eocd.centralDirectoryOffset, eocd.centralDirectorySize),
      };
      const zip = await yauzl.fromRandomAccessReaderPromise(reader, size, {
        lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true,
      }).catch((err: unknown) => { throw zipError(err); });
      const entries = await listEntries(zip, eocd);
      reader.window = null;
      return new ZipPackage(file, zip, size, eocd, entries);
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  /** Offset of the central directory: signing blocks end exactly here (APK Signature Scheme v2 §"APK Signing Block"). */
  get centralDirectoryOffset(): number {
    return this.eocd.centralDirectoryOffset;
  }

  names(): IterableIterator<string> {
    return this.entries.keys();
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  size(name: string): number {
    return this.entry(name).uncompressedSize;
  }

  /** A whole (small) entry, refused before inflating when its declared size or ratio is implausible. */
  async read(name: string, cap: number): Promise<Buffer> {
    const entry = this.entry(name);
    checkPlausible(entry, name, cap);
    const stream = await this.zip.openReadStreamPromise(entry).catch((err: unknown) => { throw zipError(err); });
    return collect(stream, cap, name).catch((err: unknown) => { throw zipError(err); });
  }

  /**
   * Random access for stored entries, one forward pass of the inflater for deflated ones; a read
   * behind that pass is the format's fault and fails with `outOfOrder`.
   */
  async source(name: string, cap: number, outOfOrder: AnalyzerErrorCode, maxRatio: number = LIMITS.maxCompressionRatio): Promise<ByteSource> {
    const entry = this.entry(name);
    checkPlausible(entry, name, cap, maxRatio);
    if (entry.compressionMethod === 0) return new StoredSource(this.zip, entry, name);
    const stream = await this.zip.openReadStreamPromise(entry).catch((err: unknown) => { throw zipError(err); });
    return new ForwardSource(stream, (offset) =>
      new AnalyzerError(outOfOrder, `${name}: structures out of order (offset ${offset} requested after later data)`));
  }

  /** Raw bytes of the package file itself. */
  readRange(offset: number, length: number): Promise<Buffer> {
    return readExactly(this.file, this.fileSize, offset, length);
  }

  async close(): Promise<void> {
    this.zip.close();
    await this.file.close();
  }

  private entry(name: string): yauzl.Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new AnalyzerError('malformed_zip', `entry ${name} is not in the package`);
    return entry;
  }
}

/**
 * yauzl reads through our FileHandle: its own fd reader closes the descriptor on the last unref,
 * which would leave our handle pointing at a number the OS may already have given to another file.
 */
class HandleReader extends yauzl.RandomAccessReader {
  window: { start: number; bytes: Buffer } | null = null;

  constructor(private readonly file: FileHandle) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return new RangeStream(this.file, start, end);
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    const w = this.window;
    if (w && position >= w.start && position + length <= w.start + w.bytes.length) {
      w.bytes.copy(buffer, offset, position - w.start, position - w.start + length);
      queueMicrotask(() => callback(null)); // asynchronous, so yauzl's entry loop does not recurse
      return;
    }
    this.file.read(buffer, offset, length, position).then(
      ({ bytesRead }) => callback(bytesRead === length ? null : new Error('unexpected EOF')),
      (err: Error) => callback(err),
    );
  }

  override close(callback: (err: Error | null) => void): void {
    setImmediate(() => callback(null)); // the handle is closed by ZipPackage.close()
  }
}

/** Bytes [start, end) of the file; unlike FileHandle streams, destroying it never closes the handle. */
class RangeStream extends Readable {
  constructor(private readonly file: FileHandle, private pos: number, private readonly end: number) {
    super();
  }

  override _read(): void {
    const n = Math.min(READ_CHUNK, this.end - this.pos);
    if (n <= 0) {
      this.push(null);
      return;
    }
    const buf = Buffer.allocUnsafe(n);
    this.file.read(buf, 0, n, this.pos).then(({ bytesRead }) => {
      if (bytesRead === 0) return this.destroy(new Error('unexpected EOF'));
      this.pos += bytesRead;
      this.push(buf.subarray(0, bytesRead));
    }, (err: Error) => this.destroy(err));
  }
}

class StoredSource implements ByteSource {
  constructor(private readonly zip: yauzl.ZipFile, private readonly entry: yauzl.Entry, private readonly name: string) {}

  async read(offset: number, length: number): Promise<Buffer> {
    check(offset + length <= this.entry.uncompressedSize, 'truncated',
      `${this.name}: bytes ${offset}..${offset + length} are past its end (${this.entry.uncompressedSize} bytes)`);
    const stream = await this.zip.openReadStreamPromise(this.entry, { start: offset, end: offset + length })
      .catch((err: unknown) => { throw zipError(err); });
    return collect(stream, length, this.name).catch((err: unknown) => { throw zipError(err); });
  }

  close(): void {}
}

async function openFile(path: string): Promise<FileHandle> {
  try {
    const file = await open(path, 'r');
    const st = await file.stat();
    if (!st.isFile()) {
      await file.close();
      throw new AnalyzerError('file_unreadable', `${path} is not a regular file`);
    }
    return file;
  } catch (err) {
    if (err instanceof AnalyzerError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const reason = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'is a directory' }[code] ?? code;
    throw new AnalyzerError('file_unreadable', `cannot open ${path}: ${reason}`, { cause: err });
  }
}

async function readExactly(file: FileHandle, size: number, offset: number, length: number): Promise<Buffer> {
  check(Number.isSafeInteger(offset) && offset >= 0 && length >= 0, 'malformed_zip', `invalid file offset ${offset}`);
  check(offset + length <= size, 'truncated', `the file ends at byte ${size}, before byte ${offset + length}`);
  const buf = Buffer.alloc(length);
  const { bytesRead } = await file.read(buf, 0, length, offset);
  check(bytesRead === length, 'truncated', `the file ended while reading bytes ${offset}..${offset + length}`);
  return buf;
}

function listEntries(zip: yauzl.ZipFile, eocd: EndOfCentralDirectory): Promise<Map<string, yauzl.Entry>> {
  check(zip.entryCount <= LIMITS.maxEntries, 'malformed_zip',
    `the central directory lists ${zip.entryCount} entries (limit ${LIMITS.maxEntries})`);
  check(zip.entryCount * 46 <= eocd.centralDirectorySize, 'malformed_zip',
    `the central directory is too small for the ${zip.entryCount} entries it declares`);
  const entries = new Map<string, yauzl.Entry>();
  return new Promise((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      // Names decoded as UTF-8 whatever the flag says: macOS and Android tools write UTF-8 either way.
      const name = (entry.fileName as unknown as Buffer).toString('utf8');
      if (entries.has(name)) {
        // Duplicate names let two readers see two different manifests (the "master key" bug class).
        reject(new AnalyzerError('malformed_zip', `duplicate entry ${name}`));
        return;
      }
      entries.set(name, entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (err: unknown) => reject(zipError(err)));
    zip.readEntry();
  });
}

/** Refuses an entry on its declared sizes alone, before a single byte is inflated. */
function checkPlausible(entry: yauzl.Entry, name: string, cap: number, maxRatio: number = LIMITS.maxCompressionRatio): void {
  check(!entry.isEncrypted(), 'malformed_zip', `${name} is encrypted`);
  const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
  check(entry.uncompressedSize <= LIMITS.ratioFloorBytes || ratio <= maxRatio, 'zip_bomb',
    `${name} declares a ${Math.round(ratio)}:1 compression ratio (${entry.compressedSize} → ${entry.uncompressedSize} bytes; at most ${maxRatio}:1)`);
  check(entry.uncompressedSize <= cap, 'entry_too_large',
    `${name} declares ${entry.uncompressedSize} bytes, above the ${cap}-byte limit for it`);
}

/** yauzl and zlib report problems as plain Errors; give them our stable codes. */
export function zipError(err: unknown): AnalyzerError {
  if (err instanceof AnalyzerError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/too many bytes in the stream/.test(message)) {
    return new AnalyzerError('zip_bomb', `an entry inflates to more bytes than it declares (${message})`, { cause: err });
  }
  if (/unexpected EOF|not enough bytes|overflows file bounds|unexpected end of file/i.test(message)) {
    return new AnalyzerError('truncated', `ZIP data ends early (${message})`, { cause: err });
  }
  return new AnalyzerError('malformed_zip', `invalid ZIP structure (${message})`, { cause: err });
}
