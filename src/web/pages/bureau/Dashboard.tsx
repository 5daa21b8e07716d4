// The supervision dashboard (issue 6 item 5): applications received and filings per day, by
// service type, review time against the 20-working-day limit, and the age of the queue —
// from GET /api/bureau/statistics for the reviewer's province; for the ministry nationwide or
// for the province chosen in its select.
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { Link } from 'react-router';
import { Button, Card, ErrorNotice, Loading, Page, TableWrap } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api, qs } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import { ProvinceFilter, provinceName, useProvinceParam } from '../../components/ProvinceFilter.tsx';

interface Counts { received: number; approved: number; rejected: number; filed: number }
interface Stats {
  /** null: all provinces (the ministry without a filter) */
  provinceCode: string | null; from: string; to: string; today: string; limitWorkingDays: number;
  perDay: (Counts & { day: string })[]; byServiceType: (Counts & { serviceType: string })[];
  reviewTime: { decisions: number; withinLimit: number; overLimit: number; medianWorkingDays: number | null; maxWorkingDays: number | null; histogram: { workingDays: number; count: number }[] };
  queue: { total: number; overdue: number; dueWithin5: number; ages: { label: string; minWorkingDays: number; maxWorkingDays: number | null; count: number }[] };
  supervision?: {
    violations: Record<string, number>; disposals: { items: number; open: number; done: number; accepted: number; overdue: number };
    perDay?: { day: string; violationsReported: number; violationsDecided: number; disposalsOrdered: number; disposalsDone: number }[];
  };
  /** The national figures only: each province with something to show, most overdue first. */
  byProvince?: ProvinceRow[] | null;
}
interface ProvinceRow { provinceCode: string; queue: number; overdue: number; dueWithin5: number; decisions: number; overLimit: number; violationsOpen: number; disposalsOverdue: number }

const COLORS = ['#1d5bb8', '#17723a', '#b3261e', '#c47f00'];
const grid = { left: 44, right: 16, top: 40, bottom: 36, containLabel: false };

