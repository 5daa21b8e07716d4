// The bureau's supervision console (issue 14, items 8 and 10): campaigns (create, progress with
// charts, findings, rounds), disposal orders (overdue flagged, accept / reopen), violation
// reports (triage) and the blacklist (lift). Every table links its CSV export.
import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Chart } from '../../components/Chart.tsx';
import { Button, Card, ErrorNotice, Loading, Page, Pager, TableWrap } from '../../components/ui.tsx';
import { api, qs } from '../../lib/api.ts';
import { CAMPAIGN_KINDS, type Counts, csvLink, findingsChart, ITEM_STATUS, Kpis, MEASURES, OUTCOMES, REVOCATION_CATEGORIES, useL, VIOLATION_CATEGORIES, VIOLATION_STATUS } from './common.tsx';

interface Campaign { id: string; name: string; kind: string; status: string; startsOn: string; catalogueDueOn: string; endsOn: string; provinceCodes: string[] | null }
interface Progress {
  campaign: Campaign; catalogues: { inScope: number; received: number; overdue: number }; findings: Counts; notified: number; notYetNotified: number; resolved: number;
  orders: { items: number; open: number; done: number; accepted: number; overdue: number };
  byOrganisation: { organisationId: string; organisationName: string; catalogue: string; received: number; findings: Counts; notified: number; open: number }[];
  rounds: { id: string; number: number; respondBy: string; findings: number; notified: number; notYet: number }[];
  timeline: { day: string; received: number; findings: number }[];
}
interface Finding { id: string; organisationName: string; line: number; platform: string; packageName: string; appName: string | null; outcome: string; serviceNumber: string | null; notifiedAt: string | null; resolvedOn: string | null }
interface Order { id: string; organisationName: string; measure: string; dueOn: string; overdue: boolean; items: { id: string; packageName: string | null; serviceNumber: string | null; status: string; overdue: boolean; evidence: string | null }[] }
interface Violation { id: string; serviceNumber: string; serviceName: string; category: string; status: string; reporterKind: string; reporterOrganisation: string | null; createdAt: string; description: string }
interface Entry { id: string; kind: string; value: string | null; subjectName: string | null; untilOn: string; category: string; active: boolean }

const TABS = [['campaigns', ['检查活动', 'Campaigns']], ['orders', ['处置通知', 'Orders']], ['violations', ['违规举报', 'Violation reports']], ['blacklist', ['黑名单', 'Blacklist']]] as const;

export default function BureauSupervision() {
  const l = useL();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'campaigns';
  return (
    <Page title={l(['备案监管', 'Supervision'])} wide>
      <nav className="row" aria-label={l(['监管', 'Supervision'])} style={{ marginBottom: '1rem', flexWrap: 'wrap' }}>
        {TABS.map(([k, label]) => <Button key={k} variant={tab === k ? 'primary' : 'secondary'} onClick={() => setParams({ tab: k })} data-testid={`tab-${k}`}>{l(label)}</Button>)}
      </nav>
      {tab === 'campaigns' && <Campaigns />}
      {tab === 'orders' && <Orders />}
      {tab === 'violations' && <Violations />}
      {tab === 'blacklist' && <Blacklist />}
    </Page>
  );
}

