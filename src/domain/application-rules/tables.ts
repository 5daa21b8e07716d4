// The data behind the application rules, kept as tables so a change of practice (a bureau
// accepting a new certificate, a platform added) is a row, not a new branch in the checks.
import type { ServiceType } from '../filing-number.ts';
import type { PersonCertificateType, Platform, SubjectNature, UnitCertificateType } from '../materials.ts';
import { PERSON_CERTIFICATE_TYPES } from '../materials.ts';
import type { FingerprintAlgorithm } from '../validation/certificate.ts';
import { validateAndroidPackageName, validateHarmonyBundleName, validateIosBundleId } from '../validation/app-ids.ts';
import type { Validation } from '../validation/result.ts';

/**
 * Which material groups each service type carries (DOMAIN.md §2.1, §2.5): `true` = required
 * (at least one entry), `false` = not applicable. Mini programs and quick apps are submitted
 * by their hosting platform and carry no domains, package/key or access section [S2][S3][S7].
 */
export interface ServiceGroups {
  readonly domains: boolean;
  readonly homeUrl: boolean;
  readonly platforms: boolean;
  readonly access: boolean;
}

export const SERVICE_GROUPS: Readonly<Record<ServiceType, ServiceGroups>> = Object.freeze({
  app: { domains: true, homeUrl: false, platforms: true, access: true },
  website: { domains: true, homeUrl: true, platforms: false, access: true },
  mini_program: { domains: false, homeUrl: false, platforms: false, access: false },
  quick_app: { domains: false, homeUrl: false, platforms: false, access: false },
});

/**
 * Certificates accepted for each subject nature (DOMAIN.md §2.2, Tencent Cloud's list [S14]).
 * Since the USCC reform (GB 32100-2015) every registration certificate of an organisation
 * prints the unified social credit code, so the USCC is accepted for all of them.
 */
export const NATURE_CERTIFICATES: Readonly<Record<SubjectNature, readonly (UnitCertificateType | PersonCertificateType)[]>> = Object.freeze({
  government: ['uscc', 'organization_code'],
  public_institution: ['uscc', 'public_institution_certificate', 'organization_code'],
  enterprise: ['uscc'],
  social_organisation: ['uscc', 'social_organisation_certificate', 'organization_code'],
  private_non_enterprise: ['uscc', 'private_non_enterprise_certificate'],
  foundation: ['uscc', 'foundation_certificate'],
  law_firm: ['uscc', 'law_firm_licence'],
  individual: PERSON_CERTIFICATE_TYPES,
});

export type FingerprintField = 'certMd5' | 'certSha1' | 'certSha256';

/** Each fingerprint field holds one algorithm's digest of the signing certificate. */
export const FINGERPRINT_FIELDS: Readonly<Record<FingerprintField, FingerprintAlgorithm>> = Object.freeze({
  certMd5: 'md5', certSha1: 'sha1', certSha256: 'sha256',
});

export interface PlatformRule {
  readonly label: string;
  readonly validatePackage: (input: string) => Validation<string>;
  /**
   * The fingerprint the filing form asks for ("MD5签名值"): MD5 on Android, SHA-1 on iOS
   * despite the label, SHA-256 on HarmonyOS (DOMAIN.md §2.4 [S31][S8]).
   */
  readonly filingFingerprint: FingerprintField;
}

export const PLATFORM_RULES: Readonly<Record<Platform, PlatformRule>> = Object.freeze({
  android: { label: 'Android package name', validatePackage: validateAndroidPackageName, filingFingerprint: 'certMd5' },
  ios: { label: 'iOS Bundle ID', validatePackage: validateIosBundleId, filingFingerprint: 'certSha1' },
  harmonyos: { label: 'HarmonyOS bundle name', validatePackage: validateHarmonyBundleName, filingFingerprint: 'certSha256' },
});
