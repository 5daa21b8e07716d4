// A public record page per service number (issue 6 item 2, issue 5 item 1): the same data as
// GET /api/public/v1/services/{number}, clear states for cancelled and revoked numbers, and
// the display snippet the APP or website must embed (linked to this page).
import { type ReactNode, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Button, Card, Dl, ErrorNotice, Loading, Notice, Page, StatusBadge } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api, ApiError } from '../../lib/api.ts';
import type { PublicRecord } from '../../lib/types.ts';

/** The snippet an APP or website embeds: its number, linked to its public record page. */
export function badgeSnippet(number: string, href: string): string {
  const esc = number.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<a href="${href}" target="_blank" rel="noopener">${esc}</a>`;
}

export function RecordPage() {
  const i18n = useI18n();
  const { number = '' } = useParams();
  const [record, setRecord] = useState<PublicRecord | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    const ctl = new AbortController();
    setRecord(null); setError(null);
    api.get<PublicRecord>(`/api/public/v1/services/${encodeURIComponent(number)}`, ctl.signal)
      .then(setRecord)
      .catch((e: unknown) => { if (!ctl.signal.aborted) setError(e); });
    return () => ctl.abort();
  }, [number]);

  if (error instanceof ApiError && error.status === 404) {
    return <Page title={i18n.t('record.title')}><Notice kind="warning">{i18n.t('record.notFound', { number })}</Notice><Link to="/">{i18n.t('nav.search')}</Link></Page>;
  }
  if (error) return <Page title={i18n.t('record.title')}><ErrorNotice error={error} /></Page>;
  if (!record) return <Page title={i18n.t('record.title')}><Loading /></Page>;

  // The canonical page address comes from the API (the server's PUBLIC_URL); this origin otherwise.
  const pageUrl = record.links?.page ?? `${window.location.origin}/record/${encodeURIComponent(record.serviceNumber)}`;
  const snippet = badgeSnippet(record.serviceNumber, pageUrl);
  const copy = () => {
    void navigator.clipboard?.writeText(snippet).then(() => { setCopied(true); setTimeout(() => setCopied(false), 2000); }, () => setCopied(false));
  };
  const inactive = record.status !== 'filed';
  return (
    <Page title={record.serviceName} lead={<><span className="number">{record.serviceNumber}</span> <StatusBadge status={record.status} /></>}>
      {record.status === 'cancelled' ? <Notice kind="warning" title={i18n.t('status.cancelled')}>{i18n.t('record.cancelled')}</Notice> : null}
      {record.status === 'revoked' ? <Notice kind="error" title={i18n.t('status.revoked')}>{i18n.t('record.revoked')}</Notice> : null}
      <Card title={i18n.t('record.title')} id="record">
        <Dl rows={[
          [i18n.t('record.serviceNumber'), <span className="number" data-testid="record-number">{record.serviceNumber}</span>],
          [i18n.t('record.status'), <StatusBadge status={record.status} />],
          [i18n.t('record.serviceName'), record.serviceName],
          [i18n.t('record.serviceType'), i18n.option('serviceType', record.serviceType)],
          [i18n.t('record.mainNumber'), <span className="number">{record.mainNumber}</span>],
          [i18n.t('record.hostName'), record.hostName],
          [i18n.t('record.hostNature'), i18n.option('nature', record.hostNature)],
          [i18n.t('record.approvedAt'), i18n.date(record.approvedAt)],
          ...(inactive && record.statusChangedAt ? [[i18n.t('record.statusChangedAt'), i18n.date(record.statusChangedAt)] as [string, string]] : []),
          [i18n.t('record.preApprovals'), record.preApprovals.length ? record.preApprovals.map((p) => `${i18n.option('preApproval', p.type)} ${p.number}`).join('；') : i18n.t('record.noPreApprovals')],
          ...(record.serviceType === 'website' ? [
            [i18n.t('record.homeUrl'), record.homeUrl ?? '—'] as [string, string],
            [i18n.t('record.domains'), record.domains.join('、')] as [string, string],
          ] : []),
          ...(record.platforms.length ? [[i18n.t('record.platforms'), (
            <ul className="plain">{record.platforms.map((p) => <li key={p.platform}>{i18n.option('platform', p.platform)}：<code>{p.packageName}</code></li>)}</ul>
          )] as [string, ReactNode]] : []),
        ]} />
      </Card>
      {!inactive ? (
        <Card title={i18n.t('record.badge')} id="badge">
          <p className="muted">{i18n.t('record.badgeLead')}</p>
          <label htmlFor="snippet" className="sr-only">{i18n.t('record.badge')}</label>
          <textarea id="snippet" className="snippet" readOnly rows={3} value={snippet} onFocus={(e) => e.target.select()} />
          <div className="row" style={{ marginTop: '.6rem' }}>
            <Button onClick={copy}>{copied ? i18n.t('record.copied') : i18n.t('record.copy')}</Button>
            {record.links?.badge ? <a href={record.links.badge} target="_blank" rel="noopener">{i18n.t('record.svgBadge')}</a> : null}
          </div>
          <p className="small">{i18n.t('record.preview')}：<a href={pageUrl} target="_blank" rel="noopener">{record.serviceNumber}</a></p>
          {record.links?.badge ? <p><img src={record.links.badge} alt={record.serviceNumber} height={20} /></p> : null}
          {record.serviceType === 'app' ? <p className="muted small">{i18n.t('record.numberNote')}</p> : null}
        </Card>
      ) : null}
    </Page>
  );
}
