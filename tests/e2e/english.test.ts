// Journey 4: the public pages in Chinese, the English switch (remembered across pages and
// reloads), a record page with its display snippets and badge, a revoked record's state, and the
// sign-in page — no console error.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoHorizontalOverflow, journey, JOURNEY_TIMEOUT, launch, type Server, signOutUi, startServer, steps } from './harness.ts';

/** The natural width of the record page's badge image once loaded (0 while loading or broken). */
const badgeWidth = (page: Page) => page.getByTestId('badge-image').evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0));
/** Chinese full-width punctuation, which English text must not carry (data values such as host names aside). */
const FULL_WIDTH = /[：（），、；]/;
/** The visible text of an element with the given data values cut out. */
const textWithout = async (page: Page, selector: string, values: string[]) =>
  values.reduce((t, v) => t.split(v).join(' '), await page.locator(selector).first().innerText());

describe('journey: public query and the English switch', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => { [server, browser] = await Promise.all([startServer(), launch()]); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('searches in Chinese, switches to English, and keeps the choice', () => steps(async () => {
    const j = await journey(browser, server.url, 'english');
    const { page } = j;
    // A new host registers and lands on an empty portal.
    await page.goto('/register');
    await page.getByLabel('姓名或单位名称').fill('周敏');
    await page.getByLabel('手机号码').fill('1391234');
    await page.getByLabel('电子邮箱').focus();
    await page.getByText('大陆手机号为 11 位数字').waitFor(); // checked as the user leaves the field
    await page.getByLabel('手机号码').fill('13912345678');
    // The mobile is proven by a code: 获取验证码 sends it (the development SMS inbox here) and counts down.
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByTestId('sms-code-sent').waitFor();
    await page.getByRole('button', { name: /秒后可重新获取/ }).waitFor();
    expect(await page.getByTestId('get-sms-code').isDisabled()).toBe(true);
    await page.getByLabel('短信验证码').fill(await server.smsCode('13912345678'));
    await page.getByLabel('电子邮箱').fill('zhoumin@example.test');
    await page.getByLabel('密码').fill('Beian-2026-zm');
    await j.shot('register');
    await page.getByRole('button', { name: '注册并登录' }).click();
    await page.waitForURL('**/host');
    await page.getByText('还没有备案申请。').waitFor();
    await signOutUi(page);

    await page.goto('/');
    await expect.poll(() => page.locator('h1').textContent()).toBe('全国互联网信息服务备案查询');
    // Keyboard: the first Tab reaches the skip link, which moves focus to the content; the search works from the keyboard.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('跳到正文');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.getByLabel('关键词').focus();
    await page.keyboard.type('A2DP');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'A2DP Volume' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.getByLabel('关键词').fill('示例');
    await page.getByRole('button', { name: '查询' }).click();
    // The A2DP result is still on the page until the new answer replaces it: wait for the new list.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="search-result"]').length > 1);
    // Chinese labels keep their full-width colon.
    expect(await page.getByTestId('search-result').first().innerText()).toContain('服务备案号：');
    await j.shot('search-zh');
    await assertNoHorizontalOverflow(page);

    // A revoked APP answers with its state.
    await page.getByLabel('关键词').fill('示例小游戏');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByRole('link', { name: '示例小游戏' }).click();
    await page.getByText('该备案已被通信管理局撤销').waitFor();
    await expect.poll(() => badgeWidth(page)).toBeGreaterThan(0); // embedded badges now show 已撤销
    await j.shot('record-revoked-zh');

    // The English switch, persisted.
    await page.getByTestId('lang-switch').click();
    await page.getByText('This filing was revoked').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await j.shot('record-revoked-en');
    // The revoked record's badge speaks English too.
    expect(await page.getByTestId('badge-image').getAttribute('src')).toMatch(/\/badge\.svg\?lang=en$/);
    await page.goto('/?q=A2DP');
    await page.getByRole('link', { name: 'A2DP Volume' }).waitFor();
    // English labels join their values with English punctuation, not Chinese full-width marks.
    const result = page.getByTestId('search-result').first();
    const resultText = await result.innerText();
    expect(resultText).toContain('Service filing number: ');
    expect(resultText).toContain('Service type: ');
    const resultHost = (await result.locator('.result-meta > span', { hasText: /^Host: / }).innerText()).replace(/^Host: /, '');
    expect(resultText.split(resultHost).join(' ')).not.toMatch(FULL_WIDTH);
    await j.shot('search-en');
    await page.getByRole('link', { name: 'A2DP Volume' }).click();
    await page.getByRole('heading', { name: 'Display snippet' }).waitFor();
    // The record card and the snippet card: labels, joins and previews in English punctuation
    // (the number, the host's name and the Chinese snippets are data, cut out first).
    const number = await page.getByTestId('record-number').innerText();
    const host = await page.locator('#record dd').nth(5).innerText();
    expect(await page.locator('#record').innerText()).toMatch(/Android: a2dp\.Vol/);
    expect(await textWithout(page, '#record', [number, host])).not.toMatch(FULL_WIDTH);
    const snippets = await textWithout(page, '#badge', [number]);
    expect(snippets).toContain('Preview: ');
    expect(snippets).not.toMatch(FULL_WIDTH);
    // The preview shows the English badge; the embed snippet stays the API's default (Chinese) address.
    expect(await page.getByTestId('badge-image').getAttribute('src')).toMatch(/\/badge\.svg\?lang=en$/);
    expect(await page.locator('#snippet').inputValue()).toMatch(/^<a href="[^"]+\/record\/[^"]+" target="_blank" rel="noopener">粤ICP备2024000001号-2A<\/a>$/);
    expect(await page.locator('#snippet-badge').inputValue()).toMatch(/<img src="[^"]+\/badge\.svg" alt="粤ICP备2024000001号-2A" height="20">/);
    await expect.poll(() => badgeWidth(page)).toBeGreaterThan(100); // the SVG badge loaded and was drawn
    await page.getByTestId('copy-snippet-badge').click();
    await page.getByTestId('copy-snippet-badge').getByText('Copied').waitFor();
    await j.shot('record-en');
    await page.reload();
    await page.getByRole('heading', { name: 'Display snippet' }).waitFor();
    await page.goto('/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await j.shot('login-en');
    await assertNoHorizontalOverflow(page);

    // And back to Chinese.
    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { name: '登录备案系统' }).waitFor();
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
