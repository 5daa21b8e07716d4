// PKCS#7 / CMS SignedData (RFC 5652 §5): the container of a v1 signature block file
// (META-INF/*.RSA|DSA|EC), of each Mach-O code signature (CSSLOT_SIGNATURESLOT), of
// embedded.mobileprovision and of the HAP signature and profile sub-blocks. We take the
// certificates exactly as stored, the certificate each SignerInfo names, and the signed content.
import { AnalyzerError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { children, decode, integer, isContext, isUniversal, malformed, octets, oid, raw, sequence, type Node } from './asn1.ts';
import { formatName } from './names.ts';
import { parseCertificate, type ParsedCertificate } from './x509.ts';

const SIGNED_DATA = '1.2.840.113549.1.7.2';

export interface SignedData {
  certificates: ParsedCertificate[];
  /** The certificate of each SignerInfo, deduplicated, in SignerInfo order. */
  signerCertificates: ParsedCertificate[];
  /** encapContentInfo.eContent (the profile plist/JSON), or null when detached. */
  content: Uint8Array | null;
}

export function parseSignedData(bytes: Uint8Array, what: string): SignedData {
  const [contentType, wrapped] = sequence(decode(bytes, what), `${what} ContentInfo`);
  if (oid(contentType, what) !== SIGNED_DATA) throw malformed(what, 'not a PKCS#7 SignedData');
  if (!wrapped || !isContext(wrapped, 0)) throw malformed(what, 'SignedData content missing');
  const fields = sequence(children(wrapped, what)[0], `${what} SignedData`);
  // version, digestAlgorithms, encapContentInfo, [0] certificates?, [1] crls?, signerInfos
  const content = encapsulatedContent(fields[2], what);
  const certSet = fields.find((f, i) => i >= 3 && isContext(f, 0));
  const signerInfos = fields[fields.length - 1];
  if (!signerInfos || !isUniversal(signerInfos, 17)) throw malformed(what, 'signerInfos missing');
  const certificates = certSet ? readCertificates(certSet, what) : [];
  const signerCertificates: ParsedCertificate[] = [];
  for (const info of children(signerInfos, `${what} signerInfos`)) {
    const cert = findSignerCertificate(info, certificates, what);
    if (cert && !signerCertificates.includes(cert)) signerCertificates.push(cert);
  }
  if (signerCertificates.length === 0 && certificates.length > 0) signerCertificates.push(leafOf(certificates));
  return { certificates, signerCertificates, content };
}

function encapsulatedContent(node: Node | undefined, what: string): Uint8Array | null {
  const parts = sequence(node, `${what} encapContentInfo`);
  const explicit = parts[1];
  if (!explicit || !isContext(explicit, 0)) return null;
  return octets(children(explicit, what)[0], `${what} eContent`);
}

function readCertificates(set: Node, what: string): ParsedCertificate[] {
  // CertificateChoices: only plain X.509 certificates (SEQUENCE); attribute certificates are tagged.
  const certs = children(set, `${what} certificates`).filter((c) => isUniversal(c, 16));
  if (certs.length > LIMITS.maxCertificates) {
    throw new AnalyzerError('malformed_asn1', `${what}: ${certs.length} certificates (limit ${LIMITS.maxCertificates})`);
  }
  return certs.map((c, i) => parseCertificate(raw(c), `${what} certificate ${i + 1}`));
}

/** SignerIdentifier: IssuerAndSerialNumber, or [0] SubjectKeyIdentifier (RFC 5652 §5.3). */
function findSignerCertificate(info: Node, certs: ParsedCertificate[], what: string): ParsedCertificate | undefined {
  const sid = sequence(info, `${what} SignerInfo`)[1];
  if (!sid) throw malformed(what, 'SignerInfo without a signer identifier');
  if (isContext(sid, 0)) {
    const ski = Buffer.from((sid.valueBlock as { valueHexView?: Uint8Array }).valueHexView ?? []);
    return certs.find((c) => c.subjectKeyIdentifier && ski.equals(c.subjectKeyIdentifier));
  }
  const [issuer, serial] = sequence(sid, `${what} IssuerAndSerialNumber`);
  if (!issuer) throw malformed(what, 'IssuerAndSerialNumber without issuer');
  const issuerDer = Buffer.from(raw(issuer));
  const serialBytes = Buffer.from(integer(serial, `${what} signer serial`));
  const bySerial = certs.filter((c) => serialBytes.equals(c.serial));
  // A certificate with non-minimal lengths in its issuer Name is still the one a DER-encoded
  // IssuerAndSerialNumber names: compare the names themselves when the bytes differ.
  return bySerial.find((c) => issuerDer.equals(c.issuerDer))
    ?? bySerial.find((c) => c.nonDer !== null && c.info.issuer === formatName(issuer, `${what} signer issuer`));
}

/** Fallback when no SignerInfo names a stored certificate: the one that issued no other. */
function leafOf(certs: ParsedCertificate[]): ParsedCertificate {
  const issuers = new Set(certs.map((c) => c.info.issuer));
  return (certs.find((c) => !issuers.has(c.info.subject)) ?? certs[0]) as ParsedCertificate;
}
