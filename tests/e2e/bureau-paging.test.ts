// The bureau's shells, expiring certificates and blacklist pages list 50 a page with a pager (the API answered
// everything at once, and the pages showed it in one piece): with 130 of each in Guangdong, every shell, expiring
// certificate and blacklist entry is on some page of the bureau's console, and every shell of the province on
// some page of the ministry's; a shell chosen for a notice stays chosen while other pages are read. At 1280 and
// 390 px, with no console error.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../src/domain/china-time.ts';
import { seedBureauLists } from '../bureau-lists.ts';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, signOutUi, startServer, steps, walkPages } from './harness.ts';

const MANY = 130;

describe('journey: the bureau\'s shells, expiring certificates and blacklist page', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    const now = new Date();
    // Shells for 60 days and more (listable: past the 30 days to add access).
    await seedBureauLists(server.t.db, MANY, chinaDate(now), new Date(now.getTime() - 60 * 86_400_000));
  }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('the bureau pages through its shells, expiring certificates and blacklist; the ministry through a province\'s shells', () => steps(async () => {
    const j = await journey(browser, server.url, 'bureau-paging');
    const page = j.page;
    await signInUi(page, 'gd.reviewer');
    await page.goto('/bureau/shells');
    const firstShell = page.getByTestId('shell-row').first();
    await firstShell.waitFor();
    await firstShell.getByRole('checkbox').check();
    await j.shot('shells-page-1');
    const shells = await walkPages(page, '[data-testid="shell-row"]', 'shells-pager', /批量空壳第\d+号/g);
    expect(shells.seen.size).toBe(MANY);
    expect(shells.pages).toBe(3);
    // The shell chosen on the first page is still chosen on the last: the notice can be published.
    expect(await page.getByTestId('publish-notice').isEnabled()).toBe(true);
    await j.shot('shells-last-page');

    await page.getByTestId('expiring-pager').scrollIntoViewIfNeeded();
    const expiring = await walkPages(page, '[data-testid="expiring-item"]', 'expiring-pager', /粤ICP备2024000001号-\d{3}/g);
    expect(expiring.seen.size).toBe(MANY);
    await j.shot('expiring-last-page');

    await page.goto('/bureau/supervision?tab=blacklist');
    const entries = await walkPages(page, '[data-testid="blacklist-entry"]', 'blacklist-pager', /批量黑名单\d+\.example\.cn/g);
    expect(entries.seen.size).toBe(MANY);
    await j.shot('blacklist-last-page');
    await signOutUi(page);

    await signInUi(page, 'admin');
    await page.goto('/bureau/shells?province=440000');
    const national = await walkPages(page, '[data-testid="shell-row"]', 'shells-pager', /批量空壳第\d+号/g);
    expect(national.seen.size).toBe(MANY);
    await j.shot('ministry-shells-last-page');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
