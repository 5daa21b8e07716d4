// What the analyzer found in the package behind each platform of an application (DOMAIN.md §0.1:
// "Refuse debug / ad-hoc / development certificates"), and which findings refuse submission.
// Pure: the analyses are read by src/flows/package-analyses.ts; `now` is an argument.
import type { FieldProblem } from './errors.ts';
import type { Platform } from './materials.ts';

/** An analysis kept for an application (the upload's facts, not the package). */
export interface PackageAnalysisFacts {
  kind: 'package' | 'certificate';
  platform: Platform | null;
  packageName: string | null;
  certMd5: string | null; certSha1: string | null; certSha256: string | null;
  certificateNotAfter: Date | null;
  profileType: string | null;
  /** As the analyzer gave them; `params` only on analyses kept since they were added. */
  warnings: Finding[];
  analyzedAt: Date;
}

/** An analyzer finding: its code, English message and the values the message names (for a UI's own words). */
export interface Finding { code: string; message: string; params?: Record<string, string | number> }

/** A signing certificate within this many days of expiry is flagged `certificate_expiring` (as the analyzer does). */
export const EXPIRING_WITHIN_DAYS = 30;
const DAY = 86_400_000;

/** The findings of one platform of the materials, as reviewers see them. */
export interface PlatformPackageCheck {
  /** `platforms.N`: the platform's index in the materials. */
  field: string;
  platform: string;
  packageName: string | null;
  kind: 'package' | 'certificate';
  analyzedAt: string;
  certificateNotAfter: string | null;
  profileType: string | null;
  /** Analyzer warning codes (certificate_expired and certificate_expiring judged at `now`, not at upload). */
  findings: (Finding & { refuses: boolean })[];
}

/** Analyzer findings that refuse submission, and the problem code each becomes. */
const REFUSING: Readonly<Record<string, { code: string; message: string }>> = {
  debug_certificate: { code: 'package_debug_signed', message: 'the package is signed with a debug certificate: file the release-signed package' },
  debug_profile: { code: 'package_debug_signed', message: 'the package is signed with a debug profile: file the release-signed package' },
  debuggable: { code: 'package_debug_signed', message: 'the package is a debug build: file the release build' },
  development_profile: { code: 'package_development_profile', message: 'the package is signed with a development or ad-hoc profile: file the App Store / release-signed package' },
  certificate_expired: { code: 'package_certificate_expired', message: 'the signing certificate has expired: file a package signed with a valid certificate' },
};

/** The filing fingerprint of each platform (DOMAIN.md §2.4): the field a certificate problem is shown at. */
export const FILING_FINGERPRINT_FIELD: Readonly<Record<Platform, 'certMd5' | 'certSha1' | 'certSha256'>> = {
  android: 'certMd5', ios: 'certSha1', harmonyos: 'certSha256',
};

const hex = (v: unknown) => (typeof v === 'string' ? v.replace(/[^0-9a-f]/gi, '').toLowerCase() : '');

interface PlatformLike { platform?: unknown; packageName?: unknown; certMd5?: unknown; certSha1?: unknown; certSha256?: unknown }

/** The newest analysis of this platform's package: same platform and package name, one fingerprint equal. */
export function analysisOf(p: PlatformLike, analyses: readonly PackageAnalysisFacts[]): PackageAnalysisFacts | undefined {
  const prints = [hex(p.certMd5), hex(p.certSha1), hex(p.certSha256)];
  return analyses.find((a) => (a.platform === null || a.platform === p.platform)
    && (a.packageName === null || a.packageName === p.packageName)
    && [a.certMd5, a.certSha1, a.certSha256].some((f, i) => !!f && f === prints[i]));
}

/** Each platform's findings (newest analysis first in `analyses`); platforms never analysed are left out. */
export function platformPackageChecks(platforms: readonly PlatformLike[], analyses: readonly PackageAnalysisFacts[], now: Date): PlatformPackageCheck[] {
  return platforms.flatMap((p, i) => {
    const a = analysisOf(p ?? {}, analyses);
    if (!a) return [];
    const warnings = a.warnings.filter((w) => w.code !== 'certificate_expired' && w.code !== 'certificate_expiring');
    const expiry = expiryFinding(a.certificateNotAfter, now);
    if (expiry) warnings.unshift(expiry);
    return [{
      field: `platforms.${i}`, platform: String(p.platform ?? a.platform ?? ''), packageName: a.packageName, kind: a.kind,
      analyzedAt: a.analyzedAt.toISOString(), certificateNotAfter: a.certificateNotAfter?.toISOString() ?? null, profileType: a.profileType,
      findings: warnings.map((w) => ({ ...w, refuses: w.code in REFUSING })),
    }];
  });
}

/**
 * The filing certificate's expiry at `now`: `certificate_expired` (refuses, ADR 0034) or, within
 * EXPIRING_WITHIN_DAYS, `certificate_expiring` (a warning: an iOS distribution certificate lasts a
 * year, and an app filed with one about to lapse is re-signed with another soon — a change of the record).
 */
function expiryFinding(notAfter: Date | null, now: Date): Finding | null {
  if (notAfter === null) return null;
  const iso = notAfter.toISOString().replace('.000Z', 'Z');
  const left = notAfter.getTime() - now.getTime();
  if (left < 0) return { code: 'certificate_expired', message: `the signing certificate expired on ${iso}`, params: { notAfter: iso } };
  if (left > EXPIRING_WITHIN_DAYS * DAY) return null;
  const daysLeft = Math.ceil(left / DAY);
  return { code: 'certificate_expiring', message: `the signing certificate expires on ${iso}, in ${daysLeft} day(s)`, params: { notAfter: iso, daysLeft } };
}

/** What refuses submission: one problem per platform and kind, at the platform's filing fingerprint. */
export function packageFindingProblems(platforms: readonly PlatformLike[], checks: readonly PlatformPackageCheck[]): FieldProblem[] {
  return checks.flatMap((c) => {
    const i = Number(c.field.split('.')[1]);
    const platform = platforms[i]?.platform as Platform | undefined;
    const field = `${c.field}.${platform && platform in FILING_FINGERPRINT_FIELD ? FILING_FINGERPRINT_FIELD[platform] : 'certSha256'}`;
    const codes = new Map<string, FieldProblem>();
    for (const f of c.findings) {
      const r = REFUSING[f.code];
      if (r && !codes.has(r.code)) codes.set(r.code, { field, code: r.code, message: r.message });
    }
    return [...codes.values()];
  });
}