function Campaigns() {
  const l = useL();
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
  return (
    <>
      <ErrorNotice error={error} />
      <Card title={l(['新建检查活动', 'New campaign'])}>
        <form onSubmit={create} className="grid-form" data-testid="campaign-form">
          <div className="field"><label htmlFor="c-name">{l(['名称', 'Name'])}</label><input id="c-name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></div>
          <div className="field"><label htmlFor="c-kind">{l(['类型', 'Kind'])}</label>
            <select id="c-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>{Object.entries(CAMPAIGN_KINDS).map(([k, v]) => <option key={k} value={k}>{l(v)}</option>)}</select></div>
          {(['startsOn', 'catalogueDueOn', 'endsOn'] as const).map((f) => (
            <div className="field" key={f}><label htmlFor={`c-${f}`}>{l(({ startsOn: ['开始', 'Starts'], catalogueDueOn: ['目录提交截止', 'Catalogues due'], endsOn: ['结束', 'Ends'] } as const)[f])}</label>
              <input id={`c-${f}`} type="date" value={form[f]} onChange={(e) => setForm({ ...form, [f]: e.target.value })} /></div>
          ))}
          <fieldset className="field"><legend>{l(['对象', 'Organisations'])}</legend>
            {([['platform', ['分发平台', 'Platforms']], ['provider', ['接入服务商', 'Access providers']], ['device_maker', ['终端厂商', 'Device makers']]] as const).map(([k, v]) => (
              <label key={k} className="check"><input type="checkbox" checked={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.checked })} /> {l(v)}</label>
            ))}
          </fieldset>
          <Button type="submit" variant="primary">{l(['创建并通知', 'Create and notify'])}</Button>
        </form>
      </Card>
      {!items ? <Loading /> : (
        <Card title={l(['检查活动', 'Campaigns'])} actions={<a href={csvLink('/api/bureau/campaigns')}>CSV</a>}>
          <TableWrap label={l(['检查活动', 'Campaigns'])}>
            <table><thead><tr><th>{l(['名称', 'Name'])}</th><th>{l(['类型', 'Kind'])}</th><th>{l(['期间', 'Period'])}</th><th>{l(['状态', 'Status'])}</th></tr></thead>
              <tbody>{items.map((c) => (
                <tr key={c.id} className={selected === c.id ? 'selected' : ''}><td><button type="button" className="btn btn-link" onClick={() => setSelected(c.id)}>{c.name}</button></td>
                  <td>{l(CAMPAIGN_KINDS[c.kind] ?? [c.kind, c.kind])}</td><td>{c.startsOn} – {c.endsOn}</td><td>{c.status}</td></tr>))}</tbody></table>
          </TableWrap>
        </Card>
      )}
      {selected && <CampaignDetail id={selected} />}
    </>
  );
}

