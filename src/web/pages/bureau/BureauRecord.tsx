// A filed service as the bureau checks it (review issue items 1 and 3): subject (certificate masked
// unless revealed — the reveal is logged, ADR 0025), the subject's services, platforms with
// fingerprints and public key, access providers (ended ones marked), every application of the
// subject or service with links, the record's history, and the revocation with a confirmation step.
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { REVOCATION_CATEGORIES } from '../../../domain/supervision/blacklist.ts';
import { MaterialsView } from '../../components/Materials.tsx';
import { RevokeConfirm } from '../../components/RevokeConfirm.tsx';
import { Timeline } from '../../components/Timeline.tsx';
import { BackLink, Button, Card, Dl, ErrorNotice, Loading, Notice, Page, StatusBadge } from '../../components/ui.tsx';
import { BureauApplications } from './ApplicationsTable.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import type { HistoryItem } from '../../lib/types.ts';
import { useSession } from '../../lib/session.tsx';

interface ServiceLine { id: string; serviceNumber: string; name: string; serviceType: string; status: string }
export interface BureauRecordView {
  service: ServiceLine & { filedAt: string; statusChangedAt: string; shellSince: string | null; revocationCategory: string | null };
  subject: { id: string; name: string; subjectType: string; mainNumber: string | null; status: string; filedAt: string | null; services: ServiceLine[] };
  revealed: boolean;
  materials: Record<string, unknown>;
  organisations: Record<string, string>;
  applications: { id: string; applicationType: string; serviceType: string; serviceName: string | null; status: string; thisService: boolean; submittedAt: string | null; decidedAt: string | null }[];
  history: HistoryItem[];
  availableActions: string[];
}

export default function BureauRecord() {
  const i18n = useI18n();
  const { id = '' } = useParams();
  const [view, setView] = useState<BureauRecordView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [revoking, setRevoking] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  // The ministry reads any province's record, read-only (ADR 0037 addendum): the server offers it no action.
  const ministry = useSession().session?.role === 'ministry_admin';
  const load = useCallback(async (reveal = false) => {
    setView(await api.get<BureauRecordView>(`/api/bureau/records/${encodeURIComponent(id)}${reveal ? '?reveal=true' : ''}`));
  }, [id]);
  useEffect(() => { load().catch(setError); }, [load]);
  if (!view) return <Page title={i18n.t('br.recordTitle')}>{error ? <ErrorNotice error={error} /> : <Loading />}</Page>;
  const s = view.service;
  return (
    <Page title={`${s.name}`} lead={<><StatusBadge status={s.status} /> <span className="mono">{s.serviceNumber}</span> · {i18n.option('serviceType', s.serviceType)}</>} wide>
      <BackLink to="/bureau/records" />
      {ministry ? <Notice><span data-testid="ministry-record-read-only">{i18n.t('ministry.recordReadOnly')}</span></Notice> : null}
      {done ? <Notice kind="success" role="status"><span data-testid="revoke-done">{done}</span></Notice> : null}
      <ErrorNotice error={error} />
      <div className="split">
        <div>
          <Card title={i18n.t('br.materials')} id="materials" actions={view.revealed ? null
            : <Button className="btn-small" onClick={() => { setError(null); load(true).catch(setError); }} data-testid="reveal">{i18n.t('br.reveal')}</Button>}>
            <Notice kind={view.revealed ? 'warning' : 'info'}>{view.revealed ? i18n.t('br.revealed') : i18n.t('br.masked')}</Notice>
            <MaterialsView materials={view.materials} flagged={[]} orgNames={view.organisations} />
          </Card>
          <Card title={i18n.t('br.applications')} id="applications">
            <BureauApplications label={i18n.t('br.applications')} testId="br-applications" items={view.applications} service={(a) => <span>{a.serviceName ?? '—'}{a.thisService ? <span className="muted small">{i18n.paren(i18n.t('br.thisService'))}</span> : null}</span>} />
          </Card>
        </div>
        <div>
          <Card title={i18n.t('br.subjectPanel')} id="subject">
            <Dl rows={[
              [i18n.t('review.subjectName'), <Link to={`/bureau/subjects/${view.subject.id}`} key="s" data-testid="br-subject-link">{view.subject.name}</Link>],
              [i18n.t('record.mainNumber'), <span className="mono" key="n">{view.subject.mainNumber}</span>],
              [i18n.t('record.status'), <StatusBadge status={view.subject.status} key="s" />],
              [i18n.t('br.filedAt'), i18n.date(s.filedAt)],
            ]} />
            <h3>{i18n.t('br.subjectServices')}</h3>
            <ul className="plain" data-testid="br-services">
              {view.subject.services.map((x) => (
                <li key={x.id}>{x.id === s.id ? <strong>{x.name}</strong> : <Link to={`/bureau/records/${x.id}`}>{x.name}</Link>} <span className="mono small">{x.serviceNumber}</span> <StatusBadge status={x.status} /></li>
              ))}
            </ul>
            <p className="small"><Link to={`/record/${encodeURIComponent(s.serviceNumber)}`}>{i18n.t('br.publicPage')}</Link></p>
          </Card>
          {view.availableActions.includes('revoke') ? (
            <Card title={i18n.t('br.revoke')} id="revoke">
              {revoking ? <RevokePanel serviceId={s.id} number={s.serviceNumber} name={s.name} onCancel={() => setRevoking(false)}
                onDone={() => { setRevoking(false); setDone(i18n.t('br.revoked', { number: s.serviceNumber })); load().catch(setError); }} />
                : <><p className="muted small">{i18n.t('br.revokeLead')}</p><Button variant="danger" onClick={() => setRevoking(true)} data-testid="revoke-open">{i18n.t('br.revoke')}</Button></>}
            </Card>
          ) : null}
          <Card title={i18n.t('br.history')}><Timeline items={view.history} /></Card>
        </div>
      </div>
    </Page>
  );
}

