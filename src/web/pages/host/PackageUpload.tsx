// Package upload (DOMAIN.md §0.1: never ask users to type feature info): the analyzer reads
// the package name, public key and certificate fingerprints, shown in every format consoles
// use, and the platform's fields are filled in. What the host already typed for that platform
// goes along and is cross-checked by the server (issue 4 item 7): when it differs, the form is
// not touched until the host chooses (PackageCheck); when it matches, or nothing was typed, the
// fields are filled as before.
import { useId, useState } from 'react';
import { CROSS_CHECK_FIELDS, type CrossCheckResult, parseTypedFeatureInfo } from '../../../domain/package-cross-check.ts';
import { ErrorNotice, Notice } from '../../components/ui.tsx';
import { findingText } from '../../components/PackageChecks.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api, ApiError } from '../../lib/api.ts';
import { fingerprintFormats } from '../../lib/fingerprints.ts';
import { type CheckRow, PackageCheck } from './PackageCheck.tsx';

interface Certificate {
  md5: string; sha1: string; sha256: string; subject: string; issuer: string; serialNumber: string; notBefore: string; notAfter: string;
  signatureAlgorithm?: string;
  publicKey: { hex: string; algorithm: string; bits: number | null; curve?: string | null; spkiSha256?: string };
}
interface Profile {
  type: string | null; name: string | null; uuid: string | null; teamId: string | null; teamName: string | null;
  applicationIdentifier: string | null; bundleName: string | null; developerId: string | null; issuer: string | null;
  notBefore: string | null; notAfter: string | null; certificates: { subject: string; sha256: string }[];
}
type Warning = { code: string; message: string; params?: Record<string, string | number> };
interface PackageAnalysis {
  kind?: 'package'; platform: Platform; packageName: string; appName?: string | null; versionName?: string | null; versionCode?: string | null;
  signers: { schemes: string[]; certificate: Certificate }[]; filing?: { publicKey: string | null; signature: string | null };
  profile?: Profile | null; warnings?: Warning[];
}
interface CertificateAnalysis { kind: 'certificate'; format: string; certificate: Certificate; warnings: Warning[] }
type Analysis = PackageAnalysis | CertificateAnalysis;
type Platform = 'android' | 'ios' | 'harmonyos';
type Materials = { platform: Platform | null; packageName: string | null; publicKey: string | null; certMd5: string | null; certSha1: string | null; certSha256: string | null };
/** The registry's word on the package: its name filed already (by another filing than the one being changed)? */
interface Registry { packageFiled: boolean; serviceNumber: string | null; sameCertificate: boolean | null }
interface Answer { analysis: Analysis; materials: Materials; crossCheck: CrossCheckResult; registry?: Registry | null }

/** The usual extension says which platform record the typed values are read from before the package is. */
const BY_EXTENSION: Readonly<Record<string, Platform>> = { apk: 'android', ipa: 'ios', hap: 'harmonyos' };
const NOTHING_CHECKED: CrossCheckResult = { checked: false, differences: [], warnings: [] };

interface Typed { platform: Platform; fields: Record<string, string>; unreadable: CheckRow[] }

/** A platform record's typed values that can be compared; null when only its platform is chosen. */
function typedOf(platform: Platform, values: Record<string, unknown> | undefined): Typed | null {
  const text = Object.fromEntries(CROSS_CHECK_FIELDS.map((f) => [f, typeof values?.[f] === 'string' ? (values[f] as string).trim() : '']));
  if (!CROSS_CHECK_FIELDS.some((f) => f !== 'platform' && text[f])) return null;
  const { problems } = parseTypedFeatureInfo(text);
  const bad = new Set(problems.map((p) => p.field));
  const fields = Object.fromEntries(Object.entries(text).filter(([f, v]) => v && !bad.has(f)));
  const unreadable = problems.map((p) => ({ field: p.field as CheckRow['field'], typed: text[p.field] ?? '', package: null, problem: p }));
  return { platform, fields, unreadable };
}

async function send(file: File, typed: Typed | null, applicationId: string | undefined): Promise<Answer> {
  const form = new FormData();
  for (const [k, v] of Object.entries(typed?.fields ?? {})) form.append(k, v);
  if (applicationId) form.append('applicationId', applicationId);
  form.append('file', file, file.name);
  return api.upload<Answer>('/api/host/packages', form);
}

