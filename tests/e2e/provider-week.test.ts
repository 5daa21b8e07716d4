// Journey: a provider's and a platform's week at the console (first reviews aside, which
// filing.test.ts and add-access.test.ts walk): the notices lead to their application and are
// marked read a page at a time; cancelling access asks for the reason at its field before any
// question; an API key's revoke button is on the phone's screen and a revoked key's secret is
// no longer shown; a platform replacing a campaign catalogue is asked first. 1280 and 390 px.
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../auth.ts';
import { call, CLOUD, fileToProvider, orgId, websiteMaterials } from '../filing.ts';
import { expectRefusal, journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, signOutUi, startServer, steps } from './harness.ts';

describe('journey: a provider\'s week at the console', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => { [server, browser] = await Promise.all([startServer({ demoLives: true }), launch()]); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('notices open their application and are marked read a page at a time', () => steps(async () => {
    // Three filings addressed to 示例云 by the demo host: three notices to its console.
    const host = await signIn(server.app, 'host@demo.beian.test');
    const cloud = await orgId(server.t.db, CLOUD);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await fileToProvider(server.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) }));
    const j = await journey(browser, server.url, 'provider-notices');
    const page = j.page;
    await signInUi(page, 'provider.demo');
    await page.goto('/org/supervision?tab=notices');
    const unread = async () => Number((await page.getByTestId('notices-unread').textContent())!.match(/\d+/)![0]);
    await page.getByTestId('org-notice').first().waitFor();
    const before = await unread();
    const onPage = await page.getByTestId('notice-read').count();
    expect(onPage).toBeGreaterThanOrEqual(3);
    await j.shot('notices');
    await page.getByTestId('notices-read-page').click();
    await expect.poll(() => page.getByTestId('notice-read').count()).toBe(0);
    if (before > onPage) expect(await unread()).toBe(before - onPage);
    else expect(await page.getByTestId('notices-unread').count()).toBe(0);
    // The notice of an application opens it (the console's review page), not a bare id to copy.
    const notice = page.getByTestId('org-notice').filter({ hasText: ids[0]! });
    await notice.getByTestId('notice-application').click();
    await page.waitForURL(`**/provider/applications/${ids[0]}`);
    await page.getByTestId('materials').waitFor();
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('the queue\'s other lists say what they are and open their applications to read, not to review', () => steps(async () => {
    const host = await signIn(server.app, 'host@demo.beian.test');
    const provider = await signIn(server.app, 'provider.demo');
    const cloud = await orgId(server.t.db, CLOUD);
    const id = await fileToProvider(server.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) });
    await call(server.app, provider, 'POST', `/api/provider/applications/${id}/return`, { reasons: [{ field: 'service.name', error: '名称与内容不符' }] });
    const j = await journey(browser, server.url, 'provider-queue-lists');
    const page = j.page;
    await signInUi(page, 'provider.demo');
    await page.getByRole('heading', { name: '待初审申请' }).waitFor();
    await page.getByLabel('状态筛选').selectOption('returned');
    await page.getByRole('heading', { name: '本单位受理的申请：已退回待修改' }).waitFor();
    const row = page.getByTestId('queue-row').filter({ has: page.locator(`a[href="/provider/applications/${id}"]`) });
    expect(await row.getByTestId('queue-open').textContent()).toBe('查看');
    await j.shot('queue-returned');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('cancelling access asks for the reason at its field first, then asks', () => steps(async () => {
    const j = await journey(browser, server.url, 'provider-services');
    const page = j.page;
    await signInUi(page, 'provider.demo');
    await page.getByRole('link', { name: '接入的备案' }).click();
    const row = page.getByTestId('provider-service').filter({ hasText: '示例记账' });
    const dialogs: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.accept(); });
    await row.getByTestId('provider-cancel-access').click();
    await row.getByTestId('cancel-reason-error').getByText('请填写取消原因').waitFor();
    expect(dialogs).toEqual([]);
    await expect.poll(() => row.getByRole('textbox').evaluate((e) => e === document.activeElement)).toBe(true);
    await j.shot('cancel-without-reason');
    await row.getByRole('textbox').fill('合同到期');
    expect(await row.getByTestId('cancel-reason-error').count()).toBe(0);
    await row.getByTestId('provider-cancel-access').click();
    await page.getByText(/已取消 .* 的接入；该备案已无接入，成为空壳/).waitFor();
    expect(dialogs).toEqual([expect.stringMatching(/没有其他接入：取消后该备案将成为空壳/)]);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('a distribution platform has no 接入的备案 page: not in its navigation, and its address leads to the platform\'s home', () => steps(async () => {
    const j = await journey(browser, server.url, 'platform-no-access-records');
    const page = j.page;
    await signInUi(page, 'platform.demo');
    expect(await page.getByRole('link', { name: '接入的备案' }).count()).toBe(0);
    await page.goto('/provider/services');
    await page.waitForURL((u) => u.pathname === '/provider');
    await j.shot('platform-home');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('an API key is revoked from the phone, and a revoked key\'s secret is no longer shown', () => steps(async () => {
    const j = await journey(browser, server.url, 'provider-api-keys');
    const page = j.page;
    await signInUi(page, 'provider.demo');
    page.on('dialog', (d) => { void d.accept(); });
    await page.getByRole('link', { name: 'API 密钥' }).click();
    await page.getByLabel('密钥名称').fill('监控系统');
    await page.getByRole('button', { name: '创建密钥' }).click();
    await page.getByTestId('api-key-secret').waitFor();
    // A second active key of the same name is refused (409 api_key_name_taken), said at the name field in Chinese.
    await page.getByLabel('密钥名称').fill('监控系统');
    await page.getByRole('button', { name: '创建密钥' }).click();
    await page.getByTestId('api-key-name-error').getByText('本机构已有同名的有效密钥').waitFor();
    expect(await page.getByLabel('密钥名称').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('api-key').filter({ hasText: '监控系统' }).count()).toBe(1);
    await j.shot('api-keys-name-taken');
    expectRefusal(j, 409, /\/api\/org\/api-keys$/);
    await page.setViewportSize({ width: 390, height: 844 });
    const key = page.getByTestId('api-key').filter({ hasText: '监控系统' });
    const revoke = key.getByTestId('api-key-revoke');
    const box = (await revoke.boundingBox())!;
    expect(box.x + box.width, 'the revoke button within the phone\'s width').toBeLessThanOrEqual(390);
    await j.shot('api-keys-phone');
    await revoke.click();
    await key.getByText('已吊销').waitFor();
    // The secret of a key just revoked is of no use: no longer shown as if it were.
    expect(await page.getByTestId('api-key-secret').count()).toBe(0);
    await page.setViewportSize({ width: 1280, height: 900 });
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('a platform replacing its campaign catalogue is asked first', () => steps(async () => {
    const j = await journey(browser, server.url, 'platform-catalogue-replace');
    const page = j.page;
    await signInUi(page, 'platform.demo');
    await page.getByRole('link', { name: '检查处置' }).click();
    await page.getByTestId('catalogue-file').waitFor();
    const file = path.join(tmpdir(), `replace-${process.pid}.csv`);
    await writeFile(file, 'platform,packageName,fingerprint\nandroid,cn.week.shop,abababababababababababababababab\n');
    await page.getByTestId('catalogue-file').setInputFiles(file);
    let asked = '';
    const uploads: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/catalogue') && r.method() === 'POST') uploads.push(r.url()); });
    page.once('dialog', (d) => { asked = d.message(); void d.dismiss(); });
    await page.getByTestId('catalogue-upload').click();
    await expect.poll(() => asked).toMatch(/已提交目录（\d+ 行）。用 replace-\d+\.csv 替换它？/);
    expect(uploads).toEqual([]);
    expect(await page.getByTestId('catalogue-answer').count()).toBe(0);
    page.once('dialog', (d) => { void d.accept(); });
    await page.getByTestId('catalogue-upload').click();
    await page.getByTestId('catalogue-answer').getByText('收到 1 行 · 有效 1 · 无效 0').waitFor();
    await j.shot('catalogue-replaced');
    await signOutUi(page);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
