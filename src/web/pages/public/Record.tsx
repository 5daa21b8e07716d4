// A public record page per service number (issue 6 item 2, issue 5 items 1 and 4): the same data
// as GET /api/public/v1/services/{number}, clear states for cancelled and revoked numbers, and
// the display snippets the APP or website must embed (its number, linked to this page), as
// text and as the SVG badge — both as the API gives them (`snippets`).
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { Link, Navigate, useParams } from 'react-router';
import { RecordEvents } from '../../components/RecordEvents.tsx';
import { Button, Card, Dl, ErrorNotice, fieldProblems, Loading, Notice, Page, StatusBadge } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { useCopy } from '../../lib/copy.ts';
import { api, ApiError } from '../../lib/api.ts';
import type { PublicRecord } from '../../lib/types.ts';

/** A read-only snippet with a copy button; without the clipboard API (plain http) it copies the selection. */
function Snippet({ id, label, value }: { id: string; label: string; value: string }) {
  const i18n = useI18n();
  const { box, copied, copy } = useCopy(value);
  return (
    <div className="snippet-block">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} ref={box} className="snippet" readOnly rows={3} value={value} onFocus={(e) => e.target.select()} />
      <Button onClick={copy} aria-label={`${i18n.t('record.copy')}${i18n.colon}${label}`} data-testid={`copy-${id}`}>{copied ? i18n.t('record.copied') : i18n.t('record.copy')}</Button>
    </div>
  );
}

