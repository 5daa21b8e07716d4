// Journey: defects a new user met (fix-newuser). The public's violation report says what is wrong
// at the field, in the form's words (not the schema's "Too small: expected string…" above the form).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusal, journey, JOURNEY_TIMEOUT, launch, type Server, startServer, steps } from './harness.ts';

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
});
