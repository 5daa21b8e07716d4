// The bureau's supervision console (issue 14, items 8 and 10): campaigns (create; a dashboard of
// each — catalogues received against those due, findings by outcome and by organisation, notices,
// disposals, overdue, day by day; findings ticked by hand for a round of notice or an order),
// disposal orders (overdue flagged, evidence files, accept / reopen), violation reports (triage,
// the public's included) and the blacklist (lift). Every table links its CSV export.
import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { Chart } from '../../components/Chart.tsx';
import { TabbedPage } from '../../components/TabbedPage.tsx';
import { Button, Card, ErrorNotice, Loading, Pager, TableWrap } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api, qs } from '../../lib/api.ts';
import { type Counts, CsvLink, FINDING_KEYS, findingsChart, Kpis, OUTCOME_KEYS, organisationsChart, type TimelineDay, timelineChart, useSelection } from './common.tsx';
import { AttachmentList, type Attachment } from './attachments.tsx';

interface Campaign { id: string; name: string; kind: string; status: string; startsOn: string; catalogueDueOn: string; endsOn: string; provinceCodes: string[] | null }
interface Progress {
  campaign: Campaign; catalogues: { inScope: number; received: number; overdue: number }; findings: Counts; notified: number; notYetNotified: number; resolved: number;
  orders: { items: number; open: number; done: number; accepted: number; overdue: number };
  byOrganisation: { organisationId: string; organisationName: string; catalogue: string; received: number; findings: Counts; notified: number; open: number }[];
  rounds: { id: string; number: number; createdAt: string; respondBy: string; findings: number; notified: number; notYet: number }[];
  timeline: TimelineDay[];
}
interface Finding { id: string; organisationName: string; line: number; platform: string; packageName: string; appName: string | null; outcome: string; serviceNumber: string | null; notifiedAt: string | null; resolvedOn: string | null; rounds: number[] }
interface Order { id: string; organisationName: string; measure: string; dueOn: string; overdue: boolean; items: { id: string; packageName: string | null; serviceNumber: string | null; status: string; overdue: boolean; evidence: string | null; files?: Attachment[] }[] }
interface Violation { id: string; serviceNumber: string; serviceName: string; category: string; status: string; reporterKind: string; reporterOrganisation: string | null; reporterName?: string | null; reporterContact?: string | null; createdAt: string; description: string }
interface Entry { id: string; kind: string; value: string | null; subjectName: string | null; untilOn: string; category: string; active: boolean }

const MEASURE_KEYS = ['take_down', 'shut_down', 'restrict_updates', 'stop_access', 'remove_preinstall'] as const;
const inDays = (n: number) => new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10);

export default function BureauSupervision() {
  const { t } = useI18n();
  return (
    <TabbedPage title={t('sv.bureauTitle')} label={t('sv.sections')} tabs={[
      { key: 'campaigns', label: t('sv.campaigns'), render: () => <Campaigns /> },
      { key: 'orders', label: t('sv.disposalOrders'), render: () => <Orders /> },
      { key: 'violations', label: t('sv.violationReports'), render: () => <Violations /> },
      { key: 'blacklist', label: t('sv.blacklist'), render: () => <Blacklist /> },
    ]} />
  );
}

