// The consoles' disposal orders and violation reports with more than 100 of them: each list shows 50 a page with
// a pager (as the host's home pages its applications), and every order and report is on some page — the lists
// read one page of 100 before, and the rest were nowhere to be seen. The host's application page finds its own
// deadline summary past the first 100 applications under review too. At 1280 and 390 px, with no console error.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appMaterials, CLOUD, orgId } from '../filing.ts';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, signOutUi, startServer, steps, toBureau, walkPages } from './harness.ts';

const MANY = 130;

describe('journey: supervision lists past 100', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    const db = server.t.db;
    const [svc] = await db.query<{ id: string }>(`select s.id from services s join app_platforms p on p.service_id = s.id where p.package_name = 'a2dp.Vol'`);
    const [org] = await db.query<{ id: string }>(`select id from organisations where name = '示例应用市场'`);
    await db.query(
      `insert into violation_reports (reporter_kind, reporter_org_id, service_id, province_code, category, description, created_at, updated_at)
       select 'organisation', $1, $2, '440000', 'fraud', '批量举报第' || n || '号', now(), now() from generate_series(1, ${MANY}) n`, [org!.id, svc!.id]);
    await db.query(
      `insert into disposal_orders (organisation_id, measure, reason, ordered_on, due_in_working_days, due_on, province_code, created_at)
       select $1, 'take_down', '批量处置第' || n || '号', current_date, 5, current_date + 7, '440000', now() from generate_series(1, ${MANY}) n`, [org!.id]);
  }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });


  it('an organisation pages through its orders and reports; the bureau through its orders and reports', () => steps(async () => {
    const j = await journey(browser, server.url, 'supervision-paging');
    const page = j.page;
    await signInUi(page, 'platform.demo');
    await page.goto('/org/supervision?tab=orders');
    await j.shot('org-orders-page-1');
    expect((await walkPages(page, '[data-testid="org-order"]', 'orders-pager', /批量处置第\d+号/g)).seen.size).toBe(MANY);
    await j.shot('org-orders-last-page');
    await page.goto('/org/supervision?tab=violations');
    const reports = page.getByTestId('org-violations').locator('tbody tr');
    await reports.first().waitFor();
    const seen = new Set<string>();
    const nav = page.getByTestId('violations-pager');
    await nav.getByText(/第 1 \/ \d+ 页/).waitFor();
    for (let n = 1; ; n++) {
      for (const t of await reports.allTextContents()) for (const m of t.matchAll(/批量举报第\d+号/g)) seen.add(m[0]);
      const next = nav.getByRole('button', { name: '下一页' });
      if (await next.isDisabled()) break;
      await next.click();
      await nav.getByText(`第 ${n + 1} / `).waitFor();
    }
    expect(seen.size).toBe(MANY);
    await j.shot('org-reports-last-page');
    await signOutUi(page);

    await signInUi(page, 'gd.reviewer');
    await page.goto('/bureau/supervision?tab=orders');
    expect((await walkPages(page, '[data-testid="bureau-order"]', 'orders-pager', /批量处置第\d+号/g)).seen.size).toBe(MANY);
    await j.shot('bureau-orders-last-page');
    await page.goto('/bureau/supervision?tab=violations');
    await page.getByTestId('violations-table').waitFor();
    const rows = page.getByTestId('violations-table').locator('tbody > tr');
    const bureauSeen = new Set<string>();
    const bnav = page.getByTestId('violations-pager');
    await bnav.getByText(/第 1 \/ \d+ 页/).waitFor();
    for (let n = 1; ; n++) {
      for (const t of await rows.allTextContents()) for (const m of t.matchAll(/批量举报第\d+号/g)) bureauSeen.add(m[0]);
      const next = bnav.getByRole('button', { name: '下一页' });
      if (await next.isDisabled()) break;
      await next.click();
      await bnav.getByText(`第 ${n + 1} / `).waitFor();
    }
    expect(bureauSeen.size).toBe(MANY);
    await j.shot('bureau-reports-last-page');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('a host with more than 100 applications under review sees the working days left of each', () => steps(async () => {
    const db = server.t.db;
    const m = appMaterials(await orgId(db, CLOUD));
    const id = await toBureau(server, { serviceType: 'app', submitterOrgId: m.access[0]!.providerOrgId, materials: m }, [m.subject.principal.mobile, m.service.principal.mobile]);
    const app = { id };
    // 110 more under review (copies, each of its own certificate), each updated later: the listing (newest first)
    // puts this one past the first 100.
    await db.query(
      `insert into applications select (jsonb_populate_record(a, jsonb_build_object('id', gen_random_uuid(), 'updated_at', now() + n * interval '1 second',
         'subject_certificate_hash', a.subject_certificate_hash || '-copy-' || n))).*
         from applications a, generate_series(1, 110) n where a.id = $1`, [app!.id]);
    const j = await journey(browser, server.url, 'host-deadline-past-100');
    const page = j.page;
    await signInUi(page, 'host@demo.beian.test');
    await page.goto(`/host/applications/${app!.id}`);
    await page.getByTestId('days-left').getByText('剩余 20 个工作日').waitFor();
    await j.shot('application-days-left');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
