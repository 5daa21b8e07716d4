// Verification of an APP identity against the registry (DOMAIN.md §0.7, §6; PEERS.md A3):
// a relying party (app store, access provider, device maker) presents a platform, a package
// name and a fingerprint of the signing certificate; the registry answers whether that
// identity is filed. Pure: the registry facts come in as data.
import type { ServiceStatus } from './service-lifecycle.ts';
import {
  type FingerprintAlgorithm, validateAndroidPackageName, validateCertFingerprint, validateHarmonyBundleName, validateIosBundleId,
  type Validation,
} from './validation/index.ts';

export const VERIFY_PLATFORMS = ['android', 'ios', 'harmonyos'] as const;
export type VerifyPlatform = (typeof VERIFY_PLATFORMS)[number];

export const VERIFICATION_STATUSES = ['filed', 'not_filed', 'fingerprint_mismatch', 'cancelled', 'revoked', 'shell'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/** What the registry holds for one (platform, package name): its active filing, else its latest inactive one. */
export interface RegisteredIdentity {
  serviceId: string;
  /** Whether this platform record is part of a live filing. */
  active: boolean;
  serviceStatus: ServiceStatus;
  certMd5: string | null;
  certSha1: string | null;
  certSha256: string | null;
  serviceNumber: string;
  mainNumber: string;
  serviceName: string;
  hostName: string;
  hostType: 'unit' | 'individual';
  /** ISO 8601, as answered (kept rendered: identities are cached and answered many times). */
  filedAt: string;
  statusChangedAt: string;
  /** Set while the service is a shell (空壳: filed, but without any active access record; issue 13). */
  shellSince: string | null;
}

/** Fingerprints of the presented certificate: one from an API item, all three from an uploaded package. */
export type PresentedCertificate = Partial<Record<FingerprintAlgorithm, string>>;

export interface Judgement {
  status: VerificationStatus;
  /** The algorithm whose fingerprints were equal; null when none matched or nothing is filed. */
  matchedBy: FingerprintAlgorithm | null;
  /** Set for a mismatch that could not be judged: the filing records no fingerprint of the presented kind. */
  recordedAlgorithms?: FingerprintAlgorithm[];
}

// Strongest first: when both sides know several, the strongest common one decides.
const ALGORITHMS: readonly FingerprintAlgorithm[] = ['sha256', 'sha1', 'md5'];

const recorded = (r: RegisteredIdentity): Record<FingerprintAlgorithm, string | null> => ({ md5: r.certMd5, sha1: r.certSha1, sha256: r.certSha256 });

/** Compares on the strongest algorithm both sides have; `common` is false when they share none. */
function compare(r: RegisteredIdentity, presented: PresentedCertificate): { common: boolean; matchedBy: FingerprintAlgorithm | null } {
  const rec = recorded(r);
  for (const a of ALGORITHMS) {
    const given = presented[a];
    const stored = rec[a];
    if (given && stored) return { common: true, matchedBy: given === stored ? a : null };
  }
  return { common: false, matchedBy: null };
}

/**
 * The answer for one identity. An inactive record answers with its service's final status
 * (cancelled / revoked) whatever the certificate; a platform dropped from a still-filed
 * service is `not_filed`. The right certificate of a shell (a filing left without access, due
 * for cleanup) answers `shell`: the number still stands, but a relying party should not rely on
 * it for long.
 */
export function judge(r: RegisteredIdentity | null, presented: PresentedCertificate): Judgement {
  if (!r) return { status: 'not_filed', matchedBy: null };
  const c = compare(r, presented);
  if (!r.active) {
    const status: VerificationStatus = r.serviceStatus === 'filed' ? 'not_filed' : r.serviceStatus;
    // As for a filed one: when nothing could be compared, say which fingerprints the filing records,
    // so the caller can tell whether the certificate was the filed one (matchedBy) by sending one of them.
    if (status !== 'not_filed' && !c.common) {
      const rec = recorded(r);
      return { status, matchedBy: null, recordedAlgorithms: ALGORITHMS.filter((a) => rec[a]) };
    }
    return { status, matchedBy: c.matchedBy };
  }
  if (c.matchedBy) return { status: r.shellSince ? 'shell' : 'filed', matchedBy: c.matchedBy };
  if (!c.common) {
    const rec = recorded(r);
    return { status: 'fingerprint_mismatch', matchedBy: null, recordedAlgorithms: ALGORITHMS.filter((a) => rec[a]) };
  }
  return { status: 'fingerprint_mismatch', matchedBy: null };
}

/** Bits of IdentityGist.recorded: the fingerprints a filing records. */
export const RECORDED_MD5 = 1;
export const RECORDED_SHA1 = 2;
export const RECORDED_SHA256 = 4;
const RECORDED_BIT: Record<FingerprintAlgorithm, number> = { md5: RECORDED_MD5, sha1: RECORDED_SHA1, sha256: RECORDED_SHA256 };

/**
 * What judging ONE presented fingerprint needs of a registered identity, without its strings:
 * the in-memory index reads it straight from its bytes (ADR 0022), comparing the presented
 * fingerprint with the recorded one itself.
 */
export interface IdentityGist {
  active: boolean;
  serviceStatus: ServiceStatus;
  /** shellSince is set. */
  shell: boolean;
  /** RECORDED_* bits: the fingerprints recorded. */
  recorded: number;
  /** The presented fingerprint against the recorded one of its algorithm: 1 equal, 0 different, -1 none recorded. */
  match: number;
}

/** judge(r, { [algorithm]: hex }) from the gist of r (tested to agree with judge for every case). */
export function judgeGist(g: IdentityGist | null, algorithm: FingerprintAlgorithm): Judgement {
  if (!g) return { status: 'not_filed', matchedBy: null };
  const matchedBy = g.match === 1 ? algorithm : null;
  if (!g.active) {
    const status: VerificationStatus = g.serviceStatus === 'filed' ? 'not_filed' : g.serviceStatus;
    if (status !== 'not_filed' && g.match === -1) return { status, matchedBy: null, recordedAlgorithms: ALGORITHMS.filter((a) => (g.recorded & RECORDED_BIT[a]) !== 0) };
    return { status, matchedBy };
  }
  if (matchedBy) return { status: g.shell ? 'shell' : 'filed', matchedBy };
  if (g.match === -1) return { status: 'fingerprint_mismatch', matchedBy: null, recordedAlgorithms: ALGORITHMS.filter((a) => (g.recorded & RECORDED_BIT[a]) !== 0) };
  return { status: 'fingerprint_mismatch', matchedBy: null };
}

export interface ItemProblem { field: 'platform' | 'packageName' | 'fingerprint'; code: string; message: string }

export interface ParsedItem { platform: VerifyPlatform; packageName: string; algorithm: FingerprintAlgorithm; hex: string }

/**
 * A package name as the registry matches it. iOS bundle IDs are case-insensitive (Apple: a bundle ID
 * is unique without regard to case; they are ASCII letters, digits, "-" and "."), so they are
 * matched folded to lower case; Android package names are case-sensitive (a2dp.Vol ≠ a2dp.vol), and
 * so are HarmonyOS bundle names (OpenHarmony's bundle manager compares them exactly; they name
 * directories): matched as they are. Only ASCII letters are folded.
 */
export function matchingPackageName(platform: string, packageName: string): string {
  return platform === 'ios' && /[A-Z]/.test(packageName) ? packageName.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : packageName;
}

/** The registry key of a package: platform and package name as matched (matchingPackageName). */
export const identityKey = (platform: string, packageName: string) => `${platform}|${matchingPackageName(platform, packageName)}`;

const PACKAGE_VALIDATORS: Record<VerifyPlatform, (s: string) => Validation<string>> = {
  android: validateAndroidPackageName,
  ios: validateIosBundleId,
  harmonyos: validateHarmonyBundleName,
};

/**
 * Checks one request item's content (its shape is checked at the edge). Codes: `platform_unknown`,
 * the package validators' codes, the fingerprint validator's codes.
 */
export function parseItem(item: { platform: string; packageName: string; fingerprint: string }): { ok: true; value: ParsedItem } | { ok: false; problem: ItemProblem } {
  const fast = parseCanonical(item);
  return fast !== null ? { ok: true, value: fast } : parseItemFully(item);
}

/** parseItem through the validators, whatever the item's shape (parseItem's path for all but the canonical shapes). */
export function parseItemFully(item: { platform: string; packageName: string; fingerprint: string }): { ok: true; value: ParsedItem } | { ok: false; problem: ItemProblem } {
  const platform = item.platform.trim().toLowerCase();
  if (!(VERIFY_PLATFORMS as readonly string[]).includes(platform)) {
    return { ok: false, problem: { field: 'platform', code: 'platform_unknown', message: `platform is one of ${VERIFY_PLATFORMS.join(', ')}` } };
  }
  const p = platform as VerifyPlatform;
  const pkg = PACKAGE_VALIDATORS[p](item.packageName);
  if (!pkg.ok) return { ok: false, problem: { field: 'packageName', ...pkg.error } };
  const fp = validateCertFingerprint(item.fingerprint);
  if (!fp.ok) return { ok: false, problem: { field: 'fingerprint', ...fp.error } };
  return { ok: true, value: { platform: p, packageName: pkg.value, algorithm: fp.value.algorithm, hex: fp.value.hex } };
}

// The shapes nearly every caller sends — a lowercase platform, a package name that needs no
// trimming, a fingerprint as plain hex — recognised by one regular expression each (every check is
// on the hot path). Each accepts only what the validators above accept unchanged, so the answer is
// the one parseItem's full path gives (property-tested in verification.test.ts); anything else
// goes that way.
const CANONICAL_PACKAGE: Record<string, { re: RegExp; min: number; max: number }> = {
  android: { re: /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+$/, min: 3, max: 223 },
  ios: { re: /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/, min: 1, max: 255 },
  harmonyos: { re: /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$/, min: 7, max: 128 },
};
// Length first, then one pass over the characters: an alternation of the three lengths scans a
// sha256 three times (measured ~1 µs an item, the largest single cost of a batch's parsing).
const HEX_ONLY = /^[0-9a-fA-F]+$/;
const HEX_ALGORITHM: Readonly<Record<number, FingerprintAlgorithm>> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };

