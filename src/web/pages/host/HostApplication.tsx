// One application as the host follows it: status, the bureau's working-day deadline, the
// SMS check with its 24-hour countdown, remaining attempts and resend, reviewers' reasons,
// the timeline, and the actions open now (edit, resubmit, withdraw).
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ChangeDiff } from '../../components/ChangeDiff.tsx';
import { Progress } from '../../components/Progress.tsx';
import { Timeline } from '../../components/Timeline.tsx';
import { ApplicationStatus, BackLink, Button, Card, Countdown, DaysLeft, ErrorNotice, Loading, Notice, Page, StatusBadge, useCountdown } from '../../components/ui.tsx';
import { ProvisionalBadge } from '../../components/ProvisionalBadge.tsx';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { api, ApiError, findInPages } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import type { ApplicationSummary, ApplicationView, HistoryItem, SmsCheck } from '../../lib/types.ts';

/** Statuses in which the application's received/deadline dates are this round's (it reached the bureau). */
const AT_BUREAU = ['bureau_review', 'bureau_rejected', 'approved'];

export default function HostApplication() {
  const i18n = useI18n();
  const { id = '' } = useParams();
  const [view, setView] = useState<ApplicationView | null>(null);
  const [history, setHistory] = useState<HistoryItem[]>([]);
  const [summary, setSummary] = useState<ApplicationSummary | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [subjects, setSubjects] = useState<{ id: string; status: string }[]>([]);

  const load = useCallback(async () => {
    const [v, h] = await Promise.all([
      api.get<ApplicationView>(`/api/host/applications/${id}`),
      api.get<{ items: HistoryItem[] }>(`/api/host/applications/${id}/history`),
    ]);
    setView(v); setHistory(h.items);
    if (v.status === 'approved') setSubjects((await api.get<{ items: { id: string; status: string }[] }>('/api/host/subjects')).items);
    if (v.status === 'bureau_review') {
      // Its deadline summary: looked for page by page (a host with more than 100 applications under review had none past the first 100).
      setSummary(await findInPages<ApplicationSummary>('/api/host/applications?status=bureau_review', (a) => a.id === id));
    }
  }, [id]);
  useEffect(() => { load().catch(setError); }, [load]);

  if (error && !view) return <Page title={i18n.t('app.status.title')}><ErrorNotice error={error} /></Page>;
  if (!view) return <Page title={i18n.t('app.status.title')}><Loading /></Page>;

  // What became of the record since (cancelled, revoked, a shell): only the actions that still apply are offered.
  const record = view.recordStatus ?? null;
  const live = record === 'filed' || record === 'shell';
  const subjectFiled = subjects.some((s) => s.id === view.subjectId && s.status === 'filed');
  const approval = [...history].reverse().find((h) => h.action === 'bureau_approve')?.reason as { serviceNumber?: string; mainNumber?: string } | undefined;
  const withdraw = async () => {
    if (!window.confirm(i18n.t('app.status.withdrawConfirm'))) return;
    setBusy(true); setError(null);
    try { setView(await api.post<ApplicationView>(`/api/host/applications/${id}/withdraw`)); await load(); } catch (e) { setError(e); } finally { setBusy(false); }
  };
  const editable = view.availableActions.includes('edit');

  return (
    <Page title={view.serviceName ?? i18n.t('app.status.title')} lead={<><ApplicationStatus status={view.status} recordStatus={record} /> {i18n.t(`apptype.${view.applicationType}` as MessageKey)}{view.applicationType === 'change_subject' ? null : <> · {i18n.option('serviceType', view.serviceType)}</>}</>}
      actions={<>
        {editable ? <Link className="btn btn-primary" to={`/host/applications/${id}/edit`} data-testid="edit-application">{view.status === 'draft' ? i18n.t('host.continue') : i18n.t('app.status.edit')}</Link> : null}
        {!editable && view.status !== 'withdrawn' ? <Link className="btn btn-secondary" to={`/host/applications/${id}/edit`}>{i18n.t('app.status.materials')}</Link> : null}
        {view.availableActions.includes('withdraw') ? <Button variant="danger" onClick={() => void withdraw()} busy={busy}>{i18n.t('app.status.withdraw')}</Button> : null}
      </>}>
      <BackLink to="/host" />
      <Progress status={view.status} />
      <ErrorNotice error={error} />
      {view.status === 'approved' && approval?.serviceNumber && (live || record === null) ? (
        <Notice kind="success" title={i18n.t('status.approved')}>
          <p data-testid="approved-number">{i18n.t('app.status.approvedText', { number: approval.serviceNumber })}</p>
          {record === 'shell' ? <p data-testid="record-shell">{i18n.t('app.status.recordShell', { number: approval.serviceNumber })}</p> : null}
          <p><Link to={`/record/${encodeURIComponent(approval.serviceNumber)}`}>{i18n.t('app.status.viewRecord')}</Link></p>
        </Notice>
      ) : null}
      {view.status === 'approved' && (record === 'cancelled' || record === 'revoked') ? (
        <Notice kind="warning" title={i18n.t(`status.${record}`)}>
          <p data-testid="record-ended">{i18n.t(record === 'cancelled' ? 'app.status.recordCancelled' : 'app.status.recordRevoked', { number: approval?.serviceNumber ?? approval?.mainNumber ?? '—' })}</p>
          {approval?.serviceNumber ? <p><Link to={`/record/${encodeURIComponent(approval.serviceNumber)}`}>{i18n.t('app.status.viewRecord')}</Link></p> : null}
        </Notice>
      ) : null}
      {/* Changes after the number (issue 13): the filed record this application made or changed, while it is live. */}
      {view.status === 'approved' && ((view.serviceId && live) || (view.subjectId && subjectFiled)) ? (
        <p className="actions-row" data-testid="change-actions">
          {view.serviceId && live ? <Link className="btn btn-secondary" to={`/host/services/${view.serviceId}/change`}>{i18n.t('change.actions.service')}</Link> : null}
          {view.serviceId && live ? <Link className="btn btn-secondary" to={`/host/services/${view.serviceId}/add-access`}>{i18n.t('change.actions.access')}</Link> : null}
          {view.subjectId && subjectFiled ? <Link className="btn btn-secondary" to={`/host/subjects/${view.subjectId}/change`}>{i18n.t('change.actions.subject')}</Link> : null}
        </p>
      ) : null}
      {view.diff ? <ChangeDiff diff={view.diff} number={view.target?.serviceNumber ?? view.target?.mainNumber} organisations={view.organisations} /> : null}
      {view.reviewReasons.length && editable ? (
        <Notice kind="warning" title={i18n.t('wizard.reasonsTitle')}>
          <ul>{view.reviewReasons.map((raw, i) => { const r = { ...raw, ...i18n.reason(raw) }; return <li key={i}>{i18n.field(r.field)}{i18n.colon}{r.error}{r.suggestion ? i18n.paren(`${i18n.t('wizard.suggestion')}${i18n.colon}${r.suggestion}`) : ''}</li>; })}</ul>
          <p><Link to={`/host/applications/${id}/edit`}>{i18n.t('app.status.edit')}</Link></p>
        </Notice>
      ) : null}
      <div className="split">
        <div>
          {view.status === 'sms_pending' ? <SmsPanel view={view} onChange={() => load().catch(setError)} /> : null}
          {/* The bureau's clock of this round only: after a rejection and resubmission, the last round's
              "received … decided …" is history (the timeline keeps it), not this round's deadline. */}
          {view.receivedOn && view.deadlineOn && AT_BUREAU.includes(view.status) ? (
            <Card title={i18n.t('app.status.deadline')} id="deadline">
              <p>{view.status === 'bureau_review' || !view.decidedAt
                ? i18n.t('app.status.deadlineText', { received: i18n.date(view.receivedOn), deadline: i18n.date(view.deadlineOn) })
                : i18n.t('app.status.decidedText', { received: i18n.date(view.receivedOn), decided: i18n.date(view.decidedAt) })}</p>
              {view.deadlineProvisional && view.status === 'bureau_review' ? (
                <p className="small"><ProvisionalBadge deadline={view.deadlineOn} provisional /> {i18n.t('calendar.provisionalWhy', { year: view.deadlineOn.slice(0, 4) })}</p>
              ) : null}
              {summary?.remainingWorkingDays !== null && summary?.remainingWorkingDays !== undefined ? (
                <p data-testid="days-left"><DaysLeft left={summary.remainingWorkingDays} overdue={summary.overdue} /></p>
              ) : null}
            </Card>
          ) : null}
          <Card title={i18n.t('app.status.timeline')} id="timeline"><Timeline items={history} /></Card>
        </div>
        <Card title={i18n.t('app.status.title')} className="sticky">
          <dl className="dl">
            <div className="dl-row"><dt>{i18n.t('review.status')}</dt><dd><ApplicationStatus status={view.status} recordStatus={record} /></dd></div>
            <div className="dl-row"><dt>{i18n.t('app.status.submitter')}</dt><dd>{view.submitter?.name ?? '—'}</dd></div>
            {approval?.serviceNumber ? <div className="dl-row"><dt>{i18n.t('app.status.number')}</dt><dd className="number">{approval.serviceNumber}</dd></div> : null}
            <div className="dl-row"><dt>{i18n.t('review.submittedAt')}</dt><dd>{i18n.date(view.submittedAt, true)}</dd></div>
          </dl>
        </Card>
      </div>
    </Page>
  );
}

