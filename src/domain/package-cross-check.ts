// Cross-check of the APP feature info (APP特征信息, DOMAIN.md §2.4) a host typed for one platform
// against the facts read from the package it uploads (issue 4 item 7: "filled from it, and
// cross-checked if typed"). Hosts copy these values from JadxGUI, keytool, Keychain or openssl
// output (DOMAIN.md §7), so every common format is normalised before comparing: fingerprints by
// the filing form's own validator (case, colons, spaces, "SHA1:" labels), the public key as the
// modulus / EC point the filing uses or as the whole SubjectPublicKeyInfo (DER hex or PEM, what
// `openssl x509 -pubkey` prints). Empty fields are not compared.
//
// The filing certificate is the package's first signer (after an Android key rotation, the
// current key). A typed value that matches another signer of the package is not plainly wrong:
// it is the older or additional certificate, and is reported as such.
//
// Some old signing tools wrote certificates with non-minimal lengths; Android installs such apps
// and records the certificate bytes as stored, and the package's fingerprints are of those bytes
// (the analyzer's warning `certificate_not_der`). A tool that re-encodes the certificate first
// prints other fingerprints, so when a key or fingerprint was compared the cross-check repeats
// the warning: a difference may come from the tool the value was copied from.
import type { FieldProblem } from './errors.ts';
import { PLATFORMS, type Platform } from './materials.ts';
import { toHalfWidth } from './text.ts';
import { type FingerprintAlgorithm, isDerSequenceHex, publicKeyDigits, validateCertFingerprint, validatePublicKeyHex } from './validation/certificate.ts';
import { invalid, type Validation, valid } from './validation/result.ts';
import { matchingPackageName } from './verification.ts';

export const CROSS_CHECK_FIELDS = ['platform', 'packageName', 'publicKey', 'certMd5', 'certSha1', 'certSha256'] as const;
export type CrossCheckField = (typeof CROSS_CHECK_FIELDS)[number];

/** What the host typed, as typed (any subset; empty or missing fields are not compared). */
export type TypedFeatureInfo = Partial<Record<CrossCheckField, string | null | undefined>>;

/** The package facts compared; the analyzer's AnalysisResult has this shape (the domain imports nothing of ours). */
export interface PackageFacts {
  platform: Platform;
  packageName: string;
  /** The first is the filing certificate. */
  signers: readonly { certificate: { md5: string; sha1: string; sha256: string; publicKey: { hex: string; spki: string } } }[];
  /** The analyzer's warnings (`{code, message}`); only `certificate_not_der` matters here. */
  warnings?: readonly { code: string }[];
}

/**
 * `…_of_other_signer`: the typed value is another signer's (e.g. the key an Android package rotated
 * away from); `package_unsigned`: a key or fingerprint was typed, but the package has no certificate.
 */
export const CROSS_CHECK_CODES = [
  'platform_differs', 'package_name_differs', 'public_key_differs', 'fingerprint_differs',
  'public_key_of_other_signer', 'fingerprint_of_other_signer', 'package_unsigned',
] as const;
export type CrossCheckCode = (typeof CROSS_CHECK_CODES)[number];

export interface CrossCheckDifference {
  field: CrossCheckField;
  /** The typed value, normalised to the form of `package` (lowercase fingerprint hex, uppercase key hex). */
  typed: string;
  /** The package's filing value in that form; null when the package is unsigned. */
  package: string | null;
  code: CrossCheckCode;
  /** With the `…_of_other_signer` codes: the index of the signer the typed value belongs to (≥ 1). */
  signer?: number;
}

/** `certificate_not_der`: a key or fingerprint was compared with a certificate that is not strict DER. */
export const CROSS_CHECK_WARNING_CODES = ['certificate_not_der'] as const;
export type CrossCheckWarningCode = (typeof CROSS_CHECK_WARNING_CODES)[number];

