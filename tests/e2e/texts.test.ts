// Chinese, not the server's English, where a host or the public meets a refusal (defect 8): a subject's
// main number opened as a record goes to the subject's page; an implausible year is said in Chinese;
// a save that lost a race with another tab says so with both versions, and the stale "已保存" line goes.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signed } from '../auth.ts';
import { call } from '../filing.ts';
import { expectRefusal, fieldSelector as f, hostSession, journey, JOURNEY_TIMEOUT, type Server, signInUi, steps } from './harness.ts';

describe('journey: Chinese texts for refusals', () => {
  let server: Server; let browser: Browser; let host: Signed;
  beforeAll(async () => { ({ server, browser, host } = await hostSession()); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('sends a main number to the subject page and says an implausible year in Chinese', () => steps(async () => {
    const j = await journey(browser, server.url, 'texts-public');
    const page = j.page;
    // An empty search says what to type (it showed nothing).
    await page.goto('/');
    await page.getByRole('search').getByRole('button').click();
    await page.getByTestId('search-empty').waitFor();
    await j.shot('search-empty');
    await page.goto(`/record/${encodeURIComponent('粤ICP备2024000001号')}`);
    await page.waitForURL(/\/subject\//);
    await page.getByTestId('subject-services').getByRole('link', { name: '粤ICP备2024000001号-1' }).waitFor();
    expect(await page.getByTestId('subject-number').textContent()).toBe('粤ICP备2024000001号');
    await j.shot('subject-page');
    await page.getByTestId('subject-services').getByRole('link', { name: '粤ICP备2024000001号-2A' }).click();
    await page.getByTestId('record-number').waitFor();
    await page.goto(`/record/${encodeURIComponent('粤ICP备9999000001号-1')}`);
    await page.getByText('备案号中的年份不合理').waitFor();
    expect(await page.content()).not.toMatch(/not plausible|subjects\/\{mainNumber\}/);
    await j.shot('record-bad-year');
    expectRefusal(j, 400, /\/api\/public\/v1\/services\//);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('says a save lost to another tab in Chinese with both versions, and drops the stale saved line', () => steps(async () => {
    const draft = await call(server.app, host, 'POST', '/api/host/applications', { serviceType: 'website' }, 201);
    const j = await journey(browser, server.url, 'texts-conflict');
    const page = j.page;
    await signInUi(page, 'host@demo.beian.test');
    await page.goto(`/host/applications/${draft.id}/edit`);
    await page.fill(f('subject.name'), '深圳市星河数字科技有限公司');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('已保存（第 2 版）').waitFor();
    // Another tab saves meanwhile.
    const other = await call(server.app, host, 'GET', `/api/host/applications/${draft.id}`);
    await call(server.app, host, 'PUT', `/api/host/applications/${draft.id}`, { materials: { ...other.materials, subject: { name: '另一个标签页' } }, version: other.version });
    await page.fill(f('subject.name'), '深圳市星河数字科技有限公司二');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('当前为第 3 版，您编辑的是第 2 版').waitFor();
    expect(await page.getByText(/已保存（第 \d+ 版）/).count()).toBe(0);
    expect(await page.content()).not.toContain('reload it');
    await j.shot('wizard-version-conflict');
    expectRefusal(j, 409, /\/api\/host\/applications\/[0-9a-f-]+$/);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
