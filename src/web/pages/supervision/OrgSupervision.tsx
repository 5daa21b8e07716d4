// The organisation's supervision console (issue 14, item 10): the campaigns it is in scope of
// (catalogue upload with progress, findings, marking hosts notified), disposal orders
// (confirm with evidence) and violation reports (report, follow every step).
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button, Card, ErrorNotice, Loading, Page, Pager, TableWrap } from '../../components/ui.tsx';
import { api, ApiError, getCsrfToken, qs } from '../../lib/api.ts';
import { csvLink, ITEM_STATUS, MEASURES, OUTCOMES, useL, VIOLATION_CATEGORIES, VIOLATION_STATUS } from './common.tsx';

interface Campaign { id: string; name: string; status: string; catalogueDueOn: string; catalogueState: string; catalogue: { received: number; accepted: number; rejected: number; findings: Record<string, number> } | null }
interface Finding { id: string; line: number; platform: string; packageName: string; appName: string | null; outcome: string; notifiedAt: string | null; resolvedOn: string | null; rounds: number[] }
interface Order { id: string; measure: string; dueOn: string; reason: string; items: { id: string; packageName: string | null; serviceNumber: string | null; status: string; overdue: boolean }[] }
interface Violation { id: string; serviceNumber: string; serviceName: string; category: string; status: string; createdAt: string }
interface Step { action: string; status: string; note: string | null; at: string }

const TABS = [['campaigns', ['检查活动', 'Campaigns']], ['orders', ['处置通知', 'Orders']], ['violations', ['违规报告', 'Violation reports']]] as const;

