// The frame of every page: the header with the role's navigation, the language switch and the
// account; a skip link for keyboard users; the footer.
import { type ReactNode } from 'react';
import { Link, NavLink, useNavigate } from 'react-router';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { useSession } from '../lib/session.tsx';

const NAV: Record<string, [string, MessageKey][]> = {
  host: [['/host', 'nav.host'], ['/host/records', 'nav.records'], ['/host/new', 'nav.newFiling']],
  provider_staff: [['/provider', 'nav.provider'], ['/provider/services', 'nav.providerServices'], ['/provider/api-keys', 'nav.apiKeys'], ['/provider/catalogue', 'nav.catalogue'], ['/org/supervision', 'nav.supervision']],
  platform_staff: [['/provider', 'nav.provider'], ['/provider/services', 'nav.providerServices'], ['/provider/api-keys', 'nav.apiKeys'], ['/provider/catalogue', 'nav.catalogue'], ['/org/supervision', 'nav.supervision']],
  device_maker_staff: [['/provider/catalogue', 'nav.catalogue'], ['/provider/api-keys', 'nav.apiKeys'], ['/org/supervision', 'nav.supervision']],
  bureau_reviewer: [['/bureau', 'nav.bureau'], ['/bureau/records', 'nav.bureauRecords'], ['/bureau/shells', 'nav.shells'], ['/bureau/dashboard', 'nav.dashboard'], ['/bureau/supervision', 'nav.supervision'], ['/bureau/calendar', 'nav.calendar']],
  // The ministry reads the bureaus' queue, statistics and shells nationwide (read-only; same pages with a province select).
  ministry_admin: [['/bureau', 'nav.ministryQueue'], ['/bureau/dashboard', 'nav.ministryDashboard'], ['/bureau/shells', 'nav.ministryShells'], ['/bureau/records', 'nav.ministryRecords'], ['/admin', 'nav.calendar'], ['/admin/organisations', 'nav.organisations'], ['/admin/users', 'nav.users'], ['/admin/deliveries', 'nav.deliveries'], ['/admin/personal-data-access', 'nav.personalDataAccess'], ['/bureau/supervision', 'nav.supervision']],
};

export function Layout({ children }: { children: ReactNode }) {
  const i18n = useI18n();
  const { session, signOut } = useSession();
  const navigate = useNavigate();
  const links: [string, MessageKey][] = [['/', 'nav.search'], ['/notices', 'nav.publicNotices'], ...(session ? NAV[session.role] ?? [] : []),
    // Demo only: the development SMS provider's inbox, where the verification codes land.
    ...(session?.role === 'ministry_admin' && session.devSmsInbox ? [['/admin/dev-sms', 'nav.devSms'] as [string, MessageKey]] : [])];
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
                <span className="who" title={session.organisation?.name ?? undefined}>{session.user?.displayName ?? session.organisation?.name}</span>
                {session.user ? <Link className="btn btn-link" to="/password">{i18n.t('nav.password')}</Link> : null}
                <button type="button" className="btn btn-link" onClick={() => { navigate('/'); void signOut(); }}>{i18n.t('nav.logout')}</button>
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
            {links.map(([to, key]) => <NavLink key={to} to={to} end className={({ isActive }) => (isActive ? 'active' : '')}>{i18n.t(key)}</NavLink>)}
            {/* On a phone the header hides the account name (no room): the menu says who is signed in. */}
            {session ? <span className="nav-who" data-testid="nav-who">{i18n.t('nav.signedInAs', { name: [session.user?.displayName, session.organisation?.name].filter(Boolean).join(' · ') })}</span> : null}
          </div>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>{children}</main>
      <footer className="foot"><p>{i18n.t('app.footer')}</p></footer>
    </>
  );
}
