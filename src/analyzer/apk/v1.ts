// JAR signing (APK "v1"): META-INF/NAME.SF is signed by the PKCS#7 block META-INF/NAME.RSA,
// NAME.DSA or NAME.EC (JAR File Specification, "Signed JAR File"). Only such pairs are signature
// material: META-INF also holds MANIFEST.MF and arbitrary files (F-Droid's buildserverid, …).
import { parseSignedData } from '../cert/pkcs7.ts';
import type { ParsedCertificate } from '../cert/x509.ts';
import { LIMITS } from '../limits.ts';
import type { ZipPackage } from '../zip.ts';

const BLOCK_EXTENSIONS = ['.RSA', '.DSA', '.EC'];

export async function v1SignerCertificates(zip: ZipPackage): Promise<ParsedCertificate[]> {
  const files = [...zip.names()].filter((n) => n.startsWith('META-INF/') && !n.slice(9).includes('/'));
  const signatureFiles = files.filter((n) => n.toUpperCase().endsWith('.SF')).sort();
  const certs: ParsedCertificate[] = [];
  for (const sf of signatureFiles) {
    const base = sf.slice(0, -3);
    const block = files.find((n) => n.length > base.length && n.startsWith(base)
      && BLOCK_EXTENSIONS.includes(n.slice(base.length).toUpperCase()));
    if (!block) continue; // a .SF nobody signed: Android would reject it; it names no signer
    const signed = parseSignedData(await zip.read(block, LIMITS.signatureFileBytes), block);
    for (const cert of signed.signerCertificates) certs.push(cert);
  }
  return certs;
}