// parseCanonical's rules over the ASCII bytes of a batch body read in place (src/api/verify/batch-scan.ts):
// the same verdicts as the regular expressions above (property-tested in verification.test.ts).
const LETTER = 1;
const DIGIT = 2;
const UNDERSCORE = 4;
const HYPHEN = 8;
const CLASS = new Uint8Array(128);
for (let c = 65; c <= 90; c++) { CLASS[c] = LETTER; CLASS[c + 32] = LETTER; }
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
CLASS[95] = UNDERSCORE;
CLASS[45] = HYPHEN;
/** Per platform: the characters of a segment, whether the first / every later segment starts with a letter, the fewest segments. */
const CANONICAL_SEGMENTS: Record<VerifyPlatform, { chars: number; firstLetter: boolean; laterLetter: boolean; minSegments: number }> = {
  android: { chars: LETTER | DIGIT | UNDERSCORE, firstLetter: true, laterLetter: true, minSegments: 2 },
  ios: { chars: LETTER | DIGIT | HYPHEN, firstLetter: false, laterLetter: false, minSegments: 1 },
  harmonyos: { chars: LETTER | DIGIT | UNDERSCORE, firstLetter: true, laterLetter: false, minSegments: 1 },
};

/** Whether the ASCII bytes b[at, end) are a package name parseCanonical takes as it is for `platform`. */
export function isCanonicalPackageBytes(platform: VerifyPlatform, b: Uint8Array, at: number, end: number): boolean {
  const rule = CANONICAL_PACKAGE[platform]!;
  const seg = CANONICAL_SEGMENTS[platform];
  if (end - at < rule.min || end - at > rule.max) return false;
  let segments = 1;
  let start = true; // at a segment's first character
  for (let i = at; i < end; i++) {
    const c = b[i]!;
    if (c === 46) { // .
      if (start) return false; // an empty segment
      segments += 1;
      start = true;
      continue;
    }
    const k = c < 128 ? CLASS[c]! : 0;
    if (!(k & seg.chars)) return false;
    if (start && k !== LETTER && (segments === 1 ? seg.firstLetter : seg.laterLetter)) return false;
    start = false;
  }
  return !start && segments >= seg.minSegments;
}

