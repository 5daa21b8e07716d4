// Journey: defects a new user met (fix-newuser). The public's violation report says what is wrong
// at the field, in the form's words (not the schema's "Too small: expected string…" above the
// form); a cancellation's SMS code takes digits only, is confirmed with Enter and marks the field
// when wrong (letters used to come back as "请求格式不正确 / 格式不正确"); a bureau reviewer who
// returns an application with a reason lacking its field or its problem is stopped and shown which
// (it used to be dropped silently: the host never saw what was written in it); starting a change or
// a new access says which service it starts from, and 返回 leads back to the filed records; a number
// not found is said once (not again as 没有找到（地址不存在，或该记录不属于您））; publicity days outside
// 1–90 are said at the field with the range (not 请求格式不正确 / 内容过短或数值过小 above the page); a
// supervision step's reason of spaces says 请填写理由 (the button did nothing).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../auth.ts';
import { appMaterials, call, CLOUD, confirmationCode, orgId } from '../filing.ts';
import { expectRefusal, journey, JOURNEY_TIMEOUT, launch, type Server, setLanguage, signInUi, startServer, steps, toBureau } from './harness.ts';

describe('journey: a new user does things wrong', () => {
  let server: Server; let browser: Browser;
  // The demo's life after the number too: shells for the cleanup notice.
  beforeAll(async () => { [server, browser] = await Promise.all([startServer({ demoLives: true }), launch()]); }, 240_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('the public report says at the field what is wrong, in Chinese and in English', () => steps(async () => {
    const j = await journey(browser, server.url, 'newuser-report');
    const { page } = j;
    await page.goto(`/record/${encodeURIComponent('粤ICP备2024000001号-2A')}`);
    await setLanguage(page, 'en');
    await page.getByTestId('report-open').click();
    // Ten characters for the browser, two once trimmed: the server refuses the description.
    await page.getByLabel('What happened').fill('    短信    ');
    await page.getByLabel('Contact (mobile or email)').fill('13912345678');
    await page.getByTestId('report-submit').click();
    const description = page.getByTestId('report-description-error');
    await description.waitFor();
    expect(await description.textContent()).toContain('Describe what happened in at least 10 characters');
    expect(await page.getByLabel('What happened').getAttribute('aria-invalid')).toBe('true');
    const form = page.getByTestId('report-form');
    expect(await form.textContent()).not.toMatch(/Too small|does not match the schema/);
    await j.shot('report-description');

    // A contact that is neither a mobile number nor an email address.
    await setLanguage(page, 'zh-CN');
    await page.getByTestId('report-open').click();
    await page.getByLabel('举报内容').fill('冒充银行客服骗取短信验证码，首页有弹窗');
    await page.getByLabel('联系方式（手机号或邮箱）').fill('abcdef');
    await page.getByTestId('report-submit').click();
    const contact = page.getByTestId('report-contact-error');
    await contact.waitFor();
    expect(await contact.textContent()).toContain('请填写能联系到您的大陆手机号（11 位数字）或邮箱地址');
    expect(await page.getByLabel('联系方式（手机号或邮箱）').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('report-description-error').count()).toBe(0);
    expect(await form.textContent()).not.toContain('请求格式不正确');
    await j.shot('report-contact');
    expectRefusal(j, 400, /\/reports$/);

    await page.getByLabel('联系方式（手机号或邮箱）').fill('13912345678');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-sent').waitFor();
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('a cancellation code takes six digits, Enter confirms it, and a wrong one marks the field', () => steps(async () => {
    const j = await journey(browser, server.url, 'newuser-cancel-code');
    const { page } = j;
    await signInUi(page, 'host@demo.beian.test');
    await page.goto('/host/records');
    const number = '浙ICP备2024000001号-1A';
    await page.getByTestId(`cancel-service-${number}`).click();
    const asked = page.waitForResponse((r) => r.url().endsWith('/cancel') && r.request().method() === 'POST');
    await page.getByTestId('confirm-service-ask').click();
    const { confirmationId } = (await (await asked).json()) as { confirmationId: string };
    const code = await confirmationCode(server.t.db, server.t.sealer, confirmationId);
    const box = page.locator('#confirm-service-code');
    const confirm = page.getByTestId('confirm-service-confirm');
    await box.fill('a1b2c3');
    expect(await box.inputValue()).toBe('123');
    expect(await confirm.isDisabled()).toBe(true);
    await j.shot('code-digits-only');

    const wrong = code === '000000' ? '000001' : '000000';
    await box.fill(wrong);
    expect(await confirm.isDisabled()).toBe(false);
    await box.press('Enter');
    const panel = page.getByTestId('confirm-service');
    await panel.getByText('验证码错误，还剩 4 次机会').waitFor();
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    expect(await panel.textContent()).not.toContain('格式不正确');
    expectRefusal(j, 400, /\/api\/host\/confirmations\//);
    await j.shot('code-wrong');

    await box.fill(code);
    await box.press('Enter');
    await page.getByTestId('records-done').waitFor();
    const [s] = await server.t.db.query<{ status: string }>('select status from services where service_number = $1', [number]);
    expect(s!.status).toBe('cancelled');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('a bureau reviewer cannot return an application with a half-written reason', () => steps(async () => {
    const m = appMaterials(await orgId(server.t.db, CLOUD));
    const app = { id: await toBureau(server, { serviceType: 'app', submitterOrgId: m.access[0]!.providerOrgId, materials: m }, [m.subject.principal.mobile, m.service.principal.mobile]) };
    const j = await journey(browser, server.url, 'newuser-reasons');
    const { page } = j;
    await signInUi(page, 'gd.reviewer');
    await page.goto(`/bureau/applications/${app.id}`);
    // One reason flagged at a field and written; a second written without choosing its field.
    await page.getByRole('button', { name: /标记问题/ }).first().click();
    await page.locator('#reason-error-0').fill('名称与实际业务不符');
    await page.getByRole('button', { name: '添加一条意见' }).click();
    await page.locator('#reason-error-1').fill('首页网址无法访问，请核实');
    await page.getByTestId('return').click();
    await page.getByText('有 1 条意见缺少字段或问题说明（已标红）').waitFor();
    expect(await page.getByTestId('decision-confirm').count()).toBe(0);
    const second = page.getByTestId('reason').nth(1);
    expect(await second.locator('.field.has-error select').count()).toBe(1);
    expect(await second.locator('.field.has-error textarea').count()).toBe(0);
    expect(await page.locator('#reason-field-1').evaluate((e) => e === document.activeElement)).toBe(true);
    await j.shot('reason-incomplete');

    // Completed, both go to the host.
    const options = await page.locator('#reason-field-1 option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    await page.locator('#reason-field-1').selectOption(options[options.length - 1]!);
    await page.getByTestId('return').click();
    await page.getByTestId('decision-confirm').getByText('以下 2 条意见').waitFor();
    await page.getByTestId('decision-confirm-yes').click();
    await page.getByTestId('decision-confirm').waitFor({ state: 'detached' });
    const reviewer = await signIn(server.app, 'gd.reviewer');
    await expect.poll(async () => (await call(server.app, reviewer, 'GET', `/api/bureau/applications/${app.id}`)).status).toBe('bureau_rejected');
    const view = await call(server.app, reviewer, 'GET', `/api/bureau/applications/${app.id}`);
    expect((view.reviewReasons as { error: string }[]).map((r) => r.error).sort()).toEqual(['名称与实际业务不符', '首页网址无法访问，请核实'].sort());
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('a change or a new access names the service it starts from, and 返回 leads back to the filed records', () => steps(async () => {
    const j = await journey(browser, server.url, 'newuser-change-target');
    const { page } = j;
    await signInUi(page, 'host@demo.beian.test');
    await page.goto('/host/records');
    const a2dp = page.getByTestId('record-service').filter({ hasText: '粤ICP备2024000001号-2A' });
    await a2dp.getByTestId('add-access').click();
    const target = page.getByTestId('change-target');
    await target.waitFor();
    expect(await target.textContent()).toBe('新增接入的服务：A2DP Volume（APP）');
    expect(await page.getByTestId('start-change').textContent()).toBe('填写新增接入信息');
    await j.shot('add-access-target');
    await page.getByRole('link', { name: '← 返回' }).click();
    await page.waitForURL((u) => u.pathname === '/host/records');
    await a2dp.getByRole('link', { name: '变更' }).click();
    await target.waitFor();
    expect(await target.textContent()).toBe('变更的服务：A2DP Volume（APP）');
    expect(await page.getByTestId('start-change').textContent()).toBe('开始变更');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('a number the bureau cannot blacklist is said once, without 地址不存在', () => steps(async () => {
    const j = await journey(browser, server.url, 'newuser-blacklist-unknown');
    const { page } = j;
    await signInUi(page, 'gd.reviewer');
    await page.goto('/bureau/supervision?tab=blacklist');
    await page.getByLabel('服务备案号').fill('粤ICP备2099999999号-9A');
    await page.getByTestId('blacklist-category').selectOption('false_materials');
    await page.getByLabel('理由').fill('提供虚假材料（旅程）');
    await page.getByRole('button', { name: '列入黑名单' }).click();
    const notice = page.locator('.notice-error').filter({ hasText: '没有匹配的已备案服务' }).first();
    await notice.waitFor();
    expect(await notice.textContent()).not.toContain('地址不存在');
    expectRefusal(j, 404, /\/api\/bureau\/blacklist$/);
    await j.shot('blacklist-unknown');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('a cleanup notice with publicity days out of range says so at the days field', () => steps(async () => {
    const j = await journey(browser, server.url, 'newuser-notice-days');
    const { page } = j;
    await signInUi(page, 'gd.reviewer');
    await page.goto('/bureau/shells');
    await page.getByRole('checkbox', { name: /-4$/ }).check(); // 云端帮助中心: listable
    const days = page.getByLabel('公示天数（1–90 天）');
    for (const wrong of ['0', '400']) {
      await days.fill(wrong);
      await page.getByTestId('publish-notice').click();
      await page.getByTestId('notice-days-error').getByText('公示天数须为 1–90 天').waitFor();
      expect(await days.getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('.notice-error').count()).toBe(0);
    }
    expectRefusal(j, 400, /\/api\/bureau\/notices$/);
    await j.shot('notice-days');
    await days.fill('10');
    await page.getByTestId('publish-notice').click();
    await page.getByTestId('cleanup-notice').first().getByTestId('countdown').getByText('公示剩余 10 天').waitFor();
    expect(await page.getByTestId('notice-days-error').count()).toBe(0);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('a supervision step with a reason of spaces says the reason is missing, instead of doing nothing', () => steps(async () => {
    const j = await journey(browser, server.url, 'newuser-reason-spaces');
    const { page } = j;
    await signInUi(page, 'gd.reviewer');
    await page.goto('/bureau/supervision?tab=orders');
    await page.getByTestId('redate-order').first().click();
    const requests: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST') requests.push(r.url()); });
    await page.getByTestId('redate-order-reason').fill('   ');
    await page.getByTestId('redate-order-days').fill('5');
    await page.getByTestId('redate-order-submit').click();
    await page.getByTestId('redate-order-reason-error').getByText('请填写理由').waitFor();
    expect(await page.getByTestId('redate-order-reason').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('redate-order-reason').evaluate((e) => e === document.activeElement)).toBe(true);
    expect(requests).toEqual([]);
    await j.shot('reason-spaces');
    await page.getByTestId('redate-order-reason').fill('平台申请延期，同意（旅程）');
    const answered = page.waitForResponse((r) => r.url().endsWith('/due') && r.request().method() === 'POST');
    await page.getByTestId('redate-order-submit').click();
    expect((await answered).status()).toBe(200);
    await page.getByTestId('redate-order-form').waitFor({ state: 'detached' });
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
