// The organisation's supervision console (issue 14, item 10): the campaigns it is in scope of
// (catalogue upload with progress, findings, marking hosts notified — one by one or the ticked
// ones), disposal orders (confirm with evidence and evidence files), violation reports
// (report, follow every step) and the organisation's notices (campaigns, rounds, orders).
import { type FormEvent, Fragment, useCallback, useEffect, useId, useState } from 'react';
import { OBJECTION_GROUNDS } from '../../../domain/supervision/orders.ts';
import { VIOLATION_CATEGORIES } from '../../../domain/supervision/violations.ts';
import { NoticesCard } from '../../components/Notices.tsx';
import { TabbedPage } from '../../components/TabbedPage.tsx';
import { Button, Card, ErrorNotice, fieldProblems, Loading, Pager, TableWrap } from '../../components/ui.tsx';
import { type MessageKey, useI18n } from '../../i18n/index.tsx';
import { allPages, api, ApiError, getCsrfToken, type Paged, qs } from '../../lib/api.ts';
import { type Attachment, AttachmentList, uploadAttachment } from './attachments.tsx';
import { CsvLink, LIST_PAGE, OrderHistory, useReportsOf, useSelection } from './common.tsx';

interface Campaign { id: string; name: string; status: string; catalogueDueOn: string; endsOn: string; endedOn?: string | null; catalogueState: string; catalogue: { received: number; accepted: number; rejected: number; findings: Record<string, number> } | null }
interface Finding { id: string; line: number; platform: string; packageName: string; appName: string | null; outcome: string; notifiedAt: string | null; resolvedOn: string | null; rounds: number[] }
interface Objection { ground: string; note: string; requestedDueOn: string | null; at: string }
interface Order {
  id: string; measure: string; orderedOn: string; dueOn: string; reason: string; campaignId: string | null; violationId: string | null;
  items: { id: string; packageName: string | null; serviceNumber: string | null; status: string; overdue: boolean; evidence: string | null; reopenReason: string | null; files?: Attachment[];
    objection: Objection | null; answerNote: string | null }[];
}
interface Violation { id: string; serviceNumber: string; serviceName: string; category: string; status: string; description: string; createdAt: string }
interface Step { action: string; status: string; note: string | null; at: string }

