// The record page of a record loaded by `beian import` says what is true of the transparency log:
// its events before the import came from the registry it was loaded from and are not in this
// registry's log; its loading and what followed are. The page used to say of every record
// 以上事件均记入透明日志 ("these events are in the transparency log"), the imported record's 2019
// filing included. A record filed here keeps that sentence.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFilings } from '../../src/flows/import-filings.ts';
import { signTreeHead } from '../../src/tlog/store.ts';
import { logCaughtUp, testLogKeys } from '../db.ts';
import { appRecord, memorySource } from '../import-records.ts';
import { journey, JOURNEY_TIMEOUT, launch, type Server, startInLanguage, startServer, steps } from './harness.ts';

const STYLE = {
  year: 2019, tag: '迁入', pkg: 'moved', address: '深圳市南山区科技园3号', principal: '李迁入', mobile: '13900139200', email: 'moved',
  approvedAt: '2019-03-01T02:00:00+00:00',
};
const IMPORTED = '粤ICP备2019000001号-1A';
const FILED_HERE = '粤ICP备2024000001号-2A';

describe('journey: an imported record\'s page says which events are in the log', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    await importFilings(server.t.db, server.t.sealer, memorySource('record-imported', [
      appRecord(STYLE, 1, 1, { status: 'cancelled', statusChangedAt: '2020-01-02T02:00:00+00:00' }),
    ]), { firstLoad: false });
    await logCaughtUp(server.t.db, testLogKeys());
    await signTreeHead(server.t.db, testLogKeys().signer, new Date());
  }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  for (const [lang, before, loaded, allLogged] of [
    ['zh-CN', '（迁入前，未记入日志）', '迁入本系统：此前的事件来自原备案系统，未记入本系统的透明日志', '以上事件均记入透明日志'],
    ['en', '(before loading; not in the log)', 'the events before that come from the registry it was loaded from and are not in this registry\'s transparency log', 'These events are in the transparency log'],
  ] as const) {
    it(`marks the events before the import and says only those after are logged (${lang})`, () => steps(async () => {
      const j = await journey(browser, server.url, `record-imported-${lang}`);
      const page = j.page;
      await startInLanguage(page, lang);
      await page.goto(`/record/${encodeURIComponent(IMPORTED)}`);
      await page.getByTestId('record-events').waitFor();
      const lead = await page.locator('#events p:has([data-testid="statement-link"])').textContent();
      expect(lead).toContain(loaded);
      expect(lead).not.toContain(allLogged);
      // The filing (2019) and the cancellation (2020) are before the import; the import line is not marked.
      const lines = await page.getByTestId('record-events').locator('li').allTextContents();
      expect(lines.filter((l) => l.includes(before))).toHaveLength(2);
      expect(lines.at(-1)).not.toContain(before);
      await j.shot('imported-record');

      // A record filed in this registry: every event is in the log, as the page says.
      await page.goto(`/record/${encodeURIComponent(FILED_HERE)}`);
      await page.getByTestId('record-events').waitFor();
      expect(await page.locator('#events p:has([data-testid="statement-link"])').textContent()).toContain(allLogged);
      expect(await page.getByTestId('record-events').textContent()).not.toContain(before);
      j.assertClean();
      await j.close();
    }), JOURNEY_TIMEOUT);
  }
});
