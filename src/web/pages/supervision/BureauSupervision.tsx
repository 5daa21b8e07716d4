// The bureau's supervision console (issue 14, items 8 and 10): campaigns (create; a dashboard of
// each — catalogues received against those due, findings by outcome and by organisation, notices,
// disposals, overdue, day by day; findings ticked by hand for a round of notice or an order),
// disposal orders (overdue flagged, evidence files, accept / reopen), violation reports (triage,
// the public's included) and the blacklist (lift). Every table links its CSV export.
import { type FormEvent, Fragment, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { chinaDate } from '../../../domain/china-time.ts';
import { BLACKLIST_KINDS, REVOCATION_CATEGORIES } from '../../../domain/supervision/blacklist.ts';
import { MAX_DUE_WORKING_DAYS, MEASURES, MEASURES_FOR } from '../../../domain/supervision/orders.ts';
import { Chart } from '../../components/Chart.tsx';
import { RevokeConfirm } from '../../components/RevokeConfirm.tsx';
import { NoticesCard } from '../../components/Notices.tsx';
import { TabbedPage } from '../../components/TabbedPage.tsx';
import { Button, Card, ErrorNotice, Loading, Pager, TableWrap } from '../../components/ui.tsx';
import { type MessageKey, useI18n } from '../../i18n/index.tsx';
import { Link, useSearchParams } from 'react-router';
import { allPages, api, type Paged, qs } from '../../lib/api.ts';
import { type Counts, CsvLink, FINDING_KEYS, findingsChart, Kpis, LIST_PAGE, OrderHistory, OUTCOME_KEYS, organisationsChart, ReasonAction, type TimelineDay, timelineChart, useReportsOf, useSelection } from './common.tsx';
import { AttachmentList, type Attachment } from './attachments.tsx';
import { CampaignMoves } from './CampaignMoves.tsx';
import { StepHistory } from './history.tsx';
import { LegacyDuplicates } from './LegacyDuplicates.tsx';
import { useSession } from '../../lib/session.tsx';

interface Campaign { id: string; name: string; kind: string; status: string; startsOn: string; catalogueDueOn: string; endsOn: string; provinceCodes: string[] | null; endedOn?: string | null; endReason?: string | null; ownerProvinceCode?: string | null }
interface Progress {
  campaign: Campaign; catalogues: { inScope: number; received: number; overdue: number }; findings: Counts; notified: number; notYetNotified: number; resolved: number;
  orders: { items: number; open: number; done: number; accepted: number; overdue: number };
  byOrganisation: { organisationId: string; organisationName: string; catalogue: string; received: number; findings: Counts; notified: number; open: number }[];
  rounds: { id: string; number: number; createdAt: string; respondBy: string; findings: number; notified: number; notYet: number }[];
  timeline: TimelineDay[];
}
interface Finding { id: string; organisationName: string; organisationKind: string; line: number; platform: string; packageName: string; appName: string | null; outcome: string; serviceNumber: string | null; notifiedAt: string | null; resolvedOn: string | null; rounds: number[] }
interface Objection { ground: string; note: string; requestedDueOn: string | null; at: string }
interface Order {
  id: string; organisationName: string; measure: string; orderedOn: string; dueOn: string; overdue: boolean; reason: string; campaignId: string | null; violationId: string | null;
  items: { id: string; packageName: string | null; serviceNumber: string | null; status: string; overdue: boolean; evidence: string | null; files?: Attachment[]; objection: Objection | null; answerNote: string | null }[];
}
interface OrderableOrg { id: string; name: string; kind: string; measures: string[] }
/** Items that still ask something of the organisation: the order's date can move while one is left. */
const PENDING = ['open', 'objected'];
interface Violation { id: string; serviceNumber: string; serviceName: string; category: string; status: string; reporterKind: string; reporterOrganisation: string | null; reporterName?: string | null; reporterContact?: string | null; createdAt: string; description: string }
interface Entry { id: string; kind: string; value: string | null; subjectName: string | null; untilOn: string; category: string; active: boolean }

/** The China date (Asia/Shanghai, no daylight saving) n days from now: a UTC date is yesterday's before 08:00 in Beijing. */
const inDays = (n: number) => chinaDate(new Date(Date.now() + n * 86400_000));
const newCampaignForm = () => ({ name: '', kind: 'inspection', startsOn: inDays(0), catalogueDueOn: inDays(14), endsOn: inDays(30), platform: true, provider: true, device_maker: false });
const newBlacklistForm = () => ({ serviceNumber: '', untilOn: inDays(365), reason: '', category: '', kinds: [...BLACKLIST_KINDS] as (typeof BLACKLIST_KINDS)[number][] });

function Success({ message }: { message: string | null }) {
  return message ? <p role="status" className="notice notice-success" data-testid="supervision-message">{message}</p> : null;
}

export default function BureauSupervision() {
  const { t } = useI18n();
  return (
    <TabbedPage title={t('sv.bureauTitle')} label={t('sv.sections')} tabs={[
      { key: 'campaigns', label: t('sv.campaigns'), render: () => <Campaigns /> },
      { key: 'orders', label: t('sv.disposalOrders'), render: () => <Orders /> },
      { key: 'violations', label: t('sv.violationReports'), render: () => <Violations /> },
      { key: 'blacklist', label: t('sv.blacklist'), render: () => <Blacklist /> },
      { key: 'legacy', label: t('sv.legacy'), render: () => <LegacyDuplicates /> },
      // What the registry told this bureau (shells, certificates, calendar): read nowhere else.
      { key: 'notices', label: t('sv.notices'), render: () => <NoticesCard url="/api/bureau/notifications" /> },
    ]} />
  );
}

function Campaigns() {
  const i18n = useI18n();
  const { t } = i18n;
  const [items, setItems] = useState<Campaign[] | null>(null);
  const [paging, setPaging] = useState<Paged<Campaign> | null>(null);
  // An order's source links here (?campaign=…): that campaign opens.
  const [params] = useSearchParams();
  const [selected, setSelected] = useState<string | null>(params.get('campaign'));
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [form, setForm] = useState(newCampaignForm);
  // A page at a time (LIST_PAGE), latest start first: every campaign is reachable.
  const [page, setPage] = useState(1);
  const load = useCallback(() => { api.get<Paged<Campaign>>(`/api/bureau/campaigns${qs({ page, pageSize: LIST_PAGE })}`).then((r) => { setItems(r.items); setPaging(r); }).catch(setError); }, [page]);
  useEffect(load, [load]);
  const create = async (e: FormEvent) => {
    e.preventDefault(); setError(null); setMessage(null);
    try {
      const orgKinds = (['platform', 'provider', 'device_maker'] as const).filter((k) => form[k]);
      const c = await api.post<Campaign & { notified: number }>('/api/bureau/campaigns', { name: form.name, kind: form.kind, orgKinds, startsOn: form.startsOn, catalogueDueOn: form.catalogueDueOn, endsOn: form.endsOn });
      setMessage(t('sv.campaignCreated', { name: c.name, n: c.notified }));
      setForm(newCampaignForm()); setSelected(c.id); load();
    } catch (err) { setError(err); }
  };
  const dates = [['startsOn', t('sv.startsOn')], ['catalogueDueOn', t('sv.catalogueDue')], ['endsOn', t('sv.endsOn')]] as const;
  return (
    <>
      <ErrorNotice error={error} />
      <Card title={t('sv.newCampaign')}>
        <Success message={message} />
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
            <table data-testid="bureau-campaigns"><thead><tr><th>{t('sv.name')}</th><th>{t('sv.kind')}</th><th>{t('sv.period')}</th><th>{t('sv.status')}</th></tr></thead>
              <tbody>{items.map((c) => (
                <tr key={c.id} className={selected === c.id ? 'selected' : ''}><td><button type="button" className="btn btn-link" onClick={() => setSelected(c.id)}>{c.name}</button></td>
                  <td>{i18n.option('campaignKind', c.kind)}</td><td>{i18n.date(c.startsOn)} – {i18n.date(c.endsOn)}</td><td>{i18n.option('campaignStatus', c.status)}</td></tr>))}</tbody></table>
          </TableWrap>
          {paging ? <div data-testid="campaigns-pager"><Pager page={paging.page} pageSize={paging.pageSize} total={paging.total} onPage={setPage} /></div> : null}
        </Card>
      )}
      {selected && <CampaignDetail key={selected} id={selected} onChanged={load} />}
    </>
  );
}

