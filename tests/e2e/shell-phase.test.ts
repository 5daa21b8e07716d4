// A shell's notice state on 我的备案 is the server's (the notice's `phase`, by the server's clock), not the browser's:
// a computer whose date is wrong — weeks ahead, or weeks behind — still reads 公示期至 … while the publicity runs and
// 公示期已于 … 届满 / 现可随时注销 once it ended. At 1280 and 390 px, with no console error.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps } from './harness.ts';

const DAY = 86_400_000;

describe('journey: shell notice state by the server clock', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => { [server, browser] = await Promise.all([startServer({ demoLives: true }), launch()]); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  for (const [label, skew] of [['ahead', 60 * DAY], ['behind', -60 * DAY]] as const) {
    it(`the browser's clock ${label} by 60 days changes nothing`, () => steps(async () => {
      const j = await journey(browser, server.url, `shell-phase-clock-${label}`);
      const page = j.page;
      await page.clock.setFixedTime(new Date(Date.now() + skew));
      await signInUi(page, 'host@demo.beian.test');
      await page.goto('/host/records');
      // Under publicity (the server says so): a future date, not "may cancel now".
      const running = page.getByTestId('record-service').filter({ hasText: '云端示例官网' });
      await running.getByTestId('shell-notice-state').waitFor();
      expect(await running.getByTestId('shell-notice-state').textContent()).toMatch(/公示期至/);
      expect(await running.textContent()).toMatch(/最早于 .* 之后/);
      // Publicity over (the server says so): the bureau may cancel it now.
      const ended = page.getByTestId('record-service').filter({ hasText: '云端活动页' });
      expect(await ended.getByTestId('shell-notice-state').textContent()).toMatch(/公示期已于 .* 届满/);
      expect(await ended.textContent()).toMatch(/现可随时注销/);
      await j.shot('host-records');
      j.assertClean();
      await j.close();
    }), JOURNEY_TIMEOUT);
  }
});
