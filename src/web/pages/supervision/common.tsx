// Shared pieces of the supervision consoles (issue 14): the charts of a campaign's dashboard
// (findings by outcome, by organisation, the campaign day by day), key figures, CSV links and
// a selection of table rows. Words come from the i18n keys (`sv.*`, the `findingOutcome` … option sets).
import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useState } from 'react';
import type { ChartOption } from '../../components/Chart.tsx';
import { Button, ErrorNotice, Loading } from '../../components/ui.tsx';
import { type I18n, type MessageKey, useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';

export type Counts = Record<string, number>;

/** Rows a page of the consoles' order and report lists shows, as the host's home pages its applications. */
export const LIST_PAGE = 50;

/**
 * The violation reports some orders came from, by id, read one by one (`base`/{id}, `suffix` e.g. `?contact=masked`
 * so the bureau's read records nothing): the page of orders shown names its reports wherever they are in the list.
 */
export function useReportsOf<V>(ids: (string | null)[], base: string, suffix = ''): Map<string, V> {
  const [reports, setReports] = useState<Map<string, V>>(new Map());
  const wanted = [...new Set(ids.filter((x): x is string => !!x))].sort().join(',');
  useEffect(() => {
    const missing = wanted ? wanted.split(',').filter((id) => !reports.has(id)) : [];
    if (!missing.length) return;
    let live = true;
    void Promise.all(missing.map((id) => api.get<V>(`${base}/${id}${suffix}`).then((v) => [id, v] as const).catch(() => null))).then((got) => {
      if (live) setReports((m) => new Map([...m, ...got.filter((g): g is readonly [string, Awaited<V>] => g !== null)]));
    });
    return () => { live = false; };
    // `reports` is read, not watched: a report once read stays.
  }, [wanted, base, suffix]);
  return reports;
}

export const OUTCOME_KEYS = ['filed', 'not_filed', 'fingerprint_mismatch', 'cancelled', 'revoked', 'shell'] as const;
export const FINDING_KEYS = OUTCOME_KEYS.filter((k) => k !== 'filed');
const OUTCOME_COLOURS: Record<string, string> = { filed: '#17723a', not_filed: '#b3261e', fingerprint_mismatch: '#c47f00', cancelled: '#6b7280', revoked: '#7c2d12', shell: '#7e57c2' };

export function findingsChart(counts: Counts, i18n: I18n): ChartOption {
  return {
    // Horizontal bars: six outcome names side by side ran into each other at 390 px.
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } }, grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    yAxis: { type: 'category', inverse: true, data: OUTCOME_KEYS.map((k) => i18n.option('findingOutcome', k)), axisLabel: { interval: 0, width: 110, overflow: 'truncate' } },
    xAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: i18n.t('sv.lines'), data: OUTCOME_KEYS.map((k) => ({ value: counts[k] ?? 0, itemStyle: { color: OUTCOME_COLOURS[k] } })) }],
  };
}

/** Findings of each organisation, stacked by outcome (horizontal bars: long names read at 390 px). */
export function organisationsChart(rows: { organisationName: string; findings: Counts }[], i18n: I18n): ChartOption {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } }, legend: { top: 0, type: 'scroll' },
    grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: rows.map((r) => r.organisationName), axisLabel: { width: 110, overflow: 'truncate' } },
    series: FINDING_KEYS.map((k) => ({ type: 'bar', stack: 'findings', name: i18n.option('findingOutcome', k), itemStyle: { color: OUTCOME_COLOURS[k] }, data: rows.map((r) => r.findings[k] ?? 0) })),
  };
}

export interface TimelineDay { day: string; received: number; findings: number; notified: number; ordered: number; disposed: number; overdue: number }

