// The analyzer's output contract (issue 4 §6). Scripts and the API depend on these field names:
// change them only together with the CLI contract.

export type Platform = 'android' | 'ios' | 'harmonyos';

/**
 * Signature schemes that carry a certificate. Android: JAR signing (v1) and the APK Signature
 * Scheme blocks v2, v3, v3.1. iOS: the Mach-O code signature (`codesign`). HarmonyOS: the HAP
 * sign block (`hap`).
 */
export type SignatureScheme = 'v1' | 'v2' | 'v3' | 'v3.1' | 'codesign' | 'hap';

export interface PublicKeyInfo {
  /** 'RSA', 'EC', 'DSA', 'Ed25519', 'Ed448', or the algorithm OID when unknown. */
  algorithm: string;
  /** RSA modulus size, EC curve size, DSA p size; null when unknown. */
  bits: number | null;
  /** EC named curve: 'P-256', 'P-384', 'P-521', 'secp256k1', 'SM2', 'brainpoolP256r1', … or its OID; null for other keys. */
  curve: string | null;
  /**
   * What filing consoles call 公钥, uppercase hex: RSA modulus (no leading 00, as
   * `openssl x509 -modulus` prints it); EC point as stored (uncompressed 04‖X‖Y); DSA y; EdDSA raw key.
   */
  hex: string;
  /**
   * Uppercase hex of the SubjectPublicKeyInfo exactly as stored in the certificate (never
   * re-encoded, non-minimal lengths included): the key as `openssl x509 -pubkey` prints it (PEM)
   * for a strict-DER certificate, which some hosts paste as 公钥.
   */
  spki: string;
  /** Lowercase hex SHA-256 of `spki` as stored: apksigner's "public key SHA-256 digest". */
  spkiSha256: string;
}

export interface CertificateInfo {
  /** RFC 2253 order (most specific first), comma-separated without spaces, values UTF-8. */
  subject: string;
  issuer: string;
  /** Uppercase hex of the serial's bytes as encoded, without DER's leading 00 sign byte(s). */
  serialNumber: string;
  /** ISO 8601 UTC, second precision: `2012-08-23T11:31:05Z`. */
  notBefore: string;
  notAfter: string;
  /** Fingerprints of the certificate bytes exactly as stored in the package; lowercase hex. */
  md5: string;
  sha1: string;
  sha256: string;
  /** The certificate's signature algorithm as openssl names it (`sha256WithRSAEncryption`, `ecdsa-with-SHA256`), or its OID. */
  signatureAlgorithm: string;
  publicKey: PublicKeyInfo;
}

export interface Signer {
  schemes: SignatureScheme[];
  certificate: CertificateInfo;
}

export const ANALYZER_WARNING_CODES = [
  'unsigned',
  'debug_certificate',
  'certificate_expired',
  'certificate_expiring',
  'development_profile',
  'debug_profile',
  'debuggable',
  'profile_expired',
  'profile_certificate_mismatch',
  'bundle_name_mismatch',
  'signing_key_rotated',
  'app_name_unresolved',
  'certificate_not_der',
] as const;

export type WarningCode = (typeof ANALYZER_WARNING_CODES)[number];

/** A signing certificate that expires within this many days of `now` is flagged `certificate_expiring`. */
export const EXPIRING_WITHIN_DAYS = 30;

export interface AnalysisWarning {
  code: WarningCode;
  /** English, for logs and the CLI; a UI words the warning from `code` and `params` in its own language. */
  message: string;
  /**
   * The values the message names, so a UI can say them in its own language without parsing English:
   * `subject` (a certificate's RFC 2253 subject), `notAfter` (ISO 8601 UTC), `daysLeft`, `sha256`, `md5`,
   * `profileName`, `profileType`, `packageName`, `profileBundleName`, `olderSubject`, `olderMd5`, `reason`.
   */
  params?: Record<string, string | number>;
}

export interface FilingValues {
  packageName: string;
  /** The filing certificate's public key (see PublicKeyInfo.hex); null when unsigned. */
  publicKey: string | null;
  /** MD5 (Android), SHA-1 (iOS) or SHA-256 (HarmonyOS) of the filing certificate; null when unsigned. */
  signature: string | null;
}

/** A certificate the provisioning / signing profile names (iOS DeveloperCertificates, HAP development- or distribution-certificate). */
export interface ProfileCertificate {
  subject: string;
  /** Lowercase hex SHA-256 of the certificate bytes as stored in the profile. */
  sha256: string;
}

/**
 * The provisioning profile (iOS embedded.mobileprovision) or signing profile (HAP profile sub-block)
 * the package was signed with; a field the profile does not carry is null.
 */
export interface ProfileInfo {
  /**
   * iOS: `development` (get-task-allow), `ad-hoc` (ProvisionedDevices), `enterprise`
   * (ProvisionsAllDevices), else `app-store`. HAP: the profile's `type` (`debug`, `release`).
   */
  type: string | null;
  /** iOS `Name`. */
  name: string | null;
  /** iOS `UUID`, HAP `uuid`. */
  uuid: string | null;
  /** iOS `TeamIdentifier[0]`. */
  teamId: string | null;
  /** iOS `TeamName`. */
  teamName: string | null;
  /** iOS entitlement `application-identifier` (`TEAMID.bundle.id`, or a `*` wildcard); HAP `bundle-info.app-identifier`. */
  applicationIdentifier: string | null;
  /** HAP `bundle-info.bundle-name`. */
  bundleName: string | null;
  /** HAP `bundle-info.developer-id`. */
  developerId: string | null;
  /** HAP `issuer`. */
  issuer: string | null;
  /** iOS CreationDate / HAP validity.not-before; iOS ExpirationDate / HAP validity.not-after (ISO 8601 UTC, seconds). */
  notBefore: string | null;
  notAfter: string | null;
  /** The certificates the profile allows to sign (empty when it names none). */
  certificates: ProfileCertificate[];
}

export interface AnalysisResult {
  kind: 'package';
  platform: Platform;
  packageName: string;
  versionName: string | null;
  /** Always a string: Android/HarmonyOS integers in decimal, iOS CFBundleVersion as written. */
  versionCode: string | null;
  appName: string | null;
  /** One entry per distinct certificate; the first is the filing certificate (Android: newest scheme first). */
  signers: Signer[];
  filing: FilingValues;
  /** The provisioning (iOS) or signing (HAP) profile; null for APKs and packages without one. */
  profile: ProfileInfo | null;
  warnings: AnalysisWarning[];
}

/**
 * A bare signing certificate (DER or PEM X.509, or a PKCS#7 bundle such as a .p7b or a v1 .RSA
 * file) analyzed instead of a package: the same certificate facts, no package fields.
 */
export interface CertificateAnalysis {
  kind: 'certificate';
  /** How the file holds it. */
  format: 'der' | 'pem' | 'pkcs7';
  certificate: CertificateInfo;
  /** `certificate_expired`, `debug_certificate`, `certificate_not_der`. */
  warnings: AnalysisWarning[];
}

export interface AnalyzeOptions {
  /** The instant `certificate_expired` is judged against (house rule 8: time is an argument). */
  now?: Date;
}
