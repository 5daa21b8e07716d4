// Package identifiers per platform (APP feature info, DOMAIN.md §2.4). With the signing
// certificate they are what stores and device makers check against the registry. Case is
// preserved here and only surrounding whitespace is trimmed; the registry matches Android package
// names and HarmonyOS bundle names exactly (both case-sensitive) and iOS bundle IDs without regard
// to case, as Apple does (src/domain/verification.ts matchingPackageName).
import { type Validation, type ValidationIssue, invalid, valid } from './result.ts';

// Java Language Specification §3.9 keywords and literals. Android itself accepts them in an
// applicationId, so a match is only a warning: the package cannot double as a Java namespace.
const JAVA_RESERVED = new Set(('abstract assert boolean break byte case catch char class const continue default do double '
  + 'else enum extends final finally float for goto if implements import instanceof int interface long native new package '
  + 'private protected public return short static strictfp super switch synchronized this throw throws transient try void '
  + 'volatile while true false null _').split(' '));

/** FrameworkParsingPackageUtils.MAX_FILE_NAME_SIZE (Android 13+): the name is a directory name. */
const ANDROID_MAX = 223;

/**
 * Android applicationId, the rules of FrameworkParsingPackageUtils.validateName (requireSeparator)
 * plus Java identifier shape: at least two dot-separated segments, each a letter then letters,
 * digits or underscores; at most 223 characters. Codes: `android_package_empty`,
 * `android_package_segments` (no dot), `android_package_segment` (an empty segment or one
 * breaking the character rule — Android would accept "a..b", a Java package cannot),
 * `android_package_too_long`. Warning `android_package_java_keyword`.
 */
export function validateAndroidPackageName(input: string): Validation<string> {
  const s = input.trim();
  if (s === '') return invalid('android_package_empty', 'enter the package name (applicationId), e.g. com.example.app');
  if (s.length > ANDROID_MAX) return invalid('android_package_too_long', `Android package names have at most ${ANDROID_MAX} characters`);
  const segments = s.split('.');
  if (segments.length < 2) return invalid('android_package_segments', 'an Android package name has at least two segments, e.g. com.example');
  const bad = segments.find((seg) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(seg));
  if (bad !== undefined) {
    return invalid('android_package_segment', `segment ${JSON.stringify(bad)}: each segment starts with a letter, then letters, digits or _`);
  }
  const keyword = segments.find((seg) => JAVA_RESERVED.has(seg));
  const warnings: ValidationIssue[] = keyword
    ? [{ code: 'android_package_java_keyword', message: `segment "${keyword}" is a Java keyword; Android accepts it, Java source cannot use it` }]
    : [];
  return valid(s, warnings);
}

/** A storage bound of ours, not an Apple rule: Apple documents no maximum length. */
const IOS_MAX = 255;

/**
 * iOS bundle ID (CFBundleIdentifier). Apple: only A–Z, a–z, 0–9, hyphen and period, in
 * reverse-DNS form; case-insensitive for uniqueness (kept as typed here). Codes:
 * `ios_bundle_id_empty`, `ios_bundle_id_charset` (including the wildcard "*" of App IDs,
 * which no shipped app has), `ios_bundle_id_segment` (empty segment), `ios_bundle_id_too_long`.
 * Warning `ios_bundle_id_not_reverse_dns` for a single segment.
 */
export function validateIosBundleId(input: string): Validation<string> {
  const s = input.trim();
  if (s === '') return invalid('ios_bundle_id_empty', 'enter the Bundle ID, e.g. com.example.app');
  if (!/^[A-Za-z0-9.-]+$/.test(s)) return invalid('ios_bundle_id_charset', 'a Bundle ID has letters, digits, hyphens and periods only');
  if (s.length > IOS_MAX) return invalid('ios_bundle_id_too_long', `a Bundle ID has at most ${IOS_MAX} characters`);
  const segments = s.split('.');
  if (segments.some((seg) => seg === '')) return invalid('ios_bundle_id_segment', 'a Bundle ID has no empty segments (leading, trailing or double dot)');
  const warnings: ValidationIssue[] = segments.length < 2
    ? [{ code: 'ios_bundle_id_not_reverse_dns', message: 'Apple asks for reverse-DNS form, e.g. com.example.app' }]
    : [];
  return valid(s, warnings);
}

/**
 * HarmonyOS bundleName (app.json5), as documented for the Stage model: letters, digits,
 * underscores and "."; starts with a letter; 7–128 bytes; reverse-domain form recommended
 * (com.example.demo). The documentation does not speak of segments; we refuse empty ones
 * (no real bundle has "a..b") and warn when a segment does not start with a letter or the
 * name is a single segment, since AppGallery expects reverse-domain names.
 * Codes: `harmony_bundle_name_length`, `harmony_bundle_name_charset`,
 * `harmony_bundle_name_start`, `harmony_bundle_name_segment`. Warnings:
 * `harmony_bundle_name_segment_start`, `harmony_bundle_name_not_reverse_domain`.
 */
export function validateHarmonyBundleName(input: string): Validation<string> {
  const s = input.trim();
  if (s.length < 7 || s.length > 128) return invalid('harmony_bundle_name_length', 'a HarmonyOS bundle name has 7–128 characters');
  if (!/^[A-Za-z0-9_.]+$/.test(s)) return invalid('harmony_bundle_name_charset', 'a HarmonyOS bundle name has letters, digits, _ and . only');
  if (!/^[A-Za-z]/.test(s)) return invalid('harmony_bundle_name_start', 'a HarmonyOS bundle name starts with a letter');
  const segments = s.split('.');
  if (segments.some((seg) => seg === '')) return invalid('harmony_bundle_name_segment', 'a bundle name has no empty segments');
  const warnings: ValidationIssue[] = [];
  if (segments.length < 2) warnings.push({ code: 'harmony_bundle_name_not_reverse_domain', message: 'use reverse-domain form, e.g. com.example.demo' });
  const odd = segments.find((seg) => !/^[A-Za-z]/.test(seg));
  if (odd !== undefined) warnings.push({ code: 'harmony_bundle_name_segment_start', message: `segment "${odd}" does not start with a letter` });
  return valid(s, warnings);
}
