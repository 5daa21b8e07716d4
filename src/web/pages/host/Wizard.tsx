// The filing wizard (issue 6 item 3): the four material groups step by step, checked as the
// user types by the same rules the server runs, the server's problems shown at their fields
// after each save, reviewers' reasons highlighted where they apply, then identity
// verification and submission (or resubmission) to the chosen provider or platform.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useBlocker, useNavigate, useParams } from 'react-router';
import { FormProvider, fieldId } from '../../components/form.tsx';
import { APPLICATION_KINDS } from '../../../domain/lifecycle.ts';
import { placePlatformReasons } from '../../../domain/platform-reasons.ts';
import { BackLink, Button, Card, ErrorNotice, Loading, Notice, Page, StatusBadge } from '../../components/ui.tsx';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { api, ApiError } from '../../lib/api.ts';
import { checkDraft } from '../../lib/check.ts';
import { type Json, prune, setPath, under } from '../../lib/paths.ts';
import type { ApplicationView, Problem } from '../../lib/types.ts';
import { AccessSection, PlatformsSection, ServiceSection, SubjectSection } from './sections.tsx';

type Step = 'subject' | 'service' | 'platforms' | 'access' | 'submit';
const STEP_LABEL: Record<Step, MessageKey> = {
  subject: 'wizard.step.subject', service: 'wizard.step.service', platforms: 'wizard.step.platforms', access: 'wizard.step.access', submit: 'wizard.step.submit',
};
/** Material groups a kind keeps whole as filed (an access filing: service and platforms), from the lifecycle table. */
const KEPT_GROUPS: Partial<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(APPLICATION_KINDS).map(([type, kind]) => [type, kind.fixed.filter((f) => !f.includes('.'))]));
const STEP_GROUP: Record<Step, string[]> = { subject: ['subject'], service: ['service'], platforms: ['platforms'], access: ['access'], submit: ['submitterOrgId'] };

interface FiledSubject { id: string; name: string; subjectType: 'unit' | 'individual'; mainNumber: string; provinceCode: string; status: string }
interface Submitter { id: string; name: string; kind: string }

export function stepsFor(serviceType: string, applicationType: string): Step[] {
  // A subject change (issue 13) carries the subject alone; a service change or an access filing the service.
  if (applicationType === 'change_subject') return ['subject', 'submit'];
  const s: Step[] = applicationType === 'first_filing' ? ['subject', 'service'] : ['service'];
  if (serviceType === 'app') s.push('platforms');
  if (serviceType === 'app' || serviceType === 'website') s.push('access');
  s.push('submit');
  return s;
}

/** An individual's subject is the principal: copy the principal's identity, never type it twice. */
function syncIndividual(draft: Json): Json {
  const subject = draft.subject as Json | undefined;
  if (subject?.subjectType !== 'individual') return draft;
  const p = (subject.principal as Json | undefined) ?? {};
  return { ...draft, subject: { ...subject, nature: 'individual', name: p.name, certificateType: p.certificateType, certificateNumber: p.certificateNumber, principalIsLegalRepresentative: undefined, legalPerson: undefined } };
}

/** Lists the form shows as "none" are saved as empty lists, not left out (none applies ≠ not answered). */
function withDefaults(m: Json): Json {
  const service = (m.service as Json | undefined) ?? {};
  return { ...m, service: { ...service, preApprovals: service.preApprovals ?? [], sdks: service.sdks ?? [] } };
}

/**
 * The fields an application's kind keeps as filed (APPLICATION_KINDS[].fixed and its access rule), read-only
 * in the form: a subject change's certificate and province; a service change's access providers (no record
 * added or removed); an access filing's filed access records (new ones are appended). An individual
 * becoming an enterprise unlocks what the conversion changes.
 */