export default function OrgSupervision() {
  const l = useL();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'campaigns';
  return (
    <Page title={l(['备案监管配合', 'Supervision'])} wide>
      <nav className="row" aria-label={l(['监管', 'Supervision'])} style={{ marginBottom: '1rem', flexWrap: 'wrap' }}>
        {TABS.map(([k, label]) => <Button key={k} variant={tab === k ? 'primary' : 'secondary'} onClick={() => setParams({ tab: k })} data-testid={`tab-${k}`}>{l(label)}</Button>)}
      </nav>
      {tab === 'campaigns' && <Campaigns />}
      {tab === 'orders' && <Orders />}
      {tab === 'violations' && <Violations />}
    </Page>
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
  const l = useL();
  const [items, setItems] = useState<Campaign[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => { api.get<{ items: Campaign[] }>('/api/org/campaigns').then((r) => { setItems(r.items); setSelected((s) => s ?? r.items[0]?.id ?? null); }).catch(setError); }, []);
  useEffect(load, [load]);
  if (!items) return <><ErrorNotice error={error} /><Loading /></>;
  return (
    <>
      <ErrorNotice error={error} />
      <Card title={l(['检查活动', 'Campaigns'])}>
        {items.length === 0 ? <p>{l(['暂无需要配合的检查活动。', 'No campaign concerns your organisation.'])}</p> : (
          <TableWrap label={l(['检查活动', 'Campaigns'])}>
            <table><thead><tr><th>{l(['名称', 'Name'])}</th><th>{l(['目录截止', 'Catalogue due'])}</th><th>{l(['目录', 'Catalogue'])}</th></tr></thead>
              <tbody>{items.map((c) => <tr key={c.id}><td><button type="button" className="btn btn-link" onClick={() => setSelected(c.id)}>{c.name}</button></td><td>{c.catalogueDueOn}</td>
                <td>{c.catalogue ? `${c.catalogue.received} ${l(['行', 'lines'])}` : l(c.catalogueState === 'overdue' ? ['已逾期', 'Overdue'] : ['待提交', 'Due'])}</td></tr>)}</tbody></table>
          </TableWrap>)}
      </Card>
      {selected && <CampaignDetail key={selected} id={selected} onChanged={load} />}
    </>
  );
}

function CampaignDetail({ id, onChanged }: { id: string; onChanged(): void }) {
  const l = useL();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [answer, setAnswer] = useState<{ received: number; accepted: number; rejected: number; findings: Record<string, number>; errors: { line: number; message: string }[] } | null>(null);
  const [findings, setFindings] = useState<{ items: Finding[]; total: number } | null>(null);
  const [page, setPage] = useState(1);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => { api.get<{ items: Finding[]; total: number }>(`/api/org/campaigns/${id}/findings${qs({ page, pageSize: 20 })}`).then(setFindings).catch(setError); }, [id, page]);
  useEffect(load, [load]);
  const upload = async () => {
    if (!file) return;
    setError(null); setAnswer(null); setProgress(0);
    try { setAnswer(await uploadCatalogue(`/api/org/campaigns/${id}/catalogue`, file, setProgress) as never); load(); onChanged(); } catch (e) { setError(e); } finally { setProgress(null); }
  };
  const notify = async (ids: string[]) => { setError(null); try { await api.post('/api/org/findings/notified', { findingIds: ids }); load(); } catch (e) { setError(e); } };
  return (
    <Card title={l(['提交目录', 'Submit the catalogue'])}>
      <ErrorNotice error={error} />
      <p>{l(['每行一个应用：platform, packageName, fingerprint（可选 appName, storeId, url, downloads），NDJSON 或带表头的 CSV。重新提交将替换上次的目录。', 'One app a line: platform, packageName, fingerprint (optional appName, storeId, url, downloads), as NDJSON or CSV with a header row. A resubmission replaces the previous one.'])}</p>
      <div className="row" style={{ flexWrap: 'wrap' }}>
        <input type="file" accept=".csv,.ndjson,.jsonl,.txt" aria-label={l(['目录文件', 'Catalogue file'])} data-testid="catalogue-file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <Button variant="primary" onClick={upload} disabled={!file || progress !== null} data-testid="catalogue-upload">{l(['上传', 'Upload'])}</Button>
        {progress !== null && <progress max={100} value={progress} aria-label={l(['上传进度', 'Upload progress'])}>{progress}%</progress>}
      </div>
      {answer && (
        <div role="status" data-testid="catalogue-answer">
          <p>{l(['收到', 'Received'])} {answer.received} · {l(['有效', 'accepted'])} {answer.accepted} · {l(['无效', 'rejected'])} {answer.rejected}</p>
          <p>{Object.entries(answer.findings).map(([k, v]) => `${l(OUTCOMES[k] ?? [k, k])} ${v}`).join(' · ')}</p>
          {answer.errors.length > 0 && <ul>{answer.errors.slice(0, 10).map((e) => <li key={e.line}>{l(['第', 'Line '])}{e.line}{l(['行：', ': '])}{e.message}</li>)}</ul>}
        </div>)}
      <h3>{l(['问题清单', 'Findings'])} <a href={csvLink(`/api/org/campaigns/${id}/findings`)}>CSV</a></h3>
      {findings && (
        <>
          {findings.items.some((f) => !f.notifiedAt) && <Button onClick={() => notify(findings.items.filter((f) => !f.notifiedAt).map((f) => f.id))} data-testid="notify-page">{l(['本页全部标记为已通知开发者', 'Mark this page notified'])}</Button>}
          <TableWrap label={l(['问题清单', 'Findings'])}>
            <table><thead><tr><th>{l(['行', 'Line'])}</th><th>{l(['应用', 'App'])}</th><th>{l(['包名', 'Package'])}</th><th>{l(['结果', 'Outcome'])}</th><th>{l(['轮次', 'Rounds'])}</th><th>{l(['已通知', 'Notified'])}</th></tr></thead>
              <tbody>{findings.items.map((f) => <tr key={f.id}><td>{f.line}</td><td>{f.appName ?? '—'}</td><td>{f.platform} · {f.packageName}</td><td>{l(OUTCOMES[f.outcome] ?? [f.outcome, f.outcome])}{f.resolvedOn ? ` · ${l(['已备案', 'filed'])} ${f.resolvedOn}` : ''}</td>
                <td>{f.rounds.join(', ') || '—'}</td><td>{f.notifiedAt ? '✓' : <Button onClick={() => notify([f.id])}>{l(['已通知', 'Notified'])}</Button>}</td></tr>)}</tbody></table>
          </TableWrap>
          <Pager page={page} pageSize={20} total={findings.total} onPage={setPage} />
        </>)}
    </Card>
  );
}

