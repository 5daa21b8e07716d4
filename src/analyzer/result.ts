// Turning the certificates found under each scheme into the contract's `signers`, `filing` and
// certificate warnings. One signer per distinct certificate (by SHA-256 of its stored bytes), with
// every scheme that carries it: TestActivity_signed_both.apk has the same certificate in v1 and v2.
// Signers keep the order in which they are found; callers pass the filing certificate first.
import { isoSeconds, type ParsedCertificate } from './cert/x509.ts';
import { type AnalysisWarning, EXPIRING_WITHIN_DAYS, type FilingValues, type SignatureScheme, type Signer } from './types.ts';

const DAY = 86_400_000;
const SCHEME_ORDER: SignatureScheme[] = ['v1', 'v2', 'v3', 'v3.1', 'codesign', 'hap'];

export interface Found {
  scheme: SignatureScheme;
  cert: ParsedCertificate;
}

export interface Signed {
  signers: Signer[];
  certificates: ParsedCertificate[];
}

export function groupSigners(found: Found[]): Signed {
  const bySha = new Map<string, { schemes: Set<SignatureScheme>; cert: ParsedCertificate }>();
  for (const { scheme, cert } of found) {
    const key = cert.info.sha256;
    const slot = bySha.get(key) ?? { schemes: new Set<SignatureScheme>(), cert };
    slot.schemes.add(scheme);
    bySha.set(key, slot);
  }
  const slots = [...bySha.values()];
  return {
    signers: slots.map((s) => ({
      schemes: SCHEME_ORDER.filter((x) => s.schemes.has(x)),
      certificate: s.cert.info,
    })),
    certificates: slots.map((s) => s.cert),
  };
}

export function filingValues(packageName: string, cert: ParsedCertificate | undefined, signature: 'md5' | 'sha1' | 'sha256'): FilingValues {
  return {
    packageName,
    publicKey: cert ? cert.info.publicKey.hex : null,
    signature: cert ? cert.info[signature] : null,
  };
}

/**
 * `unsigned`, `debug_certificate`, `certificate_expired` and `certificate_expiring` (within EXPIRING_WITHIN_DAYS;
 * both judged at `now`) and `certificate_not_der`.
 */
export function certificateWarnings(certs: ParsedCertificate[], now: Date, unsignedMessage: string): AnalysisWarning[] {
  if (certs.length === 0) return [{ code: 'unsigned', message: unsignedMessage }];
  const warnings: AnalysisWarning[] = [];
  for (const cert of certs) {
    if (cert.subjectCommonName === 'Android Debug') {
      warnings.push({
        code: 'debug_certificate',
        message: `Signed with an Android debug certificate (${cert.info.subject}); stores and filings need the release key.`,
        params: { subject: cert.info.subject },
      });
    }
  }
  for (const cert of certs) {
    if (now.getTime() > cert.notAfter.getTime()) {
      warnings.push({
        code: 'certificate_expired',
        message: `The signing certificate ${cert.info.subject} expired on ${isoSeconds(cert.notAfter)}.`,
        params: { subject: cert.info.subject, notAfter: isoSeconds(cert.notAfter) },
      });
    } else if (cert.notAfter.getTime() - now.getTime() <= EXPIRING_WITHIN_DAYS * DAY) {
      // Apple distribution certificates last a year: a package signed near the end cannot be re-signed
      // for an update with the same certificate, and the filing names that certificate (DOMAIN.md §2.4).
      const daysLeft = Math.ceil((cert.notAfter.getTime() - now.getTime()) / DAY);
      warnings.push({
        code: 'certificate_expiring',
        message: `The signing certificate ${cert.info.subject} expires on ${isoSeconds(cert.notAfter)}, in ${daysLeft} day(s).`,
        params: { subject: cert.info.subject, notAfter: isoSeconds(cert.notAfter), daysLeft },
      });
    }
  }
  for (const cert of certs) {
    if (cert.nonDer) {
      warnings.push({
        code: 'certificate_not_der',
        message: `The signing certificate ${cert.info.subject} is not strict DER (${cert.nonDer}), as some old signing tools `
          + 'wrote it; Android accepts it. Its fingerprints are of the certificate bytes as stored in the package, which '
          + 'Android records and apksigner prints; a tool that re-encodes the certificate first prints others.',
        params: { subject: cert.info.subject, reason: cert.nonDer },
      });
    }
  }
  return warnings;
}
