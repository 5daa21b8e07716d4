// iOS IPA: identity from Payload/NAME.app/Info.plist; the signing leaf certificate from the CMS
// blob of the main executable's code signature (every slice of a universal binary); the kind of
// provisioning profile from embedded.mobileprovision. Filing consoles ask for the leaf's SHA-1.
import { parseSignedData } from '../cert/pkcs7.ts';
import type { ParsedCertificate } from '../cert/x509.ts';
import { AnalyzerError, check } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { certificateWarnings, filingValues, groupSigners } from '../result.ts';
import type { AnalysisResult, AnalysisWarning } from '../types.ts';
import type { ZipPackage } from '../zip.ts';
import { codeSignatureBlobs } from './macho.ts';
import { isDict, parsePlist, stringOf, type PlistDict } from './plist.ts';

const INFO_PLIST = /^Payload\/[^/]+\.app\/Info\.plist$/;

/** `Payload/NAME.app/` when the package is an IPA; the first bundle in name order if several. */
export function findAppBundle(zip: ZipPackage): string | null {
  const plists = [...zip.names()].filter((n) => INFO_PLIST.test(n)).sort();
  return plists[0] ? plists[0].slice(0, -'Info.plist'.length) : null;
}

export async function analyzeIpa(zip: ZipPackage, bundle: string, now: Date): Promise<AnalysisResult> {
  const info = parsePlist(await zip.read(`${bundle}Info.plist`, LIMITS.manifestBytes), `${bundle}Info.plist`);
  check(isDict(info), 'malformed_manifest', `${bundle}Info.plist is not a dictionary`);
  const packageName = stringOf(info, 'CFBundleIdentifier');
  check(packageName, 'malformed_manifest', `${bundle}Info.plist has no CFBundleIdentifier`);
  const leafs = await executableSigners(zip, bundle, info);
  const { signers, certificates } = groupSigners(leafs.map((cert) => ({ scheme: 'codesign', cert })));
  const profile = await profileWarning(zip, bundle);
  return {
    platform: 'ios',
    packageName,
    versionName: stringOf(info, 'CFBundleShortVersionString'),
    versionCode: stringOf(info, 'CFBundleVersion'),
    appName: stringOf(info, 'CFBundleDisplayName') ?? stringOf(info, 'CFBundleName'),
    signers,
    filing: filingValues(packageName, leafs[0], 'sha1'),
    warnings: [
      ...(profile ? [profile] : []),
      ...certificateWarnings(certificates, now, 'The main executable has no code signature with a certificate (unsigned or ad-hoc signed).'),
    ],
  };
}

async function executableSigners(zip: ZipPackage, bundle: string, info: PlistDict): Promise<ParsedCertificate[]> {
  const executable = stringOf(info, 'CFBundleExecutable');
  check(executable && !executable.includes('/') && executable !== '..', 'malformed_manifest',
    `${bundle}Info.plist has no usable CFBundleExecutable`);
  const path = `${bundle}${executable}`;
  if (!zip.has(path)) throw new AnalyzerError('malformed_manifest', `the executable ${path} named by Info.plist is missing`);
  const source = await zip.source(path, LIMITS.executableBytes, 'malformed_macho');
  let blobs: Buffer[];
  try {
    blobs = await codeSignatureBlobs(source, zip.size(path), path);
  } finally {
    source.close();
  }
  const leafs: ParsedCertificate[] = [];
  blobs.forEach((blob, i) => {
    const signed = parseSignedData(blob, `${path} code signature ${i + 1}`);
    const leaf = signed.signerCertificates[0];
    if (leaf && !leafs.some((l) => l.info.sha256 === leaf.info.sha256)) leafs.push(leaf);
  });
  return leafs;
}

/**
 * Development and ad-hoc profiles cannot ship through the App Store: a development profile grants
 * get-task-allow (debugger attach); an ad-hoc one lists ProvisionedDevices without it. Enterprise
 * (ProvisionsAllDevices) and App Store profiles are not flagged.
 */
async function profileWarning(zip: ZipPackage, bundle: string): Promise<AnalysisWarning | null> {
  const path = `${bundle}embedded.mobileprovision`;
  if (!zip.has(path)) return null;
  const signed = parseSignedData(await zip.read(path, LIMITS.manifestBytes), path);
  if (!signed.content) return null;
  const profile = parsePlist(Buffer.from(signed.content), path);
  if (!isDict(profile)) return null;
  const entitlements = profile.get('Entitlements');
  const name = stringOf(profile, 'Name') ?? 'unnamed profile';
  if (isDict(entitlements) && entitlements.get('get-task-allow') === true) {
    return { code: 'development_profile', message: `Signed with a development provisioning profile ("${name}"); App Store builds use a distribution profile.` };
  }
  if (Array.isArray(profile.get('ProvisionedDevices')) && profile.get('ProvisionsAllDevices') !== true) {
    return { code: 'development_profile', message: `Signed with an ad-hoc provisioning profile ("${name}") limited to listed devices.` };
  }
  return null;
}