/** The campaign day by day: catalogues received against those due (left axis), findings, notices and disposals (right axis). */
export function timelineChart(days: TimelineDay[], inScope: number, catalogueDueOn: string, i18n: I18n): ChartOption {
  const line = (key: keyof TimelineDay, name: string, color: string, yAxisIndex = 1) =>
    ({ type: 'line', name, yAxisIndex, showSymbol: days.length < 40, itemStyle: { color }, data: days.map((d) => d[key]) });
  return {
    // The legend below the plot and the axis names above it: at 390 px they took the same line.
    tooltip: { trigger: 'axis' }, legend: { bottom: 0, type: 'scroll' },
    grid: { left: 8, right: 8, top: 32, bottom: 36, containLabel: true },
    xAxis: { type: 'category', data: days.map((d) => d.day.slice(5)), boundaryGap: false },
    yAxis: [{ type: 'value', minInterval: 1, name: i18n.t('sv.axisCatalogues'), max: (v: { max: number }) => Math.max(v.max, inScope), axisLine: { show: true, lineStyle: { color: '#1d5bb8' } } },
      { type: 'value', minInterval: 1, name: i18n.t('sv.axisFindings'), position: 'right', splitLine: { show: false }, axisLabel: { show: true }, axisLine: { show: true, lineStyle: { color: '#b3261e' } } }],
    series: [
      { ...line('received', i18n.t('sv.cataloguesReceived'), '#1d5bb8', 0), areaStyle: { opacity: 0.08 },
        markLine: { symbol: 'none', silent: true, lineStyle: { type: 'dashed', color: '#1d5bb8' },
          data: [{ yAxis: inScope, name: i18n.t('sv.cataloguesDue') },
            ...(days.some((d) => d.day === catalogueDueOn) ? [{ xAxis: catalogueDueOn.slice(5), name: i18n.t('sv.catalogueDue') }] : [])],
          label: { formatter: '{b}', position: 'insideEndTop' } } },
      line('findings', i18n.t('sv.findings'), '#b3261e'),
      line('notified', i18n.t('sv.notified'), '#c47f00'),
      line('ordered', i18n.t('sv.ordered'), '#6b7280'),
      line('disposed', i18n.t('sv.disposed'), '#17723a'),
      line('overdue', i18n.t('sv.overdue'), '#7c2d12'),
    ],
  };
}

export function Kpis({ items }: { items: [string, ReactNode][] }) {
  return <div className="kpis">{items.map(([k, v]) => <div key={k} className="kpi"><div className="v">{v}</div><div className="k">{k}</div></div>)}</div>;
}

export const csvLink = (url: string) => `${url}${url.includes('?') ? '&' : '?'}format=csv`;

export function CsvLink({ url, label = 'CSV' }: { url: string; label?: string }) {
  return <a href={csvLink(url)} download className="csv-link">{label}</a>;
}

/** Ticked row ids of a table (kept across pages of it). */
export function useSelection() {
  const [ids, setIds] = useState<ReadonlySet<string>>(new Set());
  const toggle = useCallback((id: string, on: boolean) => setIds((s) => { const n = new Set(s); if (on) n.add(id); else n.delete(id); return n; }), []);
  const setAll = useCallback((list: string[], on: boolean) => setIds((s) => { const n = new Set(s); for (const id of list) if (on) n.add(id); else n.delete(id); return n; }), []);
  const clear = useCallback(() => setIds(new Set()), []);
  return { ids, toggle, setAll, clear };
}

/**
 * An action that records the staff member's own reason (reopening an order item, lifting a blacklist entry): a
 * button that opens a short form, prefilled with a suggestion to edit. `onSubmit` answers whether it succeeded; the
 * form stays open (with the text) when it did not. With `days`, the form also asks for a number of working days
 * (required or optional), passed to `onSubmit`.
 */
