// The frame of every page: the header with the role's navigation, the language switch and the
// account; a skip link for keyboard users; the footer.
import { type ReactNode, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { useSession } from '../lib/session.tsx';
import { NOTICES_READ_EVENT } from './Notices.tsx';

const NAV: Record<string, [string, MessageKey][]> = {
  host: [['/host', 'nav.host'], ['/host/records', 'nav.records'], ['/host/new', 'nav.newFiling']],
  provider_staff: [['/provider', 'nav.provider'], ['/provider/services', 'nav.providerServices'], ['/provider/api-keys', 'nav.apiKeys'], ['/provider/webhooks', 'nav.webhooks'], ['/provider/catalogue', 'nav.catalogue'], ['/org/supervision', 'nav.supervision']],
  // A distribution platform gives no access (接入): it has no "接入的备案" (always empty for it).
  platform_staff: [['/provider', 'nav.provider'], ['/provider/api-keys', 'nav.apiKeys'], ['/provider/webhooks', 'nav.webhooks'], ['/provider/catalogue', 'nav.catalogue'], ['/org/supervision', 'nav.supervision']],
  device_maker_staff: [['/provider/catalogue', 'nav.catalogue'], ['/provider/api-keys', 'nav.apiKeys'], ['/provider/webhooks', 'nav.webhooks'], ['/org/supervision', 'nav.supervision']],
  bureau_reviewer: [['/bureau', 'nav.bureau'], ['/bureau/records', 'nav.bureauRecords'], ['/bureau/shells', 'nav.shells'], ['/bureau/dashboard', 'nav.dashboard'], ['/bureau/supervision', 'nav.supervision'], ['/bureau/calendar', 'nav.calendar']],
  // The ministry reads the bureaus' queue, statistics and shells nationwide (read-only; same pages with a province select).
  ministry_admin: [['/bureau', 'nav.ministryQueue'], ['/bureau/dashboard', 'nav.ministryDashboard'], ['/bureau/shells', 'nav.ministryShells'], ['/bureau/records', 'nav.ministryRecords'], ['/admin', 'nav.calendar'], ['/admin/organisations', 'nav.organisations'], ['/admin/users', 'nav.users'], ['/admin/deliveries', 'nav.deliveries'], ['/admin/personal-data-access', 'nav.personalDataAccess'], ['/bureau/supervision', 'nav.supervision']],
};

/** Where each role reads its notices (通知) and the list route giving their unread count. */
const ORG_NOTICES = { to: '/org/supervision?tab=notices', url: '/api/org/notifications' };
const BUREAU_NOTICES = { to: '/bureau/supervision?tab=notices', url: '/api/bureau/notifications' };
const NOTICES: Record<string, { to: string; url: string }> = {
  host: { to: '/host#notices', url: '/api/host/notifications' },
  provider_staff: ORG_NOTICES, platform_staff: ORG_NOTICES, device_maker_staff: ORG_NOTICES,
  bureau_reviewer: BUREAU_NOTICES, ministry_admin: BUREAU_NOTICES,
};

/** The unread notices of the signed-in role, asked again on each page and whenever some are marked read. */
function useUnreadNotices(url: string | undefined): number {
  const location = useLocation();
  const [unread, setUnread] = useState(0);
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    const again = () => setAsked((n) => n + 1);
    window.addEventListener(NOTICES_READ_EVENT, again);
    return () => window.removeEventListener(NOTICES_READ_EVENT, again);
  }, []);
  useEffect(() => {
    if (!url) { setUnread(0); return; }
    let live = true;
    api.get<{ unread: number }>(`${url}?unread=true&pageSize=1`).then((r) => { if (live) setUnread(r.unread); }).catch(() => undefined);
    return () => { live = false; };
  }, [url, location.pathname, asked]);
  return unread;
}

