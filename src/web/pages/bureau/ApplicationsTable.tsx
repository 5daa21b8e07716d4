// The applications of a record or a subject, as the bureau's record and subject pages list them: kind,
// service (each page says what it knows of it), status, submitted, decided, and a link to the review.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { StatusBadge, TableWrap } from '../../components/ui.tsx';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';

export interface BureauApplicationRow { id: string; applicationType: string; status: string; submittedAt: string | null; decidedAt: string | null }

export function BureauApplications<T extends BureauApplicationRow>({ label, testId, items, service }: { label: string; testId: string; items: T[]; service(a: T): ReactNode }) {
  const i18n = useI18n();
  if (items.length === 0) return <p className="muted">{i18n.t('br.applicationsEmpty')}</p>;
  return (
    <TableWrap label={label}>
      <table className="cards" data-testid={testId}>
        <thead><tr><th>{i18n.t('review.kind')}</th><th>{i18n.t('review.service')}</th><th>{i18n.t('review.status')}</th><th>{i18n.t('review.submittedAt')}</th><th>{i18n.t('review.decidedAt')}</th><th><span className="sr-only">{i18n.t('common.actions')}</span></th></tr></thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id}>
              <td data-label={i18n.t('review.kind')}>{i18n.t(`apptype.${a.applicationType}` as MessageKey)}</td>
              <td data-label={i18n.t('review.service')}>{service(a)}</td>
              <td data-label={i18n.t('review.status')}><StatusBadge status={a.status} /></td>
              <td data-label={i18n.t('review.submittedAt')}>{i18n.date(a.submittedAt, true)}</td>
              <td data-label={i18n.t('review.decidedAt')}>{i18n.date(a.decidedAt, true)}</td>
              <td className="cell-action"><Link to={`/bureau/applications/${a.id}`}>{i18n.t('review.view')}</Link></td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
