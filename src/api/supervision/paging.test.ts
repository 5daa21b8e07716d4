// The consoles' order and report lists page through the API (page, pageSize) instead of reading one page of 100:
// with more than 100 orders or reports every one is on some page, exactly once — also when many share their
// creation time (one transaction, a fixed clock): the listings' order breaks ties by id, so pages cannot overlap.
// (This passed before that too on both databases; the defect was the consoles reading one page: tests/e2e/supervision-paging.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { KEY } from '../../../tests/verify.ts';

const MANY = 130;
const PAGE = 50;

describe('supervision lists page past 100', () => {
  let a: AuthTestApp;
  let gd: Signed;
  beforeAll(async () => {
    a = await authTestApp();
    gd = await signIn(a.app, 'gd.reviewer');
    const [svc] = await a.t.db.query<{ id: string }>(`select s.id from services s join app_platforms p on p.service_id = s.id where p.package_name = 'a2dp.Vol'`);
    const [org] = await a.t.db.query<{ id: string }>(`select id from organisations where name = '示例应用市场'`);
    // All at one instant, as one bulk decision would make them.
    await a.t.db.query(
      `insert into violation_reports (reporter_kind, reporter_org_id, service_id, province_code, category, description, created_at, updated_at)
       select 'organisation', $1, $2, '440000', 'fraud', '批量举报 ' || n, $3, $3 from generate_series(1, ${MANY}) n`, [org!.id, svc!.id, a.clock.now()]);
    await a.t.db.query(
      `insert into disposal_orders (organisation_id, measure, reason, ordered_on, due_in_working_days, due_on, province_code, created_at)
       select $1, 'take_down', '批量处置 ' || n, date '2026-03-02', 5, date '2026-03-09', '440000', $2 from generate_series(1, ${MANY}) n`, [org!.id, a.clock.now()]);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  /** Every id over the pages of `url`, and the total the first page gave. */
  const pages = async (url: string, headers: Record<string, string>) => {
    const ids: string[] = [];
    let total = 0;
    for (let page = 1; page <= Math.ceil((MANY + 20) / PAGE); page++) {
      const res = await a.app.inject({ method: 'GET', url: `${url}?page=${page}&pageSize=${PAGE}`, headers });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { items: { id: string }[]; total: number; page: number; pageSize: number };
      expect([body.page, body.pageSize]).toEqual([page, PAGE]);
      total = body.total;
      ids.push(...body.items.map((i) => i.id));
    }
    return { ids, total };
  };

  for (const [url, who] of [['/api/org/violations', 'org'], ['/api/bureau/violations', 'bureau'], ['/api/org/orders', 'org'], ['/api/bureau/orders', 'bureau']] as const) {
    it(`${url}: more than 100, each on exactly one page of ${PAGE}`, async () => {
      const { ids, total } = await pages(url, who === 'org' ? KEY : gd.headers);
      expect(total).toBeGreaterThanOrEqual(MANY);
      expect(ids.length).toBe(total);
      expect(new Set(ids).size).toBe(total);
    });
  }
});
