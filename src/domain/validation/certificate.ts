// Signing-certificate material of an APP platform record (DOMAIN.md §2.4, §9): the
// certificate fingerprint ("MD5签名值" — MD5 for Android, SHA-1 for iOS despite the label,
// SHA-256 for HarmonyOS) and the public key (RSA modulus hex, or an EC point).
// Tools print these in many shapes (keytool "SHA1: AB:CD:…", Keychain space-separated hex,
// openssl "Modulus=…", lowercase plain hex); all are accepted and normalised so that equal
// certificates compare equal.
import { toHalfWidth } from '../text.ts';
import { type Validation, type ValidationIssue, invalid, valid } from './result.ts';

export type FingerprintAlgorithm = 'md5' | 'sha1' | 'sha256';

export interface CertFingerprint {
  algorithm: FingerprintAlgorithm;
  /** Lowercase hex without separators. */
  hex: string;
}

const BY_LENGTH: Readonly<Record<number, FingerprintAlgorithm>> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };
// What tools and consoles put around the digits (DOMAIN.md §7: every tool prints its own): a leading
// label — keytool "SHA1:", openssl "SHA1 Fingerprint=", apksigner "Signer #1 certificate SHA-256
// digest:", a console's "签名MD5：" or "MD5签名：" — or a trailing "(MD5)"; quotes around the value;
// zero-width characters a web page's copy leaves in. Only these are removed: what remains must be
// 32, 40 or 64 hex digits, so nothing ambiguous gets through.
const ALGORITHM = '(md5|sha-?1|sha-?256)';
const LABEL = new RegExp(`^(?:signer\\s*#\\d+\\s+)?(?:certificate\\s+)?[\\p{Script=Han}]*${ALGORITHM}[\\p{Script=Han}]*\\s*(?:fingerprint|digest)?\\s*[:=：]?\\s*`, 'iu');
const TRAILING_LABEL = new RegExp(`\\s*[(（]\\s*${ALGORITHM}\\s*[)）]\\s*$`, 'i');
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
const QUOTES = /^["'“”‘’「」『』`]+|["'“”‘’「」『』`]+$/g;
const SEPARATORS = /[\s:-]/g;

/**
 * Codes: `fingerprint_empty`, `fingerprint_charset`, `fingerprint_length` (not 32/40/64 hex
 * digits), `fingerprint_algorithm_mismatch` (the length disagrees with a leading label such as
 * "SHA1:" or with `expected`, e.g. a 32-digit MD5 entered where iOS needs a SHA-1).
 */
export function validateCertFingerprint(input: string, expected?: FingerprintAlgorithm): Validation<CertFingerprint> {
  let s = toHalfWidth(input).replace(ZERO_WIDTH, '').trim().replace(QUOTES, '').trim();
  const label = LABEL.exec(s);
  if (label) s = s.slice(label[0].length);
  const trailing = TRAILING_LABEL.exec(s);
  if (trailing) s = s.slice(0, trailing.index);
  s = s.trim().replace(QUOTES, '');
  const hex = s.replace(SEPARATORS, '').toLowerCase();
  if (hex === '') return invalid('fingerprint_empty', 'enter the certificate fingerprint');
  if (!/^[0-9a-f]+$/.test(hex)) return invalid('fingerprint_charset', 'a fingerprint is hex digits, optionally separated by colons, spaces or dashes');
  const algorithm = BY_LENGTH[hex.length];
  if (!algorithm) return invalid('fingerprint_length', `a fingerprint has 32 (MD5), 40 (SHA-1) or 64 (SHA-256) hex digits, not ${hex.length}`);
  const labelled = label ? labelAlgorithm(label[1] as string) : trailing ? labelAlgorithm(trailing[1] as string) : undefined;
  if (label && trailing && labelAlgorithm(trailing[1] as string) !== labelled) {
    return invalid('fingerprint_algorithm_mismatch', `labelled both ${algorithmName(labelled!)} and ${algorithmName(labelAlgorithm(trailing[1] as string))}`);
  }
  const claimed = labelled ?? expected;
  if (claimed && claimed !== algorithm) {
    return invalid('fingerprint_algorithm_mismatch', `${hex.length} hex digits is ${algorithmName(algorithm)}, but ${algorithmName(claimed)} was expected`);
  }
  return valid({ algorithm, hex });
}

function labelAlgorithm(label: string): FingerprintAlgorithm {
  const l = label.toLowerCase().replace('-', '');
  return l === 'md5' ? 'md5' : l === 'sha1' ? 'sha1' : 'sha256';
}

function algorithmName(a: FingerprintAlgorithm): string {
  return { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256' }[a];
}

export interface PublicKeyHex {
  kind: 'rsa' | 'ec';
  /** Uppercase hex, no separators; an RSA modulus without its DER sign byte 00. */
  hex: string;
  /** RSA modulus size, or the EC curve's field size (256, 384, 521). */
  bits: number;
}

// EC points (SEC 1 §2.3.3): 04‖X‖Y uncompressed, 02/03‖X compressed, for P-256/384/521.
const EC_POINT_HEX: Readonly<Record<number, { bits: number; compressed: boolean }>> = {
  130: { bits: 256, compressed: false }, 194: { bits: 384, compressed: false }, 266: { bits: 521, compressed: false },
  66: { bits: 256, compressed: true }, 98: { bits: 384, compressed: true }, 134: { bits: 521, compressed: true },
};
const RSA_MIN_BITS = 1024;
const RSA_MAX_BITS = 16384;

/** The hex digits of a pasted key: half-width, without an openssl "Modulus=" label or separators, uppercase. */
export function publicKeyDigits(input: string): string {
  return toHalfWidth(input).trim().replace(/^modulus\s*[=:]\s*/i, '').replace(/[\s:]/g, '').toUpperCase();
}

/**
 * True when hex digits are one DER SEQUENCE and nothing else — a SubjectPublicKeyInfo, never a
 * key: an RSA modulus starts with 8–F and an EC point with 02/03/04.
 */
export function isDerSequenceHex(hex: string): boolean {
  if (!/^30[0-9A-F]*$/i.test(hex) || hex.length % 2 !== 0) return false;
  const first = parseInt(hex.slice(2, 4), 16);
  if (first < 0x80) return hex.length === 4 + first * 2;
  const n = first & 0x7f;
  if (n === 0 || n > 3) return false;
  return hex.length === 4 + n * 2 + parseInt(hex.slice(4, 4 + n * 2), 16) * 2;
}

/**
 * Codes: `public_key_empty`, `public_key_charset`, `public_key_odd_length`, `public_key_der`
 * (a whole DER SubjectPublicKeyInfo was pasted: the form wants the modulus or point inside it),
 * `public_key_length` (neither an EC point of P-256/384/521 nor an RSA modulus of 1024–16384
 * bits with its top bit set). Warning `public_key_weak` for RSA under 2048 bits (still seen on
 * old Android apps, whose signing key cannot change without a new package).
 * Accepts "Modulus=" prefixes and colon / space / newline separators.
 */
export function validatePublicKeyHex(input: string): Validation<PublicKeyHex> {
  const s = publicKeyDigits(input);
  if (s === '') return invalid('public_key_empty', 'enter the public key (modulus) in hex');
  if (!/^[0-9A-F]+$/.test(s)) return invalid('public_key_charset', 'a public key here is hex digits (the RSA modulus or EC point)');
  if (s.length % 2 !== 0) return invalid('public_key_odd_length', 'hex comes in pairs; a digit is missing or extra');
  const ec = EC_POINT_HEX[s.length];
  const lead = s.slice(0, 2);
  if (ec && (ec.compressed ? lead === '02' || lead === '03' : lead === '04')) return valid({ kind: 'ec', hex: s, bits: ec.bits });
  if (isDerSequenceHex(s) || /^30820[0-9A-F]{3}30/.test(s) || /^3081[0-9A-F]{2}30/.test(s)) {
    return invalid('public_key_der', 'this is a whole DER public-key structure; enter the modulus (or EC point) it contains');
  }
  return rsaModulus(s);
}

function rsaModulus(s: string): Validation<PublicKeyHex> {
  // DER integers carry a 00 sign byte when the top bit is set; openssl prints it too.
  const hex = s.startsWith('00') && /^[89A-F]/.test(s.slice(2)) ? s.slice(2) : s;
  const bits = hex.length * 4;
  if (!/^[89A-F]/.test(hex) || bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) {
    return invalid('public_key_length', `not a plausible key: ${s.length} hex digits is no EC point and no whole RSA modulus (1024–16384 bits)`);
  }
  const warnings: ValidationIssue[] = bits < 2048
    ? [{ code: 'public_key_weak', message: `RSA-${bits} is below the 2048 bits current signing guidance asks for` }]
    : [];
  return valid({ kind: 'rsa', hex, bits }, warnings);
}
