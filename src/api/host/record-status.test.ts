// An approved application says what became of its filed record since (DOMAIN.md §4.3): after the
// host cancels the service — or the provider's access goes and it is a shell — the application's
// view and the host's list give recordStatus, so the pages stop saying 已备案 and offering changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { call, cancelConfirmed, CLOUD, fileToProvider, orgId, throughSms, websiteMaterials } from '../../../tests/filing.ts';

describe('recordStatus of an approved application', () => {
  let a: AuthTestApp; let host: Signed; let provider: Signed; let gd: Signed; let cloud: string;
  beforeAll(async () => {
    a = await authTestApp();
    [host, provider, gd] = await Promise.all(['host@demo.beian.test', 'provider.demo', 'gd.reviewer'].map((l) => signIn(a.app, l))) as [Signed, Signed, Signed];
    cloud = await orgId(a.t.db, CLOUD);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  const approvedSite = async () => {
    const id = await fileToProvider(a.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) });
    await throughSms(a, host, provider, id);
    await call(a.app, gd, 'POST', `/api/bureau/applications/${id}/approve`);
    return call(a.app, host, 'GET', `/api/host/applications/${id}`);
  };
  const listed = async (id: string) =>
    (await call(a.app, host, 'GET', '/api/host/applications?status=approved&pageSize=100')).items.find((x: { id: string }) => x.id === id);

  it('is filed after approval, cancelled once the host cancels the service', async () => {
    const view = await approvedSite();
    expect(view).toMatchObject({ status: 'approved', recordStatus: 'filed' });
    expect((await listed(view.id)).recordStatus).toBe('filed');
    await cancelConfirmed(a, host, `/api/host/services/${view.serviceId}/cancel`, { reason: '网站不再运营' });
    expect((await call(a.app, host, 'GET', `/api/host/applications/${view.id}`)).recordStatus).toBe('cancelled');
    expect((await listed(view.id)).recordStatus).toBe('cancelled');
  });

  it('is shell when the last access is cancelled; null while no record is named', async () => {
    const view = await approvedSite();
    await call(a.app, provider, 'POST', `/api/provider/services/${view.serviceId}/access/cancel`, { reason: '合同到期' });
    expect((await call(a.app, host, 'GET', `/api/host/applications/${view.id}`)).recordStatus).toBe('shell');
    const draft = await call(a.app, host, 'POST', '/api/host/applications', { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) }, 201);
    expect(draft.recordStatus).toBeNull();
  });
});