function CampaignDetail({ id }: { id: string }) {
  const l = useL();
  const [p, setP] = useState<Progress | null>(null);
  const [outcome, setOutcome] = useState('');
  const [page, setPage] = useState(1);
  const [findings, setFindings] = useState<{ items: Finding[]; total: number } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api.get<Progress>(`/api/bureau/campaigns/${id}`).then(setP).catch(setError);
    api.get<{ items: Finding[]; total: number }>(`/api/bureau/campaigns/${id}/findings${qs({ outcome, page, pageSize: 20 })}`).then(setFindings).catch(setError);
  }, [id, outcome, page]);
  useEffect(load, [load]);
  const chart = useMemo(() => (p ? findingsChart(p.findings, l) : null), [p, l]);
  const act = async (fn: () => Promise<string>) => { setError(null); try { setMessage(await fn()); load(); } catch (e) { setError(e); } };
  const respondBy = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10);
  if (!p || !chart) return <Loading />;
  return (
    <Card title={p.campaign.name}>
      <ErrorNotice error={error} />
      {message && <p role="status" data-testid="supervision-message">{message}</p>}
      <Kpis items={[
        [l(['目录已交 / 应交', 'Catalogues received / in scope']), `${p.catalogues.received} / ${p.catalogues.inScope}`],
        [l(['发现问题', 'Findings']), Object.entries(p.findings).filter(([k]) => k !== 'filed').reduce((a, [, v]) => a + v, 0)],
        [l(['已通知 / 未通知', 'Notified / not yet']), `${p.notified} / ${p.notYetNotified}`],
        [l(['已处置 / 处置项', 'Disposed / items']), `${p.orders.done + p.orders.accepted} / ${p.orders.items}`],
        [l(['超期', 'Overdue']), p.orders.overdue],
      ]} />
      <Chart option={chart} label={l(['按结果统计', 'Findings by outcome'])} testId="findings-chart" />
      <TableWrap label={l(['按机构', 'By organisation'])}>
        <table><thead><tr><th>{l(['机构', 'Organisation'])}</th><th>{l(['目录', 'Catalogue'])}</th><th>{l(['行数', 'Lines'])}</th>{Object.keys(OUTCOMES).map((k) => <th key={k}>{l(OUTCOMES[k]!)}</th>)}<th>{l(['已通知', 'Notified'])}</th></tr></thead>
          <tbody>{p.byOrganisation.map((o) => <tr key={o.organisationId}><td>{o.organisationName}</td><td>{o.catalogue}</td><td>{o.received}</td>{Object.keys(OUTCOMES).map((k) => <td key={k}>{o.findings[k] ?? 0}</td>)}<td>{o.notified}</td></tr>)}</tbody></table>
      </TableWrap>
      <p><a href={csvLink(`/api/bureau/campaigns/${id}`)}>CSV</a></p>
      <h3>{l(['通知轮次', 'Rounds of notice'])}</h3>
      <ul>{p.rounds.map((r) => <li key={r.id}>{l(['第', 'Round '])}{r.number}{l(['轮', ''])} · {r.respondBy} · {l(['已通知', 'notified'])} {r.notified} / {r.findings}</li>)}</ul>
      <div className="row" style={{ flexWrap: 'wrap' }}>
        <Button onClick={() => act(async () => { const r = await api.post<{ number: number; findings: number }>(`/api/bureau/campaigns/${id}/rounds`, { filter: { notified: false, ...(outcome ? { outcome } : {}) }, respondBy }); return `${l(['已发送第', 'Sent round '])}${r.number}${l(['轮：', ': '])}${r.findings}`; })} data-testid="send-round">{l(['对未通知的问题发送新一轮通知', 'Send a round for findings not yet notified'])}</Button>
        {findings && findings.items.length > 0 && (
          <Button variant="primary" data-testid="order-take-down" onClick={() => act(async () => { const r = await api.post<{ orders: unknown[] }>('/api/bureau/orders', { findingIds: findings.items.filter((f) => !f.resolvedOn).map((f) => f.id), measure: 'take_down', dueInWorkingDays: 5, reason: l(['未备案APP限期下架', 'Take down unfiled apps']) }); return `${l(['已下发处置通知', 'Orders issued'])}: ${r.orders.length}`; })}>
            {l(['对本页问题责令下架（5 个工作日）', 'Order this page taken down (5 working days)'])}</Button>)}
      </div>
      <h3>{l(['问题清单', 'Findings'])}</h3>
      <div className="row"><label htmlFor="f-outcome">{l(['结果', 'Outcome'])}</label>
        <select id="f-outcome" value={outcome} onChange={(e) => { setOutcome(e.target.value); setPage(1); }}><option value="">{l(['全部', 'All'])}</option>
          {Object.keys(OUTCOMES).filter((k) => k !== 'filed').map((k) => <option key={k} value={k}>{l(OUTCOMES[k]!)}</option>)}</select>
        <a href={csvLink(`/api/bureau/campaigns/${id}/findings${qs({ outcome })}`)}>CSV</a></div>
      {findings && (
        <>
          <TableWrap label={l(['问题清单', 'Findings'])}>
            <table data-testid="findings-table"><thead><tr><th>{l(['机构', 'Organisation'])}</th><th>{l(['应用', 'App'])}</th><th>{l(['包名', 'Package'])}</th><th>{l(['结果', 'Outcome'])}</th><th>{l(['已通知', 'Notified'])}</th><th>{l(['已解决', 'Resolved'])}</th></tr></thead>
              <tbody>{findings.items.map((f) => <tr key={f.id}><td>{f.organisationName}</td><td>{f.appName ?? '—'}</td><td>{f.platform} · {f.packageName}</td><td>{l(OUTCOMES[f.outcome] ?? [f.outcome, f.outcome])}</td><td>{f.notifiedAt ? '✓' : '—'}</td><td>{f.resolvedOn ?? '—'}</td></tr>)}</tbody></table>
          </TableWrap>
          <Pager page={page} pageSize={20} total={findings.total} onPage={setPage} />
        </>
      )}
    </Card>
  );
}