function Orders() {
  const l = useL();
  const [r, setR] = useState<{ items: Order[] } | null>(null);
  const [evidence, setEvidence] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => { api.get<{ items: Order[] }>('/api/org/orders?pageSize=100').then(setR).catch(setError); }, []);
  useEffect(load, [load]);
  const confirm = async (o: Order, itemId: string) => {
    setError(null);
    try { await api.post(`/api/org/orders/${o.id}/items/${itemId}/done`, { evidence: evidence[itemId] ?? '' }); load(); } catch (e) { setError(e); }
  };
  return (
    <Card title={l(['处置通知', 'Disposal orders'])} actions={<a href={csvLink('/api/org/orders')}>CSV</a>}>
      <ErrorNotice error={error} />
      {!r ? <Loading /> : (
        <TableWrap label={l(['处置通知', 'Disposal orders'])}>
          <table data-testid="org-orders"><thead><tr><th>{l(['措施', 'Measure'])}</th><th>{l(['期限', 'Due'])}</th><th>{l(['对象', 'Item'])}</th><th>{l(['状态', 'Status'])}</th><th>{l(['处置证据', 'Evidence'])}</th></tr></thead>
            <tbody>{r.items.flatMap((o) => o.items.map((i) => (
              <tr key={i.id} className={i.overdue ? 'overdue' : ''}><td>{l(MEASURES[o.measure] ?? [o.measure, o.measure])}</td><td>{o.dueOn}{i.overdue ? ` · ${l(['超期', 'overdue'])}` : ''}</td><td>{i.packageName ?? i.serviceNumber}</td>
                <td>{l(ITEM_STATUS[i.status] ?? [i.status, i.status])}</td>
                <td>{i.status === 'open' && <div className="row"><input aria-label={l(['处置证据', 'Evidence'])} value={evidence[i.id] ?? ''} onChange={(e) => setEvidence({ ...evidence, [i.id]: e.target.value })} data-testid="evidence" />
                  <Button variant="primary" onClick={() => confirm(o, i.id)} data-testid="confirm-item">{l(['确认已处置', 'Confirm done'])}</Button></div>}</td></tr>)))}</tbody></table>
        </TableWrap>)}
    </Card>
  );
}

function Violations() {
  const l = useL();
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
      <Card title={l(['报告违规', 'Report a violation'])}>
        <form onSubmit={report} className="grid-form" data-testid="violation-form">
          <div className="field"><label htmlFor="v-number">{l(['服务备案号', 'Service number'])}</label><input id="v-number" required value={form.serviceNumber} onChange={(e) => setForm({ ...form, serviceNumber: e.target.value })} /></div>
          <div className="field"><label htmlFor="v-cat">{l(['类别', 'Category'])}</label>
            <select id="v-cat" value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value })}>{Object.entries(VIOLATION_CATEGORIES).map(([k, v]) => <option key={k} value={k}>{l(v)}</option>)}</select></div>
          <div className="field"><label htmlFor="v-desc">{l(['情况说明', 'Description'])}</label><textarea id="v-desc" required value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} /></div>
          <div className="field"><label htmlFor="v-measures">{l(['已采取的措施', 'Measures taken'])}</label><input id="v-measures" value={form.measuresTaken} onChange={(e) => setForm({ ...form, measuresTaken: e.target.value })} /></div>
          <Button type="submit" variant="primary">{l(['提交报告', 'Report'])}</Button>
        </form>
      </Card>
      <Card title={l(['我的报告', 'My reports'])} actions={<a href={csvLink('/api/org/violations')}>CSV</a>}>
        {!r ? <Loading /> : (
          <TableWrap label={l(['我的报告', 'My reports'])}>
            <table><thead><tr><th>{l(['备案号', 'Number'])}</th><th>{l(['类别', 'Category'])}</th><th>{l(['状态', 'Status'])}</th><th /></tr></thead>
              <tbody>{r.items.map((v) => <tr key={v.id}><td>{v.serviceNumber} {v.serviceName}</td><td>{l(VIOLATION_CATEGORIES[v.category] ?? [v.category, v.category])}</td><td>{l(VIOLATION_STATUS[v.status] ?? [v.status, v.status])}</td>
                <td><Button onClick={() => show(v.id)}>{l(['进度', 'Steps'])}</Button></td></tr>)}</tbody></table>
          </TableWrap>)}
        {open && <ol data-testid="violation-steps">{open.steps.map((s, i) => <li key={i}>{s.at.slice(0, 16).replace('T', ' ')} · {s.action} → {l(VIOLATION_STATUS[s.status] ?? [s.status, s.status])}{s.note ? ` · ${s.note}` : ''}</li>)}</ol>}
      </Card>
    </>
  );
}