/** The algorithm of a fingerprint given as plain hex (either case) in b[at, end), as parseCanonical takes it; null otherwise. */
export function canonicalFingerprintBytes(b: Uint8Array, at: number, end: number): FingerprintAlgorithm | null {
  const algorithm = HEX_ALGORITHM[end - at];
  if (algorithm === undefined) return null;
  for (let i = at; i < end; i++) {
    const c = b[i]!;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return null;
  }
  return algorithm;
}

/** Whether parseCanonical takes `pkg` as it is for `platform` (one of its regular expressions, within its lengths). */
export function isCanonicalPackage(platform: string, pkg: string): boolean {
  const rule = Object.hasOwn(CANONICAL_PACKAGE, platform) ? CANONICAL_PACKAGE[platform]! : undefined;
  return rule !== undefined && pkg.length >= rule.min && pkg.length <= rule.max && rule.re.test(pkg);
}

function parseCanonical(item: { platform: string; packageName: string; fingerprint: string }): ParsedItem | null {
  const pkg = item.packageName;
  if (!isCanonicalPackage(item.platform, pkg)) return null;
  const fp = item.fingerprint;
  if ((fp.length !== 64 && fp.length !== 32 && fp.length !== 40) || !HEX_ONLY.test(fp)) return null;
  return { platform: item.platform as VerifyPlatform, packageName: pkg, algorithm: HEX_ALGORITHM[fp.length]!, hex: fp.toLowerCase() };
}

