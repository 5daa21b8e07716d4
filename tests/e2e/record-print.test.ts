// A host prints the record page as its filing proof (备案证明) — for an app store, a partner, a
// file. The only proof offered was a JSON download; printing gave the site's header, menu, the
// embed code, the report form and their buttons. Now 打印备案信息 prints the record and its
// history, with when and where it was read (the page an app store can open to check), nothing else.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journey, JOURNEY_TIMEOUT, launch, type Server, startInLanguage, startServer, steps } from './harness.ts';

const NUMBER = '粤ICP备2024000001号-2A';

describe('journey: the record page printed as a filing proof', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => { [server, browser] = await Promise.all([startServer(), launch()]); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  for (const [lang, button, readAt] of [['zh-CN', '打印备案信息', '查询时间'], ['en', 'Print the record', 'Read on']] as const) {
    it(`prints the record and its history only, saying when and where it was read (${lang})`, () => steps(async () => {
      const j = await journey(browser, server.url, `record-print-${lang}`);
      const page = j.page;
      await startInLanguage(page, lang);
      await page.addInitScript(() => {
        (window as unknown as { printed: number }).printed = 0;
        window.print = () => { (window as unknown as { printed: number }).printed += 1; };
      });
      await page.goto(`/record/${encodeURIComponent(NUMBER)}`);
      await page.getByTestId('record-number').waitFor();
      await page.getByRole('button', { name: button }).click();
      expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

      // On screen the proof line is not shown; in print it is, and only the record and its history are.
      expect(await page.getByTestId('print-proof').isVisible()).toBe(false);
      await page.emulateMedia({ media: 'print' });
      for (const visible of ['#record', '#events', '[data-testid="print-proof"]']) expect(await page.locator(visible).isVisible(), visible).toBe(true);
      for (const hidden of ['header.top', 'footer.foot', '#badge', '#report']) expect(await page.locator(hidden).isVisible(), hidden).toBe(false);
      expect(await page.locator('main button:visible').count()).toBe(0);
      const proof = await page.getByTestId('print-proof').textContent();
      expect(proof).toContain(readAt);
      expect(proof).toContain(`/record/${NUMBER}`); // readable on paper, not percent-encoded
      await page.setViewportSize({ width: 794, height: 1123 });
      await page.screenshot({ path: `test-artifacts/screenshots/record-print-${lang}-a4.png`, fullPage: true });
      await page.emulateMedia({ media: 'screen' });
      await j.shot('record');
      j.assertClean();
      await j.close();
    }), JOURNEY_TIMEOUT);
  }
});
