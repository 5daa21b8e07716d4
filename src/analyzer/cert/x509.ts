// X.509 certificate facts (RFC 5280 §4.1) from the certificate bytes exactly as stored in the
// package. Fingerprints are computed over those bytes and nothing else (issue 4 §4: never
// re-encode before hashing). A certificate with non-minimal lengths is read as stored and marked
// (`nonDer`); encodings Android refuses are refused first (see der.ts).
import { createHash } from 'node:crypto';
import { hex, stripLeadingZeros } from '../bytes.ts';
import type { CertificateInfo } from '../types.ts';
import { child, children, decode, integer, isContext, octets, oid, raw, sequence, time, type Node } from './asn1.ts';
import { certificateEncoding } from './der.ts';
import { formatName, nameAttribute } from './names.ts';
import { publicKeyInfo } from './public-key.ts';

const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

export interface ParsedCertificate {
  der: Uint8Array;
  info: CertificateInfo;
  notBefore: Date;
  notAfter: Date;
  subjectCommonName: string | null;
  /** Encoded issuer Name and serial INTEGER content: how CMS signerInfos name their certificate. */
  issuerDer: Uint8Array;
  serial: Uint8Array;
  subjectKeyIdentifier: Uint8Array | null;
  /** Null for strict DER; else where the stored encoding first departs from DER (Android accepts it). */
  nonDer: string | null;
}

export function parseCertificate(der: Uint8Array, what = 'certificate'): ParsedCertificate {
  const nonDer = certificateEncoding(der, what);
  const [tbs, signatureAlgorithm] = sequence(decode(der, what), what);
  const fields = sequence(tbs, `${what} TBSCertificate`);
  // version is [0] EXPLICIT and optional (absent in v1 certificates).
  const i = fields[0] && isContext(fields[0], 0) ? 1 : 0;
  const serial = integer(child(fields, i, what), `${what} serial`);
  const issuer = child(fields, i + 2, what);
  const [notBeforeNode, notAfterNode] = sequence(child(fields, i + 3, what), `${what} validity`);
  const subject = child(fields, i + 4, what);
  const spki = child(fields, i + 5, what);
  const notBefore = time(notBeforeNode, `${what} notBefore`);
  const notAfter = time(notAfterNode, `${what} notAfter`);
  const info: CertificateInfo = {
    subject: formatName(subject, `${what} subject`),
    issuer: formatName(issuer, `${what} issuer`),
    serialNumber: hex(stripLeadingZeros(serial), true),
    notBefore: isoSeconds(notBefore),
    notAfter: isoSeconds(notAfter),
    md5: digest('md5', der),
    sha1: digest('sha1', der),
    sha256: digest('sha256', der),
    signatureAlgorithm: signatureAlgorithmName(signatureAlgorithm, what),
    publicKey: publicKeyInfo(spki, `${what} public key`),
  };
  return {
    der,
    info,
    notBefore,
    notAfter,
    subjectCommonName: nameAttribute(subject, '2.5.4.3', `${what} subject`),
    issuerDer: raw(issuer),
    serial,
    subjectKeyIdentifier: findSubjectKeyIdentifier(fields.slice(i + 6), what),
    nonDer,
  };
}

// Names as openssl prints them ("Signature Algorithm: …"), which GROUND-TRUTH.md quotes.
const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10040.4.3': 'dsa_with_SHA1',
  '2.16.840.1.101.3.4.3.1': 'dsa_with_SHA224',
  '2.16.840.1.101.3.4.3.2': 'dsa_with_SHA256',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
  '1.2.156.10197.1.501': 'SM2-with-SM3',
};

/** Certificate.signatureAlgorithm (RFC 5280 §4.1.1.2): its openssl name, or the OID when unknown. */
function signatureAlgorithmName(node: Node | undefined, what: string): string {
  const [algorithm] = sequence(node, `${what} signatureAlgorithm`);
  const id = oid(algorithm, `${what} signatureAlgorithm`);
  return SIGNATURE_ALGORITHMS[id] ?? id;
}

/** Second precision, 'Z' suffix: certificates carry no fractions (RFC 5280 §4.1.2.5.1-2). */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function digest(algorithm: string, bytes: Uint8Array): string {
  return createHash(algorithm).update(bytes).digest('hex');
}

function findSubjectKeyIdentifier(optional: Node[], what: string): Uint8Array | null {
  const wrapper = optional.find((n) => isContext(n, 3));
  if (!wrapper) return null;
  const [extensions] = children(wrapper, `${what} extensions`);
  for (const ext of sequence(extensions, `${what} extensions`)) {
    const parts = sequence(ext, `${what} extension`);
    if (oid(parts[0], `${what} extension`) !== SUBJECT_KEY_IDENTIFIER) continue;
    const value = octets(parts[parts.length - 1], `${what} subjectKeyIdentifier`);
    try {
      return octets(decode(value, `${what} subjectKeyIdentifier`), `${what} subjectKeyIdentifier`);
    } catch {
      return null; // an unreadable SKI only costs us one way of matching the CMS signer
    }
  }
  return null;
}