export default function OrgSupervision() {
  const { t } = useI18n();
  return (
    <TabbedPage title={t('sv.orgTitle')} label={t('sv.sections')} tabs={[
      { key: 'campaigns', label: t('sv.campaigns'), render: () => <Campaigns /> },
      { key: 'orders', label: t('sv.disposalOrders'), render: () => <Orders /> },
      { key: 'violations', label: t('sv.myViolationReports'), render: () => <Violations /> },
      { key: 'notices', label: t('sv.notices'), render: () => <NoticesCard url="/api/org/notifications" /> },
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
  // A page at a time (LIST_PAGE), latest start first: every campaign is reachable. The chosen one stays open
  // while another page is read (it is kept whole, not looked up on the page shown).
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Paged<Campaign> | null>(null);
  const [current, setCurrent] = useState<Campaign | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api.get<Paged<Campaign>>(`/api/org/campaigns${qs({ page, pageSize: LIST_PAGE })}`).then((r) => {
      setData(r);
      setCurrent((c) => (c ? r.items.find((x) => x.id === c.id) ?? c : r.items[0] ?? null));
    }).catch(setError);
  }, [page]);
  useEffect(load, [load]);
  const items = data?.items;
  if (!data || !items) return <><ErrorNotice error={error} /><Loading /></>;
  const selected = current?.id ?? null;
  const columns = [t('sv.name'), t('sv.status'), t('sv.catalogueDue'), t('sv.catalogue')];
  return (
    <>
      <ErrorNotice error={error} />
      <Card title={t('sv.campaigns')} actions={<CsvLink url="/api/org/campaigns" />}>
        {items.length === 0 ? <p>{t('sv.noCampaign')}</p> : (
          <TableWrap label={t('sv.campaigns')}>
            <table className="cards" data-testid="org-campaigns"><thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
              <tbody>{items.map((c) => <tr key={c.id} className={selected === c.id ? 'selected' : ''}>
                <td data-label={columns[0]}><button type="button" className="btn btn-link" style={{ paddingLeft: 0, textAlign: 'left' }} onClick={() => setCurrent(c)}>{c.name}</button></td>
                <td data-label={columns[1]}>{i18n.option('campaignStatus', c.status)}</td><td data-label={columns[2]}>{i18n.date(c.catalogueDueOn)}</td>
                <td data-label={columns[3]}>{c.catalogue ? t('sv.nLines', { n: c.catalogue.received }) : i18n.option('catalogueState', c.catalogueState)}</td></tr>)}</tbody></table>
          </TableWrap>)}
        <div data-testid="org-campaigns-pager"><Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={setPage} /></div>
      </Card>
      {current && <CampaignDetail key={current.id} campaign={current} onChanged={load} />}
    </>
  );
}

/** One campaign: the catalogue upload while it is open for catalogues (until it ends), and the findings. */
function CampaignDetail({ campaign, onChanged }: { campaign: Campaign; onChanged(): void }) {
  const { id } = campaign;
  const i18n = useI18n();
  const { t } = i18n;
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [answer, setAnswer] = useState<{ received: number; accepted: number; rejected: number; findings: Record<string, number>; errors: { line: number; field: string; code: string; message: string }[] } | null>(null);
  const [findings, setFindings] = useState<{ items: Finding[]; total: number } | null>(null);
  const [page, setPage] = useState(1);
  const [error, setError] = useState<unknown>(null);
  const picked = useSelection();
  const load = useCallback(() => { api.get<{ items: Finding[]; total: number }>(`/api/org/campaigns/${id}/findings${qs({ page, pageSize: 20 })}`).then(setFindings).catch(setError); }, [id, page]);
  useEffect(load, [load]);
  const upload = async () => {
    if (!file) return;
    // A resubmission replaces the whole catalogue (and the findings listed from it): asked first.
    if (campaign.catalogue && !window.confirm(t('sv.confirmReplaceCatalogue', { file: file.name, n: campaign.catalogue.received }))) return;
    setError(null); setAnswer(null); setProgress(0);
    try { setAnswer(await uploadCatalogue(`/api/org/campaigns/${id}/catalogue`, file, setProgress) as never); load(); onChanged(); } catch (e) { setError(e); } finally { setProgress(null); }
  };
  const notify = async (ids: string[]) => { setError(null); try { await api.post('/api/org/findings/notified', { findingIds: ids }); picked.clear(); load(); } catch (e) { setError(e); } };
  const open = findings?.items.filter((f) => !f.notifiedAt).map((f) => f.id) ?? [];
  const allPicked = open.length > 0 && open.every((x) => picked.ids.has(x));
  return (
    <Card title={campaign.name}>
      <ErrorNotice error={error} />
      <h3 style={{ marginTop: 0 }}>{t('sv.submitCatalogue')}</h3>
      {campaign.status === 'ended' ? <p className="muted" data-testid="catalogue-closed">{t('sv.campaignEnded', { on: i18n.date(campaign.endedOn ?? campaign.endsOn) })}</p> : (
        <>
          <p>{t('sv.catalogueDueOn', { on: i18n.date(campaign.catalogueDueOn) })}{i18n.paren(i18n.option('catalogueState', campaign.catalogueState))}</p>
          <p className="small muted">{t('sv.catalogueHelp')}</p>
          <div className="row" style={{ flexWrap: 'wrap' }}>
            <input type="file" accept=".csv,.ndjson,.jsonl,.txt" aria-label={t('sv.catalogueFile')} data-testid="catalogue-file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            <Button variant="primary" onClick={upload} disabled={!file || progress !== null} data-testid="catalogue-upload">{t('sv.upload')}</Button>
            {progress !== null && <progress max={100} value={progress} aria-label={t('sv.uploadProgress')}>{progress}%</progress>}
          </div>
        </>)}
      {answer && (
        <div role="status" data-testid="catalogue-answer">
          <p>{t('sv.catalogueAnswer', { received: answer.received, accepted: answer.accepted, rejected: answer.rejected })}</p>
          <p>{Object.entries(answer.findings).map(([k, v]) => `${i18n.option('findingOutcome', k)} ${v}`).join(' · ')}</p>
          {answer.errors.length > 0 && <ul>{answer.errors.slice(0, 10).map((e) => <li key={e.line}>{t('sv.lineProblem', { line: e.line, message: i18n.problem(e) })}</li>)}</ul>}
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
                <td>{i18n.option('findingOutcome', f.outcome)}{f.resolvedOn ? ` · ${t('sv.filedOn', { on: i18n.date(f.resolvedOn) })}` : ''}</td>
                <td>{f.rounds.join(', ') || '—'}</td><td>{f.notifiedAt ? '✓' : <Button className="btn-small" onClick={() => notify([f.id])} data-testid="notify-one">{t('sv.markNotifiedAction')}</Button>}</td></tr>)}</tbody></table>
          </TableWrap>
          <Pager page={page} pageSize={20} total={findings.total} onPage={setPage} />
        </>)}
    </Card>
  );
}

