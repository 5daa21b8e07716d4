// Small building blocks shared by every screen.
import { type ButtonHTMLAttributes, type ReactNode, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../i18n/index.tsx';
import { ApiError } from '../lib/api.ts';

export function Page({ title, lead, actions, children, wide }: { title: string; lead?: ReactNode; actions?: ReactNode; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? 'page page-wide' : 'page'}>
      <div className="page-head">
        <div>
          <h1>{title}</h1>
          {lead ? <p className="lead">{lead}</p> : null}
        </div>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </div>
  );
}

export function Card({ title, children, className, id, actions, testId }: { title?: ReactNode; children: ReactNode; className?: string; id?: string; actions?: ReactNode; testId?: string }) {
  return (
    <section className={`card ${className ?? ''}`} id={id} data-testid={testId} aria-labelledby={title && id ? `${id}-title` : undefined}>
      {title || actions ? (
        <div className="card-head">
          {title ? <h2 id={id ? `${id}-title` : undefined}>{title}</h2> : <span />}
          {actions}
        </div>
      ) : null}
      {children}
    </section>
  );
}

type Variant = 'primary' | 'secondary' | 'danger' | 'link';
export function Button({ variant = 'secondary', busy, children, ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; busy?: boolean }) {
  return (
    <button type="button" {...rest} className={`btn btn-${variant} ${rest.className ?? ''}`} disabled={rest.disabled || busy} aria-busy={busy || undefined}>
      {children}
    </button>
  );
}

export function Notice({ kind = 'info', children, title, role }: { kind?: 'info' | 'success' | 'warning' | 'error'; children: ReactNode; title?: ReactNode; role?: 'alert' | 'status' }) {
  return (
    <div className={`notice notice-${kind}`} role={role ?? (kind === 'error' ? 'alert' : 'status')}>
      {title ? <strong className="notice-title">{title}</strong> : null}
      <div>{children}</div>
    </div>
  );
}

/** An error from the API (or anything thrown), worded for the reader. */
/**
 * The API's field problems (problem+json `errors`), by field path without `body.`: what a form shows at each
 * of its fields (`query.` and `params.` paths stay as they are).
 */
export function fieldProblems(error: unknown, i18n: ReturnType<typeof useI18n>): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const e of error.errors) { const path = e.field?.replace(/^body\./, '') ?? ''; if (path && !(path in out)) out[path] = i18n.problem(e); }
  return out;
}

/** `labels`: the names of the fields of the form that sent the request, for paths the materials' table does not name. */
export function ErrorNotice({ error, labels }: { error: unknown; labels?: Record<string, string> }) {
  const i18n = useI18n();
  if (!error) return null;
  if (error instanceof ApiError) {
    const text = i18n.problem({ code: error.code, message: error.message, params: error.params });
    // Each field's problem, prefixed with the field's label when the UI has one (never a raw
    // path); one that only repeats the main message (a wrong SMS code, say) is not listed again.
    // A field problem with the main problem's own code (a wrong SMS code at `code`) says it again: left out.
    // A field's generic `not_found` under a named …_not_found (没有匹配的已备案服务) only repeats it, and its
    // words (没有找到（地址不存在…）) read as a wrong web address: left out too.
    const items = error.errors.filter((e) => e.code !== error.code && !(e.code === 'not_found' && error.code.endsWith('_not_found'))).map((e) => {
      const path = e.field?.replace(/^body\./, '') ?? '';
      const label = path ? labels?.[path] ?? i18n.field(path) : '';
      return { label: label !== path ? label : '', text: i18n.problem(e) };
    }).filter((item) => item.text !== text);
    return (
      <Notice kind="error" title={i18n.t('common.error')}>
        {/* The API's English details are lower-case clauses ("the login or the password is wrong"): a sentence here. */}
        <p>{i18n.lang === 'en' ? text.charAt(0).toUpperCase() + text.slice(1) : text}</p>
        {items.length ? <ul>{items.map((item, i) => <li key={i}>{item.label ? `${item.label}${i18n.colon}` : ''}{item.text}</li>)}</ul> : null}
        {error.requestId ? <p className="muted small">{i18n.t('common.requestId')}{i18n.colon}{error.requestId}</p> : null}
      </Notice>
    );
  }
  return <Notice kind="error" title={i18n.t('common.error')}>{String((error as Error)?.message ?? error)}</Notice>;
}

const STATUS_TONE: Record<string, string> = {
  draft: 'neutral', provider_review: 'info', returned: 'warning', sms_pending: 'info', bureau_review: 'info',
  bureau_rejected: 'danger', approved: 'success', withdrawn: 'neutral', filed: 'success', cancelled: 'neutral', revoked: 'danger', shell: 'warning',
};