export function Layout({ children }: { children: ReactNode }) {
  const i18n = useI18n();
  const { session, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  // Leaving (signing out): no more asking for the count, which would answer 401 once signed out.
  const [leaving, setLeaving] = useState(false);
  useEffect(() => { if (session) setLeaving(false); }, [session]);
  const notices = session && !session.mustChangePassword && !leaving ? NOTICES[session.role] : undefined;
  const unread = useUnreadNotices(notices?.url);
  const links: [string, MessageKey][] = [['/', 'nav.search'], ['/notices', 'nav.publicNotices'], ...(session ? NAV[session.role] ?? [] : []),
    ...(notices ? [[notices.to, 'nav.notices'] as [string, MessageKey]] : []),
    // Demo only: the development SMS provider's inbox, where the verification codes land.
    ...(session?.role === 'ministry_admin' && session.devSmsInbox ? [['/admin/dev-sms', 'nav.devSms'] as [string, MessageKey]] : [])];
  // The current page's link: the notices link (a tab or a part of a page) when the address names it, else the page's.
  const here = location.pathname + location.search + location.hash;
  const onNotices = notices !== undefined && here === notices.to;
  const active = (to: string) => (to === notices?.to ? onNotices : !onNotices && to === location.pathname);
  return (
    <>
      <a className="skip" href="#main">{i18n.t('app.skip')}</a>
      <header className="top">
        <div className="top-inner">
          <Link to="/" className="brand" aria-label={i18n.t('app.title')}>
            <span className="brand-mark" aria-hidden="true">备</span>
            <span className="brand-text">{i18n.t('app.title')}</span>
            <span className="brand-short" aria-hidden="true">{i18n.t('app.short')}</span>
          </Link>
          <div className="top-tools">
            <button type="button" className="btn btn-link lang" onClick={() => i18n.setLang(i18n.lang === 'en' ? 'zh-CN' : 'en')}
              aria-label={i18n.t('app.languageLabel')} lang={i18n.lang === 'en' ? 'zh-CN' : 'en'} data-testid="lang-switch">
              {i18n.t('app.language')}
            </button>
            {session ? (
              <>
                <span className="who" title={i18n.orgName(session.organisation?.name) ?? undefined}>{session.user?.displayName ?? i18n.orgName(session.organisation?.name)}</span>
                {session.user ? <Link className="btn btn-link" to="/password">{i18n.t('nav.password')}</Link> : null}
                <button type="button" className="btn btn-link" onClick={() => { setLeaving(true); navigate('/'); void signOut(); }}>{i18n.t('nav.logout')}</button>
              </>
            ) : (
              <>
                <Link className="btn btn-link" to="/login">{i18n.t('nav.login')}</Link>
                <Link className="btn btn-link" to="/register">{i18n.t('nav.register')}</Link>
              </>
            )}
          </div>
        </div>
        <nav className="nav" aria-label={i18n.t('app.menu')}>
          <div className="nav-inner">
            {links.map(([to, key]) => (
              <Link key={to} to={to} className={active(to) ? 'active' : ''} aria-current={active(to) ? 'page' : undefined} data-testid={to === notices?.to ? 'nav-notices' : undefined}>
                {i18n.t(key)}
                {to === notices?.to && unread > 0 ? <> <span className="nav-count" data-testid="nav-unread" aria-hidden="true">{unread > 99 ? '99+' : unread}</span><span className="sr-only">{i18n.paren(i18n.t('sv.noticesUnread', { n: unread }))}</span></> : null}
              </Link>
            ))}
            {/* On a phone the header hides the account name (no room): the menu says who is signed in. */}
            {session ? <span className="nav-who" data-testid="nav-who">{i18n.t('nav.signedInAs', { name: [session.user?.displayName, i18n.orgName(session.organisation?.name)].filter(Boolean).join(' · ') })}</span> : null}
          </div>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>{children}</main>
      <footer className="foot"><p>{i18n.t('app.footer')}</p></footer>
    </>
  );
}
