// Reviewing an application (issue 6 items 4 and 5): all its materials, the timeline, and the
// reviewer's decision — the provider approves and submits or returns; the bureau approves
// (a number is allocated) or rejects — with field-level reasons picked from the materials.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ChangeDiff } from '../../components/ChangeDiff.tsx';
import { fieldPaths, MaterialsView, type MaterialsPart } from '../../components/Materials.tsx';
import { PackageChecks } from '../../components/PackageChecks.tsx';
import { Timeline } from '../../components/Timeline.tsx';
import { BackLink, Button, Card, Dl, ErrorNotice, Loading, Notice, Page, StatusBadge } from '../../components/ui.tsx';
import { ProvisionalBadge } from '../../components/ProvisionalBadge.tsx';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import { convertibleFrom, keptAccessRecords, reasonFieldEditable } from '../../../domain/lifecycle.ts';
import { useSession } from '../../lib/session.tsx';
import type { ApplicationView, HistoryItem, ReviewReason, SubjectRecord } from '../../lib/types.ts';

type Audience = 'provider' | 'bureau';
const DECIDED = ['approved', 'bureau_rejected'];

export default function ReviewPage({ audience }: { audience: Audience }) {
  const i18n = useI18n();
  const { id = '' } = useParams();
  // The ministry opens a bureau's application read-only (the server offers it no actions).
  const { session } = useSession();
  const ministry = audience === 'bureau' && session?.role === 'ministry_admin';
  const base = `/api/${audience}/applications/${id}`;
  const [view, setView] = useState<ApplicationView | null>(null);
  const [history, setHistory] = useState<HistoryItem[]>([]);
  const [reasons, setReasons] = useState<ReviewReason[]>([]);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // Set when a return was asked with a reason lacking its field or its problem: those are marked, not dropped.
  const [checkReasons, setCheckReasons] = useState(false);
  // The bureau's decisions cannot be undone: each goes through a confirmation step naming what happens.
  const [confirming, setConfirming] = useState<'approve' | 'return' | null>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  useEffect(() => { if (confirming) confirmRef.current?.focus(); }, [confirming]);
  // Going back returns the focus to the button that asked (keyboard users stay where they were).
  const cancelConfirm = () => { const was = confirming; setConfirming(null); setTimeout(() => document.querySelector<HTMLElement>(`[data-testid="${was === 'approve' ? 'approve' : 'return'}"]`)?.focus(), 30); };

  const load = useCallback(async () => {
    const [v, h] = await Promise.all([api.get<ApplicationView>(base), api.get<{ items: HistoryItem[] }>(`${base}/history`)]);
    setView(v); setHistory(h.items);
  }, [base]);
  useEffect(() => { load().catch(setError); }, [load]);

  if (error && !view) return <Page title={i18n.t('review.materials')}><ErrorNotice error={error} /></Page>;
  if (!view) return <Page title={i18n.t('review.materials')}><Loading /></Page>;

  const canApprove = view.availableActions.includes(audience === 'provider' ? 'provider_approve' : 'bureau_approve');
  const canReturn = view.availableActions.includes(audience === 'provider' ? 'provider_return' : 'bureau_reject');
  const flag = (field: string) => {
    setReasons((rs) => [...rs, { field, error: '', suggestion: '' }]);
    setTimeout(() => document.getElementById(`reason-error-${reasons.length}`)?.focus(), 30);
  };
  const act = async (kind: 'approve' | 'return') => {
    setError(null); setDone(null);
    const list = reasons.filter((r) => r.field && r.error.trim()).map((r) => ({ field: r.field, error: r.error.trim(), ...(r.suggestion?.trim() ? { suggestion: r.suggestion.trim() } : {}) }));
    // A reason without its field or without its problem is never sent silently short: the reviewer
    // completes or removes it (the host would otherwise never hear of what was written in it).
    const incomplete = reasons.findIndex((r) => !r.field || !r.error.trim());
    if (kind === 'return' && incomplete >= 0) {
      setCheckReasons(true);
      setError(new Error(i18n.t('review.reasonsIncomplete', { n: reasons.filter((r) => !r.field || !r.error.trim()).length })));
      document.getElementById(reasons[incomplete]!.field ? `reason-error-${incomplete}` : `reason-field-${incomplete}`)?.focus();
      return;
    }
    if (kind === 'return' && !list.length) { setError(new Error(i18n.t('review.reasonsNeeded'))); return; }
    if (audience === 'bureau' && confirming !== kind) { setConfirming(kind); return; }
    setConfirming(null);
    setBusy(kind);
    try {
      if (kind === 'approve') {
        const r = await api.post<ApplicationView | { mainNumber: string; serviceNumber: string | null; application: ApplicationView }>(`${base}/approve`, audience === 'provider' && note.trim() ? { note: note.trim() } : {});
        // A first filing or a new service is allocated its number; a change keeps the number it changes
        // (a subject change names its main number: it has no service number).
        if ('mainNumber' in r) {
          const allocated = view.applicationType === 'first_filing' || view.applicationType === 'new_service';
          setDone(i18n.t(allocated ? 'review.approvedNumber' : 'review.approvedKept', { number: r.serviceNumber ?? r.mainNumber }));
        }
      } else {
        await api.post(`${base}/${audience === 'provider' ? 'return' : 'reject'}`, { reasons: list });
        setReasons([]); setCheckReasons(false);
      }
      await load();
    } catch (e) { setError(e); } finally { setBusy(null); }
  };
  // Only fields this kind of application lets the host change (a subject change: the subject; an access filing: access).
  // An access filing's filed access records are kept as filed: only the new provider's record may be flagged.
  // A subject change unlocks the certificate only for an individual becoming an enterprise (its filed type says so).
  const context = {
    keptAccess: keptAccessRecords(view.applicationType, view.filed?.accessProviders ?? [], view.materials),
    ...(view.filed ? { convertible: convertibleFrom(view.applicationType, { subject: { subjectType: view.filed.subjectType } }) } : {}),
  };
  const canFlag = (p: string) => reasonFieldEditable(view.applicationType, p, context);
  const paths = fieldPaths(view.materials).filter(canFlag);
  // Only a first filing and a new service are allocated a number; every other kind keeps the number it acts on.
  const allocates = view.applicationType === 'first_filing' || view.applicationType === 'new_service';
  const accessFiling = view.applicationType === 'add_access';
  // The submitter's name for access records it serves (other providers show their id).
  const orgs: Record<string, string> = view.organisations;

  return (
    <Page title={view.serviceName ?? '—'} lead={<><StatusBadge status={view.status} /> {i18n.t(`apptype.${view.applicationType}` as MessageKey)}{view.applicationType === 'change_subject' ? null : <> · {i18n.option('serviceType', view.serviceType)}</>}{view.deadlineOn && view.status === 'bureau_review' ? <> · {i18n.t('review.deadline')} {i18n.date(view.deadlineOn)} <ProvisionalBadge deadline={view.deadlineOn} provisional={view.deadlineProvisional} /></> : null}{view.decidedAt && DECIDED.includes(view.status) ? <> · <span data-testid="decided-at">{i18n.t('br.decided')} {i18n.date(view.decidedAt, true)}</span></> : null}</>} wide>
      <BackLink to={audience === 'provider' ? '/provider' : '/bureau'} />
      {ministry ? <Notice><span data-testid="ministry-read-only">{i18n.t('ministry.readOnly')}</span></Notice> : null}
      {done ? <Notice kind="success" role="status"><span data-testid="review-done">{done}</span></Notice> : null}
      <div className="split">
        <div>
        {/* An access filing: what is under review (the new access record) first; the subject it serves after it. */}
        {view.subjectRecord && !accessFiling ? <SubjectPanel record={view.subjectRecord} changes={view.applicationType === 'change_subject'} /> : null}
        {view.applicationType === 'change_subject' && !view.subjectRecord && view.target?.mainNumber
          ? <p data-testid="subject-change-target">{i18n.t('review.subjectView')}{i18n.colon}<SubjectViewLink mainNumber={view.target.mainNumber} subjectId={audience === 'bureau' ? view.subjectId : null} /></p> : null}
        {/* An access filing's diff is its new access record, shown under review below. */}
        {view.diff && !accessFiling ? <ChangeDiff diff={view.diff} number={view.target?.serviceNumber ?? view.target?.mainNumber} organisations={view.organisations} /> : null}
        <Card title={i18n.t('review.materials')} id="materials">
          {view.applicationType === 'new_service' && !view.subjectRecord ? <Notice>{i18n.t('review.reusedSubject')}</Notice> : null}
          <PackageChecks checks={view.packageChecks ?? []} materials={view.materials} />
          {accessFiling ? <AccessFilingMaterials view={view} kept={context.keptAccess} onFlag={canReturn ? flag : undefined} canFlag={canFlag} flagged={reasons} orgNames={orgs} />
            : <MaterialsView materials={view.materials} onFlag={canReturn ? flag : undefined} canFlag={canFlag} flagged={reasons} orgNames={orgs} />}
        </Card>
        {view.subjectRecord && accessFiling ? <SubjectPanel record={view.subjectRecord} changes={view.applicationType === 'change_subject'} /> : null}
        </div>
        <div className="sticky">
          <Card title={i18n.t('review.reasons')} id="decision">
            {canApprove || canReturn ? (
              <>
                {canReturn ? <p className="muted small">{i18n.t('review.reasonsLead')}</p> : null}
                {reasons.map((r, i) => (
                  <div className="subform" key={i} data-testid="reason">
                    <div className={`field ${checkReasons && !r.field ? 'has-error' : ''}`}>
                      <label htmlFor={`reason-field-${i}`}>{i18n.t('review.field')}</label>
                      <select id={`reason-field-${i}`} value={r.field} onChange={(e) => setReasons((rs) => rs.map((x, j) => (j === i ? { ...x, field: e.target.value } : x)))}>
                        <option value="">{i18n.t('common.select')}</option>
                        {paths.map((p) => <option key={p} value={p}>{i18n.field(p)}</option>)}
                      </select>
                    </div>
                    <div className={`field ${checkReasons && !r.error.trim() ? 'has-error' : ''}`}>
                      <label htmlFor={`reason-error-${i}`}>{i18n.t('review.error')}</label>
                      <textarea id={`reason-error-${i}`} rows={2} value={r.error} maxLength={500} onChange={(e) => setReasons((rs) => rs.map((x, j) => (j === i ? { ...x, error: e.target.value } : x)))} />
                    </div>
                    <div className="field">
                      <label htmlFor={`reason-suggestion-${i}`}>{i18n.t('review.suggestion')}</label>
                      <textarea id={`reason-suggestion-${i}`} rows={2} value={r.suggestion ?? ''} maxLength={500} onChange={(e) => setReasons((rs) => rs.map((x, j) => (j === i ? { ...x, suggestion: e.target.value } : x)))} />
                    </div>
                    <Button variant="link" className="btn-small" onClick={() => setReasons((rs) => rs.filter((_, j) => j !== i))}>{i18n.t('wizard.remove')}</Button>
                  </div>
                ))}
                {canReturn ? <Button className="btn-small" onClick={() => setReasons((rs) => [...rs, { field: '', error: '', suggestion: '' }])}>{i18n.t('review.addReason')}</Button> : null}
                {audience === 'provider' && canApprove ? (
                  <div className="field" style={{ marginTop: '1rem' }}>
                    <label htmlFor="note">{i18n.t('review.note')}</label>
                    <textarea id="note" rows={2} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
                  </div>
                ) : null}
                <ErrorNotice error={error} />
                {confirming ? (
                  <div ref={confirmRef} tabIndex={-1} className="confirm-step" data-testid="decision-confirm" role="alertdialog" aria-labelledby="decision-confirm-title" aria-describedby="decision-confirm-lead"
                    onKeyDown={(e) => { if (e.key === 'Escape') cancelConfirm(); }}>
                    <h3 id="decision-confirm-title" style={{ marginTop: 0 }}>{confirming === 'approve' ? i18n.t('review.confirmApproveTitle') : i18n.t('review.confirmRejectTitle')}</h3>
                    <p id="decision-confirm-lead">{confirming === 'approve'
                      ? i18n.t(allocates ? 'review.confirmApproveNew' : view.applicationType === 'add_access' ? 'review.confirmApproveAccess' : 'review.confirmApproveChange')
                      : i18n.t('review.confirmRejectLead', { n: reasons.filter((r) => r.field && r.error.trim()).length })}</p>
                    <p><strong>{view.serviceName ?? '—'}</strong>{i18n.paren(i18n.t(`apptype.${view.applicationType}` as MessageKey))}</p>
                    <div className="row">
                      <Button variant={confirming === 'approve' ? 'primary' : 'danger'} onClick={() => void act(confirming)} busy={busy === confirming} data-testid="decision-confirm-yes">{i18n.t('review.confirm')}</Button>
                      <Button onClick={cancelConfirm} data-testid="decision-confirm-back">{i18n.t('review.back')}</Button>
                    </div>
                  </div>
                ) : null}
                {confirming ? null : <div className="row" style={{ marginTop: '1rem' }}>
                  {canApprove ? <Button variant="primary" onClick={() => void act('approve')} busy={busy === 'approve'} disabled={reasons.length > 0} data-testid="approve">
                    {audience === 'provider' ? i18n.t('review.approve') : i18n.t(allocates ? 'review.bureauApprove' : 'review.bureauApproveKept')}</Button> : null}
                  {canReturn ? <Button variant="danger" onClick={() => void act('return')} busy={busy === 'return'} disabled={reasons.length === 0} data-testid="return">
                    {audience === 'provider' ? i18n.t('review.return') : i18n.t('review.bureauReject')}</Button> : null}
                </div>}
              </>
            ) : <><p className="muted">{i18n.t('review.noActions')}</p><ErrorNotice error={error} /></>}
          </Card>
          {view.reviewReasons.length ? (
            <Card title={i18n.t('review.previousReasons')}>
              <ul>{view.reviewReasons.map((raw, i) => { const r = { ...raw, ...i18n.reason(raw) }; return <li key={i}>{i18n.field(r.field)}{i18n.colon}{r.error}{r.suggestion ? i18n.paren(r.suggestion) : ''}</li>; })}</ul>
            </Card>
          ) : null}
          {view.identityTasks.length || view.smsChecks.length ? (
            <Card title={i18n.t('wizard.identity')}>
              <ul className="plain">
                {view.identityTasks.map((t) => <li key={t.id}>{i18n.t(`role.${t.personRole}` as MessageKey)}{i18n.colon}{i18n.t(`identity.${t.status}` as MessageKey)}{i18n.paren(i18n.date(t.completedAt ?? t.createdAt, true))}</li>)}
                {view.smsChecks.map((c) => <li key={c.id}>{i18n.t('sms.title')} {c.mobile}{i18n.colon}{c.status === 'verified' ? i18n.t('sms.verified') : c.status === 'pending' ? `${i18n.t('status.sms_pending')}${i18n.paren(i18n.t('sms.remaining', { n: c.remainingAttempts }))}` : i18n.t(`sms.state.${c.status}` as MessageKey)}</li>)}
              </ul>
            </Card>
          ) : null}
          <Card title={i18n.t('review.history')}><Timeline items={history} /></Card>
        </div>
      </div>
    </Page>
  );
}

