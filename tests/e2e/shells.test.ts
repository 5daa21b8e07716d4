// Journey: a shell and its cleanup (issue 13 items 5, 6, 9). The provider ends its access to an
// APP (it becomes a shell); the host sees the shell on 已备案 with the fix and the date; the
// bureau publishes a cleanup notice for a shell past its grace, then cleans up a notice whose
// publicity is over; the public record shows the timeline. Screenshots at 1280 and 390 px; no
// console error anywhere.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, signOutUi, startServer, steps } from './harness.ts';

describe('journey: shell cleanup', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ demoLives: true }), launch()]);
  }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('in English, the public notices say which publicity is over (before the journey below carries it out)', () => steps(async () => {
    const j = await journey(browser, server.url, 'shells-en');
    const page = j.page;
    await page.goto('/notices');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('notice-phase').allTextContents()).toContain('Publicity over, cleanup pending');
    await j.shot('public-notices-en');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('a provider leaves an APP without access, the host sees the shell, the bureau publishes and carries out cleanup', () => steps(async () => {
    const j = await journey(browser, server.url, 'shells');
    const page = j.page;

    // Anyone reading the notices before the bureau acts: the demo's notice whose publicity period
    // ended says so (it read 公示中 until the bureau carried the cleanup out).
    await page.goto('/notices');
    const due = page.getByTestId('cleanup-notice-card').filter({ hasText: '待清理' });
    await due.getByTestId('notice-phase').waitFor();
    expect((await page.getByTestId('notice-phase').allTextContents()).sort()).toEqual(['公示中', '公示期满，待清理', '已清理'].sort());
    expect(await due.getByTestId('notice-services').locator('td').last().textContent()).toBe('公示期满，待清理');
    await j.shot('public-notices-due');

    await signInUi(page, 'provider.demo');
    await page.getByRole('link', { name: '接入的备案' }).click();
    const row = page.getByTestId('provider-service').filter({ hasText: '云端笔记' });
    await row.getByText('取消后将成为空壳').waitFor();
    await j.shot('provider-services');
    await row.getByRole('textbox').fill('合同到期');
    // It asks first, saying the filing becomes a shell.
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); void d.accept(); });
    await row.getByTestId('provider-cancel-access').click();
    await page.getByText(/已取消 .* 的接入；该备案已无接入，成为空壳/).waitFor();
    expect(asked).toMatch(/没有其他接入：取消后该备案将成为空壳/);
    await signOutUi(page);

    await signInUi(page, 'host@demo.beian.test');
    await page.getByRole('link', { name: '已备案' }).click();
    const note = page.getByTestId('record-service').filter({ hasText: '云端笔记' });
    await note.getByText(/无任何接入信息（空壳）/).waitFor();
    expect(await note.getByTestId('add-access').getAttribute('href')).toMatch(/^\/host\/services\/[0-9a-f-]{36}\/add-access$/);
    await j.shot('host-records');
    await signOutUi(page);

    await signInUi(page, 'gd.reviewer');
    await page.getByRole('link', { name: '空壳清理' }).click();
    await page.getByTestId('shell-row').first().waitFor();
    expect(await page.getByTestId('shell-row').count()).toBe(5);
    // The shells on the demo's two open notices: the one whose publicity ended no longer reads 公示中 (the
    // server's phase, as on the public notices), in the shells table and in the notice's own list.
    expect((await page.getByTestId('shell-notice-phase').allTextContents()).sort()).toEqual(['公示中', '公示期满，待清理'].sort());
    expect(await page.getByTestId('shell-row').filter({ hasText: '（演示，待清理）' }).getByTestId('shell-notice-phase').textContent()).toBe('公示期满，待清理');
    expect(await page.getByTestId('cleanup-notice').filter({ hasText: '（演示，待清理）' }).getByTestId('notice-service-outcome').allTextContents()).toEqual(['公示期满，待清理']);
    expect(await page.getByTestId('cleanup-notice').filter({ hasText: '（演示，公示中）' }).getByTestId('notice-service-outcome').allTextContents()).toEqual(['公示中']);
    await page.getByRole('checkbox', { name: /-4$/ }).check(); // 云端帮助中心: 40 days a shell, listable
    await page.getByLabel('公告标题（选填）').fill('广东省空壳备案清理公告（旅程）');
    await page.getByTestId('publish-notice').click();
    await page.getByTestId('cleanup-notice').filter({ hasText: '广东省空壳备案清理公告（旅程）' }).getByTestId('countdown').waitFor();
    expect(await page.getByTestId('cleanup-notice').filter({ hasText: '旅程' }).getByTestId('countdown').textContent()).toBe('公示剩余 7 天');
    await j.shot('bureau-shells');
    await page.getByTestId('cleanup-notice').filter({ hasText: '待清理' }).getByTestId('execute-notice').click();
    await page.getByText('已执行：注销 1 个，恢复 0 个。').waitFor();
    await j.shot('bureau-cleaned');
    const cleaned = await page.getByTestId('cleanup-notice').filter({ hasText: '待清理' }).locator('.number').textContent();
    await signOutUi(page);

    await page.goto(`/record/${encodeURIComponent(cleaned!.trim())}`);
    const events = page.getByTestId('record-events');
    await events.waitFor();
    expect(await events.locator('li strong').allTextContents()).toEqual(['备案通过', '取消接入', '无接入（空壳）', '注销']);
    await j.shot('record-timeline');
    expect(await page.getByTestId('statement-link').getAttribute('href')).toBe(`/api/public/v1/services/${encodeURIComponent(cleaned!.trim())}/statement`);

    // Anyone reads the notices: the one just published and carried out, and the blacklist, checked by domain.
    await page.getByRole('link', { name: '公示信息' }).click();
    await page.getByText('广东省空壳备案清理公告（旅程）').waitFor();
    expect(await page.getByTestId('notice-services').filter({ hasText: cleaned!.trim() }).getByText('已注销').count()).toBe(1);
    await j.shot('public-notices');
    await page.getByTestId('tab-blacklist').click();
    await page.getByTestId('public-blacklist').getByText('com.example.minigame').waitFor();
    await page.getByTestId('blacklist-value').fill('MiniGame-Download.cn');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.getByText('MiniGame-Download.cn 在违法违规名单中，限制期内不得备案。').waitFor();
    await page.getByTestId('blacklist-value').fill('clean.example.cn');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.getByText('clean.example.cn 不在违法违规名单中。').waitFor();
    await j.shot('public-blacklist');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

});