function Orders() {
  const i18n = useI18n();
  const { t } = i18n;
  // A page at a time (LIST_PAGE), as the host's home pages its applications: every order is reachable.
  const [page, setPage] = useState(1);
  const [r, setR] = useState<Paged<Order> | null>(null);
  // Where each order comes from: names of the campaigns and violation reports it may cite.
  const [campaigns, setCampaigns] = useState<Map<string, string>>(new Map());
  const reports = useReportsOf<Violation>(r?.items.map((o) => o.violationId) ?? [], '/api/org/violations');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => { api.get<Paged<Order>>(`/api/org/orders${qs({ page, pageSize: LIST_PAGE })}`).then(setR).catch(setError); }, [page]);
  useEffect(load, [load]);
  useEffect(() => {
    allPages<Campaign>('/api/org/campaigns', 500).then((c) => setCampaigns(new Map(c.map((x) => [x.id, x.name])))).catch(setError); // names, every page
  }, []);
  // The item's forms show their own errors, each at its field (fieldProblems); null when it went through.
  const confirm = async (o: Order, itemId: string, evidence: string) => {
    try { await api.post(`/api/org/orders/${o.id}/items/${itemId}/done`, { evidence }); load(); return null; } catch (e) { return e; }
  };
  const object = async (o: Order, itemId: string, body: object) => {
    try { await api.post(`/api/org/orders/${o.id}/items/${itemId}/objection`, body); load(); return null; } catch (e) { return e; }
  };
  const attach = async (o: Order, itemId: string, file: File | undefined) => {
    if (!file) return;
    setError(null); setBusy(itemId);
    try { await uploadAttachment(`/api/org/orders/${o.id}/items/${itemId}/attachments`, file); load(); } catch (e) { setError(e); } finally { setBusy(null); }
  };
  const source = (o: Order) => {
    if (o.campaignId) return t('sv.fromCampaign', { name: campaigns.get(o.campaignId) ?? '…' });
    if (o.violationId) {
      const v = reports.get(o.violationId);
      return v ? t('sv.fromViolation', { number: v.serviceNumber, name: v.serviceName }) : t('sv.fromViolationUnknown');
    }
    return null;
  };
  const columns = [t('sv.item'), t('sv.status'), t('sv.evidence')];
  return (
    <Card title={t('sv.disposalOrders')} actions={<CsvLink url="/api/org/orders" />}>
      <ErrorNotice error={error} />
      {!r ? <Loading /> : r.items.length === 0 ? <p className="muted" data-testid="org-orders-empty">{t('sv.noOrders')}</p> : (
        <TableWrap label={t('sv.disposalOrders')}>
          <table className="cards" data-testid="org-orders"><thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
            {r.items.map((o) => (
              <tbody key={o.id} data-testid="org-order">
                <tr className="order-head"><th colSpan={columns.length} scope="rowgroup" style={{ whiteSpace: 'normal', fontWeight: 400 }}>
                  <strong>{i18n.option('measure', o.measure)}</strong>
                  <span className="muted small">{' · '}{t('sv.orderedOn')}{i18n.colon}{i18n.date(o.orderedOn)}{' · '}{t('sv.due')}{i18n.colon}</span>
                  <span className={o.items.some((i) => i.overdue) ? 'overdue-text small' : 'small'}>{i18n.date(o.dueOn)}{o.items.some((i) => i.overdue) ? ` · ${t('sv.overdue')}` : ''}</span>
                  <p style={{ margin: '.25rem 0 0', overflowWrap: 'anywhere' }} data-testid="order-reason">{t('sv.reason')}{i18n.colon}{o.reason}</p>
                  {source(o) && <p className="muted small" style={{ margin: 0 }} data-testid="order-source">{source(o)}</p>}
                  <OrderHistory url={`/api/org/orders/${o.id}/history`} />
                </th></tr>
                {o.items.map((i) => (
                  <tr key={i.id} className={i.overdue ? 'overdue' : ''}>
                    <td data-label={columns[0]}>{i.packageName ?? i.serviceNumber}</td>
                    <td data-label={columns[1]}>{i18n.option('orderItemStatus', i.status)}{i.overdue ? ` · ${t('sv.overdue')}` : ''}</td>
                    <td data-label={columns[2]}><div className="evidence-cell">
                      {i.status !== 'open' && i.status !== 'objected' && i.evidence ? <span>{i.evidence}</span> : null}
                      {i.status === 'open' && i.reopenReason ? <p className="small overdue-text">{t('sv.reopened', { reason: i.reopenReason })}</p> : null}
                      {i.objection && <p className="small" data-testid="item-objection">{t('sv.objection', { ground: i18n.option('objectionGround', i.objection.ground), note: i.objection.note })}
                        {i.objection.requestedDueOn ? t('sv.objectionAsked', { date: i18n.date(i.objection.requestedDueOn) }) : ''}</p>}
                      {i.status === 'objected' && <p className="small muted">{t('sv.objectionWaiting')}</p>}
                      {i.answerNote && <p className={`small${i.status === 'open' ? ' overdue-text' : ' muted'}`} data-testid="item-answer">{t('sv.answerNote', { note: i.answerNote })}</p>}
                      <AttachmentList files={i.files ?? []} />
                      {i.status === 'open' && <ObjectionForm dueOn={o.dueOn} onSubmit={(body) => object(o, i.id, body)} />}
                      {(i.status === 'open' || i.status === 'objected') && <ConfirmDoneForm uploading={busy === i.id}
                        onAttach={(file) => void attach(o, i.id, file)} onConfirm={(text) => confirm(o, i.id, text)} />}
                    </div></td>
                  </tr>))}
              </tbody>))}</table>
        </TableWrap>)}
      {r ? <div data-testid="orders-pager"><Pager page={r.page} pageSize={r.pageSize} total={r.total} onPage={setPage} /></div> : null}
    </Card>
  );
}