function fixedFor(view: ApplicationView): (path: string) => boolean {
  const kind = APPLICATION_KINDS[view.applicationType];
  const unlocked = kind.conversion && view.filed?.subjectType === kind.conversion.from['subject.subjectType'] ? kind.conversion.unlocks : [];
  const paths = kind.fixed.filter((p) => !unlocked.includes(p));
  const filedAccess = view.filed?.accessProviders.length ?? 0;
  return (path) => {
    if (paths.some((p) => path === p || path.startsWith(`${p}.`))) return true;
    const record = /^access\.(\d+)(?:\.|$)/.exec(path);
    if (kind.access === 'add_only') return !!record && Number(record[1]) < filedAccess;
    if (kind.access === 'same_providers') return path === 'access' || (!!record && path.endsWith('.providerOrgId'));
    return false;
  };
}

/** sessionStorage key of an application's draft kept when the session expired during a save. */
const KEPT = (id: string) => `beian.keptDraft.${id}`;
/** Set while a kept draft waits for the sign-in page to say why it is there. */
export const SESSION_EXPIRED_FLAG = 'beian.sessionExpired';

function keepDraft(id: string, materials: Json, submitterOrgId: string) {
  try {
    sessionStorage.setItem(KEPT(id), JSON.stringify({ materials, submitterOrgId }));
    sessionStorage.setItem(SESSION_EXPIRED_FLAG, '1');
  } catch { /* storage full or disabled: the 401 still sends the app to sign-in */ }
}

function takeKeptDraft(id: string): { materials: Json; submitterOrgId: string } | null {
  try {
    const raw = sessionStorage.getItem(KEPT(id));
    if (!raw) return null;
    sessionStorage.removeItem(KEPT(id));
    const kept = JSON.parse(raw) as { materials?: unknown; submitterOrgId?: unknown };
    return kept && typeof kept.materials === 'object' && kept.materials !== null
      ? { materials: kept.materials as Json, submitterOrgId: typeof kept.submitterOrgId === 'string' ? kept.submitterOrgId : '' }
      : null;
  } catch { return null; }
}

const touchedBy = (touched: Set<string>, field: string) => touched.has(field) || [...touched].some((t) => field.startsWith(`${t}.`));
const key = (p: Problem) => `${p.field}|${p.code}`;

