// Console lists past their old limits, each 50 a page with a pager: the provider's access records (接入的备案,
// stopped at 500), the bureau's cleanup notices (stopped at 100), the campaigns of the organisation's and the
// bureau's supervision consoles (one page only). And a violation report opened by its id from an order's link
// (?report=…) shows its detail although it is not on the page of reports shown. At 1280 and 390 px, with no
// console error.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, signOutUi, startServer, steps, walkPages } from './harness.ts';

const ACCESS = 520;
const NOTICES = 130;
const CAMPAIGNS = 70;
const REPORTS = 130;

describe('journey: console lists page; a report opens by its id', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    const db = server.t.db;
    await db.query(`
      insert into access_records (service_id, provider_org_id, access_method, server_location, ips, domains, created_at)
      select s.id, u.organisation_id, 'cloud', '批量接入第' || g || '号', '{}', '{}', now()
        from users u, generate_series(1, ${ACCESS}) g
        cross join lateral (select id from services where status = 'filed' order by service_number
                            offset g % (select count(*) from services where status = 'filed') limit 1) s
       where u.login = 'provider.demo'`);
    await db.query(`
      insert into cleanup_notices (province_code, title, publicity_days, published_at, ends_at, status, executed_at)
      select '440000', '批量公告第' || g || '号', 7, now() - interval '30 days' + g * interval '1 minute', now() - interval '20 days', 'executed', now() - interval '19 days'
        from generate_series(1, ${NOTICES}) g`);
    await db.query(`
      insert into campaigns (name, kind, org_kinds, starts_on, catalogue_due_on, ends_on, created_at)
      select '批量专项第' || g || '号', 'routine', array['platform'], current_date - 400 + g, current_date - 300, current_date - 200, now()
        from generate_series(1, ${CAMPAIGNS}) g`);
    const [svc] = await db.query<{ id: string }>(`select s.id from services s join app_platforms p on p.service_id = s.id where p.package_name = 'a2dp.Vol'`);
    const [org] = await db.query<{ id: string }>(`select id from organisations where name = '示例应用市场'`);
    // The oldest report is on the last page of the bureau's list (newest first); an order cites it.
    await db.query(
      `insert into violation_reports (reporter_kind, reporter_org_id, service_id, province_code, category, description, created_at, updated_at)
       select 'organisation', $1, $2, '440000', 'fraud', '分页举报第' || n || '号', now() - interval '1 day' + n * interval '1 second', now() from generate_series(1, ${REPORTS}) n`, [org!.id, svc!.id]);
    await db.query(
      `insert into disposal_orders (organisation_id, measure, reason, ordered_on, due_in_working_days, due_on, province_code, created_at, violation_id)
       select $1, 'take_down', '依举报处置最早一件', current_date, 5, current_date + 7, '440000', now() + interval '1 hour', id
         from violation_reports where description = '分页举报第1号'`, [org!.id]);
  }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });


  it('the provider pages through its access records, the bureau through its notices and campaigns, an organisation through its campaigns', () => steps(async () => {
    const j = await journey(browser, server.url, 'console-paging');
    const page = j.page;
    await signInUi(page, 'provider.demo');
    await page.goto('/provider/services');
    await j.shot('provider-services-page-1');
    const access = await walkPages(page, '[data-testid="provider-service"]', 'provider-services-pager', /批量接入第\d+号/g);
    expect(access.seen.size).toBe(ACCESS);
    expect(access.pages).toBeGreaterThan(10); // past the old 500
    await j.shot('provider-services-last-page');
    await signOutUi(page);

    await signInUi(page, 'gd.reviewer');
    await page.goto('/bureau/shells');
    await page.getByTestId('notices-pager').scrollIntoViewIfNeeded();
    expect((await walkPages(page, '[data-testid="cleanup-notice"]', 'notices-pager', /批量公告第\d+号/g)).seen.size).toBe(NOTICES);
    await j.shot('bureau-notices-last-page');
    await page.goto('/bureau/supervision?tab=campaigns');
    expect((await walkPages(page, '[data-testid="bureau-campaigns"] tbody tr', 'campaigns-pager', /批量专项第\d+号/g)).seen.size).toBe(CAMPAIGNS);
    await j.shot('bureau-campaigns-last-page');
    await signOutUi(page);

    await signInUi(page, 'platform.demo');
    await page.goto('/org/supervision?tab=campaigns');
    expect((await walkPages(page, '[data-testid="org-campaigns"] tbody tr', 'org-campaigns-pager', /批量专项第\d+号/g)).seen.size).toBe(CAMPAIGNS);
    await j.shot('org-campaigns-last-page');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('the bureau opens a report from its order\'s link although the report is on another page of the list', () => steps(async () => {
    const j = await journey(browser, server.url, 'report-by-id');
    const page = j.page;
    await signInUi(page, 'gd.reviewer');
    await page.goto('/bureau/supervision?tab=orders');
    const order = page.getByTestId('bureau-order').filter({ hasText: '依举报处置最早一件' });
    await order.getByTestId('order-source-link').click();
    await page.waitForURL(/[?&]report=[0-9a-f-]{36}/);
    const detail = page.getByTestId('report-detail');
    await detail.getByText('分页举报第1号').waitFor();
    // Not on the page of reports shown (the first of three, newest first): the detail was read by its id.
    await page.getByTestId('violations-pager').getByText(/第 1 \/ 3 页/).waitFor();
    expect(await page.getByTestId('violations-table').getByText('分页举报第1号', { exact: true }).count()).toBe(0);
    await expect.poll(() => detail.getByTestId('report-orders').getByText('依举报处置最早一件').count()).toBeGreaterThan(0);
    await j.shot('report-off-page');
    await page.getByTestId('report-detail-close').click();
    await expect.poll(() => page.getByTestId('report-detail').count()).toBe(0);
    expect(page.url()).not.toMatch(/report=/);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