/**
 * An item's confirmation: what was done (处置情况说明, required: checked here before sending) and evidence files.
 * The API's field problems are shown at their field and named in the notice, not as a bare 请求格式不正确.
 */
function ConfirmDoneForm({ uploading, onAttach, onConfirm }: { uploading: boolean; onAttach: (file: File | undefined) => void; onConfirm: (evidence: string) => Promise<unknown> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const [text, setText] = useState('');
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const problem = missing ? t('sv.evidenceRequired') : fieldProblems(error, i18n).evidence;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!text.trim()) { setMissing(true); document.getElementById(`${id}-e`)?.focus(); return; }
    setBusy(true);
    try { const failed = await onConfirm(text.trim()); setError(failed); if (!failed) setText(''); } finally { setBusy(false); }
  };
  return (
    <form className="evidence-form" noValidate onSubmit={(e) => void submit(e)} data-testid="confirm-form">
      <label htmlFor={`${id}-e`} className="evidence-label">{t('sv.evidenceHint')} <span className="req">*</span></label>
      <input id={`${id}-e`} required maxLength={4000} value={text} placeholder={t('sv.evidencePlaceholder')}
        aria-invalid={problem ? true : undefined} aria-describedby={problem ? `${id}-err` : undefined}
        onChange={(e) => { setText(e.target.value); if (e.target.value.trim()) setMissing(false); }} data-testid="evidence" />
      <label className="btn btn-secondary file-button">{uploading ? t('sv.uploading') : t('sv.attachFile')}
        <input type="file" accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg" hidden data-testid="evidence-file" onChange={(e) => { onAttach(e.target.files?.[0]); e.target.value = ''; }} /></label>
      <Button type="submit" variant="primary" busy={busy} data-testid="confirm-item">{t('sv.confirmDone')}</Button>
      {problem ? <ul className="field-errors evidence-error" id={`${id}-err`} data-testid="evidence-error"><li>{t('sv.evidenceHint')}{i18n.colon}{problem}</li></ul> : null}
      {error && !fieldProblems(error, i18n).evidence ? <div className="evidence-error"><ErrorNotice error={error} labels={{ evidence: t('sv.evidenceHint') }} /></div> : null}
    </form>
  );
}

