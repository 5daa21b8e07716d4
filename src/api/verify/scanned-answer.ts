// One item of a batch read in place (batch-scan.ts), looked up and written as its result's JSON
// from its bytes: shared by the request's thread (verifier.ts, through the in-memory identities,
// which also know which keys memory may not answer now) and the batch's worker threads
// (batch-worker.ts, through a view of the same shared index), so both write the same bytes.
import type { IdentityRead } from '../../db/identity-index.ts';
import { canonicalFingerprintBytes, isCanonicalPackageBytes, judgeGist, VERIFY_PLATFORMS } from '../../domain/verification.ts';
import type { FingerprintAlgorithm } from '../../domain/validation/certificate.ts';
import { platformCodeOf } from '../../db/identity-index.ts';
import { FP_AT, FP_END, P_AT, P_END, PKG_AT, PKG_END, REF_AT, REF_END, SPAN } from './spans.ts';
import type { JsonBytes } from './json-bytes.ts';
import { writeIdentityResultSpans } from './presenters.ts';

// writeScannedItem's outcomes.
/** Not of the common shape (an uppercase platform, a fingerprint with colons, a malformed item): nothing written. */
export const OTHER_SHAPE = -2;
/** Memory may not answer the key now: nothing written. */
export const NOT_HELD = -1;
export const MISS = 0;
export const HIT = 1;

/** What writeScannedItem looks identities up in: MemoryIdentities (undefined: not answerable now) or an IdentityIndex. */
export interface ScannedLookup {
  readBytes(platformCode: number, src: Buffer, pkgAt: number, pkgEnd: number, algorithm: FingerprintAlgorithm, fpAt: number, read: IdentityRead, serviceId?: boolean): boolean | undefined;
  readSpans(read: IdentityRead): void;
}

/**
 * Item i (spans[i * SPAN …] of buf) looked up and written from its bytes when it has the common
 * shape (canonical platform, package name and fingerprint) and `lookup` answers: HIT or MISS, its
 * result in `w` and, after a HIT, its identity in `read` (its service id too when `serviceId`).
 * OTHER_SHAPE or NOT_HELD: nothing written.
 */
export function writeScannedItem(w: JsonBytes, buf: Buffer, spans: Int32Array, i: number, read: IdentityRead, serviceId: boolean, lookup: ScannedLookup): number {
  const o = i * SPAN;
  const code = platformCodeOf(buf, spans[o + P_AT]!, spans[o + P_END]!);
  const algorithm = code < 0 ? null : canonicalFingerprintBytes(buf, spans[o + FP_AT]!, spans[o + FP_END]!);
  if (algorithm === null || !isCanonicalPackageBytes(VERIFY_PLATFORMS[code]!, buf, spans[o + PKG_AT]!, spans[o + PKG_END]!)) return OTHER_SHAPE;
  const hit = lookup.readBytes(code, buf, spans[o + PKG_AT]!, spans[o + PKG_END]!, algorithm, spans[o + FP_AT]!, read, serviceId);
  if (hit === undefined) return NOT_HELD;
  const judgement = judgeGist(hit ? read : null, algorithm);
  if (hit && judgement.status !== 'not_filed') lookup.readSpans(read);
  writeIdentityResultSpans(w, buf, spans[o + P_AT]!, spans[o + P_END]!, spans[o + PKG_AT]!, spans[o + PKG_END]!, spans[o + REF_AT]!, spans[o + REF_END]!, hit ? read : null, judgement);
  return hit ? HIT : MISS;
}
