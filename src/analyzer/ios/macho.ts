// The code signature of a Mach-O executable, thin or universal (<mach-o/fat.h>, <mach-o/loader.h>;
// XNU's osfmk/kern/cs_blobs.h). Per slice: the mach header, the load commands, LC_CODE_SIGNATURE
// (dataoff/datasize in the slice), the embedded-signature SuperBlob (big-endian, magic 0xfade0cc0)
// and its CSSLOT_SIGNATURESLOT (0x10000) blob wrapper (magic 0xfade0b01) holding the CMS
// SignedData. All reads move forward, so a deflated executable is inflated once, as a stream.
import { ByteView } from '../bytes.ts';
import { AnalyzerError, check } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { ByteSource } from '../stream.ts';

const FAT_MAGIC = 0xcafebabe;
const FAT_MAGIC_64 = 0xcafebabf;
const MH_MAGIC = 0xfeedface;
const MH_MAGIC_64 = 0xfeedfacf;
const LC_CODE_SIGNATURE = 0x1d;
const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_BLOBWRAPPER = 0xfade0b01;
const CSSLOT_SIGNATURESLOT = 0x10000;

interface Slice { offset: number; size: number }

const fail = (what: string, message: string): never => {
  throw new AnalyzerError('malformed_macho', `${what}: ${message}`);
};

/** The CMS blob of every signed slice (ad-hoc signed or unsigned slices contribute nothing). */
export async function codeSignatureBlobs(src: ByteSource, size: number, what: string): Promise<Buffer[]> {
  check(size >= 28, 'malformed_macho', `${what}: too short for a Mach-O executable`);
  const head = new ByteView(await src.read(0, 8), 'malformed_macho', what);
  const magic = head.u32be(0);
  const slices = magic === FAT_MAGIC || magic === FAT_MAGIC_64
    ? await fatSlices(src, head.u32be(4), magic === FAT_MAGIC_64, size, what)
    : [{ offset: 0, size }];
  const blobs: Buffer[] = [];
  for (const slice of slices) {
    // A thin file's first 8 bytes are already consumed: reads never go back.
    const blob = await sliceSignature(src, slice, slice.offset === 0 ? head.buf : null, what);
    if (blob) blobs.push(blob);
  }
  return blobs;
}

async function fatSlices(src: ByteSource, count: number, is64: boolean, size: number, what: string): Promise<Slice[]> {
  if (count < 1 || count > LIMITS.maxMachOSlices) fail(what, `universal binary with ${count} slices`);
  const entry = is64 ? 32 : 20;
  const v = new ByteView(await src.read(8, count * entry), 'malformed_macho', what);
  const slices: Slice[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * entry;
    const offset = is64 ? v.u64be(at + 8) : v.u32be(at + 8);
    const sliceSize = is64 ? v.u64be(at + 16) : v.u32be(at + 12);
    if (offset < 8 + count * entry || offset + sliceSize > size) fail(what, `slice ${i + 1} lies outside the file`);
    slices.push({ offset, size: sliceSize });
  }
  slices.sort((a, b) => a.offset - b.offset);
  slices.forEach((s, i) => {
    const next = slices[i + 1];
    if (next && s.offset + s.size > next.offset) fail(what, 'slices overlap');
  });
  return slices;
}

async function sliceSignature(src: ByteSource, slice: Slice, consumed: Buffer | null, what: string): Promise<Buffer | null> {
  const bytes = consumed
    ? Buffer.concat([consumed, await src.read(slice.offset + consumed.length, 28 - consumed.length)])
    : await src.read(slice.offset, 28);
  const header = new ByteView(bytes, 'malformed_macho', what);
  const magic = header.u32le(0);
  if (magic !== MH_MAGIC && magic !== MH_MAGIC_64) fail(what, `not a little-endian Mach-O slice (magic 0x${magic.toString(16)})`);
  const ncmds = header.u32le(16);
  const sizeofcmds = header.u32le(20);
  const cmdsAt = slice.offset + (magic === MH_MAGIC_64 ? 32 : 28);
  if (sizeofcmds > LIMITS.machOLoadCommandBytes || cmdsAt + sizeofcmds > slice.offset + slice.size) {
    fail(what, `load commands of ${sizeofcmds} bytes do not fit the slice`);
  }
  const cmds = new ByteView(await src.read(cmdsAt, sizeofcmds), 'malformed_macho', `${what} load commands`);
  const sig = findCodeSignature(cmds, ncmds, what);
  if (!sig) return null;
  if (sig.dataoff + sig.datasize > slice.size || slice.offset + sig.dataoff < cmdsAt + sizeofcmds) {
    fail(what, 'LC_CODE_SIGNATURE points outside the slice');
  }
  return readSuperBlob(src, slice.offset + sig.dataoff, sig.datasize, what);
}

function findCodeSignature(cmds: ByteView, ncmds: number, what: string): { dataoff: number; datasize: number } | null {
  let p = 0;
  // Each command is at least 8 bytes and must fit the declared area: the loop is bounded by it.
  for (let i = 0; i < ncmds; i++) {
    const cmd = cmds.u32le(p);
    const cmdsize = cmds.u32le(p + 4);
    if (cmdsize < 8 || p + cmdsize > cmds.length) fail(what, `load command ${i + 1} has an invalid size`);
    if (cmd === LC_CODE_SIGNATURE) return { dataoff: cmds.u32le(p + 8), datasize: cmds.u32le(p + 12) };
    p += cmdsize;
  }
  return null;
}

async function readSuperBlob(src: ByteSource, at: number, size: number, what: string): Promise<Buffer | null> {
  const head = new ByteView(await src.read(at, 12), 'malformed_macho', `${what} code signature`);
  if (head.u32be(0) !== CSMAGIC_EMBEDDED_SIGNATURE) fail(what, 'LC_CODE_SIGNATURE does not point at an embedded signature');
  const length = head.u32be(4);
  const count = head.u32be(8);
  if (length > size || count > LIMITS.maxSuperBlobSlots || 12 + count * 8 > length) fail(what, 'invalid code signature super-blob');
  const index = new ByteView(await src.read(at + 12, count * 8), 'malformed_macho', `${what} code signature index`);
  for (let i = 0; i < count; i++) {
    if (index.u32be(i * 8) !== CSSLOT_SIGNATURESLOT) continue;
    const offset = index.u32be(i * 8 + 4);
    if (offset < 12 + count * 8 || offset + 8 > length) fail(what, 'signature slot outside the super-blob');
    const wrapper = new ByteView(await src.read(at + offset, 8), 'malformed_macho', `${what} CMS blob`);
    const blobLength = wrapper.u32be(4);
    if (wrapper.u32be(0) !== CSMAGIC_BLOBWRAPPER || blobLength < 8 || offset + blobLength > length || blobLength > LIMITS.cmsBlobBytes) {
      fail(what, 'invalid CMS blob wrapper');
    }
    // An empty wrapper is an ad-hoc signature: code hashes without a certificate.
    return blobLength === 8 ? null : src.read(at + offset + 8, blobLength - 8);
  }
  return null;
}
