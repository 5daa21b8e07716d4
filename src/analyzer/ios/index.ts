// iOS IPA: identity from Payload/NAME.app/Info.plist; the signing leaf certificate from the CMS
// blob of the main executable's code signature (every slice of a universal binary); the kind of
// provisioning profile from embedded.mobileprovision (its facts reported as `profile`; expired and
// certificate-mismatch judged as for HAP in ../profile.ts). Filing consoles ask for the leaf's SHA-1.
import { parseSignedData } from '../cert/pkcs7.ts';
import { parseCertificate, type ParsedCertificate } from '../cert/x509.ts';
import { AnalyzerError, check } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { emptyProfile, isoOrNull, profileCertificate, profileWarnings } from '../profile.ts';
import { certificateWarnings, filingValues, groupSigners } from '../result.ts';
import type { AnalysisResult, AnalysisWarning, ProfileInfo } from '../types.ts';
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
  const profile = await readProfile(zip, bundle);
  const development = profile ? developmentWarning(profile) : null;
  return {
    kind: 'package',
    platform: 'ios',
    packageName,
    versionName: stringOf(info, 'CFBundleShortVersionString'),
    versionCode: stringOf(info, 'CFBundleVersion'),
    appName: stringOf(info, 'CFBundleDisplayName') ?? stringOf(info, 'CFBundleName'),
    signers,
    filing: filingValues(packageName, leafs[0], 'sha1'),
    profile,
    warnings: [
      ...(development ? [development] : []),
      ...(profile ? profileWarnings(profile, `provisioning profile "${profile.name ?? 'unnamed profile'}"`, leafs, now) : []),
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
  // The signature lies at the end of the slice: reaching it means inflating the executable up to
  // there. Its declared size and ratio bound that work before a byte is inflated (limits.ts).
  const source = await zip.source(path, LIMITS.executableBytes, 'malformed_macho', LIMITS.executableMaxRatio);
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
 * embedded.mobileprovision: a CMS whose content is a plist (Name, UUID, TeamIdentifier, TeamName,
 * CreationDate, ExpirationDate, Entitlements, ProvisionedDevices, ProvisionsAllDevices,
 * DeveloperCertificates). Its kind is derived as Xcode shows it: get-task-allow → development;
 * ProvisionedDevices → ad-hoc; ProvisionsAllDevices → enterprise; otherwise app-store.
 */
async function readProfile(zip: ZipPackage, bundle: string): Promise<ProfileInfo | null> {
  const path = `${bundle}embedded.mobileprovision`;
  if (!zip.has(path)) return null;
  const signed = parseSignedData(await zip.read(path, LIMITS.manifestBytes), path);
  if (!signed.content) return null;
  const plist = parsePlist(Buffer.from(signed.content), path);
  if (!isDict(plist)) return null;
  const entitlements = plist.get('Entitlements');
  const teams = plist.get('TeamIdentifier');
  const certs = plist.get('DeveloperCertificates');
  const type = isDict(entitlements) && entitlements.get('get-task-allow') === true ? 'development'
    : Array.isArray(plist.get('ProvisionedDevices')) && plist.get('ProvisionsAllDevices') !== true ? 'ad-hoc'
      : plist.get('ProvisionsAllDevices') === true ? 'enterprise' : 'app-store';
  return {
    ...emptyProfile(),
    type,
    name: stringOf(plist, 'Name'),
    uuid: stringOf(plist, 'UUID'),
    teamId: Array.isArray(teams) && typeof teams[0] === 'string' ? teams[0] : null,
    teamName: stringOf(plist, 'TeamName'),
    applicationIdentifier: isDict(entitlements) ? stringOf(entitlements, 'application-identifier') : null,
    notBefore: dateOf(plist.get('CreationDate')),
    notAfter: dateOf(plist.get('ExpirationDate')),
    certificates: Array.isArray(certs)
      ? certs.filter((c): c is Buffer => Buffer.isBuffer(c)).slice(0, LIMITS.maxCertificates)
        .map((c, i) => profileCertificate(parseCertificate(c, `${path} DeveloperCertificates ${i + 1}`)))
      : [],
  };
}

function dateOf(value: unknown): string | null {
  return value instanceof Date ? isoOrNull(value) : null;
}

/**
 * Development and ad-hoc profiles cannot ship through the App Store: a development profile grants
 * get-task-allow (debugger attach); an ad-hoc one lists ProvisionedDevices without it. Enterprise
 * (ProvisionsAllDevices) and App Store profiles are not flagged.
 */
function developmentWarning(profile: ProfileInfo): AnalysisWarning | null {
  const name = profile.name ?? 'unnamed profile';
  if (profile.type === 'development') {
    return { code: 'development_profile', message: `Signed with a development provisioning profile ("${name}"); App Store builds use a distribution profile.`, params: { profileType: 'development', profileName: name } };
  }
  if (profile.type === 'ad-hoc') {
    return { code: 'development_profile', message: `Signed with an ad-hoc provisioning profile ("${name}") limited to listed devices.`, params: { profileType: 'ad-hoc', profileName: name } };
  }
  return null;
}
