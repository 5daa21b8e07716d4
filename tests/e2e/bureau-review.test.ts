// Journey: a provincial reviewer's week (review issue items 1–9). 广东's reviewer sees the kind and
// the subject of each queued application, a website's materials titled as a website's, the filed
// subject of a 新增服务 with a link to the bureau record page; approves and rejects through a
// confirmation step; the decided filters show number, time and reviewer; the rejection's history
// says 管局退回 once; the record search finds the A2DP Volume by its MD5 printed with colons, the
// record page shows the whole public key (expandable, copyable), reveals personal data (logged)
// and revokes with a category, a reason and a confirmation; on a phone the menu says who is in.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A2DP_CERT } from '../../src/db/seed/demo.ts';
import { appMaterials, CLOUD, orgId, websiteMaterials } from '../filing.ts';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps, toBureau } from './harness.ts';

describe('journey: a bureau reviewer checks, decides and revokes', () => {
  let server: Server; let browser: Browser;
  let website: string; let app: string;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    const cloud = await orgId(server.t.db, CLOUD);
    const [s] = await server.t.db.query<{ id: string }>(`select id from subjects where name = '深圳市示例网络科技有限公司'`);
    const site = { ...websiteMaterials(cloud), subject: undefined };
    site.service.name = '示例科技技术博客';
    website = await toBureau(server, { applicationType: 'new_service', subjectId: s!.id, serviceType: 'website', submitterOrgId: cloud, materials: site }, ['13800138001']);
    const m = appMaterials(cloud);
    app = await toBureau(server, { serviceType: 'app', submitterOrgId: cloud, materials: m }, [m.subject.principal.mobile, m.service.principal.mobile]);
  }, 240_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('tells queue rows apart, confirms each decision, and shows decided applications as decided', () => steps(async () => {
    const bureau = await journey(browser, server.url, 'bureau-review');
    const page = bureau.page;
    await signInUi(page, 'gd.reviewer');
    await page.goto('/bureau');
    const row = page.getByTestId('queue-row').filter({ hasText: '示例科技技术博客' });
    await row.waitFor();
    expect(await row.getByTestId('queue-kind').textContent()).toBe('新增服务');
    expect(await row.getByTestId('queue-subject').textContent()).toBe('主体：深圳市示例网络科技有限公司');
    expect(await page.getByTestId('queue-row').filter({ hasText: '测试记账' }).getByTestId('queue-kind').textContent()).toBe('首次备案');
    await bureau.shot('queue-kinds');

    // The 新增服务: the subject it acts under, a website's groups (never "APP …").
    await row.getByTestId('queue-open').click();
    const subject = page.getByTestId('subject-name');
    expect(await subject.textContent()).toBe('深圳市示例网络科技有限公司');
    const panel = page.locator('#subject-record');
    expect(await panel.textContent()).toMatch(/粤ICP备2024000001号/);
    expect(await panel.textContent()).toMatch(/914\*+/);
    const materials = await page.getByTestId('materials').textContent();
    expect(materials).toContain('网站基础信息');
    expect(materials).toContain('网站接入信息');
    expect(materials).not.toContain('APP');
    await bureau.shot('new-service-subject');

    // Approve: nothing happens on the first click but a confirmation naming the number's allocation.
    await page.getByTestId('approve').click();
    const confirm = page.getByTestId('decision-confirm');
    expect(await confirm.textContent()).toContain('将分配备案号');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('decision-confirm');
    expect(await page.getByTestId('approve').count()).toBe(0); // the confirmation replaces the buttons
    await bureau.shot('approve-confirm');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'approve');
    expect((await server.t.db.query<{ status: string }>('select status from applications where id = $1', [website]))[0]!.status).toBe('bureau_review');
    await page.getByTestId('approve').click();
    await page.getByTestId('decision-confirm-yes').click();
    expect(await page.getByTestId('review-done').textContent()).toMatch(/粤ICP备2024000001号-4/);
    // The header follows once the application is read again after the decision (the notice shows first).
    await expect.poll(() => page.locator('.page-head').textContent()).not.toContain('办结期限');
    expect(await page.locator('.page-head').textContent()).toContain('办结');
    await bureau.shot('approved');
    // In English too: the website's groups are a website's.
    await page.getByTestId('lang-switch').click();
    await page.getByText('Website access info').waitFor();
    expect(await page.getByTestId('materials').textContent()).toContain('Website basic info');
    expect(await page.getByTestId('materials').textContent()).not.toContain('APP');
    expect(await page.locator('#subject-record').textContent()).toContain('The filed subject this application acts under');
    await bureau.shot('approved-en');
    await page.getByTestId('lang-switch').click();
    await page.getByText('网站接入信息').waitFor();

    // Reject the APP with a reason: confirmed too; its history says 管局退回 once.
    await page.goto(`/bureau/applications/${app}`);
    await page.locator('[data-field="service.description"] button').click();
    await page.locator('#reason-error-0').fill('描述过于笼统');
    await page.getByTestId('return').click();
    expect(await page.getByTestId('decision-confirm').textContent()).toContain('1 条意见');
    await page.getByTestId('decision-confirm-yes').click();
    await page.locator('.badge[data-status="bureau_rejected"]').first().waitFor();
    const steps_ = await page.getByTestId('timeline').locator('li').allTextContents();
    const rejected = steps_.find((s) => s.startsWith('管局退回'))!;
    expect(rejected).toBeTruthy();
    expect(rejected).not.toContain('→ 管局退回');

    // The decided filters: their own title and columns, a 查看 link, no deadline.
    await page.goto('/bureau');
    await page.locator('#status-filter').selectOption('approved');
    const done = page.getByTestId('queue-row').filter({ hasText: '示例科技技术博客' });
    await done.waitFor();
    expect(await page.locator('h1').textContent()).toBe('已办结申请');
    expect(await done.getByTestId('queue-number').textContent()).toMatch(/粤ICP备2024000001号-4$/);
    expect(await done.textContent()).toContain('广东审核员');
    expect(await done.getByTestId('queue-open').textContent()).toBe('查看');
    expect(await page.getByTestId('decided-table').textContent()).not.toMatch(/暂定|办结期限/);
    await bureau.shot('decided-approved');
    await page.locator('#status-filter').selectOption('bureau_rejected');
    await page.getByTestId('queue-row').filter({ hasText: '测试记账' }).waitFor();
    expect(await page.getByTestId('queue-row').filter({ hasText: '测试记账' }).getByTestId('queue-open').textContent()).toBe('查看');
    bureau.assertClean();
    await bureau.close();
  }), JOURNEY_TIMEOUT);

  it('finds a filing by its certificate fingerprint, shows the whole record, reveals (logged) and revokes with a confirmation', () => steps(async () => {
    const bureau = await journey(browser, server.url, 'bureau-record');
    const page = bureau.page;
    await signInUi(page, 'gd.reviewer');
    await page.getByRole('link', { name: '备案检索' }).click();
    await page.getByTestId('br-query').fill(A2DP_CERT.md5.toUpperCase().match(/../g)!.join(':'));
    await page.getByTestId('br-search').click();
    const hit = page.getByTestId('br-row').filter({ hasText: 'A2DP Volume' });
    await hit.waitFor();
    expect(await page.getByTestId('br-row').count()).toBe(1);
    expect(await hit.textContent()).toContain('签名证书指纹');
    await bureau.shot('search-fingerprint');
    await hit.getByTestId('br-open').click();

    const key = page.getByTestId('public-key-value');
    await key.waitFor();
    expect(await key.textContent()).not.toBe(A2DP_CERT.publicKey);
    await page.getByTestId('public-key-toggle').click();
    expect(await key.textContent()).toBe(A2DP_CERT.publicKey);
    const materials = await page.getByTestId('materials').textContent();
    expect(materials).toContain(A2DP_CERT.sha256);
    expect(materials).toContain('示例云计算有限公司');
    expect(materials).toContain('138****8002');
    await bureau.shot('record');

    const before = (await server.t.db.query<{ n: number }>('select count(*)::int as n from personal_data_access'))[0]!.n;
    await page.getByTestId('reveal').click();
    await page.getByText('13800138002').first().waitFor();
    expect((await server.t.db.query<{ n: number }>('select count(*)::int as n from personal_data_access'))[0]!.n).toBe(before + 1);

    await page.getByTestId('revoke-open').click();
    await page.getByTestId('revoke-next').click(); // nothing chosen: the browser keeps the form
    expect(await page.getByTestId('revoke-confirm').count()).toBe(0);
    await page.getByTestId('revoke-category').selectOption('illegal');
    await page.getByTestId('revoke-reason').fill('仿冒他人应用，签名证书与正版一致');
    await page.getByTestId('revoke-next').click();
    const confirm = page.getByTestId('revoke-confirm');
    expect(await confirm.textContent()).toContain('A2DP Volume');
    await bureau.shot('revoke-confirm');
    await page.getByTestId('confirm-revoke').click();
    await page.getByTestId('revoke-done').waitFor();
    await page.locator('.page-head .badge[data-status="revoked"]').waitFor();
    const [s] = await server.t.db.query<{ status: string; revocation_category: string }>(`select status, revocation_category from services where name = 'A2DP Volume'`);
    expect(s).toEqual({ status: 'revoked', revocation_category: 'illegal' });
    expect(await page.getByTestId('timeline').textContent()).toContain('仿冒他人应用');
    await bureau.shot('revoked');

    // A phone: the header has no room for the account, the menu says who is signed in.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.getByTestId('nav-who').isVisible()).toBe(true);
    expect(await page.getByTestId('nav-who').textContent()).toContain('广东审核员');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await page.getByTestId('nav-who').isVisible()).toBe(false);
    bureau.assertClean();
    await bureau.close();
  }), JOURNEY_TIMEOUT);
});