/**
 * The organisation's objection to an item (ADR 0018 addendum): a ground, its words and, for more time, the date it
 * asks for; the item then waits for the bureau. Opens from a button, as the bureau's reason forms do.
 */
function ObjectionForm({ dueOn, onSubmit }: { dueOn: string; onSubmit: (body: object) => Promise<unknown> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const [open, setOpen] = useState(false);
  const [ground, setGround] = useState<(typeof OBJECTION_GROUNDS)[number]>('not_ours');
  const [note, setNote] = useState('');
  const [asked, setAsked] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!open) return <Button onClick={() => setOpen(true)} data-testid="object-item">{t('sv.object')}</Button>;
  const problems = fieldProblems(error, i18n);
  const labels = { ground: t('sv.objectionGround'), note: t('sv.objectionNote'), requestedDueOn: t('sv.requestedDueOn') };
  const at = (field: keyof typeof labels) => (problems[field]
    ? { 'aria-invalid': true, 'aria-describedby': `${id}-${field}-err` } : {});
  const fieldError = (field: keyof typeof labels) => (problems[field]
    ? <ul className="field-errors" id={`${id}-${field}-err`}><li>{problems[field]}</li></ul> : null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const failed = await onSubmit({ ground, note: note.trim(), ...(ground === 'more_time' ? { requestedDueOn: asked } : {}) });
      setError(failed);
      if (!failed) { setOpen(false); setNote(''); setAsked(''); }
    } finally { setBusy(false); }
  };
  return (
    <form className="subform reason-form" onSubmit={(e) => void submit(e)} data-testid="objection-form">
      <div className="field">
        <label htmlFor={`${id}-g`}>{t('sv.objectionGround')} <span className="req">*</span></label>
        <select id={`${id}-g`} value={ground} onChange={(e) => setGround(e.target.value as typeof ground)} data-testid="objection-ground" {...at('ground')}>
          {OBJECTION_GROUNDS.map((g) => <option key={g} value={g}>{i18n.option('objectionGround', g)}</option>)}
        </select>
        {fieldError('ground')}
      </div>
      {ground === 'more_time' && <div className="field">
        <label htmlFor={`${id}-d`}>{t('sv.requestedDueOn')} <span className="req">*</span></label>
        <input id={`${id}-d`} type="date" required min={dueOn} value={asked} onChange={(e) => setAsked(e.target.value)} data-testid="objection-date" {...at('requestedDueOn')} />
        {fieldError('requestedDueOn')}
      </div>}
      <div className="field">
        <label htmlFor={`${id}-n`}>{t('sv.objectionNote')} <span className="req">*</span></label>
        <textarea id={`${id}-n`} required rows={2} maxLength={2000} placeholder={t('sv.objectionNoteHint')} value={note} onChange={(e) => setNote(e.target.value)} data-testid="objection-note" {...at('note')} />
        {fieldError('note')}
      </div>
      <ErrorNotice error={error} labels={labels} />
      <div className="row">
        <Button type="submit" variant="primary" busy={busy} data-testid="objection-submit">{t('sv.sendObjection')}</Button>
        <Button onClick={() => setOpen(false)} disabled={busy}>{t('sv.cancel')}</Button>
      </div>
    </form>
  );
}

