// A running bureau review and a disposal order issued the same day, for the calendar tests
// (tests/calendar-import.test.ts, tests/calendar-overrides.test.ts): the demo host files a website
// through the demo provider and the SMS code at `at`; the Guangdong bureau, whose contact address is
// set for its notices, orders the same provider to stop access within `dueInWorkingDays`.
import { type AuthTestApp, authTestApp, type Signed, signIn } from './auth.ts';
import { call, CLOUD, fileToProvider, orgId, throughSms, websiteMaterials } from './filing.ts';

export interface RunningReview {
  h: AuthTestApp; host: Signed; provider: Signed; gd: Signed; admin: Signed;
  /** The application in bureau review. */
  id: string;
  cloud: string;
  order: { id: string; dueOn: string; dueProvisional: boolean };
}

export async function runningReviewAndOrder(at: string, dueInWorkingDays: number, before?: (r: Omit<RunningReview, 'id' | 'order'>) => Promise<void>): Promise<RunningReview> {
  const h = await authTestApp();
  h.clock.set(at);
  const [host, provider, gd, admin] = await Promise.all(['host@demo.beian.test', 'provider.demo', 'gd.reviewer', 'admin'].map((l) => signIn(h.app, l))) as [Signed, Signed, Signed, Signed];
  await h.t.db.query(`update organisations set contact_email_enc = $1 where kind = 'bureau' and province_code = '440000'`, [h.t.sealer.seal('bureau@gd.example.test')]);
  const cloud = await orgId(h.t.db, CLOUD);
  await before?.({ h, host, provider, gd, admin, cloud });
  const id = await fileToProvider(h.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) });
  await throughSms(h, host, provider, id);
  const issued = await call(h.app, gd, 'POST', '/api/bureau/orders', { serviceNumbers: ['粤ICP备2024000001号-1'], measure: 'stop_access', dueInWorkingDays, reason: '限期整改' }, 201);
  return { h, host, provider, gd, admin, id, cloud, order: issued.orders[0] };
}
