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
  publicKey: PublicKeyInfo;
}

export interface Signer {
  schemes: SignatureScheme[];
  certificate: CertificateInfo;
}

export type WarningCode =
  | 'unsigned'
  | 'debug_certificate'
  | 'certificate_expired'
  | 'development_profile'
  | 'bundle_name_mismatch'
  | 'signing_key_rotated'
  | 'app_name_unresolved'
  | 'certificate_not_der';

export interface AnalysisWarning {
  code: WarningCode;
  message: string;
}

export interface FilingValues {
  packageName: string;
  /** The filing certificate's public key (see PublicKeyInfo.hex); null when unsigned. */
  publicKey: string | null;
  /** MD5 (Android), SHA-1 (iOS) or SHA-256 (HarmonyOS) of the filing certificate; null when unsigned. */
  signature: string | null;
}

export interface AnalysisResult {
  platform: Platform;
  packageName: string;
  versionName: string | null;
  /** Always a string: Android/HarmonyOS integers in decimal, iOS CFBundleVersion as written. */
  versionCode: string | null;
  appName: string | null;
  /** One entry per distinct certificate; the first is the filing certificate (Android: newest scheme first). */
  signers: Signer[];
  filing: FilingValues;
  warnings: AnalysisWarning[];
}

export interface AnalyzeOptions {
  /** The instant `certificate_expired` is judged against (house rule 8: time is an argument). */
  now?: Date;
}