export default function Wizard() {
  const i18n = useI18n();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [view, setView] = useState<ApplicationView | null>(null);
  const [draft, setDraft] = useState<Json>({});
  const [submitterOrgId, setSubmitterOrgId] = useState<string>('');
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const [serverOnly, setServerOnly] = useState<Problem[]>([]);
  const [step, setStep] = useState<Step>('service');
  const [subjects, setSubjects] = useState<FiledSubject[]>([]);
  const [submitters, setSubmitters] = useState<Submitter[]>([]);
  const [providers, setProviders] = useState<Submitter[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  // Changes not saved yet (a package read into the form, fields typed): leaving asks first — closing the
  // tab (beforeunload) and any link of the app (the header's 我的备案 as much as the back link).
  const [dirty, setDirtyState] = useState(false);
  const dirtyRef = useRef(false);
  const setDirty = useCallback((d: boolean) => { dirtyRef.current = d; setDirtyState(d); }, []);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => { e.preventDefault(); e.returnValue = ''; };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirtyRef.current && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    if (window.confirm(i18n.t('wizard.unsaved'))) blocker.proceed(); else blocker.reset();
  }, [blocker, i18n]);
  // Typed before the session expired (a 401 on save): kept in this tab, restored after signing in again.
  const [restored, setRestored] = useState(false);
  // A problem link on the submit step: the field to focus once its step has rendered.
  const [focusField, setFocusField] = useState<string | null>(null);
  useEffect(() => {
    if (!focusField) return;
    const el = document.getElementById(fieldId(focusField));
    if (el) { el.focus(); el.scrollIntoView?.({ block: 'center' }); }
    setFocusField(null);
  }, [step, focusField]);

  useEffect(() => {
    let live = true;
    api.get<ApplicationView>(`/api/host/applications/${id}`).then(async (v) => {
      if (!live) return;
      setView(v);
      const kept = takeKeptDraft(id);
      setDraft(kept ? kept.materials : withDefaults(v.materials));
      setSubmitterOrgId(kept ? kept.submitterOrgId : v.submitter?.id ?? '');
      if (kept) { setDirty(true); setRestored(true); }
      const returned = v.reviewReasons.length > 0 || v.status !== 'draft';
      setShowAll(returned);
      const steps = stepsFor(v.serviceType, v.applicationType);
      const firstReason = v.reviewReasons[0]?.field.split('.')[0];
      // An access filing is about its new access record: it opens there (the rest stays as filed).
      const opening = firstReason ?? (v.applicationType === 'add_access' ? 'access' : '');
      setStep(steps.find((s) => STEP_GROUP[s].includes(opening)) ?? steps[0]!);
      const [subs, subm, prov] = await Promise.all([
        api.get<{ items: FiledSubject[] }>('/api/host/subjects'),
        // A change is reviewed by an organisation that holds the record (DOMAIN.md §4.3): only those are offered.
        api.get<{ items: Submitter[] }>(`/api/host/submitters${v.applicationType === 'change_subject' && v.subjectId ? `?subjectId=${v.subjectId}`
          : v.applicationType === 'change_service' && v.serviceId ? `?serviceType=${v.serviceType}&serviceId=${v.serviceId}` : `?serviceType=${v.serviceType}`}`),
        api.get<{ items: Submitter[] }>('/api/host/submitters?serviceType=website'),
      ]);
      if (!live) return;
      setSubjects(subs.items); setSubmitters(subm.items); setProviders(prov.items);
    }).catch((e: unknown) => { if (live) setError(e); });
    return () => { live = false; };
  }, [id, setDirty]);

  const reused = subjects.find((s) => s.id === view?.subjectId);
  const ctx = useMemo(() => ({
    applicationType: view?.applicationType ?? 'first_filing',
    ...(reused ? { reusedSubject: { subjectType: reused.subjectType, provinceCode: reused.provinceCode } } : {}),
  }), [view?.applicationType, reused]);
  const check = useMemo(() => checkDraft(draft, ctx), [draft, ctx]);

  const shownProblems = useMemo(() => {
    const live = check.problems.filter((p) => showAll || touchedBy(touched, p.field));
    const seen = new Set(live.map(key));
    return [...live, ...serverOnly.filter((p) => !seen.has(key(p)))];
  }, [check.problems, showAll, touched, serverOnly]);
  const shownWarnings = useMemo(() => check.warnings.filter((p) => showAll || touchedBy(touched, p.field)), [check.warnings, showAll, touched]);

  const editable = view ? view.availableActions.includes('edit') : false;
  const set = useCallback((path: string, value: unknown) => {
    setDirty(true);
    setDraft((d) => syncIndividual(setPath(d, path, value)));
    setServerOnly((s) => s.filter((p) => !(p.field === path || p.field.startsWith(`${path}.`))));
  }, [setDirty]);
  const touch = useCallback((path: string) => setTouched((t) => (t.has(path) ? t : new Set(t).add(path))), []);

  const save = async (): Promise<ApplicationView | null> => {
    if (!view || !editable) return view;
    setBusy('save'); setError(null);
    try {
      const v = await api.put<ApplicationView>(`/api/host/applications/${id}`, { materials: prune(draft), submitterOrgId: submitterOrgId || null, version: view.version });
      setView(v);
      const browser = new Set(checkDraft(draft, ctx).problems.map(key));
      setServerOnly(v.problems.filter((p) => !browser.has(key(p))));
      setSavedAt(Date.now());
      setDirty(false); setRestored(false);
      return v;
    } catch (e) {
      // The session ended: what was typed is kept in this tab and comes back after signing in
      // (the 401 has already sent the app to the sign-in page, which says why).
      if (e instanceof ApiError && e.status === 401) { keepDraft(id, draft, submitterOrgId); setDirty(false); }
      // Not saved: the last "已保存（第 n 版）" line no longer describes what is on the screen.
      setError(e); setSavedAt(null); return null;
    } finally { setBusy(null); }
  };

  if (error && !view) return <Page title={i18n.t('wizard.editTitle')}><ErrorNotice error={error} /></Page>;
  if (!view) return <Page title={i18n.t('wizard.editTitle')}><Loading /></Page>;

  const steps = stepsFor(view.serviceType, view.applicationType);
  const index = steps.indexOf(step);
  const go = async (next: Step) => {
    // Moving between steps saves only what changed: a click alone writes no version (and cannot
    // make another tab's save fail with a version conflict).
    const saved = dirty ? await save() : view;
    if (saved || !editable) { setStep(next); setShowAll((s) => s || steps.indexOf(next) < index); window.scrollTo(0, 0); document.getElementById('wizard-step')?.focus(); }
  };
  // Reviewers' reasons where their platform is in the draft as typed now (deleted platform: none at a field).
  const reasons = placePlatformReasons(view.reviewReasons, draft);
  const stepHasProblems = (s: Step) => STEP_GROUP[s].some((g) => under(shownProblems, g).length > 0) || STEP_GROUP[s].some((g) => reasons.some((r) => r.field === g || r.field.startsWith(`${g}.`)));

  const form = { draft, set, touch, problems: shownProblems, warnings: shownWarnings, reasons, readOnly: !editable, applicationId: view.id, fixed: fixedFor(view) };
  // What the kind keeps as filed is shown, not edited (an access filing: the service and its platforms).
  const fixedForm = { ...form, readOnly: true };
  const keeps = (group: string) => KEPT_GROUPS[view.applicationType]?.includes(group) ?? false;
  const title = view.serviceName ?? (draft.service as Json | undefined)?.name as string | undefined ?? i18n.t('wizard.editTitle');
  return (
    <Page title={title} lead={<><StatusBadge status={view.status} /> {i18n.t(`apptype.${view.applicationType}` as MessageKey)}{view.applicationType === 'change_subject' ? null : <> · {i18n.option('serviceType', view.serviceType)}</>}</>}>
      <BackLink to={`/host/applications/${id}`} />
      {restored ? <Notice kind="warning" role="status"><span data-testid="draft-restored">{i18n.t('wizard.restored')}</span></Notice> : null}
      {!editable ? <Notice kind="info">{i18n.t('wizard.readOnly')}</Notice> : null}
      {view.reviewReasons.length ? (
        <Notice kind="warning" title={i18n.t('wizard.reasonsTitle')} role="alert">
          <ul data-testid="review-reasons">
            {view.reviewReasons.map((raw) => ({ raw, placed: placePlatformReasons([raw], draft)[0] })).map(({ raw, placed }, i) => {
              const r = { ...(placed ?? raw), ...i18n.reason(raw) };
              // A reason about a platform the host has since deleted: said, not linked to another platform's field.
              if (!placed) return <li key={i} data-testid="reason-deleted-platform">{i18n.option('platform', raw.platform)}{i18n.paren(i18n.t('wizard.platformDeleted'))}{i18n.colon}{r.error}</li>;
              return (
              <li key={i}><a href={`#${fieldId(r.field)}`} onClick={(e) => { e.preventDefault(); const s = steps.find((x) => STEP_GROUP[x].includes(r.field.split('.')[0]!)); if (s) setStep(s); setTimeout(() => document.getElementById(fieldId(r.field))?.focus(), 50); }}>
                {i18n.field(r.field)}</a>{i18n.colon}{r.error}{r.suggestion ? i18n.paren(`${i18n.t('wizard.suggestion')}${i18n.colon}${r.suggestion}`) : ''}</li>
              );
            })}
          </ul>
        </Notice>
      ) : null}
      <ol className="steps" aria-label={i18n.t('wizard.editTitle')}>
        {steps.map((s) => (
          <li key={s}><button type="button" aria-current={s === step ? 'step' : undefined} className={stepHasProblems(s) ? 'bad' : ''} onClick={() => void go(s)}>{i18n.t(STEP_LABEL[s])}</button></li>
        ))}
      </ol>
      <FormProvider value={form}>
        <form onSubmit={(e) => { e.preventDefault(); const next = steps[index + 1]; if (next) void go(next); }} noValidate>
          <Card id="wizard-step">
            <h2 className="sr-only" tabIndex={-1}>{i18n.t(STEP_LABEL[step])}</h2>
            {step === 'subject' ? <SubjectSection /> : null}
            {step === 'service' ? (
              <FormProvider value={keeps('service') ? fixedForm : form}>
                {keeps('service') ? <Notice>{i18n.t('wizard.keptAsFiled')}</Notice> : null}
                {reused ? <Notice>{i18n.t('wizard.reusedSubject')} <strong>{reused.name}</strong>{i18n.paren(<span className="number">{reused.mainNumber}</span>)}</Notice> : null}
                <ServiceSection serviceType={view.serviceType} />
              </FormProvider>
            ) : null}
            {step === 'platforms' ? (
              <FormProvider value={keeps('platforms') ? fixedForm : form}>
                {keeps('platforms') ? <Notice>{i18n.t('wizard.keptAsFiled')}</Notice> : null}
                <PlatformsSection />
              </FormProvider>
            ) : null}
            {step === 'access' ? <AccessSection providers={providers} defaultProvider={submitters.find((s) => s.id === submitterOrgId && s.kind === 'access_provider')?.id} /> : null}
            {step === 'submit' ? (
              <SubmitStep view={view} setView={setView} problems={check.problems} submitters={submitters} submitterOrgId={submitterOrgId}
                setSubmitterOrgId={setSubmitterOrgId} save={save} editable={editable} onSubmitted={() => navigate(`/host/applications/${id}`)}
                showAll={() => setShowAll(true)} goTo={(f) => { const s = steps.find((x) => STEP_GROUP[x].includes(f.split('.')[0]!)); if (s) { setStep(s); setShowAll(true); setFocusField(f); } }} />
            ) : null}
          </Card>
          <ErrorNotice error={error} />
          {/* The field being left shows its hint on blur, which moves these buttons down between the press and
              the release: a click would land beside them. Pressing here does not take the focus first. */}
          <div className="row actions-bar" onMouseDown={(e) => e.preventDefault()}>
            {index > 0 ? <Button onClick={() => void go(steps[index - 1]!)}>{i18n.t('wizard.prev')}</Button> : null}
            {editable ? <Button onClick={() => void save()} busy={busy === 'save'}>{i18n.t('wizard.save')}</Button> : null}
            {index < steps.length - 1 ? <Button type="submit" variant="primary" busy={busy === 'save'}>{editable ? i18n.t('wizard.next') : i18n.t('search.next')}</Button> : null}
            {savedAt ? <span className="muted small" role="status">{i18n.t('wizard.saved', { version: view.version })}</span> : null}
          </div>
        </form>
      </FormProvider>
    </Page>
  );
}