/**
 * Uploads with the typed values of the record the extension points to; when the package turns out
 * to be for another platform, the check is made against that platform's record instead.
 */
async function uploadChecked(
  file: File, typedFor: (p: Platform) => Record<string, unknown> | undefined, applicationId: string | undefined,
): Promise<{ answer: Answer; typed: Typed | null }> {
  const guess = BY_EXTENSION[file.name.split('.').pop()?.toLowerCase() ?? ''];
  const first = guess ? typedOf(guess, typedFor(guess)) : null;
  const answer = await send(file, first, applicationId);
  const platform = answer.materials.platform;
  if (!platform) return { answer: { ...answer, crossCheck: NOTHING_CHECKED }, typed: null }; // a certificate file: no platform to fill
  if (first?.platform === platform) return { answer, typed: first };
  const typed = typedOf(platform, typedFor(platform));
  return typed ? { answer: await send(file, typed, applicationId), typed } : { answer: { ...answer, crossCheck: NOTHING_CHECKED }, typed: null };
}

type Outcome = 'filled' | 'matched' | 'applied' | 'kept';

/** Findings that refuse submission (src/domain/package-findings.ts): debug, development profile, expired certificate. */
const REFUSED_AT_SUBMIT = new Set(['debug_certificate', 'debug_profile', 'debuggable', 'development_profile', 'certificate_expired']);

export function PackageUpload({ typedFor, onValues, applicationId }: {
  typedFor(platform: Platform): Record<string, unknown> | undefined; onValues(values: Record<string, unknown>): void;
  /** The application the form belongs to: the filing it changes is not "filed already". */
  applicationId?: string;
}) {
  const i18n = useI18n();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<{ file: string; analysis: Analysis } | null>(null);
  const [pending, setPending] = useState<{ materials: Materials; rows: CheckRow[] } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [registry, setRegistry] = useState<Registry | null>(null);

  const upload = async (file: File) => {
    setBusy(true); setError(null); setResult(null); setPending(null); setOutcome(null); setRegistry(null);
    try {
      const { answer, typed } = await uploadChecked(file, typedFor, applicationId);
      setRegistry(answer.registry ?? null);
      const rows = [...answer.crossCheck.differences, ...(typed?.unreadable ?? []).map((r) => ({ ...r, package: answer.materials[r.field] ?? null }))]
        .sort((a, b) => CROSS_CHECK_FIELDS.indexOf(a.field) - CROSS_CHECK_FIELDS.indexOf(b.field));
      if (answer.analysis.kind === 'certificate') { /* shown below; a certificate names no platform to fill */ }
      else if (rows.length) setPending({ materials: answer.materials, rows });
      else { onValues(answer.materials); setOutcome(answer.crossCheck.checked ? 'matched' : 'filled'); }
      setResult({ file: file.name, analysis: answer.analysis });
    } catch (e) { setError(e); } finally { setBusy(false); }
  };
  const decide = (use: boolean) => {
    if (use && pending) onValues(pending.materials);
    setPending(null); setOutcome(use ? 'applied' : 'kept');
  };

  return (
    <div className="subform">
      <div className="field">
        <span className="label-text" id={`${id}-label`}>{i18n.t('platforms.upload')}</span>
        <label className="file-pick">
          <input id={id} type="file" accept=".apk,.ipa,.hap,application/vnd.android.package-archive" disabled={busy} data-testid="package-upload" aria-labelledby={`${id}-label`}
            onChange={(e) => { const file = e.target.files?.[0]; if (file) void upload(file); e.target.value = ''; }} />
          <span className="btn btn-secondary" aria-hidden="true">{i18n.t('platforms.choose')}</span>
          <span className="muted small">{result?.file ?? i18n.t('platforms.noFile')}</span>
        </label>
      </div>
      {busy ? <p className="muted" role="status">{i18n.t('platforms.uploading')}</p> : null}
      {error instanceof ApiError && error.status === 404 && error.code === 'not_found' ? <Notice kind="warning">{i18n.t('platforms.uploadUnavailable')}</Notice> : <ErrorNotice error={error} />}
      {registry?.packageFiled ? (
        <Notice kind="warning"><span data-testid="package-filed">{i18n.t(registry.sameCertificate ? 'platforms.filedAlready' : 'platforms.filedOtherCertificate', { number: registry.serviceNumber ?? '' })}</span></Notice>
      ) : null}
      {pending ? <PackageCheck rows={pending.rows} onUsePackage={() => decide(true)} onKeepTyped={() => decide(false)} /> : null}
      {outcome && outcome !== 'filled' ? (
        <Notice kind={outcome === 'kept' ? 'warning' : 'success'}><span data-testid="package-check-outcome">{i18n.t(`platforms.check.${outcome}`)}</span></Notice>
      ) : null}
      {result ? <AnalysisView file={result.file} analysis={result.analysis} /> : null}
    </div>
  );
}

