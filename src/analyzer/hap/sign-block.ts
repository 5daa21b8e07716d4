// The HAP signing block (OpenHarmony developtools_hapsigner, HapSigningBlockUtils): like the APK
// Signing Block it ends where the ZIP central directory starts, but with a 32-byte trailer
//   int32 blockCount | int64 blockSize | 16-byte magic | int32 version
// (magic "<hap sign block>" from version 3, "HAP Sig Block 42" before), and begins with blockCount
// sub-block headers (uint32 type, uint32 length, uint32 offset from the block start). We load only
// the signature (0x20000000, PKCS#7 SignedData) and the profile (0x20000002) sub-blocks.
import { ByteView } from '../bytes.ts';
import { check } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { ZipPackage } from '../zip.ts';

const HAP_SIGN_BLOB = 0x20000000;
const PROFILE_BLOB = 0x20000002;
const MAGICS = ['<hap sign block>', 'HAP Sig Block 42'];
const TRAILER = 32;

export interface HapSignBlock {
  version: number;
  signature: Buffer | null;
  profile: Buffer | null;
}

export async function readHapSignBlock(zip: ZipPackage): Promise<HapSignBlock | null> {
  const cd = zip.centralDirectoryOffset;
  if (cd < TRAILER) return null;
  const trailer = new ByteView(await zip.readRange(cd - TRAILER, TRAILER), 'malformed_signing_block', 'HAP sign block');
  if (!MAGICS.includes(trailer.slice(12, 16).toString('latin1'))) return null;
  const count = trailer.u32le(0);
  const size = trailer.u64le(4);
  const version = trailer.u32le(28);
  check(size >= TRAILER && size <= cd, 'malformed_signing_block', `HAP sign block size ${size} does not fit before the central directory`);
  check(count <= LIMITS.maxSigningPairs && count * 12 <= size - TRAILER, 'malformed_signing_block',
    `HAP sign block declares ${count} sub-blocks in ${size} bytes`);
  const start = cd - size;
  const headers = new ByteView(await zip.readRange(start, count * 12), 'malformed_signing_block', 'HAP sign block headers');
  const found: HapSignBlock = { version, signature: null, profile: null };
  for (let i = 0; i < count; i++) {
    const type = headers.u32le(i * 12);
    const length = headers.u32le(i * 12 + 4);
    const offset = headers.u32le(i * 12 + 8);
    check(offset >= count * 12 && offset + length <= size - TRAILER, 'malformed_signing_block',
      `HAP sub-block 0x${type.toString(16)} lies outside the sign block`);
    if (type !== HAP_SIGN_BLOB && type !== PROFILE_BLOB) continue;
    check(length <= LIMITS.signingValueBytes, 'malformed_signing_block', `HAP sub-block 0x${type.toString(16)} is ${length} bytes`);
    const key = type === HAP_SIGN_BLOB ? 'signature' : 'profile';
    check(found[key] === null, 'malformed_signing_block', `more than one HAP sub-block 0x${type.toString(16)}`);
    found[key] = await zip.readRange(start + offset, length);
  }
  return found;
}
