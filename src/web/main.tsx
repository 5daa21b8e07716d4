// The web app: public query, host portal, provider/platform console, bureau console, admin.
import { lazy, type ReactNode, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate, Route, RouterProvider, Routes, useLocation } from 'react-router';
import { Layout } from './components/Layout.tsx';
import { Loading, Page } from './components/ui.tsx';
import { I18nProvider, useI18n } from './i18n/index.tsx';
import { homeFor, SessionProvider, useSession } from './lib/session.tsx';
import { ChangePasswordPage, LoginPage, RegisterPage, ResetPasswordPage } from './pages/auth/Auth.tsx';
import { RecordPage } from './pages/public/Record.tsx';
import { SubjectPage } from './pages/public/Subject.tsx';
import { PublicNoticesPage } from './pages/public/PublicNotices.tsx';
import { SearchPage } from './pages/public/Search.tsx';
import './styles.css';

const HostHome = lazy(() => import('./pages/host/HostHome.tsx'));
const NewFiling = lazy(() => import('./pages/host/NewFiling.tsx'));
const Wizard = lazy(() => import('./pages/host/Wizard.tsx'));
const HostApplication = lazy(() => import('./pages/host/HostApplication.tsx'));
// Changes after the number (issue 13, "subjects" feature)
const StartChange = lazy(() => import('./pages/host/StartChange.tsx'));
const ProviderQueue = lazy(() => import('./pages/provider/ProviderQueue.tsx'));
const ReviewPage = lazy(() => import('./pages/review/ReviewPage.tsx'));
const ApiKeys = lazy(() => import('./pages/provider/ApiKeys.tsx'));
const Webhooks = lazy(() => import('./pages/provider/Webhooks.tsx'));
const Catalogue = lazy(() => import('./pages/provider/Catalogue.tsx'));
const BureauQueue = lazy(() => import('./pages/bureau/BureauQueue.tsx'));
// The bureau's record search and record page (review issue items 1–3)
const BureauRecords = lazy(() => import('./pages/bureau/BureauRecords.tsx'));
const BureauRecord = lazy(() => import('./pages/bureau/BureauRecord.tsx'));
const BureauSubject = lazy(() => import('./pages/bureau/BureauSubject.tsx'));
const Dashboard = lazy(() => import('./pages/bureau/Dashboard.tsx'));
const CalendarAdmin = lazy(() => import('./pages/admin/CalendarAdmin.tsx'));
const Organisations = lazy(() => import('./pages/admin/Organisations.tsx'));
const Users = lazy(() => import('./pages/admin/Users.tsx'));
// Failed deliveries (issue 12 §5)
const Deliveries = lazy(() => import('./pages/admin/Deliveries.tsx'));
const DevSms = lazy(() => import('./pages/admin/DevSms.tsx'));
const PersonalDataAccess = lazy(() => import('./pages/admin/PersonalDataAccess.tsx'));
// issue 13 (records): filed records, provider services, shell cleanup
const HostRecords = lazy(() => import('./pages/records/HostRecords.tsx'));
const ProviderServices = lazy(() => import('./pages/records/ProviderServices.tsx'));
const BureauShells = lazy(() => import('./pages/records/BureauShells.tsx'));
// supervision (issue 14)
const BureauSupervision = lazy(() => import('./pages/supervision/BureauSupervision.tsx'));
const OrgSupervision = lazy(() => import('./pages/supervision/OrgSupervision.tsx'));