/** A platform's filed identity: its package and the certificate fingerprints the filing records (lower-case hex or null). */
export interface FiledIdentity { platform: string; packageName: string; certMd5: string | null; certSha1: string | null; certSha256: string | null }

/**
 * An identity a change (变更) stopped answering `filed`: the old package with those of its old fingerprints
 * that no longer match (the others null), and what a verification of it answers now.
 */
export interface RemovedIdentity extends FiledIdentity { verificationStatus: 'not_filed' | 'fingerprint_mismatch' }

const CERT_FIELDS = ['certMd5', 'certSha1', 'certSha256'] as const;

/**
 * The keys (platform, package, fingerprint) that answered `filed` before a change and do not after it: a
 * dropped platform or a renamed package answers `not_filed` (every old fingerprint listed); a replaced
 * certificate answers `fingerprint_mismatch` (the old fingerprints the platform no longer records). A
 * fingerprint added for the same certificate removes nothing; an iOS bundle ID differing only in case is
 * the same package (matchingPackageName).
 */
export function removedIdentities(before: FiledIdentity[], after: FiledIdentity[]): RemovedIdentity[] {
  const now = new Map(after.map((p) => [identityKey(p.platform, p.packageName), p]));
  const out: RemovedIdentity[] = [];
  for (const old of before) {
    const cur = now.get(identityKey(old.platform, old.packageName));
    if (!cur) { out.push({ ...old, verificationStatus: 'not_filed' }); continue; }
    const gone = CERT_FIELDS.filter((f) => old[f] !== null && old[f]!.toLowerCase() !== cur[f]?.toLowerCase());
    if (gone.length) {
      const certs = Object.fromEntries(CERT_FIELDS.map((f) => [f, gone.includes(f) ? old[f] : null])) as Pick<FiledIdentity, (typeof CERT_FIELDS)[number]>;
      out.push({ platform: old.platform, packageName: old.packageName, ...certs, verificationStatus: 'fingerprint_mismatch' });
    }
  }
  return out;
}