export default function Dashboard() {
  const i18n = useI18n();
  const [range, setRange] = useState<{ from?: string; to?: string }>({});
  const [form, setForm] = useState({ from: '', to: '' });
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The ministry reads the same figures for all provinces or the one chosen (read-only).
  const { session } = useSession();
  const ministry = session?.role === 'ministry_admin';
  const [province, setProvince] = useProvinceParam();
  const scope = ministry ? province : '';
  useEffect(() => {
    setError(null);
    api.get<Stats>(`/api/bureau/statistics${qs({ ...range, ...(scope ? { province: scope } : {}) })}`).then((s) => { setStats(s); setForm({ from: s.from, to: s.to }); }).catch(setError);
  }, [range, scope]);

  const label = { received: i18n.t('dash.received'), approved: i18n.t('dash.approved'), rejected: i18n.t('dash.rejected'), filed: i18n.t('dash.filed') };
  const options = useMemo(() => {
    if (!stats) return null;
    const days = stats.perDay.map((d) => d.day.slice(5));
    const perDay: ChartOption = {
      color: COLORS, tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid,
      xAxis: { type: 'category', data: days }, yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: label.received, type: 'bar', data: stats.perDay.map((d) => d.received) },
        { name: label.filed, type: 'line', data: stats.perDay.map((d) => d.filed), showSymbol: false, lineStyle: { width: 2 } },
        { name: label.rejected, type: 'line', data: stats.perDay.map((d) => d.rejected), showSymbol: false, lineStyle: { width: 2, type: 'dashed' } },
      ],
    };
    const types = stats.byServiceType.map((t) => i18n.option('serviceType', t.serviceType));
    const byType: ChartOption = {
      color: COLORS, tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid,
      xAxis: { type: 'category', data: types, axisLabel: { interval: 0, width: 64, overflow: 'break' } }, yAxis: { type: 'value', minInterval: 1 },
      series: (['received', 'approved', 'rejected', 'filed'] as const).map((k) => ({ name: label[k], type: 'bar', data: stats.byServiceType.map((t) => t[k]) })),
    };
    const maxDays = Math.max(stats.limitWorkingDays + 4, ...stats.reviewTime.histogram.map((h) => h.workingDays));
    const hist = Array.from({ length: maxDays + 1 }, (_, n) => stats.reviewTime.histogram.find((h) => h.workingDays === n)?.count ?? 0);
    const reviewTime: ChartOption = {
      tooltip: { trigger: 'axis' }, grid,
      xAxis: { type: 'category', name: i18n.lang === 'en' ? 'working days' : '工作日', nameLocation: 'middle', nameGap: 24, data: hist.map((_, n) => String(n)) },
      yAxis: { type: 'value', minInterval: 1, name: i18n.t('dash.count') },
      series: [{
        name: i18n.t('dash.decisions'), type: 'bar', data: hist.map((v, n) => ({ value: v, itemStyle: { color: n > stats.limitWorkingDays ? '#b3261e' : '#1d5bb8' } })),
        markLine: { symbol: 'none', lineStyle: { color: '#b3261e', type: 'dashed', width: 2 }, label: { formatter: `${i18n.t('dash.limit')} ${stats.limitWorkingDays}` }, data: [{ xAxis: String(stats.limitWorkingDays) }] },
      }],
    };
    const queue: ChartOption = {
      tooltip: { trigger: 'axis' }, grid,
      xAxis: { type: 'category', data: stats.queue.ages.map((a) => a.label) }, yAxis: { type: 'value', minInterval: 1 },
      series: [{ name: i18n.t('dash.kpi.queue'), type: 'bar', data: stats.queue.ages.map((a) => ({ value: a.count, itemStyle: { color: a.maxWorkingDays === null ? '#b3261e' : a.minWorkingDays >= 16 ? '#c47f00' : '#1d5bb8' } })) }],
    };
    const sup = stats.supervision?.perDay ?? [];
    const supervision: ChartOption = {
      tooltip: { trigger: 'axis' }, legend: { top: 0, type: 'scroll' }, grid,
      xAxis: { type: 'category', data: sup.map((d) => d.day.slice(5)) }, yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: i18n.t('dash.violationsReported'), type: 'bar', stack: 'v', itemStyle: { color: '#b3261e' }, data: sup.map((d) => d.violationsReported) },
        { name: i18n.t('dash.violationsDecided'), type: 'bar', stack: 'd', itemStyle: { color: '#7e57c2' }, data: sup.map((d) => d.violationsDecided) },
        { name: i18n.t('dash.disposalsOrdered'), type: 'line', showSymbol: false, itemStyle: { color: '#c47f00' }, data: sup.map((d) => d.disposalsOrdered) },
        { name: i18n.t('dash.disposalsDone'), type: 'line', showSymbol: false, itemStyle: { color: '#17723a' }, data: sup.map((d) => d.disposalsDone) },
      ],
    };
    return { perDay, byType, reviewTime, queue, supervision };
  }, [stats, i18n]);

  const submit = (e: FormEvent) => { e.preventDefault(); setRange({ from: form.from, to: form.to }); };
  const rt = stats?.reviewTime;
  return (
    <Page title={ministry ? i18n.t('ministry.dashboardTitle') : i18n.t('dash.title')}
      lead={ministry && stats ? `${i18n.t('ministry.province')}${i18n.colon}${stats.provinceCode ? provinceName(stats.provinceCode, i18n.lang) : i18n.t('ministry.allProvinces')}` : undefined} wide>
      <form className="card row" onSubmit={submit} style={{ alignItems: 'flex-end' }}>
        {ministry ? <ProvinceFilter value={province} onChange={setProvince} /> : null}
        <div className="field" style={{ margin: 0 }}><label htmlFor="from">{i18n.t('dash.from')}</label><input id="from" type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} /></div>
        <div className="field" style={{ margin: 0 }}><label htmlFor="to">{i18n.t('dash.to')}</label><input id="to" type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} /></div>
        <Button type="submit" variant="primary">{i18n.t('dash.apply')}</Button>
      </form>
      <ErrorNotice error={error} />
      {!stats || !options ? <Loading /> : (
        <>
          <div className="kpis">
            <div className="kpi"><div className="v">{stats.queue.total}</div><div className="k">{i18n.t('dash.kpi.queue')}</div></div>
            <div className={`kpi ${stats.queue.overdue ? 'bad' : ''}`}><div className="v">{stats.queue.overdue}</div><div className="k">{i18n.t('dash.kpi.overdue')}</div></div>
            <div className="kpi"><div className="v">{stats.queue.dueWithin5}</div><div className="k">{i18n.t('dash.kpi.due5')}</div></div>
            <div className="kpi"><div className="v">{rt?.medianWorkingDays ?? '—'}{rt?.medianWorkingDays !== null && rt?.medianWorkingDays !== undefined ? <small className="muted"> {i18n.lang === 'en' ? 'wd' : '工作日'}</small> : null}</div><div className="k">{i18n.t('dash.kpi.median')}</div></div>
            <div className="kpi"><div className="v">{rt && rt.decisions ? `${Math.round((rt.withinLimit / rt.decisions) * 100)}%` : '—'}</div><div className="k">{i18n.t('dash.kpi.within')}</div></div>
          </div>
          {stats.supervision && (
            // supervision (issue 14): violation reports and disposals of the province
            <div className="kpis" data-testid="supervision-kpis">
              <div className="kpi"><div className="v">{(stats.supervision.violations.received ?? 0) + (stats.supervision.violations.more_requested ?? 0)}</div><div className="k">{i18n.t('dash.kpi.violationsOpen')}</div></div>
              <div className="kpi"><div className="v">{stats.supervision.violations.revoked ?? 0}</div><div className="k">{i18n.t('dash.kpi.violationsRevoked')}</div></div>
              <div className="kpi"><div className="v">{stats.supervision.disposals.open}</div><div className="k">{i18n.t('dash.kpi.disposalsOpen')}</div></div>
              <div className={`kpi ${stats.supervision.disposals.overdue ? 'bad' : ''}`}><div className="v">{stats.supervision.disposals.overdue}</div><div className="k">{i18n.t('dash.kpi.disposalsOverdue')}</div></div>
              <div className="kpi"><div className="v">{stats.supervision.disposals.done + stats.supervision.disposals.accepted}</div><div className="k">{i18n.t('dash.kpi.disposalsDone')}</div></div>
            </div>
          )}
          {stats.byProvince ? <ByProvince rows={stats.byProvince} onChoose={setProvince} /> : null}
          <div className="charts">
            <Card title={i18n.t('dash.perDay')}><Chart option={options.perDay} label={i18n.t('dash.perDay')} testId="chart-per-day" /></Card>
            <Card title={i18n.t('dash.byType')}><Chart option={options.byType} label={i18n.t('dash.byType')} testId="chart-by-type" /></Card>
            <Card title={i18n.t('dash.reviewTime')}><Chart option={options.reviewTime} label={i18n.t('dash.reviewTime')} testId="chart-review-time" /></Card>
            <Card title={i18n.t('dash.queueAge')}><Chart option={options.queue} label={i18n.t('dash.queueAge')} testId="chart-queue-age" /></Card>
            {stats.supervision?.perDay && <Card title={i18n.t('dash.supervisionPerDay')}><Chart option={options.supervision} label={i18n.t('dash.supervisionPerDay')} testId="chart-supervision" /></Card>}
          </div>
          <p><a href={`/api/bureau/statistics.csv${qs({ from: stats.from, to: stats.to, ...(scope ? { province: scope } : {}) })}`} download data-testid="statistics-csv">{i18n.t('dash.csv')}</a></p>
        </>
      )}
    </Page>
  );
}