/**
 * An application's status, or — once approved — what became of its filed record: an approved
 * application whose number was since cancelled, revoked or left without access says so, not 已备案.
 */
export function ApplicationStatus({ status, recordStatus }: { status: string; recordStatus?: string | null }) {
  const i18n = useI18n();
  if (status !== 'approved' || !recordStatus || recordStatus === 'filed') return <StatusBadge status={status} />;
  return <span data-testid="record-status" title={i18n.t('status.approved')}><StatusBadge status={recordStatus} /></span>;
}

export function StatusBadge({ status }: { status: string }) {
  const i18n = useI18n();
  const key = `status.${status}` as Parameters<typeof i18n.t>[0];
  let label = status;
  try { label = i18n.t(key); } catch { /* unknown status */ }
  return <span className={`badge badge-${STATUS_TONE[status] ?? 'neutral'}`} data-status={status}>{label}</span>;
}

export function Loading() {
  const i18n = useI18n();
  return <p className="muted" role="status" aria-live="polite">{i18n.t('app.loading')}</p>;
}

/** Seconds left until `until`, ticking every second. */
export function useCountdown(until: string | null | undefined): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [until]);
  if (!until) return null;
  return Math.max(0, Math.floor((Date.parse(until) - now) / 1000));
}

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

export function Countdown({ until, total = 24 * 3600 }: { until: string; total?: number }) {
  const left = useCountdown(until) ?? 0;
  const pct = Math.max(0, Math.min(100, (left / total) * 100));
  return (
    <span className="countdown">
      <span className="countdown-time" aria-live="off">{formatDuration(left)}</span>
      <span className="meter" aria-hidden="true"><span style={{ width: `${pct}%` }} className={pct < 15 ? 'low' : ''} /></span>
    </span>
  );
}

/**
 * The bureau's working days left on a review: n days, due today (none left and the deadline's day
 * not yet past), or overdue (by n working days when any passed). `short`: a queue cell, just the number.
 */
export function DaysLeft({ left, overdue, short = false }: { left: number; overdue: boolean; short?: boolean }) {
  const i18n = useI18n();
  if (overdue || left < 0) return <span className="overdue-text" data-testid="days-left-text">{left < 0 ? i18n.t('app.status.overdue', { n: -left }) : i18n.t('review.overdue')}</span>;
  if (left === 0) return <span className="overdue-text" data-testid="days-left-text">{i18n.t('app.status.dueToday')}</span>;
  return <span className={short && left <= 5 ? 'overdue-text' : ''} data-testid="days-left-text">{short ? left : i18n.t('app.status.daysLeft', { n: left })}</span>;
}

export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage(p: number): void }) {
  const i18n = useI18n();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label={i18n.t('search.page', { page, pages })}>
      <Button onClick={() => onPage(page - 1)} disabled={page <= 1}>{i18n.t('search.prev')}</Button>
      <span>{i18n.t('search.page', { page, pages })}</span>
      <Button onClick={() => onPage(page + 1)} disabled={page >= pages}>{i18n.t('search.next')}</Button>
    </nav>
  );
}

export function Dl({ rows }: { rows: [ReactNode, ReactNode][] }) {
  return (
    <dl className="dl">
      {rows.map(([k, v], i) => (
        <div key={i} className="dl-row"><dt>{k}</dt><dd>{v === null || v === undefined || v === '' ? '—' : v}</dd></div>
      ))}
    </dl>
  );
}

/** `confirmLeave`: a question asked before leaving (unsaved changes); staying cancels the navigation. */
export function BackLink({ to, confirmLeave }: { to: string; confirmLeave?: string | null }) {
  const i18n = useI18n();
  return <Link className="back" to={to} onClick={(e) => { if (confirmLeave && !window.confirm(confirmLeave)) e.preventDefault(); }}>← {i18n.t('app.back')}</Link>;
}

export function TableWrap({ children, label }: { children: ReactNode; label: string }) {
  return <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>{children}</div>;
}

/** One page of a listing: loading, its empty text, or the table (in its scrolling frame) and the pager. */
export function PagedTable<T>({ data, empty, label, page, pageSize, onPage, children }: {
  data: { items: T[]; total: number } | null; empty: string; label: string; page: number; pageSize: number; onPage(p: number): void;
  /** The table of the page's items. */
  children: (items: T[]) => ReactNode;
}) {
  if (!data) return <Loading />;
  if (data.items.length === 0) return <p className="muted">{empty}</p>;
  return (
    <>
      <TableWrap label={label}>{children(data.items)}</TableWrap>
      <Pager page={page} pageSize={pageSize} total={data.total} onPage={onPage} />
    </>
  );
}