function Orders() {
  const l = useL();
  const [overdue, setOverdue] = useState(false);
  const [r, setR] = useState<{ items: Order[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => { api.get<{ items: Order[]; total: number }>(`/api/bureau/orders${qs({ overdue: overdue ? 'true' : undefined, pageSize: 100 })}`).then(setR).catch(setError); }, [overdue]);
  useEffect(load, [load]);
  const decide = async (o: Order, itemId: string, action: 'accept' | 'reopen') => {
    setError(null);
    try { await api.post(`/api/bureau/orders/${o.id}/items/${itemId}/${action}`, action === 'reopen' ? { reason: l(['复核未通过，请重新处置', 'Not confirmed; dispose again']) } : {}); load(); } catch (e) { setError(e); }
  };
  return (
    <Card title={l(['处置通知', 'Disposal orders'])} actions={<a href={csvLink('/api/bureau/orders')}>CSV</a>}>
      <ErrorNotice error={error} />
      <label className="check"><input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} /> {l(['仅看超期', 'Overdue only'])}</label>
      {!r ? <Loading /> : (
        <TableWrap label={l(['处置通知', 'Disposal orders'])}>
          <table data-testid="orders-table"><thead><tr><th>{l(['机构', 'Organisation'])}</th><th>{l(['措施', 'Measure'])}</th><th>{l(['期限', 'Due'])}</th><th>{l(['对象', 'Item'])}</th><th>{l(['状态', 'Status'])}</th><th>{l(['证据', 'Evidence'])}</th><th /></tr></thead>
            <tbody>{r.items.flatMap((o) => o.items.map((i) => (
              <tr key={i.id} className={i.overdue ? 'overdue' : ''}><td>{o.organisationName}</td><td>{l(MEASURES[o.measure] ?? [o.measure, o.measure])}</td><td>{o.dueOn}{i.overdue ? ` · ${l(['超期', 'overdue'])}` : ''}</td>
                <td>{i.packageName ?? i.serviceNumber}</td><td>{l(ITEM_STATUS[i.status] ?? [i.status, i.status])}</td><td>{i.evidence ?? '—'}</td>
                <td>{i.status === 'done' && <><Button onClick={() => decide(o, i.id, 'accept')} data-testid="accept-item">{l(['验收', 'Accept'])}</Button> <Button onClick={() => decide(o, i.id, 'reopen')}>{l(['退回', 'Reopen'])}</Button></>}</td></tr>)))}</tbody></table>
        </TableWrap>
      )}
    </Card>
  );
}

