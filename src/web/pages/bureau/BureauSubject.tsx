// The bureau's subject page (/bureau/subjects/:id): where a subject change, a new service and a
// record's subject panel lead a reviewer (they led to the public subject page, which has neither the
// certificate, the principals nor the history). Identity masked; in full only through the reveal,
// which is recorded in the personal-data access log (ADR 0025). Its services with numbers and
// states, every application of the subject, and the history of the subject and its services.
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { MaterialsView } from '../../components/Materials.tsx';
import { Timeline } from '../../components/Timeline.tsx';
import { BackLink, Button, Card, ErrorNotice, Loading, Notice, Page, StatusBadge } from '../../components/ui.tsx';
import { BureauApplications } from './ApplicationsTable.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import type { HistoryItem } from '../../lib/types.ts';

interface BureauSubjectView {
  subject: { id: string; name: string; subjectType: string; nature: string; mainNumber: string | null; status: string; provinceCode: string; filedAt: string | null; updatedAt: string };
  revealed: boolean;
  materials: Record<string, unknown>;
  services: { id: string; serviceNumber: string; name: string; serviceType: string; status: string; filedAt: string; statusChangedAt: string; activeAccess: number }[];
  applications: { id: string; applicationType: string; serviceType: string; serviceName: string | null; status: string; serviceId: string | null; submittedAt: string | null; decidedAt: string | null; deadlineOn: string | null }[];
  history: HistoryItem[];
}

export default function BureauSubject() {
  const i18n = useI18n();
  const { id = '' } = useParams();
  const [view, setView] = useState<BureauSubjectView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const ministry = useSession().session?.role === 'ministry_admin';
  const load = useCallback(async (reveal = false) => {
    setView(await api.get<BureauSubjectView>(`/api/bureau/subjects/${encodeURIComponent(id)}${reveal ? '?reveal=true' : ''}`));
  }, [id]);
  useEffect(() => { setView(null); load().catch(setError); }, [load]);
  if (!view) return <Page title={i18n.t('bs.title')}>{error ? <ErrorNotice error={error} /> : <Loading />}</Page>;
  const s = view.subject;
  return (
    <Page title={s.name} lead={<><StatusBadge status={s.status} /> <span className="mono" data-testid="bs-main-number">{s.mainNumber ?? '—'}</span> · {i18n.option('nature', s.nature)}</>} wide>
      <BackLink to="/bureau/records" />
      {ministry ? <Notice><span>{i18n.t('ministry.recordReadOnly')}</span></Notice> : null}
      <ErrorNotice error={error} />
      <div className="split">
        <div>
          <Card title={i18n.t('bs.identity')} id="identity" actions={view.revealed ? null
            : <Button className="btn-small" onClick={() => { setError(null); load(true).catch(setError); }} data-testid="bs-reveal">{i18n.t('br.reveal')}</Button>}>
            <Notice kind={view.revealed ? 'warning' : 'info'}><span data-testid="bs-revealed">{view.revealed ? i18n.t('br.revealed') : i18n.t('br.masked')}</span></Notice>
            <MaterialsView materials={view.materials} flagged={[]} orgNames={{}} />
          </Card>
          <Card title={i18n.t('bs.applications')} id="applications">
            <BureauApplications label={i18n.t('bs.applications')} testId="bs-applications" items={view.applications} service={(a) => (a.applicationType === 'change_subject' ? <span className="muted">{i18n.t('bs.theSubject')}</span> : a.serviceName ?? '—')} />
          </Card>
        </div>
        <div>
          <Card title={i18n.t('br.subjectServices')} id="services">
            {view.services.length === 0 ? <p className="muted">{i18n.t('bs.noServices')}</p> : (
              <ul className="plain" data-testid="bs-services">
                {view.services.map((x) => (
                  <li key={x.id} style={{ marginBottom: '.5rem' }}>
                    <Link to={`/bureau/records/${x.id}`}>{x.name}</Link>{i18n.paren(i18n.option('serviceType', x.serviceType))} <StatusBadge status={x.status} />
                    <div className="mono small">{x.serviceNumber}</div>
                    <div className="muted small">{i18n.t('br.filedAt')} {i18n.date(x.filedAt)}{x.serviceType === 'app' || x.serviceType === 'website' ? <> · {i18n.t('bs.activeAccess', { n: x.activeAccess })}</> : null}</div>
                  </li>
                ))}
              </ul>
            )}
            {s.mainNumber ? <p className="small"><Link to={`/subject/${encodeURIComponent(s.mainNumber)}`}>{i18n.t('br.publicPage')}</Link></p> : null}
          </Card>
          <Card title={i18n.t('bs.history')}><Timeline items={view.history} /></Card>
        </div>
      </div>
    </Page>
  );
}
