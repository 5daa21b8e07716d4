// Starting a change of a filed record (issue 13): /host/services/:id/change,
// /host/subjects/:id/change and /host/services/:id/add-access. The filed materials are fetched
// (GET …/materials), posted back as a draft of the change, and the filing wizard opens with them
// pre-filled — a change is fetch → edit → post, reviewed like a first filing, the numbers kept.
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { BackLink, Button, Card, ErrorNotice, Loading, Notice, Page } from '../../components/ui.tsx';
import { type MessageKey, useI18n } from '../../i18n/index.tsx';
import { api, ApiError } from '../../lib/api.ts';
import type { ApplicationView } from '../../lib/types.ts';

type Mode = 'change_service' | 'change_subject' | 'add_access';
interface Body { applicationType: Mode; serviceId?: string; subjectId?: string; serviceType?: string; materials: { access?: { providerOrgId?: string }[] } & Record<string, unknown> }
interface Org { id: string; name: string; kind: string }

const serviceDomains = (b: Body): string[] => {
  const d = (b.materials.service as { domains?: unknown } | undefined)?.domains;
  return Array.isArray(d) ? d.filter((x): x is string => typeof x === 'string') : [];
};

const TEXT: Record<Mode, [MessageKey, MessageKey]> = {
  change_service: ['change.service.title', 'change.service.lead'],
  change_subject: ['change.subject.title', 'change.subject.lead'],
  add_access: ['change.access.title', 'change.access.lead'],
};

export default function StartChange({ mode }: { mode: Mode }) {
  const i18n = useI18n();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const [body, setBody] = useState<Body | null>(null);
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [submitterOrgId, setSubmitterOrgId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const url = mode === 'change_subject' ? `/api/host/subjects/${id}/materials` : `/api/host/services/${id}/materials`;
    api.get<Body>(url).then(async (b) => {
      const type = b.serviceType ?? 'website';
      // A change is reviewed by an organisation that holds the record: only those are offered (新增接入: any new provider).
      const query = mode === 'change_subject' ? `?subjectId=${id}` : mode === 'change_service' ? `?serviceType=${type}&serviceId=${id}` : `?serviceType=${type}`;
      const list = await api.get<{ items: Org[] }>(`/api/host/submitters${query}`);
      const filed = new Set((b.materials.access ?? []).map((a) => a.providerOrgId));
      // 新增接入: the new provider reviews; the others: any submitter, the current provider first.
      const items = mode === 'add_access' ? list.items.filter((o) => o.kind === 'access_provider' && !filed.has(o.id)) : [...list.items].sort((a, c) => Number(filed.has(c.id)) - Number(filed.has(a.id)));
      setBody(b); setOrgs(items); setSubmitterOrgId(items[0]?.id ?? '');
    }).catch(setError);
  }, [id, mode]);

  const start = async () => {
    if (!body) return;
    setBusy(true); setError(null);
    try {
      const materials = mode === 'add_access'
        // The new record as the access step's own button adds one: cloud access, serving every domain of the service.
        ? { ...body.materials, access: [...(body.materials.access ?? []), { providerOrgId: submitterOrgId, accessMethod: 'cloud', ips: [], domains: serviceDomains(body) }] }
        : body.materials;
      const v = await api.post<ApplicationView>('/api/host/applications', { ...body, applicationType: mode, materials, ...(submitterOrgId ? { submitterOrgId } : {}) });
      navigate(`/host/applications/${v.id}/edit`);
    } catch (e) { setError(e); } finally { setBusy(false); }
  };

  const [title, lead] = TEXT[mode];
  // Which filed service or subject this starts from: the page is opened from a list of several.
  const m = body?.materials as { service?: { name?: string }; subject?: { name?: string } } | undefined;
  const targetName = mode === 'change_subject' ? m?.subject?.name : m?.service?.name;
  const openId = error instanceof ApiError && error.code === 'application_already_open' ? /[0-9a-f]{8}-[0-9a-f-]{27}/.exec(error.message)?.[0] : undefined;
  return (
    <Page title={i18n.t(title)} lead={i18n.t(lead)}>
      {/* Service changes and new access start from the filed records (已备案), as a subject change mostly does. */}
      <BackLink to="/host/records" />
      {!body && !error ? <Loading /> : null}
      {body ? (
        <Card>
          {targetName ? (
            <p data-testid="change-target">{i18n.t(`change.target.${mode}` as MessageKey)}{i18n.colon}<strong>{targetName}</strong>
              {mode === 'change_subject' || !body.serviceType ? null : i18n.paren(i18n.option('serviceType', body.serviceType))}</p>
          ) : null}
          <div className="field">
            <label htmlFor="change-submitter">{mode === 'add_access' ? i18n.t('change.newProvider') : i18n.t('wizard.submitter')}</label>
            <select id="change-submitter" value={submitterOrgId} onChange={(e) => setSubmitterOrgId(e.target.value)}>
              {orgs.map((o) => <option key={o.id} value={o.id}>{o.name}{i18n.paren(i18n.t(`orgkind.${o.kind}` as MessageKey))}</option>)}
            </select>
          </div>
          {mode === 'add_access' && orgs.length === 0 ? <Notice kind="warning">{i18n.t('change.noNewProvider')}</Notice> : null}
          <Button variant="primary" onClick={() => void start()} busy={busy} disabled={!submitterOrgId} data-testid="start-change">{i18n.t(mode === 'add_access' ? 'change.access.start' : 'change.start')}</Button>
        </Card>
      ) : null}
      <ErrorNotice error={error} />
      {openId ? <p><Link to={`/host/applications/${openId}`}>{i18n.t('change.open')}</Link></p> : null}
    </Page>
  );
}
