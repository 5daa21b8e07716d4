// Package upload (DOMAIN.md §0.1: never ask users to type feature info): the analyzer reads
// the package name, public key and certificate fingerprints, shown in every format consoles
// use, and the platform's fields are filled in.
import { useId, useState } from 'react';
import { ErrorNotice, Notice } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api, ApiError } from '../../lib/api.ts';
import { fingerprintFormats } from '../../lib/fingerprints.ts';

interface Certificate { md5: string; sha1: string; sha256: string; subject?: string; notAfter?: string; publicKey?: { hex: string; algorithm?: string; bits?: number | null } }
interface Analysis {
  platform: 'android' | 'ios' | 'harmonyos'; packageName: string; appName?: string | null; versionName?: string | null;
  signers: { certificate: Certificate }[]; filing?: { publicKey: string | null; signature: string | null };
  warnings?: { code: string; message: string }[];
}

export function PackageUpload({ onValues }: { onValues(values: Record<string, unknown>): void }) {
  const i18n = useI18n();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<{ file: string; analysis: Analysis } | null>(null);

  const upload = async (file: File) => {
    setBusy(true); setError(null); setResult(null);
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const answer = await api.upload<Analysis | { analysis: Analysis; materials?: Record<string, unknown> }>('/api/host/packages', form);
      const analysis = 'analysis' in answer ? answer.analysis : answer;
      const cert = analysis.signers[0]?.certificate;
      // The server names the filing values (the first signer's); the analysis is shown beside them.
      onValues(('materials' in answer && answer.materials) ? answer.materials : {
        platform: analysis.platform, packageName: analysis.packageName,
        publicKey: analysis.filing?.publicKey ?? cert?.publicKey?.hex ?? '',
        certMd5: cert?.md5 ?? null, certSha1: cert?.sha1 ?? null, certSha256: cert?.sha256 ?? null,
      });
      setResult({ file: file.name, analysis });
    } catch (e) { setError(e); } finally { setBusy(false); }
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
