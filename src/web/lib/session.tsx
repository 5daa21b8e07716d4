// Who is signed in. The session cookie is HttpOnly, so the app remembers only that it signed
// in (localStorage) and asks /api/auth/session on load; a signed-out visitor makes no
// request that would answer 401.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, ApiError, setCsrfToken, setUnauthenticatedHandler } from './api.ts';
import type { SessionView } from './types.ts';

const FLAG = 'beian.signedIn';

interface SessionState {
  session: SessionView | null;
  ready: boolean;
  /** True once the person signed out here (a guarded page then goes home, not to the sign-in page). */
  signedOut: boolean;
  signIn(login: string, password: string): Promise<SessionView>;
  register(body: { displayName: string; mobile: string; email: string; password: string; smsCode: string; locale: string }): Promise<SessionView>;
  signOut(): Promise<void>;
  /** POST /api/auth/password, then the session again (it no longer must change its password). */
  changePassword(currentPassword: string, newPassword: string): Promise<SessionView>;
  /** POST /api/auth/password-reset/confirm: the code sets a new password and signs in. */
  resetPassword(login: string, code: string, newPassword: string): Promise<SessionView>;
}

const Ctx = createContext<SessionState | null>(null);

function remember(s: SessionView | null) {
  setCsrfToken(s?.csrfToken ?? null);
  try { if (s) localStorage.setItem(FLAG, '1'); else localStorage.removeItem(FLAG); } catch { /* ignore */ }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionView | null>(null);
  const [ready, setReady] = useState(false);
  const [signedOut, setSignedOut] = useState(false);

  useEffect(() => {
    setUnauthenticatedHandler(() => { remember(null); setSession(null); });
    let flagged = false;
    try { flagged = localStorage.getItem(FLAG) === '1'; } catch { /* ignore */ }
    if (!flagged) { setReady(true); return; }
    api.get<SessionView>('/api/auth/session')
      .then((s) => { remember(s); setSession(s); })
      // Only the server's 401 says the session is gone. A request that never got an answer (the page left
      // while it was in flight, the network dropped) leaves the flag, so the next load asks again: forgetting
      // it there showed the sign-in page on every later load while the session cookie was still good.
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) remember(null);
        else if (!(e instanceof ApiError)) console.warn(e);
      })
      .finally(() => setReady(true));
  }, []);

  const signIn = useCallback(async (login: string, password: string) => {
    const s = await api.post<SessionView>('/api/auth/login', { login, password });
    remember(s); setSession(s); setSignedOut(false);
    return s;
  }, []);
  const register = useCallback(async (body: Parameters<SessionState['register']>[0]) => {
    const s = await api.post<SessionView>('/api/auth/register', body);
    remember(s); setSession(s); setSignedOut(false);
    return s;
  }, []);
  const signOut = useCallback(async () => {
    // Forget the flag before asking: a page loaded while the logout is in flight (the cookie
    // already cleared) must not probe the session and meet a 401.
    try { localStorage.removeItem(FLAG); } catch { /* ignore */ }
    // Signed out on purpose: a guarded page still showing (its route change to the home page may not have rendered yet,
    // e.g. while a lazy page loads) goes home rather than to the sign-in page.
    try { await api.post('/api/auth/logout'); } finally { remember(null); setSignedOut(true); setSession(null); }
  }, []);

  const changePassword = useCallback(async (currentPassword: string, newPassword: string) => {
    await api.post('/api/auth/password', { currentPassword, newPassword });
    const s = await api.get<SessionView>('/api/auth/session');
    remember(s); setSession(s);
    return s;
  }, []);

  const resetPassword = useCallback(async (login: string, code: string, newPassword: string) => {
    const s = await api.post<SessionView>('/api/auth/password-reset/confirm', { login, code, newPassword });
    remember(s); setSession(s); setSignedOut(false);
    return s;
  }, []);

  const value = useMemo(() => ({ session, ready, signedOut, signIn, register, signOut, changePassword, resetPassword }),
    [session, ready, signedOut, signIn, register, signOut, changePassword, resetPassword]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** A same-site path to return to after signing in, or null. */
export function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : null;
}

/** Where each role starts. */
export function homeFor(role: string | undefined): string {
  switch (role) {
    case 'host': return '/host';
    case 'provider_staff': case 'platform_staff': return '/provider';
    case 'device_maker_staff': return '/provider/catalogue';
    case 'bureau_reviewer': return '/bureau';
    case 'ministry_admin': return '/admin';
    default: return '/';
  }
}