/**
 * The subject's own page: for the bureau (and the ministry) its console's subject page, with identity, services,
 * applications and history (`subjectId`); for a provider, the public record of the subject.
 */
function SubjectViewLink({ mainNumber, subjectId }: { mainNumber: string; subjectId: string | null }) {
  const i18n = useI18n();
  const to = subjectId ? `/bureau/subjects/${subjectId}` : `/subject/${encodeURIComponent(mainNumber)}`;
  return <Link className="mono" to={to} data-testid="subject-view-link" title={i18n.t('review.subjectView')}>{mainNumber}</Link>;
}

/** The filed subject a follow-up application acts under (review issue item 2): who it is, its record, its other applications. */
function SubjectPanel({ record, changes }: { record: SubjectRecord; changes: boolean }) {
  const i18n = useI18n();
  // A subject change does not reuse the subject (沿用): it changes it; the panel shows it as filed now.
  return (
    <Card title={i18n.t(changes ? 'review.changedSubject' : 'review.followUpSubject')} id="subject-record">
      <Dl rows={[
        [i18n.t('review.subjectName'), <span data-testid="subject-name" key="n">{record.name}</span>],
        [i18n.t('record.mainNumber'), record.mainNumber ? <SubjectViewLink key="m" mainNumber={record.mainNumber} subjectId={record.id} /> : '—'],
        [i18n.t('review.subjectCertificate'), <span className="mono" key="c">{i18n.option('certificateType', record.certificateType)} {record.certificateNumber}</span>],
        [i18n.t('record.status'), <StatusBadge status={record.status} key="s" />],
      ]} />
      {record.recordServiceId ? <p><Link to={`/bureau/records/${record.recordServiceId}`} data-testid="subject-record-link">{i18n.t('review.subjectRecord')}</Link></p> : null}
      {/* The subject's services, each to its record page: a subject change names no one service (it led to the first). */}
      <h3>{i18n.t('review.subjectServices')}</h3>
      <ul className="plain" data-testid="subject-services">
        {record.services.map((x) => (
          <li key={x.id}><Link to={`/bureau/records/${x.id}`}>{x.name}</Link> <span className="mono small">{x.serviceNumber}</span> <StatusBadge status={x.status} /></li>
        ))}
      </ul>
      <h3>{i18n.t('review.subjectApplications')}</h3>
      {record.applications.length === 0 ? <p className="muted small">{i18n.t('review.subjectApplicationsNone')}</p> : (
        <ul className="plain" data-testid="subject-applications">
          {record.applications.map((a) => (
            <li key={a.id}><Link to={`/bureau/applications/${a.id}`}>{i18n.t(`apptype.${a.applicationType}` as MessageKey)}{i18n.colon}{a.serviceName ?? '—'}</Link> <StatusBadge status={a.status} /> <span className="muted small">{i18n.date(a.decidedAt ?? a.submittedAt, true)}</span></li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/**
 * An access filing (新增接入) carries the filed service unchanged and one new provider's access record: only
 * that record is under review. It comes first, to be flagged; the filed service, platforms and access records
 * follow folded, read-only, as the record the new access joins.
 */
function AccessFilingMaterials({ view, kept, onFlag, canFlag, flagged, orgNames }: { view: ApplicationView; kept: ReadonlySet<number>; onFlag?: (field: string) => void; canFlag(p: string): boolean; flagged: ReviewReason[]; orgNames: Record<string, string> }) {
  const i18n = useI18n();
  const underReview: MaterialsPart = { groups: ['access'], access: (i) => !kept.has(i) };
  const asFiled: MaterialsPart = { groups: ['service', 'platforms', 'access'], access: (i) => kept.has(i) };
  return (
    <>
      <section className="under-review" data-testid="under-review" aria-labelledby="under-review-title">
        <h3 id="under-review-title">{i18n.t('review.underReviewAccess')}</h3>
        <p className="muted small">{i18n.t('review.underReviewAccessLead')}</p>
        <MaterialsView materials={view.materials} onFlag={onFlag} canFlag={canFlag} flagged={flagged} orgNames={orgNames} only={underReview} />
      </section>
      <details className="as-filed" data-testid="as-filed">
        <summary>{i18n.t('review.asFiledSummary', { number: view.target?.serviceNumber ?? '—' })}</summary>
        <p className="muted small">{i18n.t('review.asFiledLead')}</p>
        <MaterialsView materials={view.materials} flagged={[]} orgNames={orgNames} only={asFiled} />
      </details>
    </>
  );
}