function Campaigns() {
  const i18n = useI18n();
  const { t } = i18n;
  const [items, setItems] = useState<Campaign[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const today = new Date().toISOString().slice(0, 10);
  const [form, setForm] = useState({ name: '', kind: 'inspection', startsOn: today, catalogueDueOn: today, endsOn: today, platform: true, provider: true, device_maker: false });
  const load = useCallback(() => { api.get<{ items: Campaign[] }>('/api/bureau/campaigns').then((r) => setItems(r.items)).catch(setError); }, []);
  useEffect(load, [load]);
  const create = async (e: FormEvent) => {
    e.preventDefault(); setError(null);
    try {
      const orgKinds = (['platform', 'provider', 'device_maker'] as const).filter((k) => form[k]);
      const c = await api.post<Campaign>('/api/bureau/campaigns', { name: form.name, kind: form.kind, orgKinds, startsOn: form.startsOn, catalogueDueOn: form.catalogueDueOn, endsOn: form.endsOn });
      setSelected(c.id); load();
    } catch (err) { setError(err); }
  };
  const dates = [['startsOn', t('sv.startsOn')], ['catalogueDueOn', t('sv.catalogueDue')], ['endsOn', t('sv.endsOn')]] as const;
  return (
    <>
      <ErrorNotice error={error} />
      <Card title={t('sv.newCampaign')}>
        <form onSubmit={create} className="grid-form" data-testid="campaign-form">
          <div className="field"><label htmlFor="c-name">{t('sv.name')}</label><input id="c-name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></div>
          <div className="field"><label htmlFor="c-kind">{t('sv.kind')}</label>
            <select id="c-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
              {(['transition', 'inspection', 'routine'] as const).map((k) => <option key={k} value={k}>{i18n.option('campaignKind', k)}</option>)}</select></div>
          {dates.map(([f, label]) => (
            <div className="field" key={f}><label htmlFor={`c-${f}`}>{label}</label>
              <input id={`c-${f}`} type="date" value={form[f]} onChange={(e) => setForm({ ...form, [f]: e.target.value })} /></div>
          ))}
          <fieldset className="field"><legend>{t('sv.organisationsInScope')}</legend>
            {(['platform', 'provider', 'device_maker'] as const).map((k) => (
              <label key={k} className="check"><input type="checkbox" checked={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.checked })} /> {i18n.option('campaignOrgKind', k)}</label>
            ))}
          </fieldset>
          <Button type="submit" variant="primary">{t('sv.createAndNotify')}</Button>
        </form>
      </Card>
      {!items ? <Loading /> : (
        <Card title={t('sv.campaigns')} actions={<CsvLink url="/api/bureau/campaigns" />}>
          <TableWrap label={t('sv.campaigns')}>
            <table><thead><tr><th>{t('sv.name')}</th><th>{t('sv.kind')}</th><th>{t('sv.period')}</th><th>{t('sv.status')}</th></tr></thead>
              <tbody>{items.map((c) => (
                <tr key={c.id} className={selected === c.id ? 'selected' : ''}><td><button type="button" className="btn btn-link" onClick={() => setSelected(c.id)}>{c.name}</button></td>
                  <td>{i18n.option('campaignKind', c.kind)}</td><td>{c.startsOn} – {c.endsOn}</td><td>{i18n.option('campaignStatus', c.status)}</td></tr>))}</tbody></table>
          </TableWrap>
        </Card>
      )}
      {selected && <CampaignDetail key={selected} id={selected} />}
    </>
  );
}

