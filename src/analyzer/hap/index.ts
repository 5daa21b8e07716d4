// HarmonyOS HAP: bundle name and versions from module.json (stage model) or config.json (FA
// model), pack.info as fallback; the signing certificate is the signer of the HAP sign block's
// signature sub-block; the profile sub-block names the bundle the signing profile was issued for,
// and a difference from module.json is surfaced (bundle_name_mismatch), not hidden. The profile's
// facts are reported (`profile`): a debug profile (debug_profile), one past its validity
// (profile_expired), and a package signed by a certificate other than the profile's
// development/distribution certificate (profile_certificate_mismatch) are flagged, as is a
// module.json built with `debug: true` (debuggable).
import { fromPem } from '../cert/pem.ts';
import { parseSignedData } from '../cert/pkcs7.ts';
import { parseCertificate } from '../cert/x509.ts';
import { AnalyzerError, check } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { emptyProfile, isoOrNull, profileCertificate, profileWarnings } from '../profile.ts';
import { certificateWarnings, filingValues, groupSigners } from '../result.ts';
import type { AnalysisResult, AnalysisWarning, ProfileInfo } from '../types.ts';
import type { ZipPackage } from '../zip.ts';
import { HapResourceIndex } from './resources-index.ts';
import { readHapSignBlock } from './sign-block.ts';

type Json = Record<string, unknown>;

interface Identity {
  bundleName: string | null;
  versionCode: string | null;
  versionName: string | null;
  label: string | null;
  labelId: number | null;
  debug: boolean;
}

export async function analyzeHap(zip: ZipPackage, now: Date): Promise<AnalysisResult> {
  const id = await identity(zip);
  const packageName = id.bundleName;
  check(packageName, 'malformed_manifest', 'module.json has no app.bundleName');
  const warnings: AnalysisWarning[] = [];
  const appName = await label(zip, id, warnings);
  const block = await readHapSignBlock(zip);
  const signed = block?.signature ? parseSignedData(block.signature, 'HAP signature') : null;
  const leaf = signed?.signerCertificates[0];
  const { signers, certificates } = groupSigners(leaf ? [{ scheme: 'hap', cert: leaf }] : []);
  const profile = block?.profile ? readProfile(block.profile) : null;
  const profileBundle = profile?.bundleName;
  if (profileBundle && profileBundle !== packageName) {
    warnings.push({
      code: 'bundle_name_mismatch',
      message: `module.json names the bundle ${packageName}, but the signing profile was issued for ${profileBundle}.`,
      params: { packageName, profileBundleName: profileBundle },
    });
  }
  if (profile?.type === 'debug') {
    warnings.push({ code: 'debug_profile', message: 'Signed with a debug profile (type "debug"); app stores and filings need a release profile.' });
  }
  if (id.debug) {
    warnings.push({ code: 'debuggable', message: 'module.json is built with "debug": true (a debug build).' });
  }
  if (profile) warnings.push(...profileWarnings(profile, 'signing profile', leaf ? [leaf] : [], now));
  return {
    kind: 'package',
    platform: 'harmonyos',
    packageName,
    versionName: id.versionName,
    versionCode: id.versionCode,
    appName,
    signers,
    filing: filingValues(packageName, leaf, 'sha256'),
    profile,
    warnings: [...warnings, ...certificateWarnings(certificates, now, 'The HAP has no signing block before its central directory.')],
  };
}

async function identity(zip: ZipPackage): Promise<Identity> {
  const module = zip.has('module.json') ? await readJson(zip, 'module.json') : null;
  const config = !module && zip.has('config.json') ? await readJson(zip, 'config.json') : null;
  const pack = zip.has('pack.info') ? await readJson(zip, 'pack.info') : null;
  const app = obj(module?.app) ?? obj(config?.app);
  const packApp = obj(obj(pack?.summary)?.app);
  const version = obj(app?.version) ?? obj(packApp?.version);
  return {
    bundleName: str(app?.bundleName) ?? str(packApp?.bundleName),
    versionCode: num(app?.versionCode) ?? num(version?.code),
    versionName: str(app?.versionName) ?? str(version?.name),
    label: str(app?.label),
    labelId: typeof app?.labelId === 'number' ? app.labelId : null,
    debug: app?.debug === true,
  };
}

/** app.label is usually "$string:NAME", resolved through resources.index; a label is never worth failing for. */
async function label(zip: ZipPackage, id: Identity, warnings: AnalysisWarning[]): Promise<string | null> {
  if (!id.label) return null;
  const ref = /^\$string:(.+)$/.exec(id.label);
  if (!ref) return id.label;
  try {
    if (!zip.has('resources.index')) throw new AnalyzerError('malformed_resources', 'the HAP has no resources.index');
    const index = HapResourceIndex.parse(await zip.read('resources.index', LIMITS.resourcesBytes));
    const text = index.resolve(id.labelId, ref[1] ?? null);
    if (text !== null) return text;
    throw new AnalyzerError('malformed_resources', `${id.label} is not in resources.index`);
  } catch (err) {
    if (!(err instanceof AnalyzerError) || !['entry_too_large', 'malformed_resources'].includes(err.code)) throw err;
    warnings.push({ code: 'app_name_unresolved', message: `The app label could not be resolved: ${err.message}.` });
    return null;
  }
}

/**
 * The profile is a PKCS#7 whose content is JSON (hapsigner's ProfileSignTool); older ones are bare
 * JSON. Fields as hapsigner's profile template names them: type, uuid, validity.not-before/after
 * (Unix seconds), issuer, bundle-info.{bundle-name, developer-id, app-identifier,
 * development-certificate (debug) | distribution-certificate (release), PEM}.
 */
function readProfile(bytes: Buffer): ProfileInfo {
  const json = bytes[0] === 0x7b ? bytes : Buffer.from(parseSignedData(bytes, 'HAP profile').content ?? []);
  const parsed = parseJson(json, 'HAP profile');
  const bundle = obj(parsed['bundle-info']);
  const validity = obj(parsed.validity);
  const pem = str(bundle?.['development-certificate']) ?? str(bundle?.['distribution-certificate']);
  return {
    ...emptyProfile(),
    type: str(parsed.type),
    uuid: str(parsed.uuid),
    applicationIdentifier: str(bundle?.['app-identifier']),
    bundleName: str(bundle?.['bundle-name']),
    developerId: str(bundle?.['developer-id']),
    issuer: str(parsed.issuer),
    notBefore: unixSeconds(validity?.['not-before']),
    notAfter: unixSeconds(validity?.['not-after']),
    certificates: pem ? [profileCertificate(parseCertificate(fromPem(pem, 'HAP profile certificate'), 'HAP profile certificate'))] : [],
  };
}

function unixSeconds(v: unknown): string | null {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < 1e11 ? isoOrNull(new Date(v * 1000)) : null;
}

async function readJson(zip: ZipPackage, name: string): Promise<Json> {
  return parseJson(await zip.read(name, LIMITS.manifestBytes), name);
}

function parseJson(buf: Buffer, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(buf.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    // RangeError covers nesting deep enough to exhaust the parser's stack.
    throw new AnalyzerError('malformed_manifest', `${what} is not valid JSON (${(err as Error).message})`);
  }
  const o = obj(value);
  if (!o) throw new AnalyzerError('malformed_manifest', `${what} is not a JSON object`);
  return o;
}

function obj(v: unknown): Json | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function num(v: unknown): string | null {
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v : null;
}
