// Journey 2 (issue 6 item 7): a rejection and a resubmission. A host adds a website to its
// filed subject (nothing of the subject re-entered); after first review and the SMS check the
// bureau rejects it with a field-level reason; the host sees the field highlighted with the
// reason and suggestion, corrects it and resubmits; first review, SMS and bureau run again
// and the number is allocated.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps } from './harness.ts';

const f = (p: string) => `#f-${p.replace(/\./g, '-')}`;
const PRINCIPAL_MOBILE = '13800138001'; // 李明, principal of 深圳市示例网络科技有限公司 (demo seed)

async function providerApproves(page: Page) {
  await page.goto('/provider');
  await page.getByTestId('queue-row').filter({ hasText: '示例科技' }).first().getByRole('link', { name: '审核' }).click();
  await page.getByTestId('approve').click();
  await page.locator('.badge[data-status="sms_pending"]').first().waitFor();
}

describe('journey: the bureau rejects a field, the host corrects it and resubmits', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => { [server, browser] = await Promise.all([startServer(), launch()]); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('rejects with a reason, highlights the field, resubmits and files', () => steps(async () => {
    const host = await journey(browser, server.url, 'resubmit');
    const page = host.page;
    await signInUi(page, 'host@demo.beian.test');
    await page.goto('/host/new');
    await page.getByLabel('网站', { exact: true }).check();
    await page.getByLabel(/使用已备案主体 深圳市示例网络科技有限公司/).check();
    await page.selectOption('#submitter', { label: '示例云计算有限公司（接入服务提供者）' });
    await page.getByTestId('create-application').click();
    await page.waitForURL(/\/edit$/);
    const id = page.url().split('/').at(-2)!;

    await page.getByText('本次备案使用已备案主体').waitFor();
    await page.fill(f('service.name'), '示例科技博客');
    await page.locator(f('service.categories')).getByLabel('企业官网').check();
    await page.locator(f('service.languages')).getByLabel('简体中文').check();
    await page.fill(f('service.description'), '深圳市示例网络科技有限公司的技术博客，分享研发经验，不涉及经营性内容。');
    await page.fill(f('service.homeUrl'), 'https://blog.demo-tech.cn/');
    await page.fill(f('service.domains'), 'blog.demo-tech.cn');
    await host.shot('wizard-website');
    await page.getByRole('button', { name: '保存并继续' }).click();
    await page.getByRole('button', { name: '添加接入' }).click();
    await page.selectOption(f('access.0.accessMethod'), 'virtual_host');
    await page.fill(f('access.0.serverLocation'), '广东省广州市');
    await page.fill(f('access.0.ips'), '120.24.10.31');
    await page.getByRole('button', { name: '保存并继续' }).click();
    await page.getByText('材料已通过全部校验').waitFor();
    await page.getByRole('button', { name: '发起身份核验' }).click();
    await page.getByRole('button', { name: '已发起核验' }).waitFor();
    await page.getByTestId('submit-application').click();
    await page.waitForURL(`**/host/applications/${id}`);

    const provider = await journey(browser, server.url, 'resubmit-provider');
    await signInUi(provider.page, 'provider.demo');
    await providerApproves(provider.page);
    await page.reload();
    await page.getByTestId('sms-code').fill(await server.smsCode(PRINCIPAL_MOBILE));
    await page.getByRole('button', { name: '提交验证码' }).click();
    await page.locator('.badge[data-status="bureau_review"]').first().waitFor();

    // The bureau flags the name, says why and how to fix it, and rejects.
    const bureau = await journey(browser, server.url, 'resubmit-bureau');
    await signInUi(bureau.page, 'gd.reviewer');
    await bureau.page.getByTestId('queue-row').filter({ hasText: '示例科技博客' }).getByRole('link', { name: '审核' }).click();
    await bureau.page.getByRole('button', { name: '标记问题：服务名称' }).click();
    await bureau.page.locator('#reason-error-0').fill('网站名称不能仅为“博客”等泛称，应体现网站实际内容。');
    await bureau.page.locator('#reason-suggestion-0').fill('改为“示例科技技术分享”');
    await bureau.shot('bureau-reject-reason');
    await bureau.page.getByTestId('return').click();
    await bureau.page.getByTestId('decision-confirm-yes').click(); // the decision's confirmation step
    await bureau.page.locator('.badge[data-status="bureau_rejected"]').first().waitFor();

    // The host sees the reason at the field, corrects it and resubmits.
    await page.reload();
    await page.getByText('网站名称不能仅为“博客”等泛称').first().waitFor();
    await host.shot('status-rejected');
    await page.getByTestId('edit-application').click();
    const field = page.locator('[data-field="service.name"]');
    await field.locator('.field-reason').getByText('改为“示例科技技术分享”').waitFor();
    expect(await field.getAttribute('class')).toContain('has-reason');
    await host.shot('wizard-reason-highlighted');
    await page.fill(f('service.name'), '示例科技技术分享');
    await page.getByRole('button', { name: '保存并继续' }).click();
    await page.getByRole('button', { name: '保存并继续' }).click();
    await page.getByTestId('submit-application').getByText('修改完成，重新提交').waitFor();
    if (await page.getByRole('button', { name: '发起身份核验' }).isVisible()) {
      await page.getByRole('button', { name: '发起身份核验' }).click();
      await page.getByRole('button', { name: '已发起核验' }).waitFor();
    }
    await page.getByTestId('submit-application').click();
    await page.waitForURL(`**/host/applications/${id}`);
    await page.locator('.badge[data-status="provider_review"]').first().waitFor();
    expect(await page.getByTestId('timeline').textContent()).toContain('管局退回');
    // This round has not reached the bureau: no deadline of the last round (“已于 … 办结”) is shown.
    expect(await page.locator('#deadline').count()).toBe(0);
    await host.shot('status-resubmitted');
    await provider.page.goto('/provider');
    await provider.page.getByTestId('queue-row').filter({ hasText: '示例科技技术分享' }).getByRole('link', { name: '审核' }).click();
    await provider.page.getByTestId('materials').waitFor();
    expect(await provider.page.locator('p.lead').textContent()).not.toMatch(/期限/);

    // First review, SMS and the bureau run again; the corrected name is filed.
    await providerApproves(provider.page);
    await page.reload();
    await page.getByTestId('sms-code').fill(await server.smsCode(PRINCIPAL_MOBILE));
    await page.getByRole('button', { name: '提交验证码' }).click();
    await page.locator('.badge[data-status="bureau_review"]').first().waitFor();
    await bureau.page.goto('/bureau');
    await bureau.page.getByTestId('queue-row').filter({ hasText: '示例科技技术分享' }).getByRole('link', { name: '审核' }).click();
    await bureau.page.getByTestId('approve').click();
    await bureau.page.getByTestId('decision-confirm-yes').click(); // the decision's confirmation step
    expect(await bureau.page.getByTestId('review-done').textContent()).toMatch(/粤ICP备2024000001号-4/);
    await page.reload();
    await page.getByTestId('approved-number').waitFor();
    await host.shot('status-approved-after-resubmission');

    for (const j of [host, provider, bureau]) { j.assertClean(); await j.close(); }
  }), JOURNEY_TIMEOUT);
});
