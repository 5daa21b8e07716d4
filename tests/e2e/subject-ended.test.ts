// Journey: a subject (主体) whose last live service the bureau revoked is cleaned up — cancelled, as no empty
// subject is kept — and its public page says so without claiming what its services' rows contradict: it said
// 其下所有服务备案号均已注销 ("every service number under it is cancelled") above two rows reading 已撤销.
// zh-CN and English, at 1280 and 390 px, no console error.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signed } from '../auth.ts';
import { signIn } from '../auth.ts';
import { call } from '../filing.ts';
import { journey, JOURNEY_TIMEOUT, launch, type Server, setLanguage, startServer, steps } from './harness.ts';

const MAIN = '浙ICP备2024000001号'; // demo: -1A filed, -2A revoked (src/db/seed/demo.ts)

describe('journey: the public page of a subject ended by the revocation of its last service', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    const zj = (await signIn(server.app, 'zj.reviewer')) as Signed;
    await call(server.app, zj, 'POST', `/api/bureau/services/${encodeURIComponent(`${MAIN}-1A`)}/revoke`, { reason: '违法违规', category: 'illegal' });
    const subject = (await server.app.inject({ method: 'GET', url: `/api/public/v1/subjects/${encodeURIComponent(MAIN)}` })).json();
    expect(subject.status).toBe('cancelled');
    expect(subject.services.map((s: { status: string }) => s.status)).toEqual(['revoked', 'revoked']);
  }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('says the subject is cancelled and no service under it is valid, and each row keeps its own status', () => steps(async () => {
    const j = await journey(browser, server.url, 'subject-ended');
    const page = j.page;
    await page.goto(`/subject/${encodeURIComponent(MAIN)}`);
    const rows = page.getByTestId('subject-services').locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.locator('[data-status="revoked"]').count()).toBe(2);
    const notice = page.getByTestId('subject-ended');
    expect(await notice.textContent()).toContain('该主体备案已注销');
    expect(await notice.textContent()).not.toContain('均已注销');
    expect(await notice.textContent()).toContain('其下已无有效的服务备案号');
    // When it ended: today (China date), the revocation that ended its last service.
    const today = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    expect(await page.getByTestId('subject-status-changed').textContent()).toBe(today);
    await j.shot('subject-revoked-services');

    await setLanguage(page, 'en');
    await rows.first().waitFor();
    expect(await notice.textContent()).toContain('no service number under it is valid any more');
    expect(await notice.textContent()).not.toContain('and every service number under it');
    await j.shot('subject-revoked-services-en');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
