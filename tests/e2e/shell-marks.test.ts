// Journey: a shell (空壳) is legally filed, and the pages say so. A provider ends its access to an APP;
// a store's catalogue check (批量核验) counts it with the filed, labelled 已备案（空壳）, not under 其他 and
// not as a raw key; the public search and the subject page mark shells as the record page does. Screenshots at 1280 and 390 px.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoHorizontalOverflow, journey, JOURNEY_TIMEOUT, launch, type Server, setLanguage, signInUi, signOutUi, startServer, steps } from './harness.ts';

const CATALOGUE = [
  'platform,packageName,fingerprint',
  'android,a2dp.Vol,C1:CA:BE:8A:D9:DC:27:2B:24:43:A3:A6:7B:C4:43:D5', // filed (GROUND-TRUTH.md)
  'android,cn.example.cloudnote,c0ffee00c0ffee00c0ffee00c0ffee00', // 云端笔记: a shell once its access ends
  'android,com.unfiled.app,0123456789abcdef0123456789abcdef', // not filed
].join('\n');

describe('journey: shells are marked as filed', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ demoLives: true }), launch()]);
  }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('the catalogue check counts a shell with the filed, and the public search marks shells', () => steps(async () => {
    const j = await journey(browser, server.url, 'shell-marks');
    const page = j.page;

    await signInUi(page, 'provider.demo');
    await page.getByRole('link', { name: '接入的备案' }).click();
    const row = page.getByTestId('provider-service').filter({ hasText: '云端笔记' });
    await row.getByRole('textbox').fill('合同到期');
    page.once('dialog', (d) => { void d.accept(); });
    await row.getByTestId('provider-cancel-access').click();
    await page.getByText(/已取消 .* 的接入；该备案已无接入，成为空壳/).waitFor();
    await signOutUi(page);

    await signInUi(page, 'platform.demo');
    const file = path.join(tmpdir(), `catalogue-shell-${process.pid}.csv`);
    await writeFile(file, CATALOGUE);
    await page.getByRole('link', { name: '批量核验' }).click();
    await page.getByTestId('catalogue-file').setInputFiles(file);
    await page.getByRole('button', { name: '开始核验' }).click();
    await page.getByText('共 3 项：已备案 2（其中空壳 1）；不得上架 1（未备案 1，已撤销 0，已注销 0，证书指纹不符 0）；格式错误 0').waitFor();
    // Only the not filed and the shell are listed under 只看不得上架、空壳和格式错误; the shell is not marked as a problem row.
    expect(await page.getByTestId('catalogue-row').count()).toBe(2);
    const shell = page.getByTestId('catalogue-row').filter({ hasText: 'cn.example.cloudnote' });
    expect(await shell.locator('[data-status="shell"]').textContent()).toBe('已备案（空壳）');
    expect(await shell.getAttribute('class')).not.toContain('overdue');
    await shell.getByText(/起无接入，可能被清理注销/).waitFor();
    expect(await page.locator('body').textContent()).not.toContain('verify.');
    await j.shot('catalogue-shell');
    await assertNoHorizontalOverflow(page);
    await signOutUi(page);

    // The public search: the shells of the demo (the APP just now, and websites without access) are marked.
    await page.goto(`/search?q=${encodeURIComponent('云端')}`);
    const note = page.getByTestId('search-result').filter({ hasText: '云端笔记' });
    await note.getByTestId('search-result-shell').waitFor();
    expect(await note.locator('[data-status="shell"]').textContent()).toBe('已备案 · 空壳（无接入）');
    expect(await note.getByTestId('search-result-shell').textContent()).toMatch(/^自 .+ 起无接入（空壳），可能被清理注销$/);
    // A filed record with access is not marked.
    await page.goto(`/search?q=${encodeURIComponent('A2DP')}`);
    const a2dp = page.getByTestId('search-result').filter({ hasText: 'A2DP' });
    await a2dp.locator('[data-status="filed"]').waitFor();
    expect(await a2dp.getByTestId('search-result-shell').count()).toBe(0);
    await page.goto(`/search?q=${encodeURIComponent('云端')}`);
    await note.getByTestId('search-result-shell').waitFor();
    expect(await page.getByTestId('search-result-shell').count()).toBeGreaterThanOrEqual(3);
    await j.shot('search-shells');
    await assertNoHorizontalOverflow(page);

    // In English too.
    await setLanguage(page, 'en');
    await note.getByTestId('search-result-shell').waitFor();
    expect(await note.locator('[data-status="shell"]').textContent()).toBe('Filed · shell (no access)');
    expect(await note.getByTestId('search-result-shell').textContent()).toMatch(/^No access since .+ \(a shell\); may be cleaned up$/);
    await j.shot('search-shells-en');

    // The subject page (主体备案) lists its services: the shells marked as in the search, not a plain 已备案.
    await setLanguage(page, 'zh-CN', { reload: false });
    await page.goto(`/subject/${encodeURIComponent('粤ICP备2026000001号')}`);
    const rows = page.getByTestId('subject-services').locator('tbody tr');
    await rows.first().waitFor();
    const shellRows = rows.filter({ has: page.locator('[data-status="shell"]') });
    expect(await shellRows.count()).toBeGreaterThanOrEqual(3);
    expect(await shellRows.filter({ hasText: '云端笔记' }).locator('[data-status="shell"]').textContent()).toBe('已备案 · 空壳（无接入）');
    expect(await rows.filter({ hasText: '云端论坛' }).locator('[data-status="cancelled"]').count()).toBe(1); // a cleaned-up shell: cancelled
    await j.shot('subject-shells');
    await assertNoHorizontalOverflow(page);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
