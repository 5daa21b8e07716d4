// A review queue: the provider's applications waiting for first review, or the bureau's
// queue ordered by working days left (overdue rows marked red). The ministry reads the bureaus'
// queue nationwide with a province select, and opens an application to view it (查看, not 审核).
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Card, DaysLeft, ErrorNotice, Loading, Page, Pager, StatusBadge, TableWrap } from '../../components/ui.tsx';
import { APPLICATION_TYPES } from '../../../domain/lifecycle.ts';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { api, qs } from '../../lib/api.ts';
import type { ApplicationSummary, ListView } from '../../lib/types.ts';
import { ProvisionalBadge } from '../../components/ProvisionalBadge.tsx';
import { ProvinceFilter, provinceName, useProvinceParam } from '../../components/ProvinceFilter.tsx';
import { useSession } from '../../lib/session.tsx';

const STATUSES = ['provider_review', 'returned', 'sms_pending', 'bureau_review', 'bureau_rejected', 'approved'] as const;

export function Queue({ audience, title, defaultStatus, statuses }: { audience: 'provider' | 'bureau'; title: MessageKey; defaultStatus: string; statuses: readonly string[] }) {
  const i18n = useI18n();
  const [status, setStatus] = useState(defaultStatus);
  // The kind of application (首次备案, 变更主体 …): a reviewer works through one kind at a time.
  const [kind, setKind] = useState('');
  const [page, setPage] = useState(1);
  const [list, setList] = useState<ListView<ApplicationSummary> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { session } = useSession();
  const bureau = audience === 'bureau';
  // The ministry reads the bureaus' queue nationwide (or one province's), without deciding.
  const ministry = bureau && session?.role === 'ministry_admin';
  const [province, setProvince] = useProvinceParam();
  const scope = ministry ? province : '';
  useEffect(() => {
    setList(null); setError(null);
    api.get<ListView<ApplicationSummary>>(`/api/${audience}/applications${qs({ status, page, pageSize: 50, ...(kind ? { applicationType: kind } : {}), ...(scope ? { province: scope } : {}) })}`).then(setList).catch(setError);
  }, [audience, status, page, scope, kind]);
  // Decided applications (已备案, 管局退回) are a record of decisions, not a queue: no deadline, no 审核 link.
  const decided = bureau && DECIDED.includes(status);
  // A provider's other lists are its applications in that state, not its queue: no 审核 link, a heading that says so.
  const notQueue = !bureau && status !== defaultStatus;
  // The bureau's deadline, wherever one runs (a provider following its submissions at the bureau too).
  const deadlines = bureau || status === 'bureau_review';
  const heading = decided ? i18n.t('review.bureauDecided') : ministry ? i18n.t('ministry.queueTitle')
    : notQueue ? i18n.t('review.providerList', { status: i18n.t(`status.${status}` as MessageKey) }) : i18n.t(title);
  return (
    <Page title={heading} lead={ministry ? i18n.t('ministry.queueLead') : undefined} wide>
      <div className="row" style={{ marginBottom: '1rem' }}>
        <label htmlFor="status-filter">{i18n.t('review.filter')}</label>
        <select id="status-filter" value={status} onChange={(e) => { setStatus(e.target.value); setPage(1); }} style={{ maxWidth: '16rem' }}>
          {statuses.map((s) => <option key={s} value={s}>{i18n.t(`status.${s}` as MessageKey)}</option>)}
        </select>
        <label htmlFor="kind-filter">{i18n.t('review.kind')}</label>
        <select id="kind-filter" value={kind} onChange={(e) => { setKind(e.target.value); setPage(1); }} style={{ maxWidth: '12rem' }} data-testid="kind-filter">
          <option value="">{i18n.t('review.allKinds')}</option>
          {APPLICATION_TYPES.map((k) => <option key={k} value={k}>{i18n.t(`apptype.${k}` as MessageKey)}</option>)}
        </select>
        {ministry ? <ProvinceFilter inline value={province} onChange={(c) => { setProvince(c); setPage(1); }} /> : null}
      </div>
      <ErrorNotice error={error} />
      {!list ? <Loading /> : list.items.length === 0 ? <Card><p>{i18n.t('review.empty')}</p></Card> : (
        <TableWrap label={heading}>
          <table className="cards" data-testid={decided ? 'decided-table' : 'queue-table'}>
            <thead><tr>
              <th>{i18n.t('review.service')}</th>{ministry ? <th>{i18n.t('ministry.province')}</th> : null}<th>{i18n.t('review.kind')}</th><th>{i18n.t('review.type')}</th><th>{i18n.t('review.status')}</th>
              {decided ? <><th>{i18n.t('review.number')}</th><th>{i18n.t('review.decidedAt')}</th><th>{i18n.t('review.decidedBy')}</th></>
                : <><th>{i18n.t('review.submittedAt')}</th>{deadlines ? <><th>{i18n.t('review.deadline')}</th><th>{i18n.t('review.left')}</th></> : null}</>}
              <th><span className="sr-only">{i18n.t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
              {list.items.map((a) => (
                <tr key={a.id} className={!decided && deadlines && a.overdue ? 'overdue' : ''} data-testid="queue-row">
                  <td data-label={i18n.t('review.service')}><QueueName a={a} /></td>
                  {ministry ? <td data-label={i18n.t('ministry.province')} data-testid="queue-province">{provinceName(a.provinceCode, i18n.lang)}</td> : null}
                  <td data-label={i18n.t('review.kind')} data-testid="queue-kind">{i18n.t(`apptype.${a.applicationType}` as MessageKey)}</td>
                  <td data-label={i18n.t('review.type')}>{a.applicationType === 'change_subject' ? i18n.t('br.subject') : i18n.option('serviceType', a.serviceType)}</td>
                  <td data-label={i18n.t('review.status')}><StatusBadge status={a.status} /></td>
                  {decided ? <>
                    <td data-label={i18n.t('review.number')} data-testid="queue-number">{a.number ?? '—'}</td>
                    <td data-label={i18n.t('review.decidedAt')}>{i18n.date(a.decidedAt, true)}</td>
                    <td data-label={i18n.t('review.decidedBy')}>{a.decidedBy ?? '—'}</td>
                  </> : <>
                    <td data-label={i18n.t('review.submittedAt')}>{i18n.date(a.submittedAt, true)}</td>
                    {deadlines ? <>
                      <td data-label={i18n.t('review.deadline')}>{i18n.date(a.deadlineOn)} <ProvisionalBadge deadline={a.deadlineOn} provisional={a.deadlineProvisional} /></td>
                      <td data-label={i18n.t('review.left')}>{a.remainingWorkingDays === null ? '—' : <DaysLeft left={a.remainingWorkingDays} overdue={a.overdue} short />}</td>
                    </> : null}
                  </>}
                  <td className="cell-action"><Link to={`/${audience}/applications/${a.id}`} data-testid="queue-open">{decided || ministry || notQueue ? i18n.t('review.view') : i18n.t('review.open')}</Link></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {list ? <Pager page={list.page} pageSize={list.pageSize} total={list.total} onPage={setPage} /> : null}
    </Page>
  );
}

export const PROVIDER_STATUSES = STATUSES;

const DECIDED = ['approved', 'bureau_rejected'];

/** The service (or, for a subject change, the subject) and, below it, the subject it is filed under. */
function QueueName({ a }: { a: ApplicationSummary }) {
  const i18n = useI18n();
  if (a.applicationType === 'change_subject') return <>{a.subjectName ?? a.serviceName ?? '—'}</>;
  // One element: the phone's card layout puts a cell's children beside its label, in one column.
  return (
    <div>
      {a.serviceName ?? '—'}
      {a.subjectName && a.subjectName !== a.serviceName ? <div className="muted small" data-testid="queue-subject">{i18n.t('review.subjectOf', { name: a.subjectName })}</div> : null}
    </div>
  );
}