const STEP_LABELS: Record<string, MessageKey> = {
  reported: 'sv.step.reported', request_more: 'sv.step.request_more', provide_more: 'sv.step.provide_more',
  order_disposal: 'sv.step.order_disposal', revoke: 'sv.step.revoke', close: 'sv.step.close',
};

function Violations() {
  const i18n = useI18n();
  const { t } = i18n;
  const [page, setPage] = useState(1);
  const [r, setR] = useState<Paged<Violation> | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [form, setForm] = useState(newViolationForm);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => { api.get<Paged<Violation>>(`/api/org/violations${qs({ page, pageSize: LIST_PAGE })}`).then(setR).catch(setError); }, [page]);
  useEffect(load, [load]);
  const report = async (e: FormEvent) => {
    e.preventDefault(); setError(null); setMessage(null);
    try {
      await api.post('/api/org/violations', { ...form, measuresTaken: form.measuresTaken || undefined });
      setMessage(t('sv.reportSent', { number: form.serviceNumber.trim() }));
      setForm(newViolationForm());
      if (page === 1) load(); else setPage(1); // the new report is the newest: on the first page
    } catch (err) { setError(err); }
  };
  const columns = [t('sv.number'), t('sv.category'), t('sv.situation'), t('sv.reportedOn'), t('sv.status'), t('sv.steps')];
  return (
    <>
      <Card title={t('sv.reportViolation')}>
        <ErrorNotice error={error} />
        {message && <p role="status" className="notice notice-success" data-testid="supervision-message">{message}</p>}
        <form onSubmit={report} className="grid-form" data-testid="violation-form">
          <div className="field"><label htmlFor="v-number">{t('sv.serviceNumber')}</label><input id="v-number" required value={form.serviceNumber} onChange={(e) => setForm({ ...form, serviceNumber: e.target.value })} /></div>
          <div className="field"><label htmlFor="v-cat">{t('sv.category')}</label>
            <select id="v-cat" value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value })}>
              {VIOLATION_CATEGORIES.map((k) => <option key={k} value={k}>{i18n.option('violationCategory', k)}</option>)}</select></div>
          <div className="field"><label htmlFor="v-desc">{t('sv.situation')}</label><textarea id="v-desc" required maxLength={4000} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} /></div>
          <div className="field"><label htmlFor="v-measures">{t('sv.measuresTaken')}</label><input id="v-measures" maxLength={2000} value={form.measuresTaken} onChange={(e) => setForm({ ...form, measuresTaken: e.target.value })} /></div>
          <Button type="submit" variant="primary">{t('sv.sendReport')}</Button>
        </form>
      </Card>
      <Card title={t('sv.myReports')} actions={<CsvLink url="/api/org/violations" />}>
        {!r ? <Loading /> : r.items.length === 0 ? <p className="muted" data-testid="org-violations-empty">{t('sv.noMyReports')}</p> : (
          <TableWrap label={t('sv.myReports')}>
            <table className="cards" data-testid="org-violations"><thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
              <tbody>{r.items.map((v) => {
                const shown = open === v.id;
                const asked = v.status === 'more_requested';
                return (
                  <Fragment key={v.id}>
                    <tr className={shown ? 'selected' : ''}>
                      <td data-label={columns[0]}><span>{v.serviceNumber}<br />{v.serviceName}</span></td>
                      <td data-label={columns[1]}>{i18n.option('violationCategory', v.category)}</td>
                      <td data-label={columns[2]}><span style={{ overflowWrap: 'anywhere' }}>{v.description}</span></td>
                      <td data-label={columns[3]}>{i18n.date(v.createdAt)}</td>
                      <td data-label={columns[4]}>{asked ? <strong className="overdue-text">{i18n.option('violationStatus', v.status)}</strong> : i18n.option('violationStatus', v.status)}</td>
                      <td data-label={columns[5]}>
                        <Button className="btn-small" variant={asked && !shown ? 'primary' : 'secondary'} aria-expanded={shown} aria-controls={shown ? `report-${v.id}` : undefined}
                          onClick={() => setOpen(shown ? null : v.id)} data-testid={asked ? 'answer-open' : 'steps-open'}>
                          {shown ? t('sv.hideSteps') : asked ? t('sv.answerRequest') : t('sv.steps')}</Button>
                      </td>
                    </tr>
                    {shown && <tr><td colSpan={columns.length} className="cell-action"><ReportSteps report={v} onChanged={load} /></td></tr>}
                  </Fragment>);
              })}</tbody></table>
          </TableWrap>)}
        {r ? <div data-testid="violations-pager"><Pager page={r.page} pageSize={r.pageSize} total={r.total} onPage={setPage} /></div> : null}
      </Card>
    </>
  );
}

