// The administrator reads the personal-data access log (issue 15 §2): a bureau reviewer's view
// of an application's materials appears on 个人信息访问记录 with who, which record, why and which
// kinds of data — never the values — in Chinese and English, at 1280 and 390 px, no console error.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps } from './harness.ts';

describe('journey: the personal-data access log', () => {
  let server: Server; let browser: Browser;
  let appId: string;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    // A bureau reviewer opens an application under review in its province (over HTTP, as the console does).
    const [row] = await server.t.db.query<{ id: string }>(`select id from applications where status = 'bureau_review' and province_code = '440000' order by created_at limit 1`);
    appId = row!.id;
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'gd.reviewer', password: 'Demo@2026' }) });
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('beian_session='))!.split(';')[0]!;
    expect((await fetch(`${server.url}/api/bureau/applications/${appId}`, { headers: { cookie } })).status).toBe(200);
  }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('lists the access with who, the record and the purpose, filters by purpose, in both languages', () => steps(async () => {
    const j = await journey(browser, server.url, 'personal-data-access');
    const page = j.page;
    await signInUi(page, 'admin');
    await page.getByRole('link', { name: '个人信息访问记录' }).click();
    await page.getByRole('heading', { name: '个人信息访问记录' }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(appId) });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/省通信管理局|管局/);
    expect(await row.textContent()).toMatch(/备案申请.*管局审核.*证件号码/);
    await j.shot('admin-personal-data-access');
    await page.getByLabel('目的').selectOption('own_application');
    await expect.poll(() => page.getByRole('row', { name: new RegExp(appId) }).count()).toBe(0);
    await page.getByLabel('目的').selectOption('bureau_review');
    await page.getByRole('row', { name: new RegExp(appId) }).waitFor();
    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { name: 'Personal-data access log' }).waitFor();
    expect(await page.getByRole('row', { name: new RegExp(appId) }).textContent()).toMatch(/Application.*Bureau review.*ID number/);
    await j.shot('admin-personal-data-access-en');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
