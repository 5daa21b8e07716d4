// Journey: the ministry's national read view. The demo administrator (admin) finds 全国待审 /
// 全国统计 / 空壳备案 in its menu: the queue of two provinces' bureaus with their deadlines and a
// province select, an application opened read-only (查看, no 审核 actions), the statistics
// nationwide and of one province, the shells of two provinces. Then in English. A bureau
// reviewer still sees its own province only. Screenshots at 1280 and 390 px; no console error.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoLives } from '../../src/db/seed/demo-lives.ts';
import { signIn } from '../auth.ts';
import { appMaterials, call, CLOUD, orgId, websiteMaterials } from '../filing.ts';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, signOutUi, startServer, steps } from './harness.ts';

/** A Guangdong APP and a Beijing website waiting for their bureaus, through the API. */
async function populate(server: Server) {
  const [host, provider] = await Promise.all([signIn(server.app, 'host@demo.beian.test'), signIn(server.app, 'provider.demo')]);
  const cloud = await orgId(server.t.db, CLOUD);
  const ids: string[] = [];
  for (const [serviceType, materials] of [['app', appMaterials(cloud)], ['website', websiteMaterials(cloud, '110000')]] as const) {
    const created = await call(server.app, host, 'POST', '/api/host/applications', { serviceType, submitterOrgId: cloud, materials }, 201);
    await call(server.app, host, 'POST', `/api/host/applications/${created.id}/identity-verification`);
    await call(server.app, host, 'POST', `/api/host/applications/${created.id}/submit`, {});
    const view = await call(server.app, provider, 'POST', `/api/provider/applications/${created.id}/approve`, {});
    const m = materials as { subject: { principal: { mobile: string } }; service: { principal: { mobile?: string } } };
    for (const check of view.smsChecks as { id: string; mobile: string }[]) {
      const mobile = [m.subject.principal.mobile, m.service.principal.mobile].find((x) => x && x.slice(-4) === check.mobile.slice(-4))!;
      await call(server.app, host, 'POST', `/api/host/applications/${created.id}/sms/verify`, { challengeId: check.id, code: await server.smsCode(mobile) });
    }
    ids.push(created.id as string);
  }
  // A Zhejiang shell beside the demo's Guangdong ones.
  await server.t.db.query(
    `update services set shell_since = now() - interval '40 days' where id = (select s.id from services s join subjects j on j.id = s.subject_id
       where j.province_code = '330000' and s.status = 'filed' and s.service_type in ('website', 'app') and s.shell_since is null order by s.service_number limit 1)`);
  return ids;
}