export function ReasonAction({ label, suggestion, submitLabel, onSubmit, testId, days }: {
  label: string; suggestion: string; submitLabel: string; onSubmit: (reason: string, days?: number) => Promise<boolean>; testId?: string;
  days?: { label: string; required: boolean };
}) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState<string | null>(null);
  const [n, setN] = useState('');
  const [busy, setBusy] = useState(false);
  // Spaces pass the textarea's `required`: the click then did nothing. It says what is missing instead.
  const [empty, setEmpty] = useState(false);
  if (text === null) return <Button onClick={() => setText(suggestion)} data-testid={testId}>{label}</Button>;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) { setEmpty(true); document.getElementById(id)?.focus(); return; }
    setEmpty(false);
    setBusy(true);
    try { if (await onSubmit(text.trim(), n ? Number(n) : undefined)) { setText(null); setN(''); } } finally { setBusy(false); }
  };
  return (
    <form className="subform reason-form" onSubmit={(e) => void submit(e)} data-testid={testId ? `${testId}-form` : undefined}>
      <div className={`field ${empty ? 'has-error' : ''}`}>
        <label htmlFor={id}>{t('sv.reason')} <span className="req">*</span></label>
        <textarea id={id} required rows={2} maxLength={1000} value={text} onChange={(e) => setText(e.target.value)} autoFocus data-testid={testId ? `${testId}-reason` : undefined}
          aria-invalid={empty || undefined} aria-describedby={empty ? `${id}-err` : undefined} />
        {empty ? <ul className="field-errors" id={`${id}-err`} data-testid={testId ? `${testId}-reason-error` : undefined}><li>{t('sv.reasonRequired')}</li></ul> : null}
      </div>
      {days && <div className="field">
        <label htmlFor={`${id}-days`}>{days.label}{days.required && <> <span className="req">*</span></>}</label>
        <input id={`${id}-days`} type="number" inputMode="numeric" min={1} max={60} required={days.required} value={n} onChange={(e) => setN(e.target.value)} data-testid={testId ? `${testId}-days` : undefined} />
      </div>}
      <div className="row">
        <Button type="submit" variant="primary" busy={busy} data-testid={testId ? `${testId}-submit` : undefined}>{submitLabel}</Button>
        <Button onClick={() => { setText(null); setN(''); setEmpty(false); }} disabled={busy}>{t('sv.cancel')}</Button>
      </div>
    </form>
  );
}

interface OrderStep { at: string; action: string; item: string | null; from: string | null; to: string | null; actorRole: string; note: string | null; ground: string | null; dueOn: string | null; previousDueOn: string | null; file: string | null }

/** An order's history (GET …/orders/{id}/history), opened on demand: each step, its date, who (by role) and what was written. */
export function OrderHistory({ url }: { url: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [steps, setSteps] = useState<OrderStep[] | null>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const toggle = () => {
    if (!open && !steps) api.get<{ items: OrderStep[] }>(url).then((r) => setSteps(r.items)).catch(setError);
    setOpen(!open);
  };
  return (
    <div className="order-history">
      <Button onClick={toggle} aria-expanded={open} data-testid="order-history">{t(open ? 'sv.hideHistory' : 'sv.history')}</Button>
      {open && <>
        <ErrorNotice error={error} />
        {!steps ? (error ? null : <Loading />) : (
          <ol className="timeline small" data-testid="order-history-steps">
            {steps.map((s, k) => (
              <li key={k} className="done">
                <strong>{i18n.option('orderStep', s.action)}</strong>{s.item ? ` · ${s.item}` : ''}
                <span className="muted">{' · '}{i18n.date(s.at, true)}{' · '}{t(`role.${s.actorRole}` as MessageKey)}</span>
                {s.ground ? <span>{' · '}{i18n.option('objectionGround', s.ground)}</span> : null}
                {s.dueOn ? <span>{' · '}{s.previousDueOn ? `${i18n.date(s.previousDueOn)} → ` : ''}{i18n.date(s.dueOn)}</span> : null}
                {s.file ? <span>{' · '}{s.file}</span> : null}
                {s.note ? <div style={{ overflowWrap: 'anywhere' }}>{s.note}</div> : null}
              </li>))}
          </ol>)}
      </>}
    </div>
  );
}
