// Journey 3 (issue 6 item 7): the bureau's queue (ordered by working days left) and the
// supervision dashboard, whose four ECharts charts must render (canvas present, pixels drawn).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../auth.ts';
import { appMaterials, call, CLOUD, orgId } from '../filing.ts';
import { assertNoHorizontalOverflow, journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps } from './harness.ts';

/** Three APPs at the Guangdong bureau through the API: one approved, one rejected, one waiting. */
async function populate(server: Server) {
  const [host, provider, gd] = await Promise.all([signIn(server.app, 'host@demo.beian.test'), signIn(server.app, 'provider.demo'), signIn(server.app, 'gd.reviewer')]);
  const cloud = await orgId(server.t.db, CLOUD);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const materials = appMaterials(cloud);
    const created = await call(server.app, host, 'POST', '/api/host/applications', { serviceType: 'app', submitterOrgId: cloud, materials }, 201);
    await call(server.app, host, 'POST', `/api/host/applications/${created.id}/identity-verification`);
    await call(server.app, host, 'POST', `/api/host/applications/${created.id}/submit`, {});
    const view = await call(server.app, provider, 'POST', `/api/provider/applications/${created.id}/approve`, {});
    for (const check of view.smsChecks as { id: string; mobile: string }[]) {
      const mobile = [materials.subject.principal.mobile, materials.service.principal.mobile].find((m) => m.slice(-4) === check.mobile.slice(-4))!;
      await call(server.app, host, 'POST', `/api/host/applications/${created.id}/sms/verify`, { challengeId: check.id, code: await server.smsCode(mobile) });
    }
    ids.push(created.id as string);
  }
  await call(server.app, gd, 'POST', `/api/bureau/applications/${ids[0]}/approve`);
  await call(server.app, gd, 'POST', `/api/bureau/applications/${ids[1]}/reject`, { reasons: [{ field: 'service.description', error: '描述过于笼统', suggestion: '说明实际业务' }] });
}

describe('journey: the bureau queue and the supervision dashboard', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    await populate(server);
  }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('shows the queue by working days left and renders the four charts', () => steps(async () => {
    const j = await journey(browser, server.url, 'dashboard');
    const page = j.page;
    await signInUi(page, 'gd.reviewer');
    await page.waitForURL('**/bureau');
    await page.getByTestId('queue-row').first().waitFor();
    expect(await page.getByTestId('queue-row').count()).toBe(1);
    expect(await page.getByTestId('queue-row').first().textContent()).toContain('20');
    await j.shot('bureau-queue');

    await page.getByRole('link', { name: '监管看板' }).click();
    const charts = ['chart-per-day', 'chart-by-type', 'chart-review-time', 'chart-queue-age'];
    for (const c of charts) await page.getByTestId(c).locator('canvas').waitFor();
    // Supervision (issue 14): violation reports and disposals per day, and the day-by-day table as CSV.
    await page.getByTestId('chart-supervision').locator('canvas').waitFor();
    // (text() drops the byte-order mark)
    const csv = await page.evaluate(async (href) => (await fetch(href!)).text(), await page.getByTestId('statistics-csv').getAttribute('href'));
    expect(csv.split('\r\n')[0]).toBe('day,received,approved,rejected,filed,violationsReported,violationsDecided,disposalsOrdered,disposalsDone');
    await expect.poll(() => page.evaluate((ids) => ids.map((id) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"] canvas`);
      if (!canvas || canvas.width < 100 || canvas.height < 100) return 0;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let drawn = 0;
      for (let i = 3; i < data.length; i += 4 * 7) if (data[i]! > 0) drawn++;
      return drawn;
    }), charts)).toEqual([expect.any(Number), expect.any(Number), expect.any(Number), expect.any(Number)]);
    const drawn = await page.evaluate((ids) => ids.map((id) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"] canvas`)!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4 * 7) if (data[i]! > 0) n++;
      return n;
    }), charts);
    for (const n of drawn) expect(n).toBeGreaterThan(200);
    expect(await page.locator('.kpi').first().textContent()).toContain('1');
    await j.shot('dashboard');
    await assertNoHorizontalOverflow(page);
    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { name: 'Supervision dashboard' }).waitFor();
    await j.shot('dashboard-en');

    await page.getByRole('link', { name: 'Working-day calendar' }).click();
    await page.getByRole('heading', { name: 'Working-day calendar overrides' }).waitFor();
    await j.shot('bureau-calendar-en');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