function CampaignDetail({ id }: { id: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [p, setP] = useState<Progress | null>(null);
  const [outcome, setOutcome] = useState('');
  const [page, setPage] = useState(1);
  const [findings, setFindings] = useState<{ items: Finding[]; total: number } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [respondBy, setRespondBy] = useState(inDays(7));
  const [measure, setMeasure] = useState<string>('take_down');
  const [days, setDays] = useState(5);
  const picked = useSelection();
  const load = useCallback(() => {
    api.get<Progress>(`/api/bureau/campaigns/${id}`).then(setP).catch(setError);
    api.get<{ items: Finding[]; total: number }>(`/api/bureau/campaigns/${id}/findings${qs({ outcome, page, pageSize: 20 })}`).then(setFindings).catch(setError);
  }, [id, outcome, page]);
  useEffect(load, [load]);
  const charts = useMemo(() => (p ? {
    outcomes: findingsChart(p.findings, i18n),
    organisations: organisationsChart(p.byOrganisation, i18n),
    timeline: timelineChart(p.timeline, p.catalogues.inScope, p.campaign.catalogueDueOn, i18n),
  } : null), [p, i18n]);
  const act = async (fn: () => Promise<string>) => { setError(null); setMessage(null); try { setMessage(await fn()); picked.clear(); load(); } catch (e) { setError(e); } };
  const sendRound = (body: Record<string, unknown>) => act(async () => {
    const r = await api.post<{ number: number; findings: number }>(`/api/bureau/campaigns/${id}/rounds`, { ...body, respondBy });
    return t('sv.roundSent', { number: r.number, findings: r.findings });
  });
  const order = () => act(async () => {
    const r = await api.post<{ orders: unknown[] }>('/api/bureau/orders', { findingIds: [...picked.ids], measure, dueInWorkingDays: days, reason: t('sv.orderReason', { measure: i18n.option('measure', measure) }) });
    return t('sv.ordersIssued', { n: r.orders.length });
  });
  if (!p || !charts) return <><ErrorNotice error={error} /><Loading /></>;
  const pageIds = findings?.items.map((f) => f.id) ?? [];
  const allPicked = pageIds.length > 0 && pageIds.every((x) => picked.ids.has(x));
  const base = `/api/bureau/campaigns/${id}`;
  return (
    <Card title={p.campaign.name}>
      <ErrorNotice error={error} />
      {message && <p role="status" className="notice notice-success" data-testid="supervision-message">{message}</p>}
      <Kpis items={[
        [t('sv.cataloguesReceivedInScope'), `${p.catalogues.received} / ${p.catalogues.inScope}`],
        [t('sv.findings'), FINDING_KEYS.reduce((a, k) => a + (p.findings[k] ?? 0), 0)],
        [t('sv.notifiedNotYet'), `${p.notified} / ${p.notYetNotified}`],
        [t('sv.disposedItems'), `${p.orders.done + p.orders.accepted} / ${p.orders.items}`],
        [t('sv.overdue'), p.orders.overdue],
      ]} />
      <div className="charts">
        <section><h3>{t('sv.findingsByOutcome')}</h3><Chart option={charts.outcomes} label={t('sv.findingsByOutcome')} testId="findings-chart" /></section>
        <section><h3>{t('sv.findingsByOrganisation')}</h3><Chart option={charts.organisations} label={t('sv.findingsByOrganisation')} testId="organisations-chart" /></section>
      </div>
      <h3>{t('sv.overTime')} <CsvLink url={`${base}?table=timeline`} /></h3>
      <Chart option={charts.timeline} label={t('sv.overTime')} testId="timeline-chart" />
      <h3>{t('sv.byOrganisation')} <CsvLink url={`${base}?table=organisations`} /></h3>
      <TableWrap label={t('sv.byOrganisation')}>
        <table className="wide" data-testid="organisations-table"><thead><tr><th>{t('sv.organisation')}</th><th>{t('sv.catalogue')}</th><th>{t('sv.lines')}</th>{OUTCOME_KEYS.map((k) => <th key={k}>{i18n.option('findingOutcome', k)}</th>)}<th>{t('sv.notified')}</th></tr></thead>
          <tbody>{p.byOrganisation.map((o) => <tr key={o.organisationId}><td>{o.organisationName}</td><td>{i18n.option('catalogueState', o.catalogue)}</td><td>{o.received}</td>{OUTCOME_KEYS.map((k) => <td key={k}>{o.findings[k] ?? 0}</td>)}<td>{o.notified}</td></tr>)}</tbody></table>
      </TableWrap>
      <h3>{t('sv.roundsOfNotice')} <CsvLink url={`${base}?table=rounds`} /></h3>
      {p.rounds.length === 0 ? <p className="muted">{t('sv.noRounds')}</p> : (
        <TableWrap label={t('sv.roundsOfNotice')}>
          <table data-testid="rounds-table"><thead><tr><th>{t('sv.round')}</th><th>{t('sv.sentOn')}</th><th>{t('sv.respondBy')}</th><th>{t('sv.findings')}</th><th>{t('sv.notified')}</th><th>{t('sv.notYet')}</th></tr></thead>
            <tbody>{p.rounds.map((r) => <tr key={r.id}><td>{t('sv.roundN', { n: r.number })}</td><td>{i18n.date(r.createdAt)}</td><td>{r.respondBy}</td><td>{r.findings}</td><td>{r.notified}</td><td>{r.notYet}</td></tr>)}</tbody></table>
        </TableWrap>)}
      <h3>{t('sv.findingList')} <CsvLink url={`${base}/findings${qs({ outcome })}`} /></h3>
      <div className="row" style={{ flexWrap: 'wrap' }}>
        <label htmlFor="f-outcome">{t('sv.outcome')}</label>
        <select id="f-outcome" value={outcome} onChange={(e) => { setOutcome(e.target.value); setPage(1); }}><option value="">{t('sv.all')}</option>
          {FINDING_KEYS.map((k) => <option key={k} value={k}>{i18n.option('findingOutcome', k)}</option>)}</select>
      </div>
      <div className="toolbar" data-testid="findings-actions">
        <div className="field"><label htmlFor="r-by">{t('sv.respondBy')}</label><input id="r-by" type="date" value={respondBy} onChange={(e) => setRespondBy(e.target.value)} /></div>
        <Button variant="primary" disabled={picked.ids.size === 0} onClick={() => sendRound({ findingIds: [...picked.ids] })} data-testid="send-round-picked">
          {t('sv.sendRoundPicked', { n: picked.ids.size })}</Button>
        <Button onClick={() => sendRound({ filter: { notified: false, ...(outcome ? { outcome } : {}) } })} data-testid="send-round">{t('sv.sendRoundNotYet')}</Button>
        <div className="field"><label htmlFor="o-measure">{t('sv.measure')}</label>
          <select id="o-measure" value={measure} onChange={(e) => setMeasure(e.target.value)}>{MEASURE_KEYS.map((k) => <option key={k} value={k}>{i18n.option('measure', k)}</option>)}</select></div>
        <div className="field"><label htmlFor="o-days">{t('sv.dueInWorkingDays')}</label><input id="o-days" type="number" min={1} max={60} value={days} onChange={(e) => setDays(Number(e.target.value))} style={{ width: '5rem' }} /></div>
        <Button disabled={picked.ids.size === 0} onClick={order} data-testid="order-picked">{t('sv.orderPicked', { n: picked.ids.size })}</Button>
      </div>
      {findings && (
        <>
          <TableWrap label={t('sv.findingList')}>
            <table className="wide" data-testid="findings-table"><thead><tr>
              <th><input type="checkbox" aria-label={t('sv.pickPage')} checked={allPicked} onChange={(e) => picked.setAll(pageIds, e.target.checked)} data-testid="pick-page" /></th>
              <th>{t('sv.organisation')}</th><th>{t('sv.app')}</th><th>{t('sv.package')}</th><th>{t('sv.outcome')}</th><th>{t('sv.rounds')}</th><th>{t('sv.notified')}</th><th>{t('sv.resolved')}</th></tr></thead>
              <tbody>{findings.items.map((f) => (
                <tr key={f.id} className={picked.ids.has(f.id) ? 'selected' : ''}>
                  <td><input type="checkbox" aria-label={t('sv.pickFinding', { name: f.appName ?? f.packageName })} checked={picked.ids.has(f.id)} onChange={(e) => picked.toggle(f.id, e.target.checked)} data-testid="pick-finding" /></td>
                  <td>{f.organisationName}</td><td>{f.appName ?? '—'}</td><td>{f.platform} · {f.packageName}</td><td>{i18n.option('findingOutcome', f.outcome)}</td>
                  <td>{f.rounds.length ? f.rounds.join(', ') : '—'}</td><td>{f.notifiedAt ? '✓' : '—'}</td><td>{f.resolvedOn ?? '—'}</td></tr>))}</tbody></table>
          </TableWrap>
          <Pager page={page} pageSize={20} total={findings.total} onPage={setPage} />
        </>
      )}
    </Card>
  );
}

function Orders() {
  const i18n = useI18n();
  const { t } = i18n;
  const [overdue, setOverdue] = useState(false);
  const [r, setR] = useState<{ items: Order[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => { api.get<{ items: Order[]; total: number }>(`/api/bureau/orders${qs({ overdue: overdue ? 'true' : undefined, pageSize: 100 })}`).then(setR).catch(setError); }, [overdue]);
  useEffect(load, [load]);
  const decide = async (o: Order, itemId: string, action: 'accept' | 'reopen') => {
    setError(null);
    try { await api.post(`/api/bureau/orders/${o.id}/items/${itemId}/${action}`, action === 'reopen' ? { reason: t('sv.reopenReason') } : {}); load(); } catch (e) { setError(e); }
  };
  return (
    <Card title={t('sv.disposalOrders')} actions={<CsvLink url={`/api/bureau/orders${qs({ overdue: overdue ? 'true' : undefined })}`} />}>
      <ErrorNotice error={error} />
      <label className="check"><input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} /> {t('sv.overdueOnly')}</label>
      {!r ? <Loading /> : (
        <TableWrap label={t('sv.disposalOrders')}>
          <table className="wide" data-testid="orders-table"><thead><tr><th>{t('sv.organisation')}</th><th>{t('sv.measure')}</th><th>{t('sv.due')}</th><th>{t('sv.item')}</th><th>{t('sv.status')}</th><th>{t('sv.evidence')}</th><th /></tr></thead>
            <tbody>{r.items.flatMap((o) => o.items.map((i) => (
              <tr key={i.id} className={i.overdue ? 'overdue' : ''}><td>{o.organisationName}</td><td>{i18n.option('measure', o.measure)}</td><td>{o.dueOn}{i.overdue ? ` · ${t('sv.overdue')}` : ''}</td>
                <td>{i.packageName ?? i.serviceNumber}</td><td>{i18n.option('orderItemStatus', i.status)}</td>
                <td>{i.evidence ?? '—'}<AttachmentList files={i.files ?? []} /></td>
                <td>{i.status === 'done' && <div className="row"><Button onClick={() => decide(o, i.id, 'accept')} data-testid="accept-item">{t('sv.accept')}</Button> <Button onClick={() => decide(o, i.id, 'reopen')}>{t('sv.reopen')}</Button></div>}</td></tr>)))}</tbody></table>
        </TableWrap>
      )}
    </Card>
  );
}

/** A public reporter's contact: masked in the list; the full value is one report's read, which the access log records. */
function ReporterContact({ report, onError }: { report: Violation; onError: (e: unknown) => void }) {
  const { t } = useI18n();
  const [full, setFull] = useState<string | null>(null);
  const show = async () => {
    try { setFull((await api.get<Violation>(`/api/bureau/violations/${report.id}`)).reporterContact ?? null); } catch (e) { onError(e); }
  };
  return (
    <span className="small" data-testid="reporter-contact">
      {report.reporterName ? `${report.reporterName} · ` : ''}{full ?? report.reporterContact}
      {full === null && <> <button type="button" className="btn btn-link" title={t('sv.showContactNote')} onClick={show}>{t('sv.showContact')}</button></>}
    </span>
  );
}

function Violations() {
  const i18n = useI18n();
  const { t } = i18n;
  const [r, setR] = useState<{ items: Violation[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [category, setCategory] = useState('false_materials');
  const load = useCallback(() => { api.get<{ items: Violation[] }>('/api/bureau/violations?pageSize=100').then(setR).catch(setError); }, []);
  useEffect(load, [load]);
  const step = async (v: Violation, body: Record<string, unknown>) => { setError(null); try { await api.post(`/api/bureau/violations/${v.id}/steps`, body); load(); } catch (e) { setError(e); } };
  return (
    <Card title={t('sv.violationReports')} actions={<CsvLink url="/api/bureau/violations" />}>
      <ErrorNotice error={error} />
      <div className="row"><label htmlFor="rv-cat">{t('sv.revocationCategory')}</label>
        <select id="rv-cat" value={category} onChange={(e) => setCategory(e.target.value)}>
          {(['false_materials', 'shell_cleanup', 'illegal', 'other'] as const).map((k) => <option key={k} value={k}>{i18n.option('revocationCategory', k)}</option>)}</select></div>
      {!r ? <Loading /> : (
        <TableWrap label={t('sv.violationReports')}>
          <table data-testid="violations-table"><thead><tr><th>{t('sv.number')}</th><th>{t('sv.category')}</th><th>{t('sv.reporter')}</th><th>{t('sv.description')}</th><th>{t('sv.status')}</th><th /></tr></thead>
            <tbody>{r.items.map((v) => (
              <tr key={v.id} data-reporter={v.reporterKind}><td>{v.serviceNumber}<br />{v.serviceName}</td><td>{i18n.option('violationCategory', v.category)}</td>
                <td>{v.reporterOrganisation ?? <>{t('sv.public')}{v.reporterContact ? <><br /><ReporterContact report={v} onError={setError} /></> : null}</>}</td>
                <td>{v.description}</td>
                <td>{i18n.option('violationStatus', v.status)}</td>
                <td>{['received', 'more_requested', 'disposal_ordered'].includes(v.status) && (
                  <div className="row" style={{ flexWrap: 'wrap' }}>
                    <Button onClick={() => step(v, { action: 'request_more', note: t('sv.requestMoreNote') })}>{t('sv.askForMore')}</Button>
                    <Button onClick={() => step(v, { action: 'order_disposal', note: t('sv.orderDisposalNote'), order: { measure: 'take_down', dueInWorkingDays: 5 } })}>{t('sv.orderDisposal')}</Button>
                    <Button variant="primary" data-testid="revoke-report" onClick={() => step(v, { action: 'revoke', category, note: t('sv.revokeNote') })}>{t('sv.revoke')}</Button>
                    <Button onClick={() => step(v, { action: 'close', note: t('sv.closeNote') })}>{t('sv.close')}</Button>
                  </div>)}</td></tr>))}</tbody></table>
        </TableWrap>
      )}
    </Card>
  );
}

function Blacklist() {
  const i18n = useI18n();
  const { t } = i18n;
  const [r, setR] = useState<{ items: Entry[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState({ serviceNumber: '', untilOn: inDays(365), reason: '' });
  const load = useCallback(() => { api.get<{ items: Entry[] }>('/api/bureau/blacklist').then(setR).catch(setError); }, []);
  useEffect(load, [load]);
  const add = async (e: FormEvent) => {
    e.preventDefault(); setError(null);
    try { await api.post('/api/bureau/blacklist', { ...form, kinds: ['certificate', 'package', 'domain'], category: 'false_materials' }); load(); } catch (err) { setError(err); }
  };
  const lift = async (id: string) => { setError(null); try { await api.post(`/api/bureau/blacklist/${id}/lift`, { reason: t('sv.liftReason') }); load(); } catch (e) { setError(e); } };
  return (
    <Card title={t('sv.blacklist')} actions={<CsvLink url="/api/bureau/blacklist" />}>
      <ErrorNotice error={error} />
      <form onSubmit={add} className="row" style={{ flexWrap: 'wrap', alignItems: 'flex-end' }}>
        <div className="field"><label htmlFor="b-number">{t('sv.serviceNumber')}</label><input id="b-number" required value={form.serviceNumber} onChange={(e) => setForm({ ...form, serviceNumber: e.target.value })} /></div>
        <div className="field"><label htmlFor="b-until">{t('sv.until')}</label><input id="b-until" type="date" value={form.untilOn} onChange={(e) => setForm({ ...form, untilOn: e.target.value })} /></div>
        <div className="field"><label htmlFor="b-reason">{t('sv.reason')}</label><input id="b-reason" required value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} /></div>
        <Button type="submit" variant="primary">{t('sv.blacklistAdd')}</Button>
      </form>
      {!r ? <Loading /> : (
        <TableWrap label={t('sv.blacklist')}>
          <table><thead><tr><th>{t('sv.kind')}</th><th>{t('sv.value')}</th><th>{t('sv.until')}</th><th>{t('sv.status')}</th><th /></tr></thead>
            <tbody>{r.items.map((b) => <tr key={b.id}><td>{i18n.option('blacklistKind', b.kind)}</td><td>{b.value ?? b.subjectName}</td><td>{b.untilOn}</td><td>{b.active ? t('sv.active') : t('sv.inactive')}</td>
              <td>{b.active && <Button onClick={() => lift(b.id)}>{t('sv.lift')}</Button>}</td></tr>)}</tbody></table>
        </TableWrap>
      )}
    </Card>
  );
}
