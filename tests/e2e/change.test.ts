// Journey (issue 13): a change after the number. The host changes the signing certificate of its
// filed APP from the filed data pre-filled in the wizard; the provider reviews, the service
// principal confirms by SMS, the bureau sees the field-by-field diff and approves; the number stays
// and verification answers the new fingerprint `filed`, the old one `fingerprint_mismatch`.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../src/db/seed/demo.ts';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps } from './harness.ts';

const f = (p: string) => `#f-${p.replace(/\./g, '-')}`;
const SERVICE_PRINCIPAL_MOBILE = '13800138002'; // 陈静, principal of A2DP Volume (demo seed)
const OLD_MD5 = 'c1cabe8ad9dc272b2443a3a67bc443d5';
const NEW_MD5 = '0f'.repeat(16);

describe('journey: a host changes a filed APP\'s signing certificate', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => { [server, browser] = await Promise.all([startServer(), launch()]); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  const verifyStatus = async (fingerprint: string) => {
    const res = await server.app.inject({ method: 'GET', url: `/api/verify/v1/apps?platform=android&packageName=a2dp.Vol&fingerprint=${fingerprint}`, headers: { authorization: `Bearer ${DEMO_API_KEY}` } });
    return res.statusCode === 200 ? (res.json() as { status: string }).status : `http ${res.statusCode}`;
  };

  it('pre-fills the wizard, shows reviewers the diff, keeps the number', () => steps(async () => {
    const [svc] = await server.t.db.query<{ id: string; service_number: string }>(`select s.id, s.service_number from services s join app_platforms p on p.service_id = s.id where p.package_name = 'a2dp.Vol'`);
    const host = await journey(browser, server.url, 'change');
    const page = host.page;
    await signInUi(page, 'host@demo.beian.test');
    await page.goto(`/host/services/${svc!.id}/change`);
    await page.getByTestId('start-change').waitFor();
    await host.shot('change-start');
    await page.selectOption('#change-submitter', { label: '示例云计算有限公司（接入服务提供者）' });
    await page.getByTestId('start-change').click();
    await page.waitForURL(/\/edit$/);
    const id = page.url().split('/').at(-2)!;

    // The filed data is there; only the certificate is typed.
    expect(await page.inputValue(f('service.name'))).toBe('A2DP Volume');
    await page.getByRole('button', { name: '保存并继续' }).click();
    expect(await page.inputValue(f('platforms.0.certMd5'))).toBe(OLD_MD5);
    await page.fill(f('platforms.0.certMd5'), NEW_MD5);
    await host.shot('change-wizard-certificate');
    await page.getByRole('button', { name: '保存并继续' }).click();
    await page.getByRole('button', { name: '保存并继续' }).click();
    await page.getByTestId('submit-application').click();
    await page.waitForURL(`**/host/applications/${id}`);
    await page.getByTestId('change-diff').waitFor();
    await host.shot('change-submitted');

    const provider = await journey(browser, server.url, 'change-provider');
    await signInUi(provider.page, 'provider.demo');
    await provider.page.goto('/provider');
    await provider.page.getByTestId('queue-row').filter({ hasText: 'A2DP' }).first().getByRole('link', { name: '审核' }).click();
    await provider.page.getByTestId('change-diff').waitFor();
    await provider.page.getByTestId('approve').click();
    await provider.page.locator('.badge[data-status="sms_pending"]').first().waitFor();

    await page.reload();
    await page.getByTestId('sms-code').fill(await server.smsCode(SERVICE_PRINCIPAL_MOBILE));
    await page.getByRole('button', { name: '提交验证码' }).click();
    await page.locator('.badge[data-status="bureau_review"]').first().waitFor();
    expect(await verifyStatus(OLD_MD5)).toBe('filed'); // under review the filed record stands

    const bureau = await journey(browser, server.url, 'change-bureau');
    await signInUi(bureau.page, 'gd.reviewer');
    await bureau.page.getByTestId('queue-row').filter({ hasText: 'A2DP' }).getByRole('link', { name: '审核' }).click();
    const diff = bureau.page.getByTestId('change-diff');
    await diff.locator('tr[data-field="platforms.0.certMd5"]').waitFor();
    expect(await diff.textContent()).toContain(NEW_MD5);
    await bureau.shot('change-bureau-diff');
    await bureau.page.getByTestId('approve').click();
    await bureau.page.getByTestId('decision-confirm-yes').click(); // the decision's confirmation step
    const done = await bureau.page.getByTestId('review-done').textContent();
    expect(done).toContain(svc!.service_number);
    expect(done).toContain('不变'); // a change keeps its number: nothing is "allocated"
    expect(done).not.toContain('已分配');

    expect(await verifyStatus(NEW_MD5)).toBe('filed');
    expect(await verifyStatus(OLD_MD5)).toBe('fingerprint_mismatch');
    await page.reload();
    await page.getByTestId('change-actions').waitFor();
    await host.shot('change-approved');

    for (const j of [host, provider, bureau]) { j.assertClean(); await j.close(); }
  }), JOURNEY_TIMEOUT);
});