const newViolationForm = () => ({ serviceNumber: '', category: 'fraud', description: '', measuresTaken: '' });

/** One report's steps (who asked what, each note), and the answer form while the bureau asks for more. */
function ReportSteps({ report, onChanged }: { report: Violation; onChanged(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [detail, setDetail] = useState<{ status: string; steps: Step[] } | null>(null);
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => { api.get<{ status: string; steps: Step[] }>(`/api/org/violations/${report.id}`).then(setDetail).catch(setError); }, [report.id]);
  useEffect(load, [load]);
  const answer = async (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) { setNoteError(true); return; }
    setError(null); setMessage(null); setBusy(true);
    try {
      await api.post(`/api/org/violations/${report.id}/more`, { note: note.trim() });
      setNote(''); setMessage(t('sv.moreSent')); load(); onChanged();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const title = `${t('sv.stepsOfReport')}${i18n.colon}${report.serviceNumber} ${report.serviceName}`;
  const stepLabel = (s: Step) => (STEP_LABELS[s.action] ? t(STEP_LABELS[s.action]!) : s.action);
  return (
    <div className="subform" id={`report-${report.id}`} role="group" aria-label={title} data-testid="violation-steps">
      <h3 style={{ marginTop: 0 }}>{title}</h3>
      <ErrorNotice error={error} />
      {message && <p role="status" className="notice notice-success" data-testid="more-sent">{message}</p>}
      {!detail ? <Loading /> : (
        <>
          <ol className="timeline">{detail.steps.map((s, i) => (
            <li key={i} className="done" data-testid="violation-step">
              <div className="when">{i18n.date(s.at, true)}</div>
              <div><strong>{stepLabel(s)}</strong>{stepLabel(s) !== i18n.option('violationStatus', s.status) ? i18n.paren(i18n.option('violationStatus', s.status)) : null}</div>
              {s.note && <p style={{ margin: '.15rem 0 0', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{s.note}</p>}
            </li>))}</ol>
          {detail.status === 'more_requested' && (
            <form onSubmit={answer} data-testid="more-form">
              <div className={`field${noteError ? ' has-error' : ''}`}>
                <label htmlFor={`more-${report.id}`}>{t('sv.moreAnswer')} <span className="req">*</span></label>
                <textarea id={`more-${report.id}`} required maxLength={4000} rows={4} value={note} aria-invalid={noteError || undefined}
                  onChange={(e) => { setNote(e.target.value); if (e.target.value.trim()) setNoteError(false); }} aria-describedby={`more-hint-${report.id}`} data-testid="more-note" />
                <p className="hint" id={`more-hint-${report.id}`}>{t('sv.moreAnswerHint')}</p>
                {noteError && <ul className="field-errors"><li>{t('sv.noteRequired')}</li></ul>}
              </div>
              <Button type="submit" variant="primary" busy={busy} data-testid="more-send">{t('sv.sendMore')}</Button>
            </form>)}
        </>)}
    </div>
  );
}