/** Warnings in the language shown: the analyzer's code and params in Chinese (problems.ts), its message in English. */
function warningText(i18n: ReturnType<typeof useI18n>, w: Warning): string {
  return findingText(i18n, w);
}

function AnalysisView({ file, analysis }: { file: string; analysis: Analysis }) {
  const i18n = useI18n();
  const warnings = analysis.warnings ?? [];
  return (
    <div role="status" data-testid="package-result">
      <p><strong>{i18n.t('platforms.uploaded', { file })}</strong></p>
      {analysis.kind === 'certificate' ? (
        <>
          <p className="muted small">{i18n.t('platforms.result.certificateFile')}</p>
          <CertificateView certificate={analysis.certificate} title={i18n.t('platforms.result.certificate')} />
          <p className="muted small" data-testid="ios-sha1-hint">{i18n.t('platforms.result.iosSha1Hint')}</p>
        </>
      ) : (
        <>
          <dl className="formats">
            <dt>{i18n.field('platforms.*.platform')}</dt><dd>{i18n.option('platform', analysis.platform)}{analysis.appName ? ` · ${analysis.appName}` : ''}{analysis.versionName ? ` ${analysis.versionName}` : ''}{analysis.versionCode ? i18n.paren(analysis.versionCode) : ''}</dd>
            <dt>{i18n.field('platforms.*.packageName')}</dt><dd>{analysis.packageName}</dd>
          </dl>
          {analysis.platform === 'ios' && analysis.signers.length ? <p className="muted small" data-testid="ios-sha1-hint">{i18n.t('platforms.result.iosSha1Hint')}</p> : null}
          {analysis.signers.length === 0 ? <p className="muted">{i18n.t('platforms.result.unsigned')}</p> : null}
          {analysis.signers.map((s, n) => (
            <CertificateView key={s.certificate.sha256} certificate={s.certificate} schemes={s.schemes}
              title={analysis.signers.length > 1 ? i18n.t('platforms.result.signerN', { n: n + 1, total: analysis.signers.length }) : i18n.t('platforms.result.signer')} />
          ))}
          {analysis.profile ? <ProfileView profile={analysis.profile} ios={analysis.platform === 'ios'} /> : null}
        </>
      )}
      {/* DOMAIN.md §0.1: these are kept with the application, shown to the reviewers, and some refuse submission. */}
      {warnings.map((w, n) => <Notice key={`${w.code}-${n}`} kind={REFUSED_AT_SUBMIT.has(w.code) ? 'error' : 'warning'}><span data-code={w.code}>{warningText(i18n, w)}</span>
        {REFUSED_AT_SUBMIT.has(w.code) ? <span className="small" data-testid="refused-at-submit">{i18n.paren(i18n.t('packageChecks.refusesHost'))}</span> : null}</Notice>)}
    </div>
  );
}