export interface CrossCheckWarning {
  code: CrossCheckWarningCode;
  message: string;
}

export interface CrossCheckResult {
  /** True when anything was typed, so something was compared. */
  checked: boolean;
  differences: CrossCheckDifference[];
  /** Why a difference may not be a typing mistake; empty when nothing needs saying. */
  warnings: CrossCheckWarning[];
}

const NOT_DER_MESSAGE = 'The package\'s certificate is not strict DER (non-minimal lengths, as some old signing tools wrote them). '
  + 'Typed values were compared with the fingerprints of the certificate bytes as stored in the package, which Android records '
  + 'and apksigner prints; a tool that re-encodes the certificate first (e.g. openssl on an extracted certificate) prints others.';

/** A typed public key: the key itself (modulus / EC point) or a whole SubjectPublicKeyInfo. */
export interface TypedPublicKey { form: 'key' | 'spki'; hex: string }

export interface ParsedTypedFeatureInfo {
  platform?: Platform;
  packageName?: string;
  publicKey?: TypedPublicKey;
  certMd5?: string;
  certSha1?: string;
  certSha256?: string;
}

const FINGERPRINTS = { certMd5: 'md5', certSha1: 'sha1', certSha256: 'sha256' } as const satisfies Record<string, FingerprintAlgorithm>;
type FingerprintField = keyof typeof FINGERPRINTS;
const PACKAGE_NAME_MAX = 255;

/**
 * Normalises what was typed. Problems name the field with the validators' codes
 * (`fingerprint_*`, `public_key_*`) or `platform_unknown` / `too_long`; the fields that parse
 * are in `value` either way (the web form sends only those, and shows the others as problems).
 */
export function parseTypedFeatureInfo(input: TypedFeatureInfo): { value: ParsedTypedFeatureInfo; problems: FieldProblem[] } {
  const value: ParsedTypedFeatureInfo = {};
  const problems: FieldProblem[] = [];
  const take = <K extends CrossCheckField>(field: K, parse: (s: string) => Validation<NonNullable<ParsedTypedFeatureInfo[K]>>) => {
    const given = input[field]?.trim();
    if (!given) return;
    const r = parse(given);
    if (r.ok) value[field] = r.value;
    else problems.push({ field, ...r.error });
  };
  take('platform', parsePlatform);
  take('packageName', (s) => (s.length > PACKAGE_NAME_MAX ? invalid('too_long', `a package name has at most ${PACKAGE_NAME_MAX} characters`) : valid(s)));
  take('publicKey', parsePublicKey);
  for (const [field, algorithm] of Object.entries(FINGERPRINTS) as [FingerprintField, FingerprintAlgorithm][]) {
    take(field, (s) => mapValid(validateCertFingerprint(s, algorithm), (f) => f.hex));
  }
  return { value, problems };
}

/** The differences between what was typed and the package, in form order. */
export function crossCheckPackage(typed: ParsedTypedFeatureInfo, pkg: PackageFacts): CrossCheckResult {
  const differences: CrossCheckDifference[] = [];
  if (typed.platform !== undefined && typed.platform !== pkg.platform) {
    differences.push({ field: 'platform', typed: typed.platform, package: pkg.platform, code: 'platform_differs' });
  }
  // iOS bundle IDs are one whatever their case (matchingPackageName); Android and HarmonyOS names compare exactly.
  if (typed.packageName !== undefined && matchingPackageName(pkg.platform, typed.packageName) !== matchingPackageName(pkg.platform, pkg.packageName)) {
    differences.push({ field: 'packageName', typed: typed.packageName, package: pkg.packageName, code: 'package_name_differs' });
  }
  const certs = pkg.signers.map((s) => s.certificate);
  if (typed.publicKey !== undefined) {
    const { form, hex } = typed.publicKey;
    const of = (c: (typeof certs)[number]) => (form === 'spki' ? c.publicKey.spki : c.publicKey.hex);
    const d = compare('publicKey', hex, certs.map(of), form === 'key' ? sameKey : (a, b) => a === b, 'public_key');
    if (d) differences.push(d);
  }
  for (const [field, algorithm] of Object.entries(FINGERPRINTS) as [FingerprintField, FingerprintAlgorithm][]) {
    const hex = typed[field];
    const d = hex === undefined ? null : compare(field, hex, certs.map((c) => c[algorithm]), (a, b) => a === b, 'fingerprint');
    if (d) differences.push(d);
  }
  const certificateCompared = typed.publicKey !== undefined || Object.keys(FINGERPRINTS).some((f) => typed[f as FingerprintField] !== undefined);
  const notDer = certificateCompared && (pkg.warnings ?? []).some((w) => w.code === 'certificate_not_der');
  return {
    checked: Object.values(typed).some((v) => v !== undefined),
    differences,
    warnings: notDer ? [{ code: 'certificate_not_der', message: NOT_DER_MESSAGE }] : [],
  };
}

