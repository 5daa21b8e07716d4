// Journey: defects a new user met (fix-newuser). The public's violation report says what is wrong
// at the field, in the form's words (not the schema's "Too small: expected string…" above the
// form); a cancellation's SMS code takes digits only, is confirmed with Enter and marks the field
// when wrong (letters used to come back as "请求格式不正确 / 格式不正确").
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmationCode } from '../filing.ts';
import { expectRefusal, journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps } from './harness.ts';

describe('journey: a new user does things wrong', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => { [server, browser] = await Promise.all([startServer(), launch()]); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('the public report says at the field what is wrong, in Chinese and in English', () => steps(async () => {
    const j = await journey(browser, server.url, 'newuser-report');
    const { page } = j;
    await page.goto(`/record/${encodeURIComponent('粤ICP备2024000001号-2A')}`);
    await page.evaluate(() => localStorage.setItem('beian.lang', 'en'));
    await page.reload();
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
    await page.evaluate(() => localStorage.setItem('beian.lang', 'zh-CN'));
    await page.reload();
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
});