export function RecordPage() {
  const i18n = useI18n();
  const { number = '' } = useParams();
  const [record, setRecord] = useState<PublicRecord | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const ctl = new AbortController();
    setRecord(null); setError(null);
    api.get<PublicRecord>(`/api/public/v1/services/${encodeURIComponent(number)}`, ctl.signal)
      .then(setRecord)
      .catch((e: unknown) => { if (!ctl.signal.aborted) setError(e); });
    return () => ctl.abort();
  }, [number]);

  // A subject's main number where a service number is expected: the subject's page lists its services.
  if (error instanceof ApiError && error.code === 'filing_number_not_service') return <Navigate to={`/subject/${encodeURIComponent(number)}`} replace />;
  if (error instanceof ApiError && error.status === 404) {
    return <Page title={i18n.t('record.title')}><Notice kind="warning">{i18n.t('record.notFound', { number })}</Notice><Link to="/">{i18n.t('nav.search')}</Link></Page>;
  }
  if (error) return <Page title={i18n.t('record.title')}><ErrorNotice error={error} /><Link to="/">{i18n.t('nav.search')}</Link></Page>;
  if (!record) return <Page title={i18n.t('record.title')}><Loading /></Page>;

  const inactive = record.status !== 'filed';
  // The badge as this reader sees it: English labels in English (?lang=en); the embed snippet stays as the API gives it.
  const badge = i18n.lang === 'en' ? `${record.links.badge}${record.links.badge.includes('?') ? '&' : '?'}lang=en` : record.links.badge;
  return (
    <Page title={record.serviceName} lead={<><span className="number">{record.serviceNumber}</span> <StatusBadge status={record.status} /></>}>
      {record.status === 'cancelled' ? <Notice kind="warning" title={i18n.t('status.cancelled')}>{i18n.t('record.cancelled')}</Notice> : null}
      {record.status === 'revoked' ? <Notice kind="error" title={i18n.t('status.revoked')}>{i18n.t('record.revoked')}</Notice> : null}
      {record.shellSince ? <Notice kind="warning">{i18n.t('record.shell', { since: i18n.date(record.shellSince) })}</Notice> : null}
      {/* The record page is the filing proof a host prints (for an app store, a partner): only the record and its history go on paper. */}
      <Card title={i18n.t('record.title')} id="record" actions={<Button variant="secondary" className="btn-small" onClick={() => window.print()}>{i18n.t('record.print')}</Button>}>
        <Dl rows={[
          [i18n.t('record.serviceNumber'), <span className="number" data-testid="record-number">{record.serviceNumber}</span>],
          [i18n.t('record.status'), <StatusBadge status={record.status} />],
          [i18n.t('record.serviceName'), record.serviceName],
          [i18n.t('record.serviceType'), i18n.option('serviceType', record.serviceType)],
          [i18n.t('record.mainNumber'), <Link className="number" to={`/subject/${encodeURIComponent(record.mainNumber)}`}>{record.mainNumber}</Link>],
          [i18n.t('record.hostName'), record.hostName],
          [i18n.t('record.hostNature'), i18n.option('nature', record.hostNature)],
          // 审核通过日期 as the ministry shows it: the latest approval (a change's); the filing's own when it differs.
          [i18n.t('record.approvedAt'), i18n.date(record.lastApprovedAt ?? record.approvedAt)],
          ...(record.lastApprovedAt && i18n.date(record.lastApprovedAt) !== i18n.date(record.approvedAt) ? [[i18n.t('record.firstApprovedAt'), i18n.date(record.approvedAt)] as [string, string]] : []),
          ...(inactive && record.statusChangedAt ? [[i18n.t('record.statusChangedAt'), i18n.date(record.statusChangedAt)] as [string, string]] : []),
          // The revocation's category is public (docs/supervision.md §6); the reason stays with the bureau.
          ...(record.revocationCategory ? [[i18n.t('sv.revocationCategory'), <span data-testid="revocation-category">{i18n.option('revocationCategory', record.revocationCategory)}</span>] as [string, ReactNode]] : []),
          [i18n.t('record.preApprovals'), record.preApprovals.length ? record.preApprovals.map((p) => `${i18n.option('preApproval', p.type)} ${p.number}`).join(i18n.semicolon) : i18n.t('record.noPreApprovals')],
          ...(record.serviceType === 'website' ? [
            [i18n.t('record.homeUrl'), record.homeUrl ?? '—'] as [string, string],
            [i18n.t('record.domains'), record.domains.join(i18n.listSep)] as [string, string],
          ] : []),
          ...(record.platforms.length ? [[i18n.t('record.platforms'), (
            <ul className="plain">{record.platforms.map((p) => <li key={p.platform}>{i18n.option('platform', p.platform)}{i18n.colon}<code>{p.packageName}</code></li>)}</ul>
          )] as [string, ReactNode]] : []),
        ]} />
        <p className="print-only small" data-testid="print-proof">{i18n.t('record.printedAt', { at: i18n.date(new Date().toISOString(), true), url: decodeURI(record.links.page) })}</p>
      </Card>
      <RecordEvents events={record.events ?? []} testId="record-events" lead={(loaded) => (
        // Only what is true: an imported record's events before its import are not in this registry's log.
        <p className="muted small" data-testid="statement-lead">{loaded ? i18n.t('record.statementLeadImported', { date: i18n.date(loaded) }) : i18n.t('record.statementLead')}{' '}
          <a href={`/api/public/v1/services/${encodeURIComponent(record.serviceNumber)}/statement`} download={`statement-${record.serviceNumber}.json`} data-testid="statement-link" className="no-print">{i18n.t('record.statement')}</a></p>
      )} />
      {record.snippets ? (
        <Card title={i18n.t('record.badge')} id="badge">
          <p className="muted">{i18n.t('record.badgeLead')}</p>
          <h3>{i18n.t('record.textLink')}</h3>
          <p className="small">{i18n.t('record.preview')}{i18n.colon}<a href={record.links.page} target="_blank" rel="noopener" data-testid="preview-text">{record.serviceNumber}</a></p>
          <Snippet id="snippet" label={i18n.t('record.textLinkCode')} value={record.snippets.text} />
          <h3>{i18n.t('record.badgeImage')}</h3>
          <p className="small">{i18n.t('record.preview')}{i18n.colon}<a href={record.links.page} target="_blank" rel="noopener" className="badge-preview">
            <img src={badge} alt={record.serviceNumber} height={20} data-testid="badge-image" />
          </a></p>
          <Snippet id="snippet-badge" label={i18n.t('record.badgeImageCode')} value={record.snippets.badge} />
          <p className="muted small">{i18n.t('record.badgeNote')} <a href={badge} target="_blank" rel="noopener">{i18n.t('record.svgBadge')}</a></p>
          {record.serviceType === 'app' ? <p className="muted small">{i18n.t('record.numberNote')}</p> : null}
        </Card>
      ) : (
        <Card title={i18n.t('record.badgeInactive')} id="badge">
          <p className="muted">{i18n.t('record.badgeInactiveLead')}</p>
          <p><img src={badge} alt={`${record.serviceNumber} ${i18n.t(`status.${record.status}`)}`} height={20} data-testid="badge-image" /></p>
        </Card>
      )}
      {record.status === 'filed' ? <ReportCard number={record.serviceNumber} /> : null}
    </Page>
  );
}

