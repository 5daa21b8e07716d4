// Typed wizard input is never lost silently (defects 4 and 9): moving between steps without a change
// writes no version; a header link asks before leaving unsaved changes; a save that meets an expired
// session keeps the typed values in the tab, says so on the sign-in page and restores them after.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signed } from '../auth.ts';
import { call } from '../filing.ts';
import { expectRefusal, fieldSelector as f, hostSession, journey, JOURNEY_TIMEOUT, type Server, signInUi, steps } from './harness.ts';

describe('journey: the wizard keeps what was typed', () => {
  let server: Server; let browser: Browser; let host: Signed;
  beforeAll(async () => { ({ server, browser, host } = await hostSession()); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('saves on a step change only when something changed, and asks before a header link leaves unsaved input', () => steps(async () => {
    const draft = await call(server.app, host, 'POST', '/api/host/applications', { serviceType: 'website' }, 201);
    const j = await journey(browser, server.url, 'wizard-guard');
    const page = j.page;
    await signInUi(page, 'host@demo.beian.test');
    await page.goto(`/host/applications/${draft.id}/edit`);
    await page.locator(f('subject.name')).waitFor();
    for (const step of ['基础信息', '接入信息', '主体信息', '核验并提交', '主体信息']) {
      await page.locator('ol.steps').getByRole('button', { name: step }).click();
    }
    await page.locator(f('subject.name')).waitFor();
    expect((await call(server.app, host, 'GET', `/api/host/applications/${draft.id}`)).version).toBe(draft.version);
    // Typed, then the header's 我的备案: the app asks; staying keeps the value, leaving goes.
    await page.fill(f('subject.name'), '深圳市星河数字科技有限公司');
    const dialogs: string[] = [];
    page.once('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await page.getByRole('navigation').getByRole('link', { name: '我的备案' }).click();
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]).toContain('未保存');
    expect(new URL(page.url()).pathname).toBe(`/host/applications/${draft.id}/edit`);
    expect(await page.inputValue(f('subject.name'))).toBe('深圳市星河数字科技有限公司');
    await j.shot('wizard-stayed');
    // A step change now saves (one version), and nothing asks any more.
    await page.locator('ol.steps').getByRole('button', { name: '基础信息' }).click();
    await expect.poll(async () => (await call(server.app, host, 'GET', `/api/host/applications/${draft.id}`)).version).toBe(draft.version + 1);
    page.once('dialog', (d) => { dialogs.push(d.message()); void d.accept(); });
    await page.getByRole('navigation').getByRole('link', { name: '我的备案' }).click();
    await page.waitForURL((u) => u.pathname === '/host');
    expect(dialogs).toHaveLength(1);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('keeps the typed values when the session expired during a save and restores them after signing in', () => steps(async () => {
    const draft = await call(server.app, host, 'POST', '/api/host/applications', { serviceType: 'website' }, 201);
    const j = await journey(browser, server.url, 'wizard-expired');
    const page = j.page;
    await signInUi(page, 'host@demo.beian.test');
    await page.goto(`/host/applications/${draft.id}/edit`);
    await page.fill(f('subject.name'), '深圳市过期会话科技有限公司');
    // The session ends on the server (idle timeout, signed out elsewhere…).
    await server.t.db.query(`update sessions set revoked_at = now() where token_hash = (select token_hash from sessions order by created_at desc limit 1)`);
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    await page.getByTestId('session-expired').waitFor();
    await j.shot('login-session-expired');
    await page.getByLabel(/账号/).fill('host@demo.beian.test');
    await page.getByLabel(/^密码$/).fill('Demo@2026');
    await page.getByRole('button', { name: /^登录$/ }).click();
    await page.waitForURL((u) => u.pathname === `/host/applications/${draft.id}/edit`);
    await page.getByTestId('draft-restored').waitFor();
    expect(await page.inputValue(f('subject.name'))).toBe('深圳市过期会话科技有限公司');
    await j.shot('wizard-restored');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText(/已保存（第 \d+ 版）/).waitFor();
    expect((await call(server.app, host, 'GET', `/api/host/applications/${draft.id}`)).materials.subject.name).toBe('深圳市过期会话科技有限公司');
    expectRefusal(j, 401, /\/api\/host\/applications\/[0-9a-f-]+$/);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('opens the untouched draft again when 开始填写 is clicked twice, rather than leaving another empty one', () => steps(async () => {
    const j = await journey(browser, server.url, 'new-filing-again');
    const page = j.page;
    await signInUi(page, 'host@demo.beian.test');
    await page.goto('/host/new');
    await page.getByLabel('网站', { exact: true }).check();
    await page.getByTestId('create-application').click();
    await page.waitForURL(/\/edit$/);
    const first = page.url();
    // Back may restore the page as it was or load it afresh (the browser decides); either way the user sees
    // the choices it shows, so 网站 is chosen again as a user would. The lists load again on a fresh load, and
    // 开始填写 waits for them: here the submitters' answer is held back until the button was seen disabled.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => { release = r; });
    await page.route('**/api/host/submitters?**', async (route) => { await held; await route.continue(); });
    await page.goBack();
    await page.reload();
    await page.getByLabel('网站', { exact: true }).check();
    expect(await page.getByTestId('create-application').isDisabled()).toBe(true);
    release();
    await page.getByTestId('create-application').click();
    await page.waitForURL(/\/edit$/);
    expect(page.url()).toBe(first);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