/** The revocation: a public category and the reason, then a confirmation naming what happens (it cannot be undone). */
function RevokePanel({ serviceId, number, name, onCancel, onDone }: { serviceId: string; number: string; name: string; onCancel(): void; onDone(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [category, setCategory] = useState('');
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const categoryRef = useRef<HTMLSelectElement>(null);
  useEffect(() => { categoryRef.current?.focus(); }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) { setReasonError(true); reasonRef.current?.focus(); return; }
    setConfirming(true);
  };
  const send = async () => {
    setError(null); setBusy(true);
    try {
      await api.post(`/api/bureau/services/${serviceId}/revoke`, { reason: reason.trim(), category });
      onDone();
    } catch (e) { setError(e); setConfirming(false); } finally { setBusy(false); }
  };
  return (
    <div data-testid="revoke-panel" role="group" aria-label={`${t('br.revoke')}${i18n.colon}${number} ${name}`}>
      <ErrorNotice error={error} />
      {confirming ? (
        <RevokeConfirm className="confirm-step" target={<><span className="mono">{number}</span> {name}</>} category={category} reason={reason}
          busy={busy} onConfirm={() => void send()} onBack={() => setConfirming(false)} />
      ) : (
        <form onSubmit={submit}>
          <div className="field"><label htmlFor="revoke-category">{t('sv.revocationCategory')} <span className="req">*</span></label>
            <select id="revoke-category" ref={categoryRef} required value={category} onChange={(e) => setCategory(e.target.value)} data-testid="revoke-category">
              <option value="">{t('sv.chooseCategory')}</option>
              {REVOCATION_CATEGORIES.map((k) => <option key={k} value={k}>{i18n.option('revocationCategory', k)}</option>)}</select></div>
          <div className={`field${reasonError ? ' has-error' : ''}`}>
            <label htmlFor="revoke-reason">{t('sv.noteRevoke')} <span className="req">*</span></label>
            <textarea id="revoke-reason" ref={reasonRef} required maxLength={500} rows={3} value={reason} aria-describedby="revoke-reason-hint" aria-invalid={reasonError || undefined}
              onChange={(e) => { setReason(e.target.value); if (e.target.value.trim()) setReasonError(false); }} data-testid="revoke-reason" />
            <p className="hint" id="revoke-reason-hint">{t('br.revokeLead')}</p>
            {reasonError ? <ul className="field-errors"><li>{t('sv.noteRequired')}</li></ul> : null}
          </div>
          <div className="row">
            <Button type="submit" variant="danger" data-testid="revoke-next">{t('sv.reviewRevoke')}</Button>
            <Button onClick={onCancel}>{t('sv.cancel')}</Button>
          </div>
        </form>
      )}
    </div>
  );
}
