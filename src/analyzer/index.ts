// The package analyzer (issue 4): the signing facts of an APK, IPA or HAP for filing and for
// verification. Self-contained: it imports nothing else of ours (ARCHITECTURE.md "Layout").
// The platform is recognised by content — the ZIP's entries — never by file extension.
import { open } from 'node:fs/promises';
import { analyzeApk } from './apk/index.ts';
import { decode } from './cert/asn1.ts';
import { fromPem, isPem } from './cert/pem.ts';
import { parseSignedData } from './cert/pkcs7.ts';
import { parseCertificate, type ParsedCertificate } from './cert/x509.ts';
import { AnalyzerError } from './errors.ts';
import { analyzeHap } from './hap/index.ts';
import { analyzeIpa, findAppBundle } from './ios/index.ts';
import { LIMITS } from './limits.ts';
import { certificateWarnings } from './result.ts';
import type { AnalysisResult, AnalyzeOptions, CertificateAnalysis, CertificateInfo } from './types.ts';
import { ZipPackage } from './zip.ts';

export { AnalyzerError, ANALYZER_ERROR_CODES, isAnalyzerError, type AnalyzerErrorCode } from './errors.ts';
export { ANALYZER_WARNING_CODES } from './types.ts';
export type * from './types.ts';

/**
 * A package (APK/IPA/HAP), or a bare signing certificate a host has instead (DOMAIN.md §0.1):
 * DER or PEM X.509, or a PKCS#7 bundle (.p7b, a v1 .RSA/.DSA/.EC). Told apart by content: a file
 * that starts like DER (a SEQUENCE) or PEM and is at most LIMITS.signatureFileBytes is a
 * certificate; everything else is analyzed as a package (and is `not_a_zip` if it is neither).
 */
export async function analyzeFile(filePath: string, options: AnalyzeOptions = {}): Promise<AnalysisResult | CertificateAnalysis> {
  const bytes = await certificateCandidate(filePath);
  if (!bytes) return analyzePackage(filePath, options);
  const now = options.now ?? new Date();
  try {
    const { cert, format } = readCertificate(bytes);
    return {
      kind: 'certificate',
      format,
      certificate: cert.info,
      warnings: certificateWarnings([cert], now, ''),
    };
  } catch (err) {
    throw normalize(err);
  }
}

/** The whole file when it is small and starts like a certificate; null otherwise (read as a package). */
async function certificateCandidate(filePath: string): Promise<Buffer | null> {
  let file;
  try {
    file = await open(filePath, 'r');
  } catch {
    return null; // analyzePackage names the problem (file_unreadable)
  }
  try {
    const st = await file.stat();
    if (!st.isFile() || st.size === 0 || st.size > LIMITS.signatureFileBytes) return null;
    const bytes = Buffer.alloc(st.size);
    const { bytesRead } = await file.read(bytes, 0, st.size, 0);
    const head = bytes.subarray(0, bytesRead);
    return head[0] === 0x30 || isPem(head) ? head : null;
  } finally {
    await file.close();
  }
}

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
    return readCertificate(bytes).cert.info;
  } catch (err) {
    throw normalize(err);
  }
}

function readCertificate(bytes: Uint8Array): { cert: ParsedCertificate; format: CertificateAnalysis['format'] } {
  const pem = isPem(bytes);
  const der = pem ? fromPem(bytes) : bytes;
  if (looksLikeContentInfo(der)) {
    const signed = parseSignedData(der, 'PKCS#7 bundle');
    const cert = signed.signerCertificates[0] ?? signed.certificates[0];
    if (!cert) throw new AnalyzerError('malformed_asn1', 'PKCS#7 bundle: it contains no certificate');
    return { cert, format: 'pkcs7' };
  }
  return { cert: parseCertificate(der, 'certificate'), format: pem ? 'pem' : 'der' };
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