function SubmitStep({ view, setView, problems, submitters, submitterOrgId, setSubmitterOrgId, save, editable, onSubmitted, showAll, goTo }: {
  view: ApplicationView; setView(v: ApplicationView): void; problems: Problem[]; submitters: Submitter[]; submitterOrgId: string; setSubmitterOrgId(s: string): void;
  save(): Promise<ApplicationView | null>; editable: boolean; onSubmitted(): void; showAll(): void; goTo(field: string): void;
}) {
  const i18n = useI18n();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const now = Date.now();
  // A change verifies only principals new to the record (issue 13): the server says at submission if one is.
  const isChange = ['change_service', 'change_subject', 'add_access'].includes(view.applicationType);
  const passed = view.identityTasks.some((t) => t.status === 'passed' && Date.parse(t.expiresAt) > now);
  const verified = isChange || passed;
  const canSubmit = view.availableActions.includes('submit');
  // An access filing is reviewed by the provider it adds: only those are offered.
  const added = view.applicationType === 'add_access'
    ? new Set((view.diff ?? []).filter((c) => /^access\.\d+\.providerOrgId$/.test(c.field) && c.old == null).map((c) => String(c.new)))
    : null;
  const choices = added ? submitters.filter((s) => added.has(s.id)) : submitters;
  const resubmit = view.status !== 'draft';

  const verify = async () => {
    setBusy('identity'); setError(null);
    try {
      await api.post(`/api/host/applications/${view.id}/identity-verification`);
      setView(await api.get<ApplicationView>(`/api/host/applications/${view.id}`));
    } catch (e) { setError(e); } finally { setBusy(null); }
  };
  const submit = async () => {
    showAll();
    if (problems.length) return;
    setBusy('submit'); setError(null);
    try {
      const saved = await save();
      if (!saved) return;
      await api.post(`/api/host/applications/${view.id}/submit`, submitterOrgId ? { submitterOrgId } : {});
      onSubmitted();
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.errors[0]) goTo(e.errors[0].field);
    } finally { setBusy(null); }
  };

  return (
    <div className="stack">
      <div className="field">
        <label htmlFor="submitter">{i18n.t('wizard.submitter')}</label>
        <select id="submitter" value={submitterOrgId} disabled={!editable} onChange={(e) => setSubmitterOrgId(e.target.value)} aria-describedby="submitter-hint">
          <option value="">{i18n.t('common.select')}</option>
          {choices.map((s) => <option key={s.id} value={s.id}>{s.name}{i18n.paren(i18n.t(`orgkind.${s.kind}` as MessageKey))}</option>)}
        </select>
        <p className="hint" id="submitter-hint">{i18n.t('wizard.submitterHint')}</p>
      </div>
      {problems.length ? (
        <Notice kind="error" title={i18n.t('wizard.problemsLeft', { n: problems.length })}>
          <ul data-testid="problem-summary">
            {problems.slice(0, 30).map((p, i) => <li key={i}><a href={`#${fieldId(p.field)}`} onClick={(e) => { e.preventDefault(); goTo(p.field); }}>{i18n.field(p.field)}</a>{i18n.colon}{i18n.problem(p)}</li>)}
          </ul>
        </Notice>
      ) : <Notice kind="success">{i18n.t('wizard.noProblems')}</Notice>}
      <Card title={i18n.t('wizard.identity')}>
        <p className="muted">{isChange ? i18n.t('wizard.identityLeadChange') : i18n.t('wizard.identityLead')}</p>
        {/* The development verifier passes at once: say so, so nobody takes it for a real face check. */}
        {view.identityTasks.some((t) => t.verifier === 'development') ? <Notice kind="info"><span data-testid="identity-demo">{i18n.t('wizard.identityDemo')}</span></Notice> : null}
        {view.identityTasks.length ? (
          <ul>{view.identityTasks.map((t) => <li key={t.id}>{i18n.t(`role.${t.personRole}` as MessageKey)}{i18n.colon}{t.status === 'passed' ? '✓ ' : ''}{i18n.t(`identity.${t.status}` as MessageKey)}{i18n.paren(i18n.date(t.createdAt, true))}</li>)}</ul>
        ) : null}
        {editable ? <Button onClick={() => void verify()} busy={busy === 'identity'} variant={passed || isChange ? 'secondary' : 'primary'}>{passed ? i18n.t('wizard.identityDone') : i18n.t('wizard.identityStart')}</Button> : null}
      </Card>
      <ErrorNotice error={error} />
      {canSubmit ? (
        <>
          <Button variant="primary" onClick={() => void submit()} busy={busy === 'submit'} disabled={!submitterOrgId || !verified || problems.length > 0} data-testid="submit-application">
            {resubmit ? i18n.t('wizard.resubmit') : i18n.t('wizard.submit')}
          </Button>
          {problems.length ? <p className="muted small">{i18n.t('wizard.submitBlocked')}</p> : null}
        </>
      ) : <p><Link to={`/host/applications/${view.id}`}>{i18n.t('app.status.title')}</Link></p>}
    </div>
  );
}