function CampaignDetail({ id, onChanged }: { id: string; onChanged(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { session } = useSession();
  const [p, setP] = useState<Progress | null>(null);
  const [outcome, setOutcome] = useState('');
  const [page, setPage] = useState(1);
  const [findings, setFindings] = useState<{ items: Finding[]; total: number } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [respondBy, setRespondBy] = useState(inDays(7));
  const [measure, setMeasure] = useState<string>('take_down');
  const [days, setDays] = useState(5);
  // The order's reason: the suggestion follows the measure until the reviewer writes their own.
  const [orderReason, setOrderReason] = useState<string | null>(null);
  const suggestedReason = t('sv.orderReason', { measure: i18n.option('measure', measure) });
  const picked = useSelection();
  // Each finding's organisation kind, as pages load (picks may span pages): the order offers the measures they can all take.
  const kinds = useRef(new Map<string, string>());
  const load = useCallback(() => {
    api.get<Progress>(`/api/bureau/campaigns/${id}`).then(setP).catch(setError);
    api.get<{ items: Finding[]; total: number }>(`/api/bureau/campaigns/${id}/findings${qs({ outcome, page, pageSize: 20 })}`)
      .then((r) => { for (const f of r.items) kinds.current.set(f.id, f.organisationKind); setFindings(r); }).catch(setError);
  }, [id, outcome, page]);
  const fitting = MEASURES.filter((m) => [...picked.ids].every((fid) => {
    const fits = (MEASURES_FOR as Record<string, readonly string[] | undefined>)[kinds.current.get(fid) ?? ''];
    return !fits || fits.includes(m);
  }));
  useEffect(() => { if (fitting.length && !fitting.includes(measure as (typeof MEASURES)[number])) setMeasure(fitting[0]!); }, [fitting, measure]);
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
    const r = await api.post<{ orders: unknown[] }>('/api/bureau/orders', { findingIds: [...picked.ids], measure, dueInWorkingDays: days, reason: (orderReason ?? suggestedReason).trim() });
    setOrderReason(null);
    return t('sv.ordersIssued', { n: r.orders.length });
  });
  if (!p || !charts) return <><ErrorNotice error={error} /><Loading /></>;
  const pageIds = findings?.items.map((f) => f.id) ?? [];
  const allPicked = pageIds.length > 0 && pageIds.every((x) => picked.ids.has(x));
  const base = `/api/bureau/campaigns/${id}`;
  return (
    <Card title={p.campaign.name}>
      <ErrorNotice error={error} />
      <Success message={message} />
      {p.campaign.endedOn && <p className="notice notice-warning" data-testid="campaign-ended-early">{t('sv.endedEarly', { date: i18n.date(p.campaign.endedOn), reason: p.campaign.endReason ?? '' })}</p>}
      {/* A bureau runs the campaigns it opened (its province's); the ministry runs any (the server checks it too). */}
      <CampaignMoves campaign={p.campaign} runs={session?.role === 'ministry_admin' || (!!p.campaign.ownerProvinceCode && p.campaign.ownerProvinceCode === session?.organisation?.provinceCode)}
        onDone={(m) => { setError(null); setMessage(m); load(); onChanged(); }} />
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
            <tbody>{p.rounds.map((r) => <tr key={r.id}><td>{t('sv.roundN', { n: r.number })}</td><td>{i18n.date(r.createdAt)}</td><td>{i18n.date(r.respondBy)}</td><td>{r.findings}</td><td>{r.notified}</td><td>{r.notYet}</td></tr>)}</tbody></table>
        </TableWrap>)}
      <h3>{t('sv.findingList')} <CsvLink url={`${base}/findings${qs({ outcome })}`} /></h3>
      <div className="row" style={{ flexWrap: 'wrap' }}>
        <label htmlFor="f-outcome">{t('sv.outcome')}</label>
        <select id="f-outcome" value={outcome} onChange={(e) => { setOutcome(e.target.value); setPage(1); }}><option value="">{t('sv.all')}</option>
          {FINDING_KEYS.map((k) => <option key={k} value={k}>{i18n.option('findingOutcome', k)}</option>)}</select>
      </div>
      {/* An ended campaign takes no new round or order (ADR 0018 addendum): the server refuses them, so none is offered. */}
      {p.campaign.endedOn ? <p className="muted" data-testid="findings-actions-ended">{t('sv.endedNoNewWork')}</p> : (
      <div className="toolbar" data-testid="findings-actions">
        <div className="field"><label htmlFor="r-by">{t('sv.respondBy')}</label><input id="r-by" type="date" value={respondBy} onChange={(e) => setRespondBy(e.target.value)} /></div>
        <Button variant="primary" disabled={picked.ids.size === 0} onClick={() => sendRound({ findingIds: [...picked.ids] })} data-testid="send-round-picked">
          {t('sv.sendRoundPicked', { n: picked.ids.size })}</Button>
        <Button onClick={() => sendRound({ filter: { notified: false, ...(outcome ? { outcome } : {}) } })} data-testid="send-round">{t('sv.sendRoundNotYet')}</Button>
        <div className="field"><label htmlFor="o-measure">{t('sv.measure')}</label>
          <select id="o-measure" value={measure} onChange={(e) => setMeasure(e.target.value)} data-testid="order-measure">{fitting.map((k) => <option key={k} value={k}>{i18n.option('measure', k)}</option>)}</select>
          {picked.ids.size > 0 && fitting.length === 0 ? <p className="hint overdue-text" data-testid="no-common-measure">{t('sv.noCommonMeasure')}</p> : null}</div>
        <div className="field"><label htmlFor="o-days">{t('sv.dueInWorkingDays')}</label><input id="o-days" type="number" min={1} max={MAX_DUE_WORKING_DAYS} value={days} onChange={(e) => setDays(Number(e.target.value))} style={{ width: '5rem' }} /></div>
        <div className="field" style={{ flex: '1 1 16rem' }}><label htmlFor="o-reason">{t('sv.orderReasonLabel')}</label>
          <input id="o-reason" maxLength={1000} value={orderReason ?? suggestedReason} onChange={(e) => setOrderReason(e.target.value)} data-testid="order-reason" /></div>
        <Button disabled={picked.ids.size === 0 || fitting.length === 0 || !(orderReason ?? suggestedReason).trim()} onClick={order} data-testid="order-picked">{t('sv.orderPicked', { n: picked.ids.size })}</Button>
      </div>)}
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
                  <td>{f.rounds.length ? f.rounds.join(', ') : '—'}</td><td>{f.notifiedAt ? '✓' : '—'}</td><td>{i18n.date(f.resolvedOn)}</td></tr>))}</tbody></table>
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
  const [objected, setObjected] = useState(false);
  // A page at a time (LIST_PAGE), as the host's home pages its applications: every order is reachable; a filter starts at page 1.
  const [page, setPage] = useState(1);
  const [r, setR] = useState<Paged<Order> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const query = qs({ overdue: overdue ? 'true' : undefined, status: objected ? 'objected' : undefined });
  const load = useCallback(() => {
    api.get<Paged<Order>>(`/api/bureau/orders${query}${query ? '&' : '?'}${qs({ page, pageSize: LIST_PAGE }).slice(1)}`).then(setR).catch(setError);
  }, [query, page]);
  useEffect(load, [load]);
  /** One of the bureau's moves on an order (its date) or an item; true when it went through. */
  const act = async (url: string, body: object = {}) => {
    setError(null);
    try { await api.post(url, body); load(); return true; } catch (e) { setError(e); return false; }
  };
  return (
    <Card title={t('sv.disposalOrders')} actions={<CsvLink url={`/api/bureau/orders${query}`} />}>
      <ErrorNotice error={error} />
      <div className="row">
        <label className="check"><input type="checkbox" checked={overdue} onChange={(e) => { setOverdue(e.target.checked); setPage(1); }} /> {t('sv.overdueOnly')}</label>
        <label className="check"><input type="checkbox" checked={objected} onChange={(e) => { setObjected(e.target.checked); setPage(1); }} data-testid="objected-only" /> {t('sv.objectedOnly')}</label>
      </div>
      {!r ? <Loading /> : r.items.length === 0 ? <p className="muted" data-testid="orders-empty">{t('sv.noOrders')}</p> : <OrdersTable orders={r.items} act={act} testId="orders-table" />}
      {r ? <div data-testid="orders-pager"><Pager page={r.page} pageSize={r.pageSize} total={r.total} onPage={setPage} /></div> : null}
    </Card>
  );
}

