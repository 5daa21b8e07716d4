// The administrator reads the personal-data access log (issue 15 §2): the host's view of its
// filed subject's materials appears on 个人信息访问记录 with who, which record, why and which kinds
// of data — never the values — in Chinese and English, at 1280 and 390 px, no console error.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps } from './harness.ts';

describe('journey: the personal-data access log', () => {
  let server: Server; let browser: Browser;
  let subjectId: string;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    // The demo host reads its filed subject's materials (over HTTP, as the change wizard does).
    const [row] = await server.t.db.query<{ id: string }>(`select id from subjects where main_number = '粤ICP备2024000001号'`);
    subjectId = row!.id;
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'host@demo.beian.test', password: 'Demo@2026' }) });
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('beian_session='))!.split(';')[0]!;
    expect((await fetch(`${server.url}/api/host/subjects/${subjectId}/materials`, { headers: { cookie } })).status).toBe(200);
  }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('lists the access with who, the record and the purpose, filters by purpose, in both languages', () => steps(async () => {
    const j = await journey(browser, server.url, 'personal-data-access');
    const page = j.page;
    await signInUi(page, 'admin');
    await page.getByRole('link', { name: '个人信息访问记录' }).click();
    await page.getByRole('heading', { name: '个人信息访问记录' }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(subjectId) });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/主办者.*备案主体 · 粤ICP备2024000001号.*主办者查看本人备案信息.*证件号码/);
    expect(await page.content()).not.toMatch(/13800138001|440305198503120/); // kinds of data, never values
    await j.shot('admin-personal-data-access');
    await page.getByLabel('目的').selectOption('bureau_review');
    await expect.poll(() => page.getByRole('row', { name: new RegExp(subjectId) }).count()).toBe(0);
    await page.getByLabel('目的').selectOption('own_filed_record');
    await page.getByRole('row', { name: new RegExp(subjectId) }).waitFor();
    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { name: 'Personal-data access log' }).waitFor();
    expect(await page.getByRole('row', { name: new RegExp(subjectId) }).textContent()).toMatch(/Filed subject · 粤ICP备2024000001号.*Host viewing its own filed record.*ID number/);
    await j.shot('admin-personal-data-access-en');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