function CertificateView({ certificate: c, schemes, title }: { certificate: Certificate; schemes?: string[]; title: string }) {
  const i18n = useI18n();
  const expired = Date.parse(c.notAfter) < Date.now();
  const key = c.publicKey;
  return (
    <section className="package-cert" data-testid="package-signer">
      <h4>{title}{schemes?.length ? <span className="muted small"> {i18n.paren(`${i18n.t('platforms.result.schemes')}${i18n.colon}${schemes.join(' / ')}`)}</span> : null}</h4>
      <dl className="formats">
        <dt>{i18n.t('platforms.result.subject')}</dt><dd>{c.subject}</dd>
        <dt>{i18n.t('platforms.result.issuer')}</dt><dd>{c.issuer}</dd>
        <dt>{i18n.t('platforms.result.serial')}</dt><dd>{c.serialNumber}</dd>
        <dt>{i18n.t('platforms.result.validity')}</dt>
        <dd>{c.notBefore} → {c.notAfter}{expired ? <> <span className="badge badge-danger" data-testid="certificate-expired">{i18n.t('platforms.result.expired')}</span></> : null}</dd>
        <dt>{i18n.t('platforms.result.key')}</dt>
        <dd>{key.algorithm} {key.bits ?? ''}{key.curve ? ` (${key.curve})` : ''}{c.signatureAlgorithm ? ` · ${c.signatureAlgorithm}` : ''}</dd>
        {(['md5', 'sha1', 'sha256'] as const).map((alg) => (
          <div key={alg}>
            <dt>{i18n.field(`platforms.*.cert${alg === 'md5' ? 'Md5' : alg === 'sha1' ? 'Sha1' : 'Sha256'}`)}</dt>
            <dd>{c[alg]}</dd>
            <dd><details><summary>{i18n.t('platforms.formats')}</summary>{fingerprintFormats(c[alg]).map((s) => <div key={s}>{s}</div>)}</details></dd>
          </div>
        ))}
        <dt>{i18n.field('platforms.*.publicKey')}</dt>
        <dd><details><summary>{key.hex.slice(0, 24)}…</summary><div data-testid="public-key-hex">{key.hex}</div></details></dd>
        {key.spkiSha256 ? <><dt>{i18n.t('platforms.result.keySha256')}</dt><dd>{key.spkiSha256}</dd></> : null}
      </dl>
    </section>
  );
}

const PROFILE_TYPES: readonly string[] = ['development', 'ad-hoc', 'app-store', 'enterprise', 'debug', 'release'] satisfies ProfileType[];
type ProfileType = 'development' | 'ad-hoc' | 'app-store' | 'enterprise' | 'debug' | 'release';
type ProfileRow = 'type' | 'name' | 'uuid' | 'teamId' | 'teamName' | 'applicationIdentifier' | 'bundleName' | 'developerId' | 'issuer';

function ProfileView({ profile: p, ios }: { profile: Profile; ios: boolean }) {
  const i18n = useI18n();
  const expired = p.notAfter !== null && Date.parse(p.notAfter) < Date.now();
  const rows: [ProfileRow, string | null][] = [
    ['type', p.type ? (PROFILE_TYPES.includes(p.type) ? i18n.t(`platforms.result.profileType.${p.type as ProfileType}`) : p.type) : null],
    ['name', p.name], ['uuid', p.uuid], ['teamId', p.teamId], ['teamName', p.teamName], ['applicationIdentifier', p.applicationIdentifier],
    ['bundleName', p.bundleName], ['developerId', p.developerId], ['issuer', p.issuer],
  ];
  return (
    <section className="package-cert" data-testid="package-profile">
      <h4>{i18n.t(ios ? 'platforms.result.provisioningProfile' : 'platforms.result.signingProfile')}</h4>
      <dl className="formats">
        {rows.filter(([, v]) => v !== null).map(([k, v]) => <div key={k}><dt>{i18n.t(`platforms.result.profile.${k}`)}</dt><dd>{v}</dd></div>)}
        {p.notBefore || p.notAfter ? (
          <><dt>{i18n.t('platforms.result.validity')}</dt>
            <dd>{p.notBefore ?? '—'} → {p.notAfter ?? '—'}{expired ? <> <span className="badge badge-danger">{i18n.t('platforms.result.expired')}</span></> : null}</dd></>
        ) : null}
        {p.certificates.map((c) => <div key={c.sha256}><dt>{i18n.t('platforms.result.profile.certificate')}</dt><dd>{c.subject}</dd><dd>SHA-256 {c.sha256}</dd></div>)}
      </dl>
    </section>
  );
}