/** Typed against every signer's value (the first is the filing one): null when it is the filing value. */
function compare(
  field: CrossCheckField, typed: string, values: string[], same: (typed: string, stored: string) => boolean, kind: 'public_key' | 'fingerprint',
): CrossCheckDifference | null {
  const filing = values[0];
  if (filing === undefined) return { field, typed, package: null, code: 'package_unsigned' };
  if (same(typed, filing)) return null;
  const other = values.findIndex((v, i) => i > 0 && same(typed, v));
  return other > 0
    ? { field, typed, package: filing, code: `${kind}_of_other_signer`, signer: other }
    : { field, typed, package: filing, code: `${kind}_differs` };
}

/**
 * Equal keys; an EC point typed compressed (02/03‖X, SEC 1 §2.3.3) is the stored uncompressed
 * point 04‖X‖Y when X is the same and the prefix gives Y's parity.
 */
function sameKey(typed: string, stored: string): boolean {
  if (typed === stored) return true;
  if (!/^0[23]/.test(typed) || !stored.startsWith('04') || stored.length !== 2 * typed.length - 2) return false;
  const x = typed.slice(2);
  const yOdd = parseInt(stored.slice(-1), 16) % 2 === 1;
  return stored.slice(2, 2 + x.length) === x && yOdd === typed.startsWith('03');
}

function parsePlatform(s: string): Validation<Platform> {
  const p = s.toLowerCase();
  return (PLATFORMS as readonly string[]).includes(p) ? valid(p as Platform) : invalid('platform_unknown', `platform is one of ${PLATFORMS.join(', ')}`);
}

/**
 * The modulus / EC point (the filing form's own validator), or a whole SubjectPublicKeyInfo as
 * DER hex, as PEM ("-----BEGIN PUBLIC KEY-----") or as the PEM's base64 body alone.
 */
function parsePublicKey(s: string): Validation<TypedPublicKey> {
  const digits = publicKeyDigits(s);
  if (isDerSequenceHex(digits)) return valid({ form: 'spki', hex: digits });
  const key = validatePublicKeyHex(s);
  if (key.ok || key.error.code !== 'public_key_charset') return mapValid(key, (k) => ({ form: 'key', hex: k.hex }));
  const der = base64Hex(toHalfWidth(s).replace(/-----(BEGIN|END) PUBLIC KEY-----/g, ''));
  return der !== null && isDerSequenceHex(der) ? valid({ form: 'spki', hex: der }) : key as Validation<never>;
}

function base64Hex(s: string): string | null {
  const b64 = s.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  try {
    return Array.from(atob(b64), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('').toUpperCase();
  } catch {
    return null; // not base64 after all (bad padding): the hex validator's problem stands
  }
}

function mapValid<T, U>(v: Validation<T>, f: (t: T) => U): Validation<U> {
  return v.ok ? valid(f(v.value), v.warnings) : v;
}
