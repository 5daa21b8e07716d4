// The host's filings: every application with its status, the filed subjects, and the host's notices.
import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { ApplicationStatus, Card, DaysLeft, ErrorNotice, Loading, Page, Pager, StatusBadge, TableWrap } from '../../components/ui.tsx';
import { NoticesCard } from '../../components/Notices.tsx';
import { ProvisionalBadge } from '../../components/ProvisionalBadge.tsx';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { api, qs } from '../../lib/api.ts';
import type { ApplicationSummary, ListView } from '../../lib/types.ts';

interface Subject { id: string; name: string; subjectType: string; mainNumber: string; provinceCode: string; status: string }

const HOST_PAGE = 50;

export default function HostHome() {
  const i18n = useI18n();
  // Paged like the other lists (newest first, 50 a page): a host with many applications reaches the older ones.
  const [page, setPage] = useState(1);
  const [apps, setApps] = useState<ListView<ApplicationSummary> | null>(null);
  const [subjects, setSubjects] = useState<Subject[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.get<ListView<ApplicationSummary>>(`/api/host/applications${qs({ page, pageSize: HOST_PAGE })}`).then(setApps).catch(setError);
  }, [page]);
  useEffect(() => { api.get<{ items: Subject[] }>('/api/host/subjects').then((s) => setSubjects(s.items)).catch(setError); }, []);
  // The navigation's 通知 opens this page at its notices (/host#notices).
  const { hash } = useLocation();
  const loaded = apps !== null;
  useEffect(() => { if (hash === '#notices' && loaded) document.getElementById('notices')?.scrollIntoView(); }, [hash, loaded]);
  return (
    <Page title={i18n.t('host.title')} lead={i18n.t('host.lead')} actions={<Link className="btn btn-primary" to="/host/new">{i18n.t('host.new')}</Link>}>
      <ErrorNotice error={error} />
      {!apps ? <Loading /> : apps.items.length === 0 ? <Card><p>{i18n.t('host.empty')}</p></Card> : (
        <TableWrap label={i18n.t('host.title')}>
          <table className="cards">
            <thead><tr><th>{i18n.t('review.service')}</th><th>{i18n.t('review.type')}</th><th>{i18n.t('review.status')}</th><th>{i18n.t('review.deadline')}</th><th>{i18n.t('host.updatedAt')}</th><th><span className="sr-only">{i18n.t('common.actions')}</span></th></tr></thead>
            <tbody>
              {apps.items.map((a) => (
                <tr key={a.id} data-testid="host-application">
                  <td data-label={i18n.t('review.service')}>{a.serviceName ?? '—'}</td>
                  <td data-label={i18n.t('review.type')}>{i18n.t(`apptype.${a.applicationType}` as MessageKey)}{a.applicationType === 'change_subject' ? null : <> · {i18n.option('serviceType', a.serviceType)}</>}</td>
                  <td data-label={i18n.t('review.status')}><ApplicationStatus status={a.status} recordStatus={a.recordStatus} /></td>
                  <td data-label={i18n.t('review.deadline')}>{a.deadlineOn && a.status === 'bureau_review' ? <>{i18n.date(a.deadlineOn)} <ProvisionalBadge deadline={a.deadlineOn} provisional={a.deadlineProvisional} />{a.remainingWorkingDays !== null ? <div className="muted small"><DaysLeft left={a.remainingWorkingDays} overdue={a.overdue} /></div> : null}</> : '—'}</td>
                  <td data-label={i18n.t('host.updatedAt')}>{i18n.date(a.updatedAt, true)}</td>
                  <td className="cell-action"><Link to={`/host/applications/${a.id}`}>{i18n.t('host.open')}</Link></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {apps ? <div data-testid="applications-pager"><Pager page={apps.page} pageSize={apps.pageSize} total={apps.total} onPage={setPage} /></div> : null}
      {subjects.length ? (
        <Card title={i18n.t('host.subjects')} className="mt">
          <ul>{subjects.map((s) => <li key={s.id}>{s.name} · <span className="number">{s.mainNumber}</span> <StatusBadge status={s.status} />{s.status === 'filed' ? <> · <Link to={`/host/subjects/${s.id}/change`} data-testid="change-subject">{i18n.t('change.actions.subject')}</Link></> : null}</li>)}</ul>
        </Card>
      ) : null}
      {/* What the registry told this host (application steps, changes, shells, cleanups, revocations, certificates). */}
      <NoticesCard url="/api/host/notifications" pageSize={5} className="mt" id="notices" />
    </Page>
  );
}
