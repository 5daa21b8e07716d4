// The organisation's supervision console (issue 14, item 10): the campaigns it is in scope of
// (catalogue upload with progress, findings, marking hosts notified — one by one or the ticked
// ones), disposal orders (confirm with evidence and evidence files) and violation reports
// (report, follow every step).
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { TabbedPage } from '../../components/TabbedPage.tsx';
import { Button, Card, ErrorNotice, Loading, Pager, TableWrap } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api, ApiError, getCsrfToken, qs } from '../../lib/api.ts';
import { type Attachment, AttachmentList, uploadAttachment } from './attachments.tsx';
import { CsvLink, useSelection } from './common.tsx';

interface Campaign { id: string; name: string; status: string; catalogueDueOn: string; catalogueState: string; catalogue: { received: number; accepted: number; rejected: number; findings: Record<string, number> } | null }
interface Finding { id: string; line: number; platform: string; packageName: string; appName: string | null; outcome: string; notifiedAt: string | null; resolvedOn: string | null; rounds: number[] }
interface Order { id: string; measure: string; dueOn: string; reason: string; items: { id: string; packageName: string | null; serviceNumber: string | null; status: string; overdue: boolean; evidence: string | null; reopenReason: string | null; files?: Attachment[] }[] }
interface Violation { id: string; serviceNumber: string; serviceName: string; category: string; status: string; createdAt: string }
interface Step { action: string; status: string; note: string | null; at: string }

export default function OrgSupervision() {
  const { t } = useI18n();
  return (
    <TabbedPage title={t('sv.orgTitle')} label={t('sv.sections')} tabs={[
      { key: 'campaigns', label: t('sv.campaigns'), render: () => <Campaigns /> },
      { key: 'orders', label: t('sv.disposalOrders'), render: () => <Orders /> },
      { key: 'violations', label: t('sv.myViolationReports'), render: () => <Violations /> },
    ]} />
  );
}

/** Uploads with XMLHttpRequest: fetch cannot report upload progress. */
function uploadCatalogue(url: string, file: File, onProgress: (pct: number) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', /\.csv$/i.test(file.name) ? 'text/csv' : 'application/x-ndjson');
    const token = getCsrfToken();
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100)); };
    xhr.onload = () => {
      const body = (() => { try { return JSON.parse(xhr.responseText) as Record<string, unknown>; } catch { return {}; } })();
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, String(body.code ?? `http_${xhr.status}`), String(body.detail ?? xhr.statusText), (body.errors as never) ?? []));
    };
    xhr.onerror = () => reject(new Error('network error'));
    xhr.send(file);
  });
}

function Campaigns() {
  const i18n = useI18n();
  const { t } = i18n;
  const [items, setItems] = useState<Campaign[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => { api.get<{ items: Campaign[] }>('/api/org/campaigns').then((r) => { setItems(r.items); setSelected((s) => s ?? r.items[0]?.id ?? null); }).catch(setError); }, []);
  useEffect(load, [load]);
  if (!items) return <><ErrorNotice error={error} /><Loading /></>;
  return (
    <>
      <ErrorNotice error={error} />
      <Card title={t('sv.campaigns')} actions={<CsvLink url="/api/org/campaigns" />}>
        {items.length === 0 ? <p>{t('sv.noCampaign')}</p> : (
          <TableWrap label={t('sv.campaigns')}>
            <table><thead><tr><th>{t('sv.name')}</th><th>{t('sv.catalogueDue')}</th><th>{t('sv.catalogue')}</th></tr></thead>
              <tbody>{items.map((c) => <tr key={c.id} className={selected === c.id ? 'selected' : ''}><td><button type="button" className="btn btn-link" onClick={() => setSelected(c.id)}>{c.name}</button></td><td>{c.catalogueDueOn}</td>
                <td>{c.catalogue ? t('sv.nLines', { n: c.catalogue.received }) : i18n.option('catalogueState', c.catalogueState)}</td></tr>)}</tbody></table>
          </TableWrap>)}
      </Card>
      {selected && <CampaignDetail key={selected} id={selected} onChanged={load} />}
    </>
  );
}

