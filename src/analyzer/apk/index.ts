// Android APK: identity from the binary AndroidManifest.xml (labels and version names given as
// references resolved through resources.arsc), signers from JAR signing (v1) and the APK Signing
// Block (v2, v3, v3.1). Signers are listed newest scheme first, and the first is the filing
// certificate: the identity Android 9+ (v3) or 13+ (v3.1) uses after a key rotation.
import { AnalyzerError, check } from '../errors.ts';
import { parseCertificate } from '../cert/x509.ts';
import { LIMITS } from '../limits.ts';
import { certificateWarnings, filingValues, groupSigners, type Found } from '../result.ts';
import type { AnalysisResult, AnalysisWarning, SignatureScheme } from '../types.ts';
import type { ZipPackage } from '../zip.ts';
import { ResourceTable } from './arsc.ts';
import { parseManifest, type AttrValue } from './axml.ts';
import {
  APK_SIGNATURE_SCHEME_V2, APK_SIGNATURE_SCHEME_V3, APK_SIGNATURE_SCHEME_V31, readSigningBlock, signerCertificates,
} from './signing-block.ts';
import { v1SignerCertificates } from './v1.ts';

// Newest first: the order signers are listed in.
const BLOCK_SCHEMES: [number, SignatureScheme][] = [
  [APK_SIGNATURE_SCHEME_V31, 'v3.1'], [APK_SIGNATURE_SCHEME_V3, 'v3'], [APK_SIGNATURE_SCHEME_V2, 'v2'],
];

export async function analyzeApk(zip: ZipPackage, now: Date): Promise<AnalysisResult> {
  const manifest = parseManifest(await zip.read('AndroidManifest.xml', LIMITS.manifestBytes));
  const packageName = manifest.packageName;
  check(packageName, 'malformed_manifest', 'AndroidManifest.xml: <manifest> has no package attribute');
  const warnings: AnalysisWarning[] = [];
  const resources = new LazyResources(zip, warnings);
  const label = await resources.text(manifest.label);
  const versionName = await resources.text(manifest.versionName);
  const found = await findSigners(zip);
  const { signers, certificates } = groupSigners(found);
  const rotated = rotationWarning(found);
  return {
    kind: 'package',
    platform: 'android',
    packageName,
    versionName: versionName === null ? null : String(versionName),
    versionCode: versionCode(manifest.versionCode, manifest.versionCodeMajor),
    appName: label === null ? null : String(label),
    signers,
    filing: filingValues(packageName, found[0]?.cert, 'md5'),
    profile: null,
    warnings: [
      ...warnings,
      ...(rotated ? [rotated] : []),
      ...certificateWarnings(certificates, now, 'The APK carries no v1 (JAR), v2, v3 or v3.1 signature.'),
    ],
  };
}

/** Certificates by scheme, newest scheme first (v3.1, v3, v2, v1), in each block's signer order. */
async function findSigners(zip: ZipPackage): Promise<Found[]> {
  const found: Found[] = [];
  const block = await readSigningBlock(zip);
  for (const [id, scheme] of BLOCK_SCHEMES) {
    const value = block.get(id);
    if (!value) continue;
    signerCertificates(value, scheme).forEach((der, i) => {
      found.push({ scheme, cert: parseCertificate(der, `${scheme} signer ${i + 1} certificate`) });
    });
  }
  for (const cert of await v1SignerCertificates(zip)) found.push({ scheme: 'v1', cert });
  return found;
}

/** v3/v3.1 carry a different certificate than an older scheme: the key was rotated. */
function rotationWarning(found: Found[]): AnalysisWarning | null {
  const newest = found[0]?.cert;
  const older = found.find((f) => f.cert.info.sha256 !== newest?.info.sha256);
  if (!newest || !older || (found[0]?.scheme !== 'v3' && found[0]?.scheme !== 'v3.1')) return null;
  return {
    code: 'signing_key_rotated',
    message: `The signing key was rotated: newer Android versions see ${newest.info.subject} `
      + `(MD5 ${newest.info.md5}), older ones ${older.cert.info.subject} (MD5 ${older.cert.info.md5}). `
      + 'The filing values are those of the newest certificate.',
    params: { subject: newest.info.subject, md5: newest.info.md5, olderSubject: older.cert.info.subject, olderMd5: older.cert.info.md5 },
  };
}

/** android:versionCode, widened by android:versionCodeMajor (the high 32 bits) when present. */
function versionCode(code: AttrValue | null, major: AttrValue | null): string | null {
  if (!code) return null;
  if (code.kind === 'string') return code.value;
  if (code.kind !== 'int') return null;
  if (major?.kind === 'int' && major.value !== 0) return ((BigInt(major.value) << 32n) | BigInt(code.value)).toString();
  return String(code.value);
}

/** resources.arsc, loaded only when a value is a reference; a label is not worth failing the analysis. */
class LazyResources {
  private table: ResourceTable | null | undefined;

  constructor(private readonly zip: ZipPackage, private readonly warnings: AnalysisWarning[]) {}

  async text(value: AttrValue | null): Promise<string | number | null> {
    if (!value) return null;
    if (value.kind !== 'reference') return value.value;
    const table = await this.load();
    const resolved = table ? table.resolve(value.id) : null;
    if (resolved === null && table) this.unresolved(`resource 0x${value.id.toString(16)} has no string value`);
    return resolved;
  }

  private async load(): Promise<ResourceTable | null> {
    if (this.table !== undefined) return this.table;
    this.table = null;
    if (!this.zip.has('resources.arsc')) {
      this.unresolved('the APK has no resources.arsc');
      return null;
    }
    try {
      this.table = ResourceTable.parse(await this.zip.read('resources.arsc', LIMITS.resourcesBytes));
    } catch (err) {
      if (!(err instanceof AnalyzerError) || !['entry_too_large', 'malformed_resources'].includes(err.code)) throw err;
      this.unresolved(err.message);
    }
    return this.table;
  }

  private unresolved(reason: string): void {
    this.warnings.push({ code: 'app_name_unresolved', message: `A manifest value could not be resolved: ${reason}.`, params: { reason } });
  }
}
