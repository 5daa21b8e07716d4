// The APK Signing Block (source.android.com/docs/security/features/apksigning/v2, "APK Signing
// Block"): it ends exactly where the ZIP central directory starts, with
//   uint64 size | magic "APK Sig Block 42"
// and begins with the same uint64 size, followed by uint64-length-prefixed (uint32 id, value) pairs.
// We read the footer, walk pair headers, and load only the values of the schemes we report:
// v2 (0x7109871a), v3 (0xf05368c0) and v3.1 (0x1b93ad61). The package body is never touched.
import { ByteView } from '../bytes.ts';
import { check } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { ZipPackage } from '../zip.ts';

export const APK_SIGNATURE_SCHEME_V2 = 0x7109871a;
export const APK_SIGNATURE_SCHEME_V3 = 0xf05368c0;
export const APK_SIGNATURE_SCHEME_V31 = 0x1b93ad61;
const WANTED = new Set([APK_SIGNATURE_SCHEME_V2, APK_SIGNATURE_SCHEME_V3, APK_SIGNATURE_SCHEME_V31]);
const MAGIC = Buffer.from('APK Sig Block 42', 'latin1');

/** Values of the v2/v3/v3.1 pairs by block id; empty when the APK has no signing block. */
export async function readSigningBlock(zip: ZipPackage): Promise<Map<number, Buffer>> {
  const cd = zip.centralDirectoryOffset;
  const found = new Map<number, Buffer>();
  if (cd < 32) return found;
  const footer = await zip.readRange(cd - 24, 24);
  if (!footer.subarray(8).equals(MAGIC)) return found;
  const size = new ByteView(footer, 'malformed_signing_block', 'APK Signing Block').u64le(0);
  check(size >= 24 && size + 8 <= cd, 'malformed_signing_block', `APK Signing Block size ${size} does not fit before the central directory`);
  const start = cd - size - 8;
  const head = new ByteView(await zip.readRange(start, 8), 'malformed_signing_block', 'APK Signing Block');
  check(head.u64le(0) === size, 'malformed_signing_block', 'APK Signing Block header and footer sizes differ');
  let p = start + 8;
  const end = cd - 24;
  for (let pairs = 0; p < end; pairs++) {
    check(pairs < LIMITS.maxSigningPairs, 'malformed_signing_block', `more than ${LIMITS.maxSigningPairs} pairs in the APK Signing Block`);
    check(p + 12 <= end, 'malformed_signing_block', `truncated pair header at byte ${p}`);
    const pair = new ByteView(await zip.readRange(p, 12), 'malformed_signing_block', 'APK Signing Block pair');
    const length = pair.u64le(0);
    const id = pair.u32le(8);
    check(length >= 4 && p + 8 + length <= end, 'malformed_signing_block', `pair 0x${id.toString(16)} overruns the block`);
    if (WANTED.has(id)) {
      check(length - 4 <= LIMITS.signingValueBytes, 'malformed_signing_block', `pair 0x${id.toString(16)} is ${length} bytes`);
      check(!found.has(id), 'malformed_signing_block', `duplicate pair 0x${id.toString(16)}`);
      found.set(id, await zip.readRange(p + 12, length - 4));
    }
    p += 8 + length;
  }
  return found;
}

/**
 * The signing certificate of each signer in a v2 / v3 / v3.1 block value:
 *   signers: lp-sequence of lp(signer); signer: lp(signed data) …;
 *   signed data: lp-sequence of digests, lp-sequence of lp(X.509 DER certificate), …
 * ("lp" = uint32 little-endian length prefix). The first certificate is the signer's own
 * (apksigner's ApkSigningBlockUtils); the rest, if any, are its chain.
 */
export function signerCertificates(value: Buffer, scheme: string): Buffer[] {
  const v = new ByteView(value, 'malformed_signing_block', `APK Signature Scheme ${scheme} block`);
  const signers = lengthPrefixed(v, 0, v.length);
  const certs: Buffer[] = [];
  for (const signer of items(v, signers.start, signers.end)) {
    const signedData = lengthPrefixed(v, signer.start, signer.end);
    const digests = lengthPrefixed(v, signedData.start, signedData.end);
    const certificates = lengthPrefixed(v, digests.end, signedData.end);
    const first = items(v, certificates.start, certificates.end)[0];
    if (!first) return v.fail('a signer without a certificate');
    certs.push(v.slice(first.start, first.end - first.start));
  }
  if (certs.length === 0) v.fail('no signers');
  return certs;
}

interface Span { start: number; end: number }

function lengthPrefixed(v: ByteView, at: number, limit: number): Span {
  const length = v.u32le(at);
  if (at + 4 + length > limit) v.fail(`length ${length} at byte ${at} overruns its container`);
  return { start: at + 4, end: at + 4 + length };
}

function items(v: ByteView, start: number, end: number): Span[] {
  const out: Span[] = [];
  // Each item takes at least 4 bytes, so this loop is bounded by the value's size.
  for (let p = start; p < end;) {
    const item = lengthPrefixed(v, p, end);
    out.push(item);
    p = item.end;
  }
  return out;
}
