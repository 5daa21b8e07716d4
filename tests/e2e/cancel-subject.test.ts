// 注销主体 on a phone (390 px): before the code is sent the page names every live service the
// code cancels with the subject (it said nothing, though nothing comes back); a wrong code says how
// many tries are left, in Chinese; after five the request is void and a new code is one click away;
// the right code cancels, and the outcome — written at the top of a long list — is brought into view.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmationCode } from '../filing.ts';
import { expectRefusal, journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps } from './harness.ts';

const MAIN = '粤ICP备2024000001号';

describe('journey: a host cancels a subject by SMS code at 390 px', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => { [server, browser] = await Promise.all([startServer(), launch()]); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('names the services it cancels, counts wrong codes, offers a new code when void, and shows the outcome', () => steps(async () => {
    const j = await journey(browser, server.url, 'cancel-subject');
    const page = j.page;
    await page.setViewportSize({ width: 390, height: 844 });
    await signInUi(page, 'host@demo.beian.test');
    await page.goto('/host/records');
    await page.getByTestId(`cancel-subject-${MAIN}`).waitFor();
    const live = await page.locator('.record-subject').filter({ hasText: MAIN }).getByTestId('record-service')
      .evaluateAll((els) => els.filter((e) => /已备案|空壳/.test(e.textContent ?? '')).map((e) => e.getAttribute('data-number')!));
    expect(live.length).toBeGreaterThan(1);

    await page.getByTestId(`cancel-subject-${MAIN}`).click();
    const panel = page.getByTestId('confirm-subject');
    await panel.waitFor();
    const warning = await panel.textContent();
    expect(warning).toContain(`全部 ${live.length} 个服务`);
    for (const n of live) expect(warning).toContain(n);
    await j.shot('warning');

    const ask = async () => {
      const asked = page.waitForResponse((r) => r.url().endsWith('/cancel') && r.request().method() === 'POST');
      await page.getByTestId('confirm-subject-ask').click();
      return ((await (await asked).json()) as { confirmationId: string }).confirmationId;
    };
    const first = await ask();
    const code = await confirmationCode(server.t.db, server.t.sealer, first);
    const wrong = code === '000000' ? '000001' : '000000';
    await page.fill('#confirm-subject-code', wrong);
    await page.getByTestId('confirm-subject-confirm').click();
    await panel.getByText('验证码错误，还剩 4 次机会').waitFor();
    await j.shot('wrong-code');
    for (let i = 0; i < 4; i++) {
      const answered = page.waitForResponse((r) => r.url().includes('/api/host/confirmations/'));
      await page.getByTestId('confirm-subject-confirm').click();
      await answered;
    }
    await panel.getByText(/验证码已输错 5 次/).waitFor();
    expectRefusal(j, 400, /\/api\/host\/confirmations\//);
    expectRefusal(j, 409, /\/api\/host\/confirmations\//);
    await j.shot('void');
    await page.getByTestId('confirm-subject-again').click();

    // A new request, a new code: it takes effect.
    const second = await ask();
    await page.fill('#confirm-subject-code', await confirmationCode(server.t.db, server.t.sealer, second));
    await page.getByTestId('confirm-subject-confirm').click();
    const done = page.getByTestId('records-done');
    await done.getByText(`主体 ${MAIN} 及其服务已注销。`).waitFor();
    const inView = await done.evaluate((e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; });
    expect(inView, 'the outcome is on screen').toBe(true);
    await j.shot('done');
    const [s] = await server.t.db.query<{ status: string }>('select status from subjects where main_number = $1', [MAIN]);
    expect(s!.status).toBe('cancelled');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