const REPORT_CATEGORIES = ['fraud', 'illegal_content', 'beyond_filing', 'false_materials', 'privacy', 'other'] as const;

/**
 * The public's violation report (issue 14, item 6): no account; the contact is sealed on the
 * server and seen only by the bureau; rate-limited (a 429 shows the server's problem).
 */
function ReportCard({ number }: { number: string }) {
  const i18n = useI18n();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ category: 'fraud', description: '', name: '', contact: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault(); setError(null); setBusy(true);
    try {
      const r = await api.post<{ id: string }>(`/api/public/v1/services/${encodeURIComponent(number)}/reports`,
        { category: form.category, description: form.description, contact: form.contact, ...(form.name.trim() ? { name: form.name } : {}) });
      setSent(r.id);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  // A description or contact the server refused is said at its field, in the form's own words (the
  // schema's "Too small: expected string…" is no sentence for the public); anything else above the form.
  const problems = fieldProblems(error, i18n);
  const atField = {
    description: problems.description ? i18n.t('record.report.descriptionInvalid') : null,
    contact: problems.contact ? i18n.t('record.report.contactInvalid') : null,
  };
  const invalid = (f: keyof typeof atField) => (atField[f] ? { 'aria-invalid': true, 'aria-describedby': `rp-${f}-err` } : {});
  const fieldError = (f: keyof typeof atField) => (atField[f] ? <ul className="field-errors" id={`rp-${f}-err`} data-testid={`report-${f}-error`}><li>{atField[f]}</li></ul> : null);
  return (
    <Card title={i18n.t('record.report.title')} id="report">
      {sent ? <Notice kind="success" title={i18n.t('record.report.sent')}><p data-testid="report-sent">{i18n.t('record.report.sentLead', { id: sent.slice(0, 8) })}</p></Notice> : !open ? (
        <>
          <p className="muted">{i18n.t('record.report.lead')}</p>
          <Button onClick={() => setOpen(true)} data-testid="report-open">{i18n.t('record.report.open')}</Button>
        </>
      ) : (
        <form onSubmit={submit} className="grid-form" data-testid="report-form">
          <p className="muted small">{i18n.t('record.report.privacy')}</p>
          {atField.description || atField.contact ? null : <ErrorNotice error={error} />}
          <div className="field"><label htmlFor="rp-category">{i18n.t('record.report.category')}</label>
            <select id="rp-category" value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value })}>
              {REPORT_CATEGORIES.map((c) => <option key={c} value={c}>{i18n.option('violationCategory', c)}</option>)}
            </select></div>
          <div className={`field ${atField.description ? 'has-error' : ''}`}><label htmlFor="rp-description">{i18n.t('record.report.description')}</label>
            <textarea id="rp-description" required minLength={10} maxLength={2000} rows={4} value={form.description} placeholder={i18n.t('record.report.descriptionHint')}
              onChange={(e) => setForm({ ...form, description: e.target.value })} {...invalid('description')} />{fieldError('description')}</div>
          <div className="field"><label htmlFor="rp-name">{i18n.t('record.report.name')}</label>
            <input id="rp-name" maxLength={64} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></div>
          <div className={`field ${atField.contact ? 'has-error' : ''}`}><label htmlFor="rp-contact">{i18n.t('record.report.contact')}</label>
            <input id="rp-contact" required maxLength={100} autoComplete="tel" value={form.contact} placeholder={i18n.t('record.report.contactHint')}
              onChange={(e) => setForm({ ...form, contact: e.target.value })} {...invalid('contact')} />{fieldError('contact')}</div>
          <div className="row"><Button type="submit" variant="primary" disabled={busy} data-testid="report-submit">{i18n.t('record.report.submit')}</Button>
            <Button onClick={() => setOpen(false)}>{i18n.t('common.cancel')}</Button></div>
        </form>
      )}
    </Card>
  );
}
