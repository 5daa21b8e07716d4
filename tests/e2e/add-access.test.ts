// Journey (issue 13, defects found trying it as a host): a shell gets its access back. Wang's only
// website lost its provider; from "我的备案" he starts 新增接入 with another provider. The wizard opens
// on the access step with the new record filled as the step's own button would (cloud, the
// service's domains ticked); the service and its platforms are shown as filed, not editable; he
// types the IP and submits to the new provider. Cancelling an access record asks in a panel below
// the access line, its warning said once.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelAccessByProvider } from '../../src/flows/cancel-access.ts';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps } from './harness.ts';

const f = (p: string) => `#f-${p.replace(/\./g, '-')}`;

describe('journey: a shell adds access again', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => { [server, browser] = await Promise.all([startServer(), launch()]); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('opens on the access step, keeps the rest as filed, submits to the new provider', () => steps(async () => {
    const [site] = await server.t.db.query<{ id: string }>(`select id from services where service_number = '京ICP备2025000001号-1'`);
    const ctx = { db: server.t.db, sealer: server.t.sealer, now: () => new Date(), publicUrl: server.url };
    for (const p of await server.t.db.query<{ provider_org_id: string }>('select provider_org_id from access_records where service_id = $1 and active', [site!.id])) {
      await cancelAccessByProvider(ctx, { userId: null, role: 'provider_staff', orgId: p.provider_org_id, orgKind: 'access_provider', provinceCode: null, requestId: null }, site!.id, { reason: '合同到期' });
    }
    const host = await journey(browser, server.url, 'add-access');
    const page = host.page;
    await signInUi(page, 'wang@demo.beian.test');
    await page.goto('/host/records');
    await page.getByTestId('record-service').filter({ hasText: '京ICP备2025000001号-1' }).getByTestId('add-access').click();
    await page.getByTestId('start-change').waitFor();
    await page.selectOption('#change-submitter', { label: '示例云计算有限公司（接入服务提供者）' });
    await page.getByTestId('start-change').click();
    await page.waitForURL(/\/edit$/);
    const id = page.url().split('/').at(-2)!;

    // The access step, the new record prefilled.
    expect(await page.locator('.steps [aria-current="step"], [aria-current="step"]').first().textContent()).toContain('接入信息');
    expect(await page.inputValue(f('access.0.accessMethod'))).toBe('cloud');
    expect(await page.getByTestId('access-0').getByRole('checkbox', { name: 'xiaoer-notes.cn' }).isChecked()).toBe(true);
    await page.fill(f('access.0.serverLocation'), '北京市');
    await page.fill(f('access.0.ips'), '198.51.100.77');
    await host.shot('add-access-step');
    // Leaving with unsaved changes asks first; staying keeps them.
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); void d.dismiss(); });
    await page.getByRole('link', { name: /返回/ }).click();
    // The router's blocker asks after the click has returned (an effect of the blocked navigation).
    await expect.poll(() => asked).toContain('未保存');
    expect(page.url()).toMatch(/\/edit$/);
    expect(await page.inputValue(f('access.0.ips'))).toBe('198.51.100.77');

    // The service as filed: shown, not editable.
    await page.getByRole('button', { name: '基础信息' }).click();
    await page.getByText('此项按已备案信息保留').waitFor();
    expect(await page.locator(f('service.name')).isEditable()).toBe(false);
    await host.shot('add-access-service-kept');

    await page.getByRole('button', { name: '核验并提交' }).click();
    // Only the provider being added may review it.
    const options = page.locator('#submitter option');
    await options.nth(1).waitFor({ state: 'attached' }); // the reviewers load after the step renders
    expect(await options.allTextContents()).toEqual(['请选择', '示例云计算有限公司（接入服务提供者）']);
    await page.getByTestId('submit-application').click();
    await page.waitForURL(`**/host/applications/${id}`);
    const [app] = await server.t.db.query<{ status: string; submitter: string }>(
      `select a.status, o.name as submitter from applications a join organisations o on o.id = a.submitter_org_id where a.id = $1`, [id]);
    expect(app).toEqual({ status: 'provider_review', submitter: '示例云计算有限公司' });
    host.assertClean();
    await host.close();
  }), JOURNEY_TIMEOUT);

  it('asks to cancel an access record below the access line, its last-access warning said once', () => steps(async () => {
    const host = await journey(browser, server.url, 'cancel-access');
    const page = host.page;
    await signInUi(page, 'host@demo.beian.test');
    await page.goto('/host/records');
    const row = page.getByTestId('record-service').filter({ hasText: 'A2DP Volume' });
    await row.locator('[data-testid^="cancel-access-"]').first().click();
    const panel = row.getByTestId('confirm-access');
    await panel.waitFor();
    // Not inside the inline access item.
    expect(await row.locator('.access-item [data-testid="confirm-access"]').count()).toBe(0);
    await panel.getByTestId('confirm-access-ask').click();
    await panel.getByLabel('短信确认码').waitFor();
    expect(await panel.getByText('这是最后一条接入信息').count()).toBe(1);
    await host.shot('cancel-access-asked');
    host.assertClean();
    await host.close();
  }), JOURNEY_TIMEOUT);
});