/** Signed in with one of these roles, or off to the sign-in page (and back afterwards). */
function RequireRole({ roles, children }: { roles: string[]; children: ReactNode }) {
  const { session, ready, signedOut } = useSession();
  const location = useLocation();
  if (!ready) return <Loading />;
  if (!session) return <Navigate to={signedOut ? '/' : `/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  // Deploy (issue 12 part 2): a one-time password is replaced before any other page.
  if (session.mustChangePassword) return <Navigate to={`/password?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!roles.includes(session.role)) return <Navigate to={homeFor(session.role)} replace />;
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

function NotFound() {
  const i18n = useI18n();
  return <Page title={i18n.t('app.notFound')}><p><a href="/">{i18n.t('nav.search')}</a></p></Page>;
}

const HOST = ['host'];
const REVIEWERS = ['provider_staff', 'platform_staff'];
const KEY_HOLDERS = ['provider_staff', 'platform_staff', 'device_maker_staff'];
const BUREAU = ['bureau_reviewer'];
const ADMIN = ['ministry_admin'];
/** The bureau's reads the ministry also has, nationwide and read-only (queue, application, statistics, shells). */
const BUREAU_OR_MINISTRY = [...BUREAU, ...ADMIN];

function App() {
  return (
    <Layout>
      <Routes>
        <Route path="/" element={<SearchPage />} />
        <Route path="/search" element={<SearchPage />} />
        <Route path="/record/:number" element={<RecordPage />} />
        <Route path="/subject/:number" element={<SubjectPage />} />
        <Route path="/notices" element={<PublicNoticesPage />} />
        <Route path="/login" element={<LoginPage />} />
        <Route path="/register" element={<RegisterPage />} />
        <Route path="/password" element={<ChangePasswordPage />} />
        <Route path="/reset-password" element={<ResetPasswordPage />} />
        <Route path="/host" element={<RequireRole roles={HOST}><HostHome /></RequireRole>} />
        <Route path="/host/new" element={<RequireRole roles={HOST}><NewFiling /></RequireRole>} />
        <Route path="/host/applications/:id" element={<RequireRole roles={HOST}><HostApplication /></RequireRole>} />
        <Route path="/host/applications/:id/edit" element={<RequireRole roles={HOST}><Wizard /></RequireRole>} />
        {/* Changes after the number (issue 13, "subjects" feature) */}
        <Route path="/host/services/:id/change" element={<RequireRole roles={HOST}><StartChange key="change_service" mode="change_service" /></RequireRole>} />
        <Route path="/host/subjects/:id/change" element={<RequireRole roles={HOST}><StartChange key="change_subject" mode="change_subject" /></RequireRole>} />
        <Route path="/host/services/:id/add-access" element={<RequireRole roles={HOST}><StartChange key="add_access" mode="add_access" /></RequireRole>} />
        <Route path="/provider" element={<RequireRole roles={REVIEWERS}><ProviderQueue /></RequireRole>} />
        <Route path="/provider/applications/:id" element={<RequireRole roles={REVIEWERS}><ReviewPage audience="provider" /></RequireRole>} />
        <Route path="/provider/api-keys" element={<RequireRole roles={KEY_HOLDERS}><ApiKeys /></RequireRole>} />
        <Route path="/provider/webhooks" element={<RequireRole roles={KEY_HOLDERS}><Webhooks /></RequireRole>} />
        <Route path="/provider/catalogue" element={<RequireRole roles={KEY_HOLDERS}><Catalogue /></RequireRole>} />
        <Route path="/bureau" element={<RequireRole roles={BUREAU_OR_MINISTRY}><BureauQueue /></RequireRole>} />
        <Route path="/bureau/applications/:id" element={<RequireRole roles={BUREAU_OR_MINISTRY}><ReviewPage audience="bureau" /></RequireRole>} />
        <Route path="/bureau/records" element={<RequireRole roles={BUREAU_OR_MINISTRY}><BureauRecords /></RequireRole>} />
        <Route path="/bureau/records/:id" element={<RequireRole roles={BUREAU_OR_MINISTRY}><BureauRecord /></RequireRole>} />
        <Route path="/bureau/subjects/:id" element={<RequireRole roles={BUREAU_OR_MINISTRY}><BureauSubject /></RequireRole>} />
        <Route path="/bureau/dashboard" element={<RequireRole roles={BUREAU_OR_MINISTRY}><Dashboard /></RequireRole>} />
        <Route path="/bureau/calendar" element={<RequireRole roles={BUREAU}><CalendarAdmin /></RequireRole>} />
        <Route path="/admin" element={<RequireRole roles={ADMIN}><CalendarAdmin /></RequireRole>} />
        <Route path="/admin/organisations" element={<RequireRole roles={ADMIN}><Organisations /></RequireRole>} />
        <Route path="/admin/users" element={<RequireRole roles={ADMIN}><Users /></RequireRole>} />
        <Route path="/admin/deliveries" element={<RequireRole roles={ADMIN}><Deliveries /></RequireRole>} />
        <Route path="/admin/dev-sms" element={<RequireRole roles={ADMIN}><DevSms /></RequireRole>} />
        <Route path="/admin/personal-data-access" element={<RequireRole roles={ADMIN}><PersonalDataAccess /></RequireRole>} />
        {/* issue 13 (records) */}
        <Route path="/host/records" element={<RequireRole roles={HOST}><HostRecords /></RequireRole>} />
        {/* Access providers only: a distribution platform gives no access (the API answers it 403 not_an_access_provider). */}
        <Route path="/provider/services" element={<RequireRole roles={['provider_staff']}><ProviderServices /></RequireRole>} />
        <Route path="/bureau/shells" element={<RequireRole roles={BUREAU_OR_MINISTRY}><BureauShells /></RequireRole>} />
        {/* supervision (issue 14) */}
        <Route path="/bureau/supervision" element={<RequireRole roles={[...BUREAU, ...ADMIN]}><BureauSupervision /></RequireRole>} />
        <Route path="/org/supervision" element={<RequireRole roles={KEY_HOLDERS}><OrgSupervision /></RequireRole>} />
        <Route path="*" element={<NotFound />} />
      </Routes>
    </Layout>
  );
}

// A data router around the one splat route that renders <App />'s routes: in-app navigation can then
// be blocked while a form has unsaved changes (useBlocker, the filing wizard), which BrowserRouter cannot.
const router = createBrowserRouter([{ path: '*', element: <App /> }]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <SessionProvider>
        <RouterProvider router={router} />
      </SessionProvider>
    </I18nProvider>
  </StrictMode>,
);
