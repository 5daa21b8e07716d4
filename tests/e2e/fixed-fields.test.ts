// What a change keeps as filed cannot be edited in the first place (defect 10): a 新增接入's filed access
// record is shown read-only (no 删除) while the new one is edited; a 变更主体's certificate number and
// province are read-only. Before, the host could edit them and met 此类申请不能修改该项 at submission.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps } from './harness.ts';

const f = (p: string) => `#f-${p.replace(/\./g, '-')}`;

describe('journey: fields kept as filed are read-only', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => { [server, browser] = await Promise.all([startServer(), launch()]); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('keeps a filed access record and a subject\'s certificate as filed', () => steps(async () => {
    const j = await journey(browser, server.url, 'fixed-fields');
    const page = j.page;
    await signInUi(page, 'host@demo.beian.test');
    // 新增接入 for A2DP Volume (filed with 示例云) through 蓝海数据.
    const [svc] = await server.t.db.query<{ id: string }>(`select id from services where service_number = '粤ICP备2024000001号-2A'`);
    await page.goto(`/host/services/${svc!.id}/add-access`);
    await page.selectOption('#change-submitter', { label: '蓝海数据科技有限公司（接入服务提供者）' });
    await page.getByTestId('start-change').click();
    await page.waitForURL(/\/edit$/);
    await page.getByTestId('access-0').waitFor();
    const filed = page.getByTestId('access-0');
    expect(await filed.getByTestId('access-kept').count()).toBe(1);
    expect(await filed.getByRole('button', { name: '删除' }).count()).toBe(0);
    expect(await page.locator(f('access.0.providerOrgId')).isDisabled()).toBe(true);
    expect(await page.locator(f('access.0.ips')).isEditable()).toBe(false);
    expect(await page.locator(f('access.1.serverLocation')).isEditable()).toBe(true);
    await j.shot('add-access-filed-record-kept');
    await page.getByRole('link', { name: /返回/ }).click();
    await page.waitForURL((u) => !u.pathname.endsWith('/edit'));

    // 变更主体: the certificate and the province stay; the address may change.
    const [subject] = await server.t.db.query<{ id: string }>(`select id from subjects where main_number = '粤ICP备2024000001号'`);
    await page.goto(`/host/subjects/${subject!.id}/change`);
    await page.getByTestId('start-change').click();
    await page.waitForURL(/\/edit$/);
    await page.locator(f('subject.certificateNumber')).waitFor();
    expect(await page.locator(f('subject.certificateNumber')).isEditable()).toBe(false);
    expect(await page.locator(f('subject.provinceCode')).isDisabled()).toBe(true);
    expect(await page.locator(f('subject.certificateType')).isDisabled()).toBe(true);
    expect(await page.locator(f('subject.address')).isEditable()).toBe(true);
    await j.shot('change-subject-certificate-kept');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
