// Sign-in and host registration. Field problems from the server are shown at their fields.
import { type FormEvent, useEffect, useState } from 'react';
import { validateDisplayName, validatePassword } from '../../../domain/accounts.ts';
import { validateEmail, validateMobile, type Validation } from '../../../domain/validation/index.ts';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { Button, Card, ErrorNotice, Notice, Page } from '../../components/ui.tsx';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { api, ApiError } from '../../lib/api.ts';
import { homeFor, safeNext, useSession } from '../../lib/session.tsx';

function Input({ id, label, value, onChange, onBlur, type = 'text', autoComplete, error, hint, inputMode }: {
  id: string; label: string; value: string; onChange(v: string): void; onBlur?: () => void; type?: string; autoComplete?: string; error?: string; hint?: string; inputMode?: 'tel' | 'email';
}) {
  return (
    <div className={`field ${error ? 'has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input id={id} name={id} type={type} value={value} autoComplete={autoComplete} inputMode={inputMode} onChange={(e) => onChange(e.target.value)} onBlur={onBlur}
        aria-invalid={error ? true : undefined} aria-describedby={[hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined} required />
      {hint ? <p className="hint" id={`${id}-hint`}>{hint}</p> : null}
      {error ? <ul className="field-errors" id={`${id}-err`}><li>{error}</li></ul> : null}
    </div>
  );
}

function fieldErrors(error: unknown, i18n: ReturnType<typeof useI18n>): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(error.errors.map((e) => [e.field.replace(/^body\./, ''), i18n.problem(e)]));
}

export function LoginPage() {
  const i18n = useI18n();
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // The session ended while a filing was being saved: its typed values wait in this tab (Wizard.tsx).
  const [expired] = useState(() => { try { return sessionStorage.getItem('beian.sessionExpired') === '1'; } catch { return false; } });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const s = await signIn(login.trim(), password);
      try { sessionStorage.removeItem('beian.sessionExpired'); } catch { /* ignore */ }
      const next = safeNext(params.get('next')) ?? homeFor(s.role);
      // A one-time password (`beian admin create`): the new password comes before anything else.
      navigate(s.mustChangePassword ? `/password?next=${encodeURIComponent(next)}` : next, { replace: true });
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return (
    <Page title={i18n.t('auth.login.title')}>
      <Card className="narrow">
        {expired ? <Notice kind="warning" role="status"><span data-testid="session-expired">{i18n.t('auth.login.expiredDraft')}</span></Notice> : null}
        <form onSubmit={submit} noValidate>
          <ErrorNotice error={error} />
          <Input id="login" label={i18n.t('auth.login.login')} value={login} onChange={setLogin} autoComplete="username" />
          <Input id="password" label={i18n.t('auth.login.password')} value={password} onChange={setPassword} type="password" autoComplete="current-password" />
          <Button type="submit" variant="primary" busy={busy}>{i18n.t('auth.login.submit')}</Button>
        </form>
        <p><Link to="/register">{i18n.t('auth.login.noAccount')}</Link></p>
        <p><Link to={`/reset-password${login.trim() ? `?login=${encodeURIComponent(login.trim())}` : ''}`}>{i18n.t('auth.login.forgot')}</Link></p>
        <Notice>{i18n.t('auth.login.demo')}</Notice>
      </Card>
    </Page>
  );
}

export function RegisterPage() {
  const i18n = useI18n();
  const { register } = useSession();
  const navigate = useNavigate();
  const [form, setForm] = useState({ displayName: '', mobile: '', email: '', password: '', smsCode: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  // Step 1: a code by SMS proves the mobile (the same answer whether or not it has an account); a minute before asking again.
  const [sent, setSent] = useState<number | null>(null);
  const [cooldown, setCooldown] = useState(0);
  const [codeBusy, setCodeBusy] = useState(false);
  useEffect(() => {
    if (cooldown <= 0) return undefined;
    const t = setTimeout(() => setCooldown((c) => c - 1), 1000);
    return () => clearTimeout(t);
  }, [cooldown]);
  const getCode = async () => {
    setTouched((t) => new Set(t).add('mobile'));
    if (!validateMobile(form.mobile).ok) return;
    setCodeBusy(true); setError(null);
    try {
      setSent((await api.post<{ validForMinutes: number }>('/api/auth/register/code', { mobile: form.mobile.trim() })).validForMinutes);
      setCooldown(60);
    } catch (err) { setError(err); } finally { setCodeBusy(false); }
  };
  // The server's rules, checked as the user leaves each field; the server's answer wins after submitting.
  const local: Record<string, Validation<unknown>> = {
    displayName: validateDisplayName(form.displayName), mobile: validateMobile(form.mobile), email: validateEmail(form.email),
    password: validatePassword(form.password, { mobile: form.mobile, email: form.email }),
  };
  const localErrs = Object.fromEntries(Object.entries(local).filter(([k, v]) => touched.has(k) && !v.ok).map(([k, v]) => [k, v.ok ? '' : i18n.problem(v.error)]));
  const errs = { ...localErrs, ...fieldErrors(error, i18n) };
  const set = (k: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));
  const touch = (k: string) => () => setTouched((t) => new Set(t).add(k));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(new Set(Object.keys(local)));
    if (Object.values(local).some((v) => !v.ok)) return;
    setBusy(true); setError(null);
    try {
      await register({ ...form, locale: i18n.lang });
      navigate('/host', { replace: true });
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const label = (k: string) => i18n.t(`auth.register.${k}` as MessageKey);
  return (
    <Page title={i18n.t('auth.register.title')}>
      <Card className="narrow">
        <form onSubmit={submit} noValidate>
          {error && !Object.keys(errs).length ? <ErrorNotice error={error} /> : null}
          <Input id="displayName" label={label('displayName')} value={form.displayName} onChange={set('displayName')} onBlur={touch('displayName')} autoComplete="name" error={errs.displayName} />
          <Input id="mobile" label={label('mobile')} value={form.mobile} onChange={set('mobile')} onBlur={touch('mobile')} type="tel" inputMode="tel" autoComplete="tel" error={errs.mobile} />
          <div className="sms-code-row">
            <Input id="smsCode" label={label('smsCode')} value={form.smsCode} onChange={set('smsCode')} inputMode="tel" autoComplete="one-time-code" error={errs.smsCode} />
            <Button type="button" onClick={getCode} busy={codeBusy} disabled={cooldown > 0} data-testid="get-sms-code">
              {cooldown > 0 ? i18n.t('auth.register.resend', { seconds: cooldown }) : label('getCode')}
            </Button>
          </div>
          {sent !== null ? <Notice role="status"><span data-testid="sms-code-sent">{i18n.t('auth.register.codeSent', { validity: sent % 60 === 0 ? i18n.t('auth.validity.hours', { n: sent / 60 }) : i18n.t('auth.validity.minutes', { n: sent }) })}</span></Notice> : null}
          <Input id="email" label={label('email')} value={form.email} onChange={set('email')} onBlur={touch('email')} type="email" inputMode="email" autoComplete="email" error={errs.email} />
          <Input id="new-password" label={label('password')} value={form.password} onChange={set('password')} onBlur={touch('password')} type="password" autoComplete="new-password" error={errs.password} hint={label('passwordHint')} />
          <Button type="submit" variant="primary" busy={busy}>{i18n.t('auth.register.submit')}</Button>
        </form>
        <p><Link to="/login">{i18n.t('auth.register.haveAccount')}</Link></p>
      </Card>
    </Page>
  );
}

// Deploy (issue 12 part 2): set a new password — forced after signing in with a one-time
// password, and available to anyone signed in at /password.
export function ChangePasswordPage() {
  const i18n = useI18n();
  const { session, ready, changePassword } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form, setForm] = useState({ current: '', next: '', again: '' });
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  if (ready && !session) return <Navigate to="/login?next=%2Fpassword" replace />;
  const forced = Boolean(session?.mustChangePassword);
  const errs = fieldErrors(error, i18n);
  const local = form.next ? validatePassword(form.next, { login: session?.user?.login ?? null }) : null;
  const nextError = errs.newPassword ?? (local && !local.ok ? i18n.problem(local.error) : undefined);
  const set = (k: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMismatch(form.next !== form.again);
    if (form.next !== form.again || (local && !local.ok)) return;
    setBusy(true); setError(null);
    try {
      const s = await changePassword(form.current, form.next);
      navigate(safeNext(params.get('next')) ?? homeFor(s.role), { replace: true });
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return (
    <Page title={i18n.t('auth.password.title')}>
      <Card className="narrow">
        {forced ? <Notice>{i18n.t('auth.password.forced')}</Notice> : null}
        <form onSubmit={submit} noValidate data-testid="change-password">
          {error && !Object.keys(errs).length ? <ErrorNotice error={error} /> : null}
          <Input id="current-password" label={i18n.t(forced ? 'auth.password.oneTime' : 'auth.password.current')} value={form.current} onChange={set('current')}
            type="password" autoComplete="current-password" error={errs.currentPassword} />
          <Input id="new-password" label={i18n.t('auth.password.new')} value={form.next} onChange={set('next')} type="password" autoComplete="new-password"
            error={nextError} hint={i18n.t('auth.register.passwordHint')} />
          <Input id="new-password-again" label={i18n.t('auth.password.again')} value={form.again} onChange={set('again')} type="password" autoComplete="new-password"
            error={mismatch ? i18n.t('auth.password.mismatch') : undefined} />
          <Button type="submit" variant="primary" busy={busy}>{i18n.t('auth.password.submit')}</Button>
        </form>
      </Card>
    </Page>
  );
}

// A forgotten password, or the first password of a host account brought in by `beian import`:
// a code to the account's own mobile or email, then the new password (which signs in).
export function ResetPasswordPage() {
  const i18n = useI18n();
  const { resetPassword } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [login, setLogin] = useState(params.get('login') ?? '');
  const [sent, setSent] = useState<number | null>(null);
  const [form, setForm] = useState({ code: '', next: '', again: '' });
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const errs = fieldErrors(error, i18n);
  const set = (k: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));
  const ask = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      setSent((await api.post<{ validForMinutes: number }>('/api/auth/password-reset', { login: login.trim() })).validForMinutes);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setMismatch(form.next !== form.again);
    if (form.next !== form.again) return;
    setBusy(true); setError(null);
    try {
      const s = await resetPassword(login.trim(), form.code.trim(), form.next);
      navigate(homeFor(s.role), { replace: true });
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return (
    <Page title={i18n.t('auth.reset.title')}>
      <Card className="narrow">
        {sent === null ? (
          <form onSubmit={ask} noValidate data-testid="reset-ask">
            <p>{i18n.t('auth.reset.lead')}</p>
            {error && !Object.keys(errs).length ? <ErrorNotice error={error} /> : null}
            <Input id="login" label={i18n.t('auth.login.login')} value={login} onChange={setLogin} autoComplete="username" error={errs.login} />
            <Button type="submit" variant="primary" busy={busy}>{i18n.t('auth.reset.send')}</Button>
          </form>
        ) : (
          <form onSubmit={confirm} noValidate data-testid="reset-confirm">
            <Notice>{i18n.t('auth.reset.sent', { minutes: sent })}</Notice>
            {error && !Object.keys(errs).length ? <ErrorNotice error={error} /> : null}
            <Input id="code" label={i18n.t('auth.reset.code')} value={form.code} onChange={set('code')} autoComplete="one-time-code" inputMode="tel" error={errs.code} />
            <Input id="new-password" label={i18n.t('auth.password.new')} value={form.next} onChange={set('next')} type="password" autoComplete="new-password"
              error={errs.newPassword} hint={i18n.t('auth.register.passwordHint')} />
            <Input id="new-password-again" label={i18n.t('auth.password.again')} value={form.again} onChange={set('again')} type="password" autoComplete="new-password"
              error={mismatch ? i18n.t('auth.password.mismatch') : undefined} />
            <Button type="submit" variant="primary" busy={busy}>{i18n.t('auth.reset.submit')}</Button>
            <p><button type="button" className="btn btn-link" onClick={() => { setSent(null); setError(null); }}>{i18n.t('auth.reset.again')}</button></p>
          </form>
        )}
        <p><Link to="/login">{i18n.t('auth.register.haveAccount')}</Link></p>
      </Card>
    </Page>
  );
}
