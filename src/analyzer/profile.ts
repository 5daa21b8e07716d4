// What the provisioning (iOS) or signing (HAP) profile says about how the package may be signed,
// judged the same way on both platforms (DOMAIN.md §0.1: debug/ad-hoc/development signing is
// flagged): the profile has expired (`profile_expired`, at `now`), or the package was signed by a
// certificate the profile does not name (`profile_certificate_mismatch`) — the device refuses to
// install such a package, and a filing would record a certificate the store never sees.
import { isoSeconds, type ParsedCertificate } from './cert/x509.ts';
import type { AnalysisWarning, ProfileCertificate, ProfileInfo } from './types.ts';

export function emptyProfile(): ProfileInfo {
  return {
    type: null, name: null, uuid: null, teamId: null, teamName: null, applicationIdentifier: null, bundleName: null,
    developerId: null, issuer: null, notBefore: null, notAfter: null, certificates: [],
  };
}

export function profileCertificate(cert: ParsedCertificate): ProfileCertificate {
  return { subject: cert.info.subject, sha256: cert.info.sha256 };
}

/** A valid Date as ISO seconds; null otherwise. */
export function isoOrNull(date: Date | null): string | null {
  return date && Number.isFinite(date.getTime()) ? isoSeconds(date) : null;
}

export function profileWarnings(profile: ProfileInfo, label: string, signers: ParsedCertificate[], now: Date): AnalysisWarning[] {
  const warnings: AnalysisWarning[] = [];
  if (profile.notAfter && now.getTime() > Date.parse(profile.notAfter)) {
    warnings.push({ code: 'profile_expired', message: `The ${label} expired on ${profile.notAfter}.`, params: { notAfter: profile.notAfter, ...(profile.name ? { profileName: profile.name } : {}) } });
  }
  const allowed = new Set(profile.certificates.map((c) => c.sha256));
  const leaf = signers[0];
  if (leaf && allowed.size > 0 && !allowed.has(leaf.info.sha256)) {
    const named = profile.certificates.map((c) => `${c.subject} (SHA-256 ${c.sha256})`).join('; ');
    warnings.push({
      code: 'profile_certificate_mismatch',
      message: `The package was signed by ${leaf.info.subject} (SHA-256 ${leaf.info.sha256}), which the ${label} does not name: it names ${named}.`,
      params: { subject: leaf.info.subject, sha256: leaf.info.sha256 },
    });
  }
  return warnings;
}