describe('journey: the ministry reads every province', () => {
  let server: Server; let browser: Browser; let ids: string[];
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    await server.t.db.transaction((tx) => seedDemoLives(tx, server.t.sealer, new Date()));
    ids = await populate(server);
  }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('admin: the national queue with a province select, an application read-only, the statistics and the shells', () => steps(async () => {
    const j = await journey(browser, server.url, 'ministry');
    const page = j.page;
    await signInUi(page, 'admin');
    const nav = page.getByRole('navigation');
    for (const name of ['全国待审', '全国统计', '空壳备案']) await nav.getByRole('link', { name, exact: true }).waitFor();

    await nav.getByRole('link', { name: '全国待审', exact: true }).click();
    await page.waitForURL('**/bureau');
    await page.getByRole('heading', { name: '全国待审申请（按剩余工作日排序）' }).waitFor();
    await page.getByTestId('queue-row').first().waitFor();
    expect((await page.getByTestId('queue-province').allTextContents()).sort()).toEqual(['北京市', '广东省']);
    // Read-only: 查看, never 审核.
    expect(await page.getByTestId('queue-open').allTextContents()).toEqual(['查看', '查看']);
    await j.shot('queue-national');
    await page.getByTestId('province-filter').selectOption('110000');
    await page.waitForURL('**/bureau?province=110000');
    await expect.poll(() => page.getByTestId('queue-province').allTextContents()).toEqual(['北京市']);
    await j.shot('queue-beijing');

    await page.getByTestId('queue-open').click();
    await page.waitForURL(`**/bureau/applications/${ids[1]}`);
    await page.getByTestId('ministry-read-only').waitFor();
    await page.getByText('当前状态下无可执行的审核操作。').waitFor();
    expect(await page.getByTestId('approve').count()).toBe(0);
    expect(await page.getByTestId('return').count()).toBe(0);
    await j.shot('application-read-only');

    await nav.getByRole('link', { name: '全国统计', exact: true }).click();
    await page.getByRole('heading', { name: '全国备案统计' }).waitFor();
    await page.getByTestId('chart-per-day').locator('canvas').waitFor();
    await page.getByText('省份：全国（全部省份）').waitFor();
    expect(await page.locator('.kpi').first().locator('.v').textContent()).toBe('2');
    // Each province's figures, so the ministry sees which bureau is behind without choosing 31 provinces in turn.
    const byProvince = page.getByTestId('by-province-row');
    await byProvince.first().waitFor();
    expect(await byProvince.locator('td:first-child').allTextContents()).toEqual(expect.arrayContaining(['北京市', '广东省']));
    expect(await byProvince.filter({ hasText: '北京市' }).locator('td[data-label="在审"]').textContent()).toBe('1');
    await j.shot('statistics-national');
    // Choosing a province there narrows the dashboard to it; a province's own figures have no breakdown.
    await byProvince.filter({ hasText: '广东省' }).getByTestId('by-province-choose').click();
    await page.getByText('省份：广东省').waitFor();
    expect(await page.getByTestId('by-province').count()).toBe(0);
    await page.getByTestId('province-filter').selectOption('');
    await byProvince.first().waitFor();
    await page.getByTestId('province-filter').selectOption('440000');
    await page.getByText('省份：广东省').waitFor();
    await expect.poll(() => page.locator('.kpi').first().locator('.v').textContent()).toBe('1');
    expect(await page.getByTestId('statistics-csv').getAttribute('href')).toContain('province=440000');
    await j.shot('statistics-guangdong');

    await nav.getByRole('link', { name: '空壳备案', exact: true }).click();
    await page.getByRole('heading', { name: '空壳备案（全国）' }).waitFor();
    await page.getByTestId('shell-row').first().waitFor();
    expect([...new Set(await page.getByTestId('shell-province').allTextContents())].sort()).toEqual(['广东省', '浙江省']);
    // Nothing to choose or publish: notices stay the bureau's.
    expect(await page.getByRole('checkbox').count()).toBe(0);
    expect(await page.getByTestId('publish-notice').count()).toBe(0);
    await j.shot('shells-national');
    await page.getByTestId('province-filter').selectOption('330000');
    await expect.poll(async () => [...new Set(await page.getByTestId('shell-province').allTextContents())]).toEqual(['浙江省']);
    await j.shot('shells-zhejiang');

    // The national record search and a record page, read-only (ADR 0037 addendum): no revocation; a reveal is logged.
    await nav.getByRole('link', { name: '全国备案检索', exact: true }).click();
    await page.getByRole('heading', { name: '备案检索（全国）' }).waitFor();
    await page.getByTestId('br-query').fill('示例');
    await page.getByTestId('br-search').click();
    await page.getByTestId('br-row').first().waitFor();
    expect([...new Set(await page.getByTestId('br-province').allTextContents())]).toEqual(expect.arrayContaining(['广东省', '浙江省']));
    await j.shot('records-national');
    await page.getByTestId('province-filter').selectOption('330000');
    await expect.poll(async () => [...new Set(await page.getByTestId('br-province').allTextContents())]).toEqual(['浙江省']);
    expect(page.url()).toMatch(/[?&]province=330000/);
    await page.getByTestId('br-open').first().click();
    await page.getByTestId('ministry-record-read-only').waitFor();
    expect(await page.getByTestId('revoke-open').count()).toBe(0);
    const logged = async () => (await server.t.db.query<{ n: number }>(`select count(*)::int as n from personal_data_access where actor_role = 'ministry_admin' and record_type = 'service'`))[0]!.n;
    const before = await logged();
    await page.getByTestId('reveal').click();
    await page.getByTestId('reveal').waitFor({ state: 'detached' });
    expect(await logged()).toBe(before + 1);
    await j.shot('record-read-only');

    // In English.
    await page.getByTestId('lang-switch').click();
    for (const name of ['National queue', 'National statistics', 'Shell filings', 'National record search']) await nav.getByRole('link', { name, exact: true }).waitFor();
    await nav.getByRole('link', { name: 'Shell filings', exact: true }).click();
    await page.getByRole('heading', { name: 'Shell filings (nationwide)' }).waitFor();
    await j.shot('shells-en');
    await page.getByTestId('lang-switch').click();
    await signOutUi(page);

    // A bureau still reads its own province only, without a province select.
    await signInUi(page, 'bj.reviewer');
    await page.waitForURL('**/bureau');
    await page.getByTestId('queue-row').first().waitFor();
    expect(await page.getByTestId('queue-row').count()).toBe(1);
    expect(await page.getByTestId('province-filter').count()).toBe(0);
    expect(await page.getByTestId('queue-open').allTextContents()).toEqual(['审核']);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