/**
 * The national figures by province (the ministry without a province chosen): which bureau has reviews past
 * their deadline, reports waiting or disposals overdue — each province's name narrows the dashboard to it,
 * its queue opens the national queue for it.
 */
function ByProvince({ rows, onChoose }: { rows: ProvinceRow[]; onChoose(code: string): void }) {
  const i18n = useI18n();
  const cols: [keyof ProvinceRow, string, boolean][] = [
    ['queue', i18n.t('dash.kpi.queue'), false], ['overdue', i18n.t('dash.kpi.overdue'), true], ['dueWithin5', i18n.t('dash.kpi.due5'), false],
    ['decisions', i18n.t('dash.byProvince.decisions'), false], ['overLimit', i18n.t('dash.byProvince.overLimit'), true],
    ['violationsOpen', i18n.t('dash.kpi.violationsOpen'), false], ['disposalsOverdue', i18n.t('dash.kpi.disposalsOverdue'), true],
  ];
  return (
    <Card title={i18n.t('dash.byProvince')} id="by-province">
      {rows.length === 0 ? <p className="muted">{i18n.t('dash.byProvince.none')}</p> : (
        <TableWrap label={i18n.t('dash.byProvince')}>
          <table className="cards" data-testid="by-province">
            <thead><tr><th>{i18n.t('ministry.province')}</th>{cols.map(([k, label]) => <th key={k} className="num">{label}</th>)}<th><span className="sr-only">{i18n.t('common.actions')}</span></th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.provinceCode} data-testid="by-province-row">
                  <td data-label={i18n.t('ministry.province')}><Button variant="link" onClick={() => onChoose(r.provinceCode)} data-testid="by-province-choose">{provinceName(r.provinceCode, i18n.lang)}</Button></td>
                  {cols.map(([k, label, bad]) => <td key={k} data-label={label} className={`num${bad && r[k] ? ' bad' : ''}`}>{r[k]}</td>)}
                  <td className="cell-action"><Link to={`/bureau?province=${r.provinceCode}`}>{i18n.t('dash.byProvince.queue')}</Link></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Card>
  );
}