function Violations() {
  const l = useL();
  const [r, setR] = useState<{ items: Violation[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [category, setCategory] = useState('false_materials');
  const load = useCallback(() => { api.get<{ items: Violation[] }>('/api/bureau/violations?pageSize=100').then(setR).catch(setError); }, []);
  useEffect(load, [load]);
  const step = async (v: Violation, body: Record<string, unknown>) => { setError(null); try { await api.post(`/api/bureau/violations/${v.id}/steps`, body); load(); } catch (e) { setError(e); } };
  return (
    <Card title={l(['违规举报', 'Violation reports'])} actions={<a href={csvLink('/api/bureau/violations')}>CSV</a>}>
      <ErrorNotice error={error} />
      <div className="row"><label htmlFor="rv-cat">{l(['撤销类别', 'Revocation category'])}</label>
        <select id="rv-cat" value={category} onChange={(e) => setCategory(e.target.value)}>{Object.entries(REVOCATION_CATEGORIES).map(([k, v]) => <option key={k} value={k}>{l(v)}</option>)}</select></div>
      {!r ? <Loading /> : (
        <TableWrap label={l(['违规举报', 'Violation reports'])}>
          <table data-testid="violations-table"><thead><tr><th>{l(['备案号', 'Number'])}</th><th>{l(['类别', 'Category'])}</th><th>{l(['举报人', 'Reporter'])}</th><th>{l(['内容', 'Description'])}</th><th>{l(['状态', 'Status'])}</th><th /></tr></thead>
            <tbody>{r.items.map((v) => (
              <tr key={v.id}><td>{v.serviceNumber}<br />{v.serviceName}</td><td>{l(VIOLATION_CATEGORIES[v.category] ?? [v.category, v.category])}</td><td>{v.reporterOrganisation ?? l(['公众', 'Public'])}</td><td>{v.description}</td>
                <td>{l(VIOLATION_STATUS[v.status] ?? [v.status, v.status])}</td>
                <td>{['received', 'more_requested', 'disposal_ordered'].includes(v.status) && (
                  <div className="row" style={{ flexWrap: 'wrap' }}>
                    <Button onClick={() => step(v, { action: 'request_more', note: l(['请补充证据材料', 'Please send more evidence']) })}>{l(['要求补充', 'Ask for more'])}</Button>
                    <Button onClick={() => step(v, { action: 'order_disposal', note: l(['责令限期处置', 'Dispose by the due date']), order: { measure: 'take_down', dueInWorkingDays: 5 } })}>{l(['责令处置', 'Order disposal'])}</Button>
                    <Button variant="primary" data-testid="revoke-report" onClick={() => step(v, { action: 'revoke', category, note: l(['经核实撤销备案', 'Revoked after checking']) })}>{l(['撤销备案', 'Revoke'])}</Button>
                    <Button onClick={() => step(v, { action: 'close', note: l(['经核实不构成违规', 'No violation found']) })}>{l(['结案', 'Close'])}</Button>
                  </div>)}</td></tr>))}</tbody></table>
        </TableWrap>
      )}
    </Card>
  );
}

function Blacklist() {
  const l = useL();
  const [r, setR] = useState<{ items: Entry[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState({ serviceNumber: '', untilOn: new Date(Date.now() + 365 * 86400_000).toISOString().slice(0, 10), reason: '' });
  const load = useCallback(() => { api.get<{ items: Entry[] }>('/api/bureau/blacklist').then(setR).catch(setError); }, []);
  useEffect(load, [load]);
  const add = async (e: FormEvent) => {
    e.preventDefault(); setError(null);
    try { await api.post('/api/bureau/blacklist', { ...form, kinds: ['certificate', 'package', 'domain'], category: 'false_materials' }); load(); } catch (err) { setError(err); }
  };
  const lift = async (id: string) => { setError(null); try { await api.post(`/api/bureau/blacklist/${id}/lift`, { reason: l(['复核后提前解除', 'Lifted after review']) }); load(); } catch (e) { setError(e); } };
  return (
    <Card title={l(['黑名单', 'Blacklist'])} actions={<a href={csvLink('/api/bureau/blacklist')}>CSV</a>}>
      <ErrorNotice error={error} />
      <form onSubmit={add} className="row" style={{ flexWrap: 'wrap', alignItems: 'flex-end' }}>
        <div className="field"><label htmlFor="b-number">{l(['服务备案号', 'Service number'])}</label><input id="b-number" required value={form.serviceNumber} onChange={(e) => setForm({ ...form, serviceNumber: e.target.value })} /></div>
        <div className="field"><label htmlFor="b-until">{l(['限制至', 'Until'])}</label><input id="b-until" type="date" value={form.untilOn} onChange={(e) => setForm({ ...form, untilOn: e.target.value })} /></div>
        <div className="field"><label htmlFor="b-reason">{l(['理由', 'Reason'])}</label><input id="b-reason" required value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} /></div>
        <Button type="submit" variant="primary">{l(['列入黑名单（证件、包名、域名）', 'Blacklist (certificate, packages, domains)'])}</Button>
      </form>
      {!r ? <Loading /> : (
        <TableWrap label={l(['黑名单', 'Blacklist'])}>
          <table><thead><tr><th>{l(['类型', 'Kind'])}</th><th>{l(['对象', 'Value'])}</th><th>{l(['限制至', 'Until'])}</th><th>{l(['状态', 'Status'])}</th><th /></tr></thead>
            <tbody>{r.items.map((b) => <tr key={b.id}><td>{b.kind}</td><td>{b.value ?? b.subjectName}</td><td>{b.untilOn}</td><td>{b.active ? l(['生效', 'Active']) : l(['已失效', 'Inactive'])}</td>
              <td>{b.active && <Button onClick={() => lift(b.id)}>{l(['提前解除', 'Lift'])}</Button>}</td></tr>)}</tbody></table>
        </TableWrap>
      )}
    </Card>
  );
}