/**
 * Where the orders shown came from (a campaign or a violation report), named and linked: each report read by
 * its id (masked: the bureau's read of a public reporter's contact is not needed here, and records nothing).
 */
function useOrderSources(orders: Order[]) {
  const [campaigns, setCampaigns] = useState<Map<string, string>>(new Map());
  const reports = useReportsOf<Violation>(orders.map((o) => o.violationId), '/api/bureau/violations', '?contact=masked');
  useEffect(() => {
    allPages<Campaign>('/api/bureau/campaigns', 500).then((c) => setCampaigns(new Map(c.map((x) => [x.id, x.name])))).catch(() => undefined); // names, every page
  }, []);
  return { campaigns, reports };
}

/**
 * Disposal orders, each a group: its head (organisation, measure, dates, reason, where it came from) with the
 * moves on the whole order (a new date, its history), then one row per item with the item's own moves — as the
 * organisation's console shows them. `act` undefined: read only (a report's detail lists its orders so).
 */
function OrdersTable({ orders, act, testId }: { orders: Order[]; act?: (url: string, body?: object) => Promise<boolean>; testId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { campaigns, reports } = useOrderSources(orders);
  const columns = [t('sv.item'), t('sv.status'), t('sv.evidence')];
  const item = (o: Order, itemId: string, action: string) => `/api/bureau/orders/${o.id}/items/${itemId}/${action}`;
  const source = (o: Order) => {
    if (o.campaignId) return <Link to={`/bureau/supervision?tab=campaigns&campaign=${o.campaignId}`} data-testid="order-source-link">{t('sv.fromCampaign', { name: campaigns.get(o.campaignId) ?? '…' })}</Link>;
    if (o.violationId) {
      const v = reports.get(o.violationId);
      return <Link to={`/bureau/supervision?tab=violations&report=${o.violationId}`} data-testid="order-source-link">{v ? t('sv.fromViolation', { number: v.serviceNumber, name: v.serviceName }) : t('sv.fromViolationUnknown')}</Link>;
    }
    return null;
  };
  return (
    <TableWrap label={t('sv.disposalOrders')}>
      <table className="cards" data-testid={testId}><thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}{act ? <th /> : null}</tr></thead>
        {orders.map((o) => {
          const late = o.items.some((i) => i.overdue);
          return (
            <tbody key={o.id} data-testid="bureau-order">
              <tr className="order-head"><th colSpan={columns.length + (act ? 1 : 0)} scope="rowgroup" style={{ whiteSpace: 'normal', fontWeight: 400 }}>
                <strong data-testid="order-organisation">{o.organisationName}</strong>{' · '}<strong>{i18n.option('measure', o.measure)}</strong>
                <span className="muted small">{' · '}{t('sv.orderedOn')}{i18n.colon}{i18n.date(o.orderedOn)}{' · '}{t('sv.due')}{i18n.colon}</span>
                <span className={late ? 'overdue-text small' : 'small'}>{i18n.date(o.dueOn)}{late ? ` · ${t('sv.overdue')}` : ''}</span>
                <p style={{ margin: '.25rem 0 0', overflowWrap: 'anywhere' }} data-testid="order-reason">{t('sv.reason')}{i18n.colon}{o.reason}</p>
                {source(o) && <p className="small" style={{ margin: 0 }} data-testid="order-source">{source(o)}</p>}
                <div className="row" style={{ gap: '.4rem', marginTop: '.25rem' }} data-testid="order-actions">
                  {act && o.items.some((x) => PENDING.includes(x.status)) && <ReasonAction label={t('sv.redate')} suggestion={t('sv.redateReason')} submitLabel={t('sv.redate')}
                    days={{ label: t('sv.dueDaysFromToday'), required: true }} onSubmit={(reason, days) => act(`/api/bureau/orders/${o.id}/due`, { reason, dueInWorkingDays: days })} testId="redate-order" />}
                  <OrderHistory url={`/api/bureau/orders/${o.id}/history`} />
                </div>
              </th></tr>
              {o.items.map((i) => (
                <tr key={i.id} className={i.overdue ? 'overdue' : ''} data-testid="order-item">
                  <td data-label={columns[0]}>{i.packageName ?? i.serviceNumber}</td>
                  <td data-label={columns[1]}>{i18n.option('orderItemStatus', i.status)}{i.overdue ? ` · ${t('sv.overdue')}` : ''}</td>
                  <td data-label={columns[2]}><div className="evidence-cell">
                    {i.evidence ?? (i.objection ? null : '—')}
                    {i.objection && <p className={`small${i.status === 'objected' ? ' overdue-text' : ''}`} data-testid="item-objection">
                      {t('sv.objection', { ground: i18n.option('objectionGround', i.objection.ground), note: i.objection.note })}
                      {i.objection.requestedDueOn ? t('sv.objectionAsked', { date: i18n.date(i.objection.requestedDueOn) }) : ''}</p>}
                    {i.answerNote && <p className="small muted">{t('sv.answerNote', { note: i.answerNote })}</p>}
                    <AttachmentList files={i.files ?? []} /></div></td>
                  {act ? <td className="cell-action"><div className="row">
                    {i.status === 'done' && <><Button onClick={() => act(item(o, i.id, 'accept'))} data-testid="accept-item">{t('sv.accept')}</Button>
                      <ReasonAction label={t('sv.reopen')} suggestion={t('sv.reopenReason')} submitLabel={t('sv.reopen')} onSubmit={(reason) => act(item(o, i.id, 'reopen'), { reason })} testId="reopen-item" /></>}
                    {i.status === 'objected' && <ReasonAction label={t('sv.uphold')} suggestion={t('sv.upholdReason')} submitLabel={t('sv.uphold')}
                      days={{ label: t('sv.dueDaysOptional'), required: false }} onSubmit={(reason, days) => act(item(o, i.id, 'uphold'), days ? { reason, dueInWorkingDays: days } : { reason })} testId="uphold-item" />}
                    {['open', 'objected', 'done'].includes(i.status) && <ReasonAction label={t('sv.withdraw')} suggestion={t('sv.withdrawReason')} submitLabel={t('sv.withdraw')}
                      onSubmit={(reason) => act(item(o, i.id, 'withdraw'), { reason })} testId="withdraw-item" />}
                  </div></td> : null}
                </tr>))}
            </tbody>);
        })}</table>
    </TableWrap>
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

type TriageAction = 'request_more' | 'order_disposal' | 'revoke' | 'close';
const OPEN_STATUSES = ['received', 'more_requested', 'disposal_ordered'];
/** Per action: the button that opens the panel, the note's label and hint (who reads it), the send button and the notice after. */
const TRIAGE: Record<TriageAction, { open: MessageKey; note: MessageKey; hint: MessageKey; send: MessageKey; done: MessageKey }> = {
  request_more: { open: 'sv.askForMore', note: 'sv.noteRequestMore', hint: 'sv.noteRequestMoreHint', send: 'sv.sendRequestMore', done: 'sv.triageDone.request_more' },
  order_disposal: { open: 'sv.orderDisposal', note: 'sv.noteOrder', hint: 'sv.noteOrderHint', send: 'sv.sendOrder', done: 'sv.triageDone.order_disposal' },
  revoke: { open: 'sv.revoke', note: 'sv.noteRevoke', hint: 'sv.noteRevokeHint', send: 'sv.reviewRevoke', done: 'sv.triageDone.revoke' },
  close: { open: 'sv.close', note: 'sv.noteClose', hint: 'sv.noteCloseHint', send: 'sv.sendClose', done: 'sv.triageDone.close' },
};
const TRIAGE_ACTIONS = Object.keys(TRIAGE) as TriageAction[];

function Violations() {
  const i18n = useI18n();
  const { t } = i18n;
  const [r, setR] = useState<Paged<Violation> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [panel, setPanel] = useState<{ id: string; action: TriageAction } | null>(null);
  // The report whose detail is open, in the address (?report=…) so an order's source can link to it.
  const [params, setParams] = useSearchParams();
  const detail = params.get('report');
  const toggleDetail = (id: string) => setParams((p) => { const n = new URLSearchParams(p); if (n.get('report') === id) n.delete('report'); else n.set('report', id); return n; });
  const [page, setPage] = useState(1);
  const load = useCallback(() => { api.get<Paged<Violation>>(`/api/bureau/violations${qs({ page, pageSize: LIST_PAGE })}`).then(setR).catch(setError); }, [page]);
  useEffect(load, [load]);
  const choose = (v: Violation, action: TriageAction) => {
    setMessage(null); setError(null);
    setPanel((p) => (p?.id === v.id && p.action === action ? null : { id: v.id, action }));
  };
  const done = (v: Violation, action: TriageAction) => { setPanel(null); setMessage(t(TRIAGE[action].done, { number: v.serviceNumber })); load(); };
  const columns = [t('sv.number'), t('sv.category'), t('sv.reporter'), t('sv.description'), t('sv.status'), t('sv.triage')];
  return (
    <Card title={t('sv.violationReports')} actions={<CsvLink url="/api/bureau/violations" />}>
      <ErrorNotice error={error} />
      <Success message={message} />
      {/* A report opened by its id (?report=…, an order's source) that is not on the page shown: read by its id, above the list. */}
      {r && detail && !r.items.some((v) => v.id === detail) ? (
        <div data-testid="report-detail-off-page">
          <ReportDetail key={detail} id={detail} onError={setError} />
          <Button className="btn-small" onClick={() => toggleDetail(detail)} data-testid="report-detail-close">{t('sv.hideDetail')}</Button>
        </div>) : null}
      {!r ? <Loading /> : r.items.length === 0 ? <p className="muted" data-testid="violations-empty">{t('sv.noViolationReports')}</p> : (
        <TableWrap label={t('sv.violationReports')}>
          <table className="cards" data-testid="violations-table"><thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
            <tbody>{r.items.map((v) => (
              <Fragment key={v.id}>
                <tr data-reporter={v.reporterKind} className={panel?.id === v.id ? 'selected' : ''}>
                  <td data-label={columns[0]}><span>{v.serviceNumber}<br />{v.serviceName}<br />
                    <button type="button" className="btn btn-link" aria-expanded={detail === v.id} aria-controls={detail === v.id ? `report-${v.id}` : undefined}
                      onClick={() => toggleDetail(v.id)} data-testid="report-detail-open">{t(detail === v.id ? 'sv.hideDetail' : 'sv.reportDetail')}</button></span></td>
                  <td data-label={columns[1]}>{i18n.option('violationCategory', v.category)}</td>
                  <td data-label={columns[2]}><span>{v.reporterOrganisation ?? <>{t('sv.public')}{v.reporterContact ? <><br /><ReporterContact report={v} onError={setError} /></> : null}</>}</span></td>
                  <td data-label={columns[3]}>{v.description}</td>
                  <td data-label={columns[4]}>{i18n.option('violationStatus', v.status)}</td>
                  <td data-label={columns[5]}>{OPEN_STATUSES.includes(v.status) ? (
                    <div className="row" style={{ gap: '.4rem' }}>
                      {/* A public reporter cannot answer a request for more (the server refuses it too). */}
                      {TRIAGE_ACTIONS.filter((a) => a !== 'request_more' || v.reporterKind !== 'public').map((a) => {
                        const on = panel?.id === v.id && panel.action === a;
                        return <Button key={a} className="btn-small" variant={on ? 'primary' : 'secondary'} aria-expanded={on} aria-controls={on ? `triage-${v.id}` : undefined}
                          data-testid={a === 'revoke' ? 'revoke-report' : `triage-${a}`} onClick={() => choose(v, a)}>{t(TRIAGE[a].open)}</Button>;
                      })}
                    </div>) : <span className="muted">—</span>}</td>
                </tr>
                {detail === v.id && (
                  <tr className="triage-row"><td colSpan={columns.length} className="cell-action">
                    <ReportDetail id={v.id} onError={setError} />
                  </td></tr>)}
                {panel?.id === v.id && (
                  <tr className="triage-row"><td colSpan={columns.length} className="cell-action">
                    <TriagePanel key={panel.action} report={v} action={panel.action} onCancel={() => setPanel(null)} onDone={() => done(v, panel.action)} />
                  </td></tr>)}
              </Fragment>))}</tbody></table>
        </TableWrap>
      )}
      {r ? <div data-testid="violations-pager"><Pager page={r.page} pageSize={r.pageSize} total={r.total} onPage={setPage} /></div> : null}
    </Card>
  );
}

interface ReportStep { action: string; status: string; note: string | null; orderId: string | null; actorRole: string; at: string }
interface ReportView extends Violation { evidence: string | null; measuresTaken: string | null; stoppedAt: string | null; steps: ReportStep[] }

/**
 * One report in full: what was reported (text, evidence as written, measures taken), who reported it (a public
 * reporter's contact masked: read with ?contact=masked, nothing logged; shown in full on request, which the
 * access log records), the exchange (what the bureau asked, what was answered) and every step, and the orders
 * it led to with their items' evidence files (the orders' own download route).
 */
function ReportDetail({ id, onError }: { id: string; onError: (e: unknown) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [v, setV] = useState<ReportView | null>(null);
  const [orders, setOrders] = useState<Order[] | null>(null);
  useEffect(() => {
    api.get<ReportView>(`/api/bureau/violations/${id}?contact=masked`).then(setV).catch(onError);
    allPages<Order>(`/api/bureau/orders?violationId=${id}`).then(setOrders).catch(onError); // all of a report's orders, however many
  }, [id, onError]);
  if (!v) return <Loading />;
  const exchange = v.steps.filter((s) => s.action === 'request_more' || s.action === 'provide_more');
  const line = (label: string, value: ReactNode) => <p style={{ margin: '.2rem 0', overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}><span className="muted">{label}{i18n.colon}</span>{value}</p>;
  return (
    <section className="subform" id={`report-${id}`} data-testid="report-detail" aria-label={`${t('sv.reportDetail')}${i18n.colon}${v.serviceNumber}`}>
      <h3 style={{ marginTop: 0 }}>{t('sv.reportDetail')}{i18n.colon}{v.serviceNumber} {v.serviceName}</h3>
      {line(t('sv.category'), i18n.option('violationCategory', v.category))}
      {line(t('sv.status'), i18n.option('violationStatus', v.status))}
      {line(t('sv.reportedOn'), i18n.date(v.createdAt, true))}
      {line(t('sv.reporter'), v.reporterOrganisation ?? <>{t('sv.public')}{v.reporterContact ? <>{' · '}<ReporterContact report={v} onError={onError} /></> : null}</>)}
      <div data-testid="report-text">{line(t('sv.description'), v.description)}
        {v.evidence ? line(t('sv.reportEvidence'), v.evidence) : null}
        {v.measuresTaken ? line(t('sv.measuresTaken'), v.measuresTaken) : null}
        {v.stoppedAt ? line(t('sv.stoppedAt'), i18n.date(v.stoppedAt, true)) : null}</div>
      <h4>{t('sv.exchange')}</h4>
      {exchange.length ? <ol className="timeline" data-testid="report-exchange">{exchange.map((s, k) => (
        <li key={k}><strong>{t(s.action === 'request_more' ? 'sv.asked' : 'sv.answered')}</strong>
          <span className="muted small">{' · '}{i18n.date(s.at, true)}{' · '}{t(`role.${s.actorRole}` as MessageKey)}</span>
          {s.note ? <p style={{ margin: '.2rem 0', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{s.note}</p> : null}</li>))}</ol>
        : <p className="muted small">{t('sv.noExchange')}</p>}
      {v.status === 'more_requested' ? <p className="small overdue-text" data-testid="report-waiting">{t('sv.waitingForAnswer')}</p> : null}
      <h4>{t('sv.reportOrders')}</h4>
      {!orders ? <Loading /> : orders.length ? <OrdersTable orders={orders} testId="report-orders" /> : <p className="muted small">{t('sv.noReportOrders')}</p>}
      <h4>{t('sv.reportHistory')}</h4>
      <ol className="timeline" data-testid="report-history">{v.steps.map((s, k) => (
        <li key={k}><strong>{t(STEP_LABELS[s.action] ?? 'sv.steps')}</strong>
          <span className="muted small">{' · '}{i18n.date(s.at, true)}{' · '}{t(`role.${s.actorRole}` as MessageKey)}{' · '}{i18n.option('violationStatus', s.status)}</span>
          {s.note ? <p style={{ margin: '.2rem 0', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{s.note}</p> : null}</li>))}</ol>
    </section>
  );
}
const STEP_LABELS: Record<string, MessageKey> = {
  reported: 'sv.step.reported', request_more: 'sv.step.request_more', provide_more: 'sv.step.provide_more',
  order_disposal: 'sv.step.order_disposal', revoke: 'sv.step.revoke', close: 'sv.step.close',
};

/**
 * One report's decision: the note the reporter (and, for a revocation, the host) reads, typed by
 * the reviewer; for an order the measure and working days; for a revocation its public category and
 * a confirmation step, since a revocation cannot be undone.
 */
function TriagePanel({ report, action, onCancel, onDone }: { report: Violation; action: TriageAction; onCancel(): void; onDone(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState(false);
  const [category, setCategory] = useState('');
  const [measure, setMeasure] = useState<string>('take_down');
  const [days, setDays] = useState(5);
  // Whom the order goes to: by default the reporting organisation (or the access providers of a public
  // report's service); or any organisation that can be ordered, with the measures its kind takes.
  const [orgs, setOrgs] = useState<OrderableOrg[]>([]);
  const [orgId, setOrgId] = useState('');
  useEffect(() => {
    if (action === 'order_disposal') api.get<{ items: OrderableOrg[] }>('/api/bureau/organisations').then((r) => setOrgs(r.items)).catch(setError);
  }, [action]);
  const chosen = orgs.find((o) => o.id === orgId);
  const measures = chosen ? chosen.measures : MEASURES;
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  // The panel opens on the decision's first field; the confirmation step takes the focus when shown.
  useEffect(() => { formRef.current?.querySelector<HTMLElement>('select, input, textarea')?.focus(); }, []);
  const id = (f: string) => `tri-${f}-${report.id}`;
  const send = async () => {
    setError(null); setBusy(true);
    try {
      await api.post(`/api/bureau/violations/${report.id}/steps`, {
        action, note: note.trim(),
        ...(action === 'revoke' ? { category } : {}),
        ...(action === 'order_disposal' ? { order: { measure, dueInWorkingDays: days, ...(orgId ? { organisationId: orgId } : {}) } } : {}),
      });
      onDone();
    } catch (e) { setError(e); setConfirming(false); } finally { setBusy(false); }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) { setNoteError(true); noteRef.current?.focus(); return; }
    if (action === 'revoke') setConfirming(true); else void send();
  };
  const title = `${t(TRIAGE[action].open)}${i18n.colon}${report.serviceNumber} ${report.serviceName}`;
  return (
    <div className="subform" id={`triage-${report.id}`} data-testid="triage-panel" role="group" aria-label={title}>
      <h3 style={{ marginTop: 0 }}>{title}</h3>
      <ErrorNotice error={error} />
      {confirming ? (
        <RevokeConfirm category={category} reason={note} busy={busy} onConfirm={() => void send()} onBack={() => setConfirming(false)} />
      ) : (
        <form onSubmit={submit} ref={formRef}>
          {action === 'revoke' && (
            <div className="field"><label htmlFor={id('category')}>{t('sv.revocationCategory')} <span className="req">*</span></label>
              <select id={id('category')} required value={category} onChange={(e) => setCategory(e.target.value)} data-testid="triage-category">
                <option value="">{t('sv.chooseCategory')}</option>
                {REVOCATION_CATEGORIES.map((k) => <option key={k} value={k}>{i18n.option('revocationCategory', k)}</option>)}</select></div>)}
          {action === 'order_disposal' && (
            <div className="row" style={{ alignItems: 'flex-start' }}>
              <div className="field"><label htmlFor={id('org')}>{t('sv.orderedOrganisation')}</label>
                <select id={id('org')} value={orgId} data-testid="triage-organisation"
                  onChange={(e) => { const o = orgs.find((x) => x.id === e.target.value); setOrgId(e.target.value); if (o && !o.measures.includes(measure)) setMeasure(o.measures[0]!); }}>
                  <option value="">{report.reporterKind === 'organisation' ? t('sv.orderReporter') : t('sv.orderAccessProviders')}</option>
                  {orgs.map((o) => <option key={o.id} value={o.id}>{o.name}（{t(`orgkind.${o.kind}` as MessageKey)}）</option>)}</select></div>
              <div className="field"><label htmlFor={id('measure')}>{t('sv.measure')}</label>
                <select id={id('measure')} value={measure} onChange={(e) => setMeasure(e.target.value)} data-testid="triage-measure">
                  {measures.map((k) => <option key={k} value={k}>{i18n.option('measure', k)}</option>)}</select></div>
              <div className="field"><label htmlFor={id('days')}>{t('sv.dueInWorkingDays')}</label>
                <input id={id('days')} type="number" required min={1} max={MAX_DUE_WORKING_DAYS} step={1} value={days} onChange={(e) => setDays(Number(e.target.value))} style={{ width: '6rem' }} aria-describedby={id('days-hint')} data-testid="triage-days" />
                <p className="hint" id={id('days-hint')}>{t('sv.dueWorkingDaysHint', { max: MAX_DUE_WORKING_DAYS })}</p></div>
            </div>)}
          <div className={`field${noteError ? ' has-error' : ''}`}>
            <label htmlFor={id('note')}>{t(TRIAGE[action].note)} <span className="req">*</span></label>
            <textarea id={id('note')} ref={noteRef} required maxLength={4000} rows={3} value={note} aria-describedby={id('note-hint')} aria-invalid={noteError || undefined}
              onChange={(e) => { setNote(e.target.value); if (e.target.value.trim()) setNoteError(false); }} data-testid="triage-note" />
            <p className="hint" id={id('note-hint')}>{t(TRIAGE[action].hint)}</p>
            {noteError && <ul className="field-errors"><li>{t('sv.noteRequired')}</li></ul>}
          </div>
          <div className="row">
            <Button type="submit" variant={action === 'revoke' ? 'danger' : 'primary'} busy={busy} data-testid="triage-submit">{t(TRIAGE[action].send)}</Button>
            <Button onClick={onCancel} disabled={busy}>{t('sv.cancel')}</Button>
          </div>
        </form>
      )}
    </div>
  );
}

function Blacklist() {
  const i18n = useI18n();
  const { t } = i18n;
  const [r, setR] = useState<Paged<Entry> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [form, setForm] = useState(newBlacklistForm);
  // A page at a time (LIST_PAGE), newest first: every entry is reachable; one added is on the first page.
  const [page, setPage] = useState(1);
  const load = useCallback(() => { api.get<Paged<Entry>>(`/api/bureau/blacklist${qs({ page, pageSize: LIST_PAGE })}`).then(setR).catch(setError); }, [page]);
  useEffect(load, [load]);
  const add = async (e: FormEvent) => {
    e.preventDefault(); setError(null); setMessage(null);
    try {
      const r = await api.post<{ ids: string[] }>('/api/bureau/blacklist', form);
      setMessage(t('sv.blacklistAdded', { number: form.serviceNumber.trim(), n: r.ids.length }));
      setForm(newBlacklistForm());
      if (page === 1) load(); else setPage(1);
    } catch (err) { setError(err); }
  };
  const lift = async (id: string, reason: string) => {
    setError(null); setMessage(null);
    try { await api.post(`/api/bureau/blacklist/${id}/lift`, { reason }); load(); return true; } catch (e) { setError(e); return false; }
  };
  const toggleKind = (k: (typeof BLACKLIST_KINDS)[number], on: boolean) =>
    setForm({ ...form, kinds: on ? BLACKLIST_KINDS.filter((x) => x === k || form.kinds.includes(x)) : form.kinds.filter((x) => x !== k) });
  return (
    <Card title={t('sv.blacklist')} actions={<CsvLink url="/api/bureau/blacklist" />}>
      <ErrorNotice error={error} />
      <Success message={message} />
      <form onSubmit={add} className="row" style={{ flexWrap: 'wrap', alignItems: 'flex-end' }}>
        <div className="field"><label htmlFor="b-number">{t('sv.serviceNumber')}</label><input id="b-number" required value={form.serviceNumber} onChange={(e) => setForm({ ...form, serviceNumber: e.target.value })} /></div>
        <div className="field"><label htmlFor="b-until">{t('sv.until')}</label><input id="b-until" type="date" value={form.untilOn} onChange={(e) => setForm({ ...form, untilOn: e.target.value })} /></div>
        <div className="field"><label htmlFor="b-category">{t('sv.category')}</label>
          <select id="b-category" required value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value })} data-testid="blacklist-category">
            <option value="">{t('sv.chooseCategory')}</option>
            {REVOCATION_CATEGORIES.map((c) => <option key={c} value={c}>{i18n.option('revocationCategory', c)}</option>)}</select></div>
        <fieldset className="field"><legend>{t('sv.blacklistKinds')}</legend>
          {BLACKLIST_KINDS.map((k) => <label key={k} className="check"><input type="checkbox" checked={form.kinds.includes(k)} onChange={(e) => toggleKind(k, e.target.checked)} data-testid={`blacklist-kind-${k}`} /> {i18n.option('blacklistKind', k)}</label>)}
        </fieldset>
        <div className="field"><label htmlFor="b-reason">{t('sv.reason')}</label><input id="b-reason" required value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} /></div>
        <Button type="submit" variant="primary" disabled={form.kinds.length === 0}>{t('sv.blacklistAdd')}</Button>
      </form>
      {!r ? <Loading /> : r.items.length === 0 ? <p className="muted" data-testid="blacklist-empty">{t('sv.noBlacklistEntries')}</p> : (
        <TableWrap label={t('sv.blacklist')}>
          <table className="cards" data-testid="blacklist-table"><thead><tr><th>{t('sv.kind')}</th><th>{t('sv.value')}</th><th>{t('sv.until')}</th><th>{t('sv.status')}</th><th /></tr></thead>
            <tbody>{r.items.map((b) => <tr key={b.id} data-testid="blacklist-entry"><td data-label={t('sv.kind')}>{i18n.option('blacklistKind', b.kind)}</td><td data-label={t('sv.value')}>{b.value ?? b.subjectName}</td>
              <td data-label={t('sv.until')}>{i18n.date(b.untilOn)}</td><td data-label={t('sv.status')}>{b.active ? t('sv.active') : t('sv.inactive')}</td>
              <td className="cell-action"><div className="row">{b.active && <ReasonAction label={t('sv.lift')} suggestion={t('sv.liftReason')} submitLabel={t('sv.lift')} onSubmit={(reason) => lift(b.id, reason)} testId="lift-entry" />}
                <StepHistory key={`${b.id}-${b.active}`} url={`/api/bureau/blacklist/${b.id}/history`} testId="entry-history" /></div></td></tr>)}</tbody></table>
        </TableWrap>
      )}
      {r ? <div data-testid="blacklist-pager"><Pager page={r.page} pageSize={r.pageSize} total={r.total} onPage={setPage} /></div> : null}
    </Card>
  );
}