function CampaignDetail({ id, onChanged }: { id: string; onChanged(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [answer, setAnswer] = useState<{ received: number; accepted: number; rejected: number; findings: Record<string, number>; errors: { line: number; message: string }[] } | null>(null);
  const [findings, setFindings] = useState<{ items: Finding[]; total: number } | null>(null);
  const [page, setPage] = useState(1);
  const [error, setError] = useState<unknown>(null);
  const picked = useSelection();
  const load = useCallback(() => { api.get<{ items: Finding[]; total: number }>(`/api/org/campaigns/${id}/findings${qs({ page, pageSize: 20 })}`).then(setFindings).catch(setError); }, [id, page]);
  useEffect(load, [load]);
  const upload = async () => {
    if (!file) return;
    setError(null); setAnswer(null); setProgress(0);
    try { setAnswer(await uploadCatalogue(`/api/org/campaigns/${id}/catalogue`, file, setProgress) as never); load(); onChanged(); } catch (e) { setError(e); } finally { setProgress(null); }
  };
  const notify = async (ids: string[]) => { setError(null); try { await api.post('/api/org/findings/notified', { findingIds: ids }); picked.clear(); load(); } catch (e) { setError(e); } };
  const open = findings?.items.filter((f) => !f.notifiedAt).map((f) => f.id) ?? [];
  const allPicked = open.length > 0 && open.every((x) => picked.ids.has(x));
  return (
    <Card title={t('sv.submitCatalogue')}>
      <ErrorNotice error={error} />
      <p>{t('sv.catalogueHelp')}</p>
      <div className="row" style={{ flexWrap: 'wrap' }}>
        <input type="file" accept=".csv,.ndjson,.jsonl,.txt" aria-label={t('sv.catalogueFile')} data-testid="catalogue-file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <Button variant="primary" onClick={upload} disabled={!file || progress !== null} data-testid="catalogue-upload">{t('sv.upload')}</Button>
        {progress !== null && <progress max={100} value={progress} aria-label={t('sv.uploadProgress')}>{progress}%</progress>}
      </div>
      {answer && (
        <div role="status" data-testid="catalogue-answer">
          <p>{t('sv.catalogueAnswer', { received: answer.received, accepted: answer.accepted, rejected: answer.rejected })}</p>
          <p>{Object.entries(answer.findings).map(([k, v]) => `${i18n.option('findingOutcome', k)} ${v}`).join(' · ')}</p>
          {answer.errors.length > 0 && <ul>{answer.errors.slice(0, 10).map((e) => <li key={e.line}>{t('sv.lineProblem', { line: e.line, message: e.message })}</li>)}</ul>}
        </div>)}
      <h3>{t('sv.findingList')} <CsvLink url={`/api/org/campaigns/${id}/findings`} /></h3>
      {findings && (
        <>
          <div className="toolbar">
            <Button variant="primary" disabled={picked.ids.size === 0} onClick={() => notify([...picked.ids])} data-testid="notify-picked">{t('sv.markPickedNotified', { n: picked.ids.size })}</Button>
            {open.length > 0 && <Button onClick={() => notify(open)} data-testid="notify-page">{t('sv.markPageNotified')}</Button>}
          </div>
          <TableWrap label={t('sv.findingList')}>
            <table data-testid="org-findings"><thead><tr>
              <th><input type="checkbox" aria-label={t('sv.pickPage')} checked={allPicked} disabled={open.length === 0} onChange={(e) => picked.setAll(open, e.target.checked)} /></th>
              <th>{t('sv.line')}</th><th>{t('sv.app')}</th><th>{t('sv.package')}</th><th>{t('sv.outcome')}</th><th>{t('sv.rounds')}</th><th>{t('sv.notified')}</th></tr></thead>
              <tbody>{findings.items.map((f) => <tr key={f.id}>
                <td>{!f.notifiedAt && <input type="checkbox" aria-label={t('sv.pickFinding', { name: f.appName ?? f.packageName })} checked={picked.ids.has(f.id)} onChange={(e) => picked.toggle(f.id, e.target.checked)} />}</td>
                <td>{f.line}</td><td>{f.appName ?? '—'}</td><td>{f.platform} · {f.packageName}</td>
                <td>{i18n.option('findingOutcome', f.outcome)}{f.resolvedOn ? ` · ${t('sv.filedOn', { on: f.resolvedOn })}` : ''}</td>
                <td>{f.rounds.join(', ') || '—'}</td><td>{f.notifiedAt ? '✓' : <Button onClick={() => notify([f.id])}>{t('sv.markNotified')}</Button>}</td></tr>)}</tbody></table>
          </TableWrap>
          <Pager page={page} pageSize={20} total={findings.total} onPage={setPage} />
        </>)}
    </Card>
  );
}

function Orders() {
  const i18n = useI18n();
  const { t } = i18n;
  const [r, setR] = useState<{ items: Order[] } | null>(null);
  const [evidence, setEvidence] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => { api.get<{ items: Order[] }>('/api/org/orders?pageSize=100').then(setR).catch(setError); }, []);
  useEffect(load, [load]);
  const confirm = async (o: Order, itemId: string) => {
    setError(null);
    try { await api.post(`/api/org/orders/${o.id}/items/${itemId}/done`, { evidence: evidence[itemId] ?? '' }); load(); } catch (e) { setError(e); }
  };
  const attach = async (o: Order, itemId: string, file: File | undefined) => {
    if (!file) return;
    setError(null); setBusy(itemId);
    try { await uploadAttachment(`/api/org/orders/${o.id}/items/${itemId}/attachments`, file); load(); } catch (e) { setError(e); } finally { setBusy(null); }
  };
  return (
    <Card title={t('sv.disposalOrders')} actions={<CsvLink url="/api/org/orders" />}>
      <ErrorNotice error={error} />
      {!r ? <Loading /> : (
        <TableWrap label={t('sv.disposalOrders')}>
          <table className="cards" data-testid="org-orders"><thead><tr><th>{t('sv.measure')}</th><th>{t('sv.due')}</th><th>{t('sv.item')}</th><th>{t('sv.status')}</th><th>{t('sv.evidence')}</th></tr></thead>
            <tbody>{r.items.flatMap((o) => o.items.map((i) => (
              <tr key={i.id} className={i.overdue ? 'overdue' : ''}><td data-label={t('sv.measure')}>{i18n.option('measure', o.measure)}</td>
                <td data-label={t('sv.due')}>{o.dueOn}{i.overdue ? ` · ${t('sv.overdue')}` : ''}</td><td data-label={t('sv.item')}>{i.packageName ?? i.serviceNumber}</td>
                <td data-label={t('sv.status')}>{i18n.option('orderItemStatus', i.status)}</td>
                <td data-label={t('sv.evidence')}><div className="evidence-cell">
                  {i.status !== 'open' && i.evidence ? <span>{i.evidence}</span> : null}
                  {i.status === 'open' && i.reopenReason ? <p className="small overdue-text">{t('sv.reopened', { reason: i.reopenReason })}</p> : null}
                  <AttachmentList files={i.files ?? []} />
                  {i.status === 'open' && <div className="evidence-form">
                    <input aria-label={t('sv.evidence')} placeholder={t('sv.evidenceHint')} value={evidence[i.id] ?? ''} onChange={(e) => setEvidence({ ...evidence, [i.id]: e.target.value })} data-testid="evidence" />
                    <label className="btn btn-secondary file-button">{busy === i.id ? t('sv.uploading') : t('sv.attachFile')}
                      <input type="file" accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg" hidden data-testid="evidence-file" onChange={(e) => { void attach(o, i.id, e.target.files?.[0]); e.target.value = ''; }} /></label>
                    <Button variant="primary" onClick={() => confirm(o, i.id)} data-testid="confirm-item">{t('sv.confirmDone')}</Button></div>}
                </div></td></tr>)))}</tbody></table>
        </TableWrap>)}
    </Card>
  );
}

function Violations() {
  const i18n = useI18n();
  const { t } = i18n;
  const [r, setR] = useState<{ items: Violation[] } | null>(null);
  const [open, setOpen] = useState<{ id: string; steps: Step[] } | null>(null);
  const [form, setForm] = useState({ serviceNumber: '', category: 'fraud', description: '', measuresTaken: '' });
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => { api.get<{ items: Violation[] }>('/api/org/violations?pageSize=100').then(setR).catch(setError); }, []);
  useEffect(load, [load]);
  const report = async (e: FormEvent) => {
    e.preventDefault(); setError(null);
    try { await api.post('/api/org/violations', { ...form, measuresTaken: form.measuresTaken || undefined }); setForm({ ...form, description: '', measuresTaken: '' }); load(); } catch (err) { setError(err); }
  };
  const show = async (id: string) => { try { setOpen({ id, steps: (await api.get<{ steps: Step[] }>(`/api/org/violations/${id}`)).steps }); } catch (e) { setError(e); } };
  return (
    <>
      <ErrorNotice error={error} />
      <Card title={t('sv.reportViolation')}>
        <form onSubmit={report} className="grid-form" data-testid="violation-form">
          <div className="field"><label htmlFor="v-number">{t('sv.serviceNumber')}</label><input id="v-number" required value={form.serviceNumber} onChange={(e) => setForm({ ...form, serviceNumber: e.target.value })} /></div>
          <div className="field"><label htmlFor="v-cat">{t('sv.category')}</label>
            <select id="v-cat" value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value })}>
              {(['fraud', 'illegal_content', 'beyond_filing', 'false_materials', 'privacy', 'other'] as const).map((k) => <option key={k} value={k}>{i18n.option('violationCategory', k)}</option>)}</select></div>
          <div className="field"><label htmlFor="v-desc">{t('sv.situation')}</label><textarea id="v-desc" required value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} /></div>
          <div className="field"><label htmlFor="v-measures">{t('sv.measuresTaken')}</label><input id="v-measures" value={form.measuresTaken} onChange={(e) => setForm({ ...form, measuresTaken: e.target.value })} /></div>
          <Button type="submit" variant="primary">{t('sv.sendReport')}</Button>
        </form>
      </Card>
      <Card title={t('sv.myReports')} actions={<CsvLink url="/api/org/violations" />}>
        {!r ? <Loading /> : (
          <TableWrap label={t('sv.myReports')}>
            <table><thead><tr><th>{t('sv.number')}</th><th>{t('sv.category')}</th><th>{t('sv.status')}</th><th /></tr></thead>
              <tbody>{r.items.map((v) => <tr key={v.id}><td>{v.serviceNumber} {v.serviceName}</td><td>{i18n.option('violationCategory', v.category)}</td><td>{i18n.option('violationStatus', v.status)}</td>
                <td><Button onClick={() => show(v.id)}>{t('sv.steps')}</Button></td></tr>)}</tbody></table>
          </TableWrap>)}
        {open && <ol data-testid="violation-steps">{open.steps.map((s, i) => <li key={i}>{i18n.date(s.at, true)} · {s.action} → {i18n.option('violationStatus', s.status)}{s.note ? ` · ${s.note}` : ''}</li>)}</ol>}
      </Card>
    </>
  );
}
