// Package upload (DOMAIN.md §0.1: never ask users to type feature info): the analyzer reads
// the package name, public key and certificate fingerprints, shown in every format consoles
// use, and the platform's fields are filled in. What the host already typed for that platform
// goes along and is cross-checked by the server (issue 4 item 7): when it differs, the form is
// not touched until the host chooses (PackageCheck); when it matches, or nothing was typed, the
// fields are filled as before.
import { useId, useState } from 'react';
import { CROSS_CHECK_FIELDS, type CrossCheckResult, parseTypedFeatureInfo } from '../../../domain/package-cross-check.ts';
import { ErrorNotice, Notice } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api, ApiError } from '../../lib/api.ts';
import { fingerprintFormats } from '../../lib/fingerprints.ts';
import { type CheckRow, PackageCheck } from './PackageCheck.tsx';

interface Certificate { md5: string; sha1: string; sha256: string; subject?: string; notAfter?: string; publicKey?: { hex: string; algorithm?: string; bits?: number | null } }
interface Analysis {
  platform: Platform; packageName: string; appName?: string | null; versionName?: string | null;
  signers: { certificate: Certificate }[]; filing?: { publicKey: string | null; signature: string | null };
  warnings?: { code: string; message: string }[];
}
type Platform = 'android' | 'ios' | 'harmonyos';
type Materials = { platform: Platform; packageName: string; publicKey: string | null; certMd5: string | null; certSha1: string | null; certSha256: string | null };
interface Answer { analysis: Analysis; materials: Materials; crossCheck: CrossCheckResult }

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

async function send(file: File, typed: Typed | null): Promise<Answer> {
  const form = new FormData();
  for (const [k, v] of Object.entries(typed?.fields ?? {})) form.append(k, v);
  form.append('file', file, file.name);
  return api.upload<Answer>('/api/host/packages', form);
}

/**
 * Uploads with the typed values of the record the extension points to; when the package turns out
 * to be for another platform, the check is made against that platform's record instead.
 */
async function uploadChecked(file: File, typedFor: (p: Platform) => Record<string, unknown> | undefined): Promise<{ answer: Answer; typed: Typed | null }> {
  const guess = BY_EXTENSION[file.name.split('.').pop()?.toLowerCase() ?? ''];
  const first = guess ? typedOf(guess, typedFor(guess)) : null;
  const answer = await send(file, first);
  const platform = answer.materials.platform;
  if (first?.platform === platform) return { answer, typed: first };
  const typed = typedOf(platform, typedFor(platform));
  return typed ? { answer: await send(file, typed), typed } : { answer: { ...answer, crossCheck: NOTHING_CHECKED }, typed: null };
}

type Outcome = 'filled' | 'matched' | 'applied' | 'kept';

export function PackageUpload({ typedFor, onValues }: { typedFor(platform: Platform): Record<string, unknown> | undefined; onValues(values: Record<string, unknown>): void }) {
  const i18n = useI18n();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<{ file: string; analysis: Analysis } | null>(null);
  const [pending, setPending] = useState<{ materials: Materials; rows: CheckRow[] } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const upload = async (file: File) => {
    setBusy(true); setError(null); setResult(null); setPending(null); setOutcome(null);
    try {
      const { answer, typed } = await uploadChecked(file, typedFor);
      const rows = [...answer.crossCheck.differences, ...(typed?.unreadable ?? []).map((r) => ({ ...r, package: answer.materials[r.field] ?? null }))]
        .sort((a, b) => CROSS_CHECK_FIELDS.indexOf(a.field) - CROSS_CHECK_FIELDS.indexOf(b.field));
      if (rows.length) setPending({ materials: answer.materials, rows });
      else { onValues(answer.materials); setOutcome(answer.crossCheck.checked ? 'matched' : 'filled'); }
      setResult({ file: file.name, analysis: answer.analysis });
    } catch (e) { setError(e); } finally { setBusy(false); }
  };
  const decide = (use: boolean) => {
    if (use && pending) onValues(pending.materials);
    setPending(null); setOutcome(use ? 'applied' : 'kept');
  };

  const cert = result?.analysis.signers[0]?.certificate;
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
      {pending ? <PackageCheck rows={pending.rows} onUsePackage={() => decide(true)} onKeepTyped={() => decide(false)} /> : null}
      {outcome && outcome !== 'filled' ? (
        <Notice kind={outcome === 'kept' ? 'warning' : 'success'}><span data-testid="package-check-outcome">{i18n.t(`platforms.check.${outcome}`)}</span></Notice>
      ) : null}
      {result ? (
        <div role="status" data-testid="package-result">
          <p><strong>{i18n.t('platforms.uploaded', { file: result.file })}</strong></p>
          <dl className="formats">
            <dt>{i18n.field('platforms.*.platform')}</dt><dd>{i18n.option('platform', result.analysis.platform)}{result.analysis.appName ? ` · ${result.analysis.appName}` : ''}{result.analysis.versionName ? ` ${result.analysis.versionName}` : ''}</dd>
            <dt>{i18n.field('platforms.*.packageName')}</dt><dd>{result.analysis.packageName}</dd>
            {cert ? (['md5', 'sha1', 'sha256'] as const).map((alg) => (
              <div key={alg}>
                <dt>{i18n.field(`platforms.*.cert${alg === 'md5' ? 'Md5' : alg === 'sha1' ? 'Sha1' : 'Sha256'}`)}</dt>
                <dd>{cert[alg]}</dd>
                <dd><details><summary>{i18n.t('platforms.formats')}</summary>{fingerprintFormats(cert[alg]).map((s) => <div key={s}>{s}</div>)}</details></dd>
              </div>
            )) : null}
            {cert?.publicKey ? <><dt>{i18n.field('platforms.*.publicKey')}</dt><dd>{cert.publicKey.algorithm} {cert.publicKey.bits ?? ''} · {cert.publicKey.hex.slice(0, 32)}…</dd></> : null}
          </dl>
          {result.analysis.warnings?.map((w) => <Notice key={w.code} kind="warning">{w.message}</Notice>)}
        </div>
      ) : null}
    </div>
  );
}
