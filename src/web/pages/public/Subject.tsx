// A subject's public page (主体备案号): the host, its status and every service filed under the
// number, each linked to its record page, and the subject's own events (its change, its end), listed as the
// record page lists a service's — GET /api/public/v1/subjects/{mainNumber}. A main number typed where a
// service number is expected (/record/<main number>) comes here.
import { type ReactNode, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { type PublicEvent, RecordEvents } from '../../components/RecordEvents.tsx';
import { Card, Dl, ErrorNotice, Loading, Notice, Page, StatusBadge, TableWrap } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api, ApiError } from '../../lib/api.ts';
import type { PublicRecord } from '../../lib/types.ts';

interface PublicSubject {
  mainNumber: string; hostName: string; hostType: string; hostNature: string; provinceCode: string; status: 'filed' | 'cancelled' | 'revoked';
  statusChangedAt: string | null; approvedAt: string | null; events: PublicEvent[]; services: PublicRecord[];
}

export function SubjectPage() {
  const i18n = useI18n();
  const { number = '' } = useParams();
  const [subject, setSubject] = useState<PublicSubject | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const ctl = new AbortController();
    setSubject(null); setError(null);
    api.get<PublicSubject>(`/api/public/v1/subjects/${encodeURIComponent(number)}`, ctl.signal)
      .then(setSubject).catch((e: unknown) => { if (!ctl.signal.aborted) setError(e); });
    return () => ctl.abort();
  }, [number]);

  if (error instanceof ApiError && error.status === 404) {
    return <Page title={i18n.t('subject.title')}><Notice kind="warning">{i18n.t('record.notFound', { number })}</Notice><Link to="/">{i18n.t('nav.search')}</Link></Page>;
  }
  if (error) return <Page title={i18n.t('subject.title')}><ErrorNotice error={error} /><Link to="/">{i18n.t('nav.search')}</Link></Page>;
  if (!subject) return <Page title={i18n.t('subject.title')}><Loading /></Page>;
  return (
    <Page title={subject.hostName} lead={<><span className="number">{subject.mainNumber}</span> <StatusBadge status={subject.status} /></>}>
      {subject.status === 'cancelled' ? <Notice kind="warning" title={i18n.t('status.cancelled')}><span data-testid="subject-ended">{i18n.t('subject.cancelled')}</span></Notice> : null}
      {subject.status === 'revoked' ? <Notice kind="error" title={i18n.t('status.revoked')}><span data-testid="subject-ended">{i18n.t('subject.revoked')}</span></Notice> : null}
      <Card title={i18n.t('subject.title')} id="subject">
        <Dl rows={[
          [i18n.t('record.mainNumber'), <span className="number" data-testid="subject-number">{subject.mainNumber}</span>],
          [i18n.t('record.status'), <StatusBadge status={subject.status} />],
          [i18n.t('record.hostName'), subject.hostName],
          [i18n.t('record.hostNature'), i18n.option('nature', subject.hostNature)],
          [i18n.t('record.approvedAt'), i18n.date(subject.approvedAt)],
          // When it ended (cancelled or revoked), as the record page gives a service's.
          ...(subject.status !== 'filed' && subject.statusChangedAt ? [[i18n.t('record.statusChangedAt'), <span data-testid="subject-status-changed">{i18n.date(subject.statusChangedAt)}</span>] as [string, ReactNode]] : []),
        ]} />
      </Card>
      <RecordEvents events={subject.events} testId="subject-events" lead={(loaded) => (
        <p className="muted small" data-testid="subject-events-lead">{loaded ? i18n.t('subject.eventsLeadImported', { date: i18n.date(loaded) }) : i18n.t('subject.eventsLead')}</p>
      )} />
      <Card title={i18n.t('subject.services', { n: subject.services.length })} className="mt">
        {subject.services.length ? (
          <TableWrap label={i18n.t('subject.services', { n: subject.services.length })}>
            <table className="cards" data-testid="subject-services">
              <thead><tr><th>{i18n.t('record.serviceNumber')}</th><th>{i18n.t('record.serviceName')}</th><th>{i18n.t('record.serviceType')}</th><th>{i18n.t('record.status')}</th></tr></thead>
              <tbody>
                {subject.services.map((s) => (
                  <tr key={s.serviceNumber}>
                    <td data-label={i18n.t('record.serviceNumber')}><Link className="number" to={`/record/${encodeURIComponent(s.serviceNumber)}`}>{s.serviceNumber}</Link></td>
                    <td data-label={i18n.t('record.serviceName')}>{s.serviceName}</td>
                    <td data-label={i18n.t('record.serviceType')}>{i18n.option('serviceType', s.serviceType)}</td>
                    {/* A shell (空壳) is filed but without access: marked as the search and the record page mark it. */}
                    <td data-label={i18n.t('record.status')}><StatusBadge status={s.status === 'filed' && s.shellSince ? 'shell' : s.status} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : <p className="muted">{i18n.t('subject.noServices')}</p>}
      </Card>
    </Page>
  );
}