function SmsPanel({ view, onChange }: { view: ApplicationView; onChange(): void }) {
  const i18n = useI18n();
  const { session } = useSession();
  return (
    <Card title={i18n.t('sms.title')} id="sms">
      <p className="muted">{i18n.t('sms.lead')}</p>
      {/* Demo only (the development SMS provider): no phone gets the code; say where it is. */}
      {session?.devSmsInbox ? <Notice kind="info"><span data-testid="sms-dev-inbox">{i18n.t('sms.devInbox')}</span></Notice> : null}
      {view.smsChecks.map((c) => <SmsCheckRow key={c.id} applicationId={view.id} check={c} onChange={onChange} />)}
    </Card>
  );
}

function SmsCheckRow({ applicationId, check, onChange }: { applicationId: string; check: SmsCheck; onChange(): void }) {
  const i18n = useI18n();
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const left = useCountdown(check.expiresAt);
  const inputId = `code-${check.id}`;
  const pending = check.status === 'pending';
  const verify = async (e: FormEvent) => {
    e.preventDefault();
    setBusy('verify'); setError(null); setInfo(null);
    try { await api.post(`/api/host/applications/${applicationId}/sms/verify`, { challengeId: check.id, code: code.trim() }); setCode(''); onChange(); }
    catch (err) { setError(err); if (err instanceof ApiError && err.code === 'sms_code_incorrect') onChange(); } finally { setBusy(null); }
  };
  const resend = async () => {
    setBusy('resend'); setError(null);
    try { await api.post(`/api/host/applications/${applicationId}/sms/resend`, { challengeId: check.id }); setInfo(i18n.t('sms.resent')); onChange(); }
    catch (err) { setError(err); } finally { setBusy(null); }
  };
  const wrong = error instanceof ApiError && error.code === 'sms_code_incorrect';
  return (
    <div className="sms-card" data-testid="sms-check">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <div><strong className="mono">{check.mobile}</strong> <span className="muted">{check.personRoles.map((r) => i18n.t(`role.${r}` as MessageKey)).join(i18n.listSep)}</span></div>
        {pending ? <div aria-label={i18n.t('sms.expiresIn')}>{left === 0 ? <span className="overdue-text">{i18n.t('sms.expired')}</span> : <Countdown until={check.expiresAt} />}</div> : <StatusBadge status={check.status === 'verified' ? 'approved' : 'withdrawn'} />}
      </div>
      {pending ? (
        <form className="row" onSubmit={verify} style={{ marginTop: '.6rem', alignItems: 'flex-end' }}>
          <div className={`field ${wrong ? 'has-error' : ''}`} style={{ margin: 0 }}>
            <label htmlFor={inputId}>{i18n.t('sms.code')}</label>
            <input id={inputId} className="code-input" inputMode="numeric" autoComplete="one-time-code" maxLength={6} pattern="\d{6}" value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))} aria-invalid={wrong || undefined} aria-describedby={`${inputId}-meta`} data-testid="sms-code" />
          </div>
          <Button type="submit" variant="primary" busy={busy === 'verify'} disabled={code.length !== 6}>{i18n.t('sms.verify')}</Button>
          <Button onClick={() => void resend()} busy={busy === 'resend'} disabled={check.resendsLeft <= 0}>{i18n.t('sms.resend')}</Button>
        </form>
      ) : null}
      <p className="muted small" id={`${inputId}-meta`}>
        {i18n.t('sms.remaining', { n: check.remainingAttempts })} · {i18n.t('sms.resendsLeft', { n: check.resendsLeft })}
        {check.status === 'verified' ? ` · ${i18n.t('sms.verified')}` : ''}
      </p>
      {info ? <p role="status" className="small">{info}</p> : null}
      <ErrorNotice error={error} />
    </div>
  );
}
