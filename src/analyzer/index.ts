// The package analyzer (issue 4): the signing facts of an APK, IPA or HAP for filing and for
// verification. Self-contained: it imports nothing else of ours (ARCHITECTURE.md "Layout").
// The platform is recognised by content — the ZIP's entries — never by file extension.
import { analyzeApk } from './apk/index.ts';
import { decode } from './cert/asn1.ts';
import { parseSignedData } from './cert/pkcs7.ts';
import { parseCertificate } from './cert/x509.ts';
import { AnalyzerError } from './errors.ts';
import { analyzeHap } from './hap/index.ts';
import { analyzeIpa, findAppBundle } from './ios/index.ts';
import type { AnalysisResult, AnalyzeOptions, CertificateInfo } from './types.ts';
import { ZipPackage } from './zip.ts';

export { AnalyzerError, ANALYZER_ERROR_CODES, isAnalyzerError, type AnalyzerErrorCode } from './errors.ts';
export type * from './types.ts';

export async function analyzePackage(filePath: string, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const now = options.now ?? new Date();
  const zip = await ZipPackage.open(filePath);
  try {
    if (zip.has('AndroidManifest.xml')) return await analyzeApk(zip, now);
    const bundle = findAppBundle(zip);
    if (bundle) return await analyzeIpa(zip, bundle, now);
    if (zip.has('module.json') || zip.has('config.json')) return await analyzeHap(zip, now);
    throw new AnalyzerError('unsupported_package',
      'a ZIP archive, but not an APK (no AndroidManifest.xml), IPA (no Payload/*.app/Info.plist) or HAP (no module.json)');
  } catch (err) {
    throw normalize(err);
  } finally {
    await zip.close();
  }
}

/**
 * Facts of a bare certificate a host uploads instead of a package: DER or PEM X.509, or a PKCS#7
 * bundle (.p7b, or a v1 .RSA file) whose signer — else first — certificate is taken.
 */
export function analyzeCertificate(bytes: Uint8Array): CertificateInfo {
  try {
    const der = fromPem(bytes);
    if (looksLikeContentInfo(der)) {
      const signed = parseSignedData(der, 'PKCS#7 bundle');
      const cert = signed.signerCertificates[0] ?? signed.certificates[0];
      if (!cert) throw new AnalyzerError('malformed_asn1', 'PKCS#7 bundle: it contains no certificate');
      return cert.info;
    }
    return parseCertificate(der, 'certificate').info;
  } catch (err) {
    throw normalize(err);
  }
}

function fromPem(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes.subarray(0, 64)).toString('latin1');
  if (!text.includes('-----BEGIN')) return bytes;
  const pem = Buffer.from(bytes).toString('latin1');
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m || !m[2]) throw new AnalyzerError('malformed_asn1', 'PEM input without a complete BEGIN/END block');
  return Buffer.from(m[2].replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
}

/** A ContentInfo starts with an OID; a Certificate starts with the TBSCertificate SEQUENCE. */
function looksLikeContentInfo(der: Uint8Array): boolean {
  try {
    const first = (decode(der, 'certificate').valueBlock as { value?: { idBlock: { tagNumber: number } }[] }).value?.[0];
    return first?.idBlock.tagNumber === 6;
  } catch {
    return false;
  }
}

/** Anything unexpected from a parser on hostile input still leaves as a named error. */
function normalize(err: unknown): AnalyzerError {
  if (err instanceof AnalyzerError) return err;
  if (err instanceof RangeError) {
    return new AnalyzerError('malformed_zip', `structure too deep or too large to analyze (${err.message})`, { cause: err });
  }
  throw err;
}
