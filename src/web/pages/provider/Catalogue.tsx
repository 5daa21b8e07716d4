// Catalogue check (issue 6 item 4): upload a CSV or NDJSON of platform + package +
// fingerprint, verify it against the registry in batches, see which apps are not filed, and
// download the result as CSV.
import { useMemo, useState } from 'react';
import { Button, Card, ErrorNotice, Notice, Page, TableWrap } from '../../components/ui.tsx';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { api, ApiError } from '../../lib/api.ts';
import { catalogueCounts, type CatalogueItem, type CatalogueLineError, parseCatalogue, toCsv } from '../../lib/catalogue.ts';

interface Result { status: string; platform: string; packageName: string; serviceNumber: string | null; serviceName: string | null; hostName: string | null; matchedBy?: string | null; shellSince?: string | null; error?: { code: string; message: string } }
type Row = CatalogueItem & { result: Result };
const BATCH = 10_000;
/** A result's badge: filed green, a shell (still filed, at risk) amber, what must not be served red (MUST_NOT_SERVE), an unreadable item amber. */
const BADGE: Record<string, string> = {
  filed: 'badge-success', shell: 'badge-warning', not_filed: 'badge-danger', revoked: 'badge-danger', cancelled: 'badge-danger', fingerprint_mismatch: 'badge-danger',
};

export default function Catalogue() {
  const i18n = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [parseErrors, setParseErrors] = useState<CatalogueLineError[]>([]);
  const [onlyProblems, setOnlyProblems] = useState(true);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState(0);
  const [error, setError] = useState<unknown>(null);

  const run = async () => {
    if (!file) return;
    setBusy(true); setError(null); setRows(null); setProgress(0);
    try {
      const parsed = parseCatalogue(await file.text(), file.name);
      setParseErrors(parsed.errors);
      const out: Row[] = [];
      for (let i = 0; i < parsed.items.length; i += BATCH) {
        const chunk = parsed.items.slice(i, i + BATCH);
        const r = await api.post<{ results: Result[] }>('/api/verify/v1/apps', { items: chunk.map(({ platform, packageName, fingerprint }) => ({ platform, packageName, fingerprint })) });
        chunk.forEach((item, j) => out.push({ ...item, result: r.results[j]! }));
        setProgress(Math.round(((i + chunk.length) / parsed.items.length) * 100));
      }
      setRows(out);
    } catch (e) { setError(e); } finally { setBusy(false); }
  };

  // What a store must act on, by status, as each row says (src/web/lib/catalogue.ts).
  const counts = useMemo(() => catalogueCounts((rows ?? []).map((r) => r.result.status)), [rows]);
  const shown = (rows ?? []).filter((r) => !onlyProblems || r.result.status !== 'filed');
  const download = () => {
    const csv = toCsv(['line', 'platform', 'packageName', 'fingerprint', 'status', 'serviceNumber', 'serviceName', 'hostName', 'matchedBy', 'error'],
      (rows ?? []).map((r) => [r.line, r.platform, r.packageName, r.fingerprint, r.result.status, r.result.serviceNumber, r.result.serviceName, r.result.hostName, r.result.matchedBy ?? '', r.result.error?.message ?? '']));
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url; a.download = `${(file?.name ?? 'catalogue').replace(/\.[^.]+$/, '')}-beian-check.csv`;
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const statusLabel = (s: string) => i18n.t(`verify.${s}` as MessageKey);

  return (
    <Page title={i18n.t('cat.title')} lead={i18n.t('cat.lead')}>
      <Card>
        <div className="row" style={{ alignItems: 'flex-end' }}>
          <div className="field" style={{ flex: '1 1 18rem', margin: 0 }}>
            <span className="label-text" id="catalogue-label">{i18n.t('cat.file')}</span>
            <label className="file-pick">
              <input id="catalogue" type="file" accept=".csv,.ndjson,.jsonl,.txt,text/csv,application/x-ndjson" aria-labelledby="catalogue-label"
                onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="catalogue-file" />
              <span className="btn btn-secondary" aria-hidden="true">{i18n.t('cat.choose')}</span>
              <span className="muted small">{file?.name ?? i18n.t('platforms.noFile')}</span>
            </label>
          </div>
          <Button variant="primary" onClick={() => void run()} busy={busy} disabled={!file}>{busy ? `${i18n.t('cat.running')} ${progress}%` : i18n.t('cat.run')}</Button>
        </div>
        <pre className="snippet small" aria-label="CSV">{'platform,packageName,fingerprint\nandroid,a2dp.Vol,C1:CA:BE:8A:D9:DC:27:2B:24:43:A3:A6:7B:C4:43:D5'}</pre>
      </Card>
      {error instanceof ApiError && error.status === 404 && error.code === 'not_found' ? <Notice kind="warning">{i18n.t('cat.unavailable')}</Notice> : <ErrorNotice error={error} />}
      {parseErrors.length ? <Notice kind="warning"><ul>{parseErrors.slice(0, 20).map((e) => <li key={e.line}>{i18n.t('cat.parseError', { line: e.line, message: i18n.problem(e) })}</li>)}</ul></Notice> : null}
      {rows ? (
        <Card title={i18n.t(counts.shell ? 'cat.summaryShells' : 'cat.summary', { ...counts })}
          actions={<Button onClick={download} data-testid="download-csv">{i18n.t('cat.download')}</Button>}>
          {rows.length === 0 ? <p>{i18n.t('cat.empty')}</p> : (
            <>
              <label className="check" style={{ border: 'none', paddingLeft: 0 }}><input type="checkbox" checked={onlyProblems} onChange={(e) => setOnlyProblems(e.target.checked)} /><span>{i18n.t('cat.onlyProblems')}</span></label>
              <TableWrap label={i18n.t('cat.title')}>
                <table className="cards">
                  <thead><tr><th>{i18n.t('cat.line')}</th><th>{i18n.field('platforms.*.platform')}</th><th>{i18n.field('platforms.*.packageName')}</th><th>{i18n.t('cat.result')}</th><th>{i18n.t('record.serviceNumber')}</th><th>{i18n.t('record.hostName')}</th></tr></thead>
                  <tbody>
                    {shown.slice(0, 500).map((r) => (
                      <tr key={r.line} className={r.result.status === 'filed' || r.result.status === 'shell' ? '' : 'overdue'} data-testid="catalogue-row">
                        <td data-label={i18n.t('cat.line')}>{r.line}</td><td data-label={i18n.field('platforms.*.platform')}>{r.platform}</td><td data-label={i18n.field('platforms.*.packageName')}><code>{r.packageName}</code></td>
                        <td data-label={i18n.t('cat.result')}><div>{/* one cell child: the 390 px card layout puts each child in a column */}
                          <span className={`badge ${BADGE[r.result.status] ?? 'badge-warning'}`} data-status={r.result.status}>{statusLabel(r.result.status)}</span>{r.result.error ? <div className="small">{i18n.problem(r.result.error)}</div> : null}
                          {r.result.status === 'shell' && r.result.shellSince ? <div className="small muted">{i18n.t('verify.shellSince', { since: i18n.date(r.result.shellSince) })}</div> : null}</div></td>
                        <td className="number" data-label={i18n.t('record.serviceNumber')}>{r.result.serviceNumber ?? '—'}</td><td data-label={i18n.t('record.hostName')}>{r.result.hostName ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            </>
          )}
        </Card>
      ) : null}
    </Page>
  );
}
