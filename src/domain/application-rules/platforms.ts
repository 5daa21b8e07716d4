// APP feature info, one record per platform (APP特征信息, DOMAIN.md §2.4): package name, signing
// certificate public key and fingerprints, and the domains the APP uses on that platform.
import type { DeepPartial } from '../deep-partial.ts';
import { PLATFORMS, type Platform, type PlatformMaterials } from '../materials.ts';
import { validateCertFingerprint, validatePublicKeyHex } from '../validation/certificate.ts';
import { checkDomainList, checkSubset } from './domains.ts';
import { type Report, duplicateIndexes, path, requireText, text } from './report.ts';
import { FINGERPRINT_FIELDS, type FingerprintField, PLATFORM_RULES } from './tables.ts';

type PlatformDraft = DeepPartial<PlatformMaterials>;

/** Every platform record; no platform twice (one APP, one record per platform [S13]). */
export function checkPlatforms(report: Report, list: readonly PlatformDraft[], serviceDomains: ReadonlySet<string>): PlatformDraft[] {
  const out = list.map((p, i) => checkPlatform(report, path('platforms', i), p, serviceDomains));
  for (const i of duplicateIndexes(list, (p) => text(p.platform))) {
    report.error(path('platforms', i, 'platform'), 'platform_duplicate', 'this platform already has a record; one record per platform');
  }
  return out;
}

function checkPlatform(report: Report, base: string, p: PlatformDraft, serviceDomains: ReadonlySet<string>): PlatformDraft {
  const out: PlatformDraft = { ...p };
  const name = requireText(report, path(base, 'platform'), p.platform, 'the platform');
  const platform = name !== undefined && (PLATFORMS as readonly string[]).includes(name) ? (name as Platform) : undefined;
  if (name !== undefined && platform === undefined) report.error(path(base, 'platform'), 'invalid_option', `${name} is not one of ${PLATFORMS.join(', ')}`);
  const rule = platform ? PLATFORM_RULES[platform] : undefined;
  const pkg = requireText(report, path(base, 'packageName'), p.packageName, rule?.label ?? 'the package name');
  if (pkg !== undefined) out.packageName = (rule && report.take(path(base, 'packageName'), rule.validatePackage(pkg))) ?? pkg;
  const key = requireText(report, path(base, 'publicKey'), p.publicKey, 'the signing certificate\'s public key');
  if (key !== undefined) out.publicKey = report.take(path(base, 'publicKey'), validatePublicKeyHex(key))?.hex ?? key;
  checkFingerprints(report, base, p, out, rule?.filingFingerprint);
  if (p.domains !== undefined) {
    const { out: domains } = checkDomainList(report, path(base, 'domains'), p.domains);
    out.domains = domains;
    checkSubset(report, path(base, 'domains'), domains, serviceDomains, 'platform_domain_not_in_service');
  }
  return out;
}

/**
 * The filing fingerprint of the platform is required (MD5 Android, SHA-1 iOS, SHA-256
 * HarmonyOS, DOMAIN.md §2.4); every fingerprint given must be of its field's algorithm, so a
 * 32-digit MD5 pasted where iOS needs the SHA-1 is caught (`fingerprint_algorithm_mismatch`).
 */
function checkFingerprints(report: Report, base: string, p: PlatformDraft, out: PlatformDraft, filing: FingerprintField | undefined): void {
  for (const [field, algorithm] of Object.entries(FINGERPRINT_FIELDS) as [FingerprintField, (typeof FINGERPRINT_FIELDS)[FingerprintField]][]) {
    const given = text(p[field]);
    if (given === undefined) {
      if (field === filing) report.required(path(base, field), `the certificate ${algorithm.toUpperCase()} fingerprint`);
      else if (p[field] !== undefined) out[field] = null;
      continue;
    }
    out[field] = report.take(path(base, field), validateCertFingerprint(given, algorithm))?.hex ?? given;
  }
}
