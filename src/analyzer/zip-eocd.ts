// Locating the ZIP End of Central Directory record (APPNOTE.TXT §4.3.16, §4.3.14-15 for ZIP64).
// We need its central-directory offset ourselves: the APK Signing Block and the HAP sign block end
// exactly there (APK Signature Scheme v2, "APK Signing Block" section). The search mirrors yauzl's
// (last signature whose comment length matches the bytes after it) so both agree on the record.
import { ByteView } from './bytes.ts';
import { AnalyzerError, check } from './errors.ts';
import { LIMITS } from './limits.ts';

export interface EndOfCentralDirectory {
  eocdOffset: number;
  centralDirectoryOffset: number;
  centralDirectorySize: number;
  entryCount: number;
}

type ReadAt = (offset: number, length: number) => Promise<Buffer>;

const EOCD_SIG = 0x06054b50;
const EOCD_MIN = 22;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const LOCAL_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

export async function findEndOfCentralDirectory(readAt: ReadAt, size: number): Promise<EndOfCentralDirectory> {
  await checkMagic(readAt, size);
  const tailLength = Math.min(size, EOCD_MIN + 0xffff + 20);
  const tail = await readAt(size - tailLength, tailLength);
  const at = findSignature(tail);
  if (at < 0) {
    throw new AnalyzerError('truncated', 'no ZIP end-of-central-directory record: the file is truncated or damaged');
  }
  const v = new ByteView(tail, 'malformed_zip', 'end of central directory');
  const eocdOffset = size - tailLength + at;
  let record: EndOfCentralDirectory = {
    eocdOffset,
    entryCount: v.u16le(at + 10),
    centralDirectorySize: v.u32le(at + 12),
    centralDirectoryOffset: v.u32le(at + 16),
  };
  let limit = eocdOffset;
  if (at >= 20 && v.u32le(at - 20) === ZIP64_LOCATOR_SIG) {
    const zip64At = v.u64le(at - 20 + 8);
    record = await readZip64(readAt, zip64At, eocdOffset);
    limit = zip64At;
  }
  check(record.centralDirectorySize <= LIMITS.maxCentralDirectoryBytes, 'malformed_zip',
    `central directory of ${record.centralDirectorySize} bytes exceeds the ${LIMITS.maxCentralDirectoryBytes}-byte limit`);
  check(record.centralDirectoryOffset + record.centralDirectorySize <= limit, 'malformed_zip',
    'the central directory overlaps its end record: bytes are missing or the offsets are corrupt');
  return record;
}

async function checkMagic(readAt: ReadAt, size: number): Promise<void> {
  const head = await readAt(0, Math.min(4, size));
  const isPrefix = (magic: Buffer) => head.length > 0 && magic.subarray(0, head.length).equals(head);
  if (head.length === 4 && (head.equals(LOCAL_MAGIC) || head.equals(EMPTY_MAGIC))) {
    if (size < EOCD_MIN) throw new AnalyzerError('truncated', `a ${size}-byte file is too short for a ZIP archive`);
    return;
  }
  if (head.length < 4 && isPrefix(LOCAL_MAGIC)) {
    throw new AnalyzerError('truncated', `a ${size}-byte file is too short for a ZIP archive`);
  }
  const seen = head.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1 ') || 'nothing';
  throw new AnalyzerError('not_a_zip', `not a ZIP archive (APK/IPA/HAP): it starts with ${seen}, not 50 4B 03 04`);
}

function findSignature(tail: Buffer): number {
  for (let i = tail.length - EOCD_MIN; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD_SIG) continue;
    if (tail.readUInt16LE(i + 20) === tail.length - EOCD_MIN - i) return i;
  }
  return -1;
}

async function readZip64(readAt: ReadAt, offset: number, eocdOffset: number): Promise<EndOfCentralDirectory> {
  check(offset + 56 <= eocdOffset, 'malformed_zip', 'ZIP64 end-of-central-directory locator points past the end record');
  const v = new ByteView(await readAt(offset, 56), 'malformed_zip', 'ZIP64 end of central directory');
  check(v.u32le(0) === ZIP64_EOCD_SIG, 'malformed_zip', 'invalid ZIP64 end-of-central-directory signature');
  return {
    eocdOffset,
    entryCount: v.u64le(32),
    centralDirectorySize: v.u64le(40),
    centralDirectoryOffset: v.u64le(48),
  };
}
