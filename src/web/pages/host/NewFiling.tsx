// Starting a filing: which service, on which subject (a filed one is reused — nothing typed
// twice), through which provider or platform. Creates the draft and opens the wizard.
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Card, ErrorNotice, Page } from '../../components/ui.tsx';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import type { ApplicationView } from '../../lib/types.ts';

interface Subject { id: string; name: string; subjectType: string; mainNumber: string; provinceCode: string; status: string }
interface Submitter { id: string; name: string; kind: string }
const TYPES = ['app', 'mini_program', 'quick_app', 'website'] as const;

export default function NewFiling() {
  const i18n = useI18n();
  const navigate = useNavigate();
  const [serviceType, setServiceType] = useState<string>('app');
  const [subjectId, setSubjectId] = useState<string>('');
  const [submitterOrgId, setSubmitterOrgId] = useState<string>('');
  const [subjects, setSubjects] = useState<Subject[]>([]);
  const [submitters, setSubmitters] = useState<Submitter[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // 开始填写 waits for both lists: a click before them would make a draft with no subject or submitter
  // chosen — not what the page shows once they arrive.
  const [subjectsLoaded, setSubjectsLoaded] = useState(false);
  const [submittersFor, setSubmittersFor] = useState<string | null>(null);

  useEffect(() => {
    api.get<{ items: Subject[] }>('/api/host/subjects').then((r) => {
      const filed = r.items.filter((s) => s.status === 'filed');
      setSubjects(filed);
      // A host with a filed subject adds services under it (one subject per certificate: refiling the
      // same certificate is refused at submit); a new subject is the deliberate choice.
      setSubjectId((cur) => cur || filed[0]?.id || '');
      setSubjectsLoaded(true);
    }).catch(setError);
  }, []);
  useEffect(() => {
    let current = true;
    setSubmittersFor(null);
    api.get<{ items: Submitter[] }>(`/api/host/submitters?serviceType=${serviceType}`)
      .then((r) => {
        if (!current) return; // a later choice of service type asked again; its answer counts
        setSubmitters(r.items); setSubmitterOrgId((cur) => (r.items.some((s) => s.id === cur) ? cur : r.items[0]?.id ?? ''));
        setSubmittersFor(serviceType);
      })
      .catch(setError);
    return () => { current = false; };
  }, [serviceType]);
  const ready = subjectsLoaded && submittersFor === serviceType;

  const create = async () => {
    setBusy(true); setError(null);
    try {
      // Back here after 开始填写 and clicking it again: the untouched draft made then is opened, not another empty one.
      const key = `beian.newDraft.${subjectId ? 'new_service' : 'first_filing'}.${serviceType}.${subjectId}.${submitterOrgId}`;
      const earlier = (() => { try { return sessionStorage.getItem(key); } catch { return null; } })();
      if (earlier) {
        const v = await api.get<ApplicationView>(`/api/host/applications/${earlier}`).catch(() => null);
        if (v && v.status === 'draft' && v.version === 1) { navigate(`/host/applications/${v.id}/edit`); return; }
      }
      const body = {
        applicationType: subjectId ? 'new_service' : 'first_filing', serviceType,
        ...(subjectId ? { subjectId } : {}), ...(submitterOrgId ? { submitterOrgId } : {}),
        materials: serviceType === 'website' ? { service: { principal: { sameAsSubjectPrincipal: true } } } : {},
      };
      const v = await api.post<ApplicationView>('/api/host/applications', body);
      try { sessionStorage.setItem(key, v.id); } catch { /* private mode: a new draft each time, as before */ }
      navigate(`/host/applications/${v.id}/edit`);
    } catch (e) { setError(e); } finally { setBusy(false); }
  };

  return (
    <Page title={i18n.t('wizard.title')}>
      <Card>
        <fieldset>
          <legend>{i18n.t('wizard.serviceType')}</legend>
          <div className="radio-cards">
            {TYPES.map((t) => (
              <label key={t} className={`radio-card ${serviceType === t ? 'on' : ''}`}>
                <input type="radio" name="serviceType" value={t} checked={serviceType === t} onChange={() => setServiceType(t)} />
                <span>{i18n.option('serviceType', t)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>{i18n.t('wizard.filingKind')}</legend>
          <div className="stack">
            <label className={`radio-card ${subjectId === '' ? 'on' : ''}`}>
              <input type="radio" name="subject" checked={subjectId === ''} onChange={() => setSubjectId('')} />
              <span>{i18n.t('wizard.newSubject')}{subjects.length ? <span className="hint" style={{ display: 'block' }} data-testid="new-subject-hint">{i18n.t('wizard.newSubjectHint')}</span> : null}</span>
            </label>
            {subjects.map((s) => (
              <label key={s.id} className={`radio-card ${subjectId === s.id ? 'on' : ''}`}>
                <input type="radio" name="subject" checked={subjectId === s.id} onChange={() => setSubjectId(s.id)} />
                <span>{i18n.t('wizard.reuseSubject', { name: s.name, number: s.mainNumber })}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor="submitter">{i18n.t('wizard.submitter')}</label>
          <select id="submitter" value={submitterOrgId} onChange={(e) => setSubmitterOrgId(e.target.value)} aria-describedby="submitter-hint">
            {submitters.map((s) => <option key={s.id} value={s.id}>{s.name}{i18n.paren(i18n.t(`orgkind.${s.kind}` as MessageKey))}</option>)}
          </select>
          <p className="hint" id="submitter-hint">{i18n.t('wizard.submitterHint')}</p>
        </div>
        <ErrorNotice error={error} />
        <Button variant="primary" onClick={() => void create()} busy={busy} disabled={!ready} data-testid="create-application">{i18n.t('wizard.create')}</Button>
      </Card>
    </Page>
  );
}
