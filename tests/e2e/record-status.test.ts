// A filed record the host has since cancelled no longer says 已备案 / 备案成功 on the host's pages:
// the list shows 已注销 and the application's page says the filing was cancelled and offers no
// change or new access for it (only what still applies), at 1280 and 390 px, no console error.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthTestApp } from '../auth.ts';
import { signIn } from '../auth.ts';
import { call, cancelConfirmed, CLOUD, fileToProvider, orgId, throughSms, websiteMaterials } from '../filing.ts';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps } from './harness.ts';

describe('journey: an approved application whose record was cancelled', () => {
  let server: Server; let browser: Browser;
  let appId: string; let serviceName: string;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    // The demo host files a website through review, SMS and the bureau, then cancels it (confirmed by the principal's code).
    const h = { app: server.app, t: server.t, clock: { now: () => new Date() } } as unknown as AuthTestApp;
    const [host, provider, gd] = await Promise.all(['host@demo.beian.test', 'provider.demo', 'gd.reviewer'].map((l) => signIn(server.app, l)));
    const cloud = await orgId(server.t.db, CLOUD);
    const materials = websiteMaterials(cloud);
    appId = await fileToProvider(server.app, host!, { serviceType: 'website', submitterOrgId: cloud, materials });
    await throughSms(h, host!, provider!, appId);
    await call(server.app, gd!, 'POST', `/api/bureau/applications/${appId}/approve`);
    const view = await call(server.app, host!, 'GET', `/api/host/applications/${appId}`);
    serviceName = view.serviceName;
    await cancelConfirmed(h, host!, `/api/host/services/${view.serviceId}/cancel`, { reason: '不再运营' });
  }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('says 已注销 in the list and on the page, and offers no change of the cancelled service', () => steps(async () => {
    const j = await journey(browser, server.url, 'record-status');
    const page = j.page;
    await signInUi(page, 'host@demo.beian.test');
    await page.goto('/host');
    const row = page.getByTestId('host-application').filter({ has: page.locator(`a[href="/host/applications/${appId}"]`) });
    await row.waitFor();
    expect(await row.getByTestId('record-status').textContent()).toBe('已注销');
    await j.shot('host-home-cancelled');
    await page.goto(`/host/applications/${appId}`);
    await page.getByTestId('record-ended').waitFor();
    expect(await page.getByTestId('record-ended').textContent()).toContain('现已注销');
    expect(await page.getByTestId('approved-number').count()).toBe(0);
    expect(await page.getByRole('link', { name: '变更服务' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: '新增接入' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: serviceName }).count()).toBe(1);
    await j.shot('host-application-cancelled');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
