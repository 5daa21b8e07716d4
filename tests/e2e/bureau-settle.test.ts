// The bureau settles what it was left (ADR 0018 addendum "Campaigns extended or ended early; legacy
// duplicates settled"): legacy duplicate order items and iOS case pairs (written as migrations 0040
// and 0044's tests write them), a campaign extended then ended early with its history, and a
// blacklist entry's history — at 1280 and 390 px, with no console error.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LegacyDuplicates, writeLegacyDuplicates } from '../legacy-duplicates.ts';
import { journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, signOutUi, startServer, steps } from './harness.ts';

const LOGIN: Record<string, string> = { '440000': 'gd.reviewer', '330000': 'zj.reviewer', '110000': 'bj.reviewer' };
const inDays = (n: number) => new Date(Date.now() + 8 * 3600_000 + n * 86400_000).toISOString().slice(0, 10);

describe('journey: the bureau settles legacy duplicates, extends and ends a campaign, reads histories', () => {
  let server: Server; let browser: Browser;
  let item: LegacyDuplicates['item'];
  let upperId: string;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launch()]);
    ({ item, upperId } = await writeLegacyDuplicates(server.t.db));
  }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('settles a duplicate order item (its bureau) and an iOS case pair (the ministry)', () => steps(async () => {
    const j = await journey(browser, server.url, 'bureau-legacy');
    const page = j.page;
    await signInUi(page, LOGIN[item.province_code]!);
    await page.goto('/bureau/supervision?tab=legacy');
    const group = page.getByTestId('legacy-finding');
    await group.locator('tr[data-legacy="true"]').waitFor();
    await j.shot('legacy-list');
    await group.locator('tr[data-legacy="true"]').getByTestId('keep-item').click();
    await page.getByTestId('keep-item-reason').fill('以先下发的处置通知为准，重复事项撤回');
    await page.getByTestId('keep-item-submit').click();
    await page.getByTestId('supervision-message').getByText('已处理：保留该事项，撤回 1 项').waitFor();
    await page.getByTestId('legacy-orders-empty').waitFor();
    await j.shot('legacy-item-kept');
    const rows = await server.t.db.query<{ id: string; status: string; legacy_duplicate: boolean }>(
      `select id, status, legacy_duplicate from disposal_order_items where finding_id = $1 and status <> 'accepted' order by status`, [item.finding_id]);
    expect(rows).toEqual([{ id: item.id, status: 'open', legacy_duplicate: false }, expect.objectContaining({ status: 'withdrawn' })]);
    await signOutUi(page);

    await signInUi(page, 'admin');
    await page.goto('/bureau/supervision?tab=legacy');
    const pair = page.getByTestId('legacy-ios');
    await pair.locator('tr[data-legacy="true"]').getByTestId('keep-filing').click();
    await page.getByTestId('keep-filing-reason').fill('经核实，开发者在苹果注册的包名为大写形式');
    await j.shot('legacy-ios-keep');
    await page.getByTestId('keep-filing-submit').click();
    await page.getByTestId('supervision-message').waitFor();
    await page.getByTestId('legacy-ios-empty').waitFor();
    const [kept] = await server.t.db.query<{ active: boolean; legacy_case_duplicate: boolean }>('select active, legacy_case_duplicate from app_platforms where id = $1', [upperId]);
    expect(kept).toEqual({ active: true, legacy_case_duplicate: false });
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('extends a campaign, ends it early and reads its history; reads a blacklist entry\'s history', () => steps(async () => {
    const j = await journey(browser, server.url, 'bureau-campaign-moves');
    const page = j.page;
    await signInUi(page, 'gd.reviewer');
    await page.goto('/bureau/supervision?tab=campaigns');
    // The ministry's demo campaign: the bureau reads its history but does not move it.
    await page.getByRole('button', { name: 'APP备案专项检查（演示）' }).click();
    await page.getByTestId('campaign-history').waitFor();
    expect(await page.getByTestId('extend-campaign').count()).toBe(0);
    await page.getByLabel('名称').fill('延期与提前结束');
    await page.getByLabel('目录提交截止').fill(inDays(10));
    await page.getByLabel('结束').fill(inDays(20));
    await page.getByRole('button', { name: '创建并通知' }).click();
    await page.getByRole('heading', { name: '延期与提前结束' }).waitFor();
    await page.getByTestId('extend-campaign').click();
    await page.getByTestId('extend-due').fill(inDays(15));
    await page.getByTestId('extend-ends').fill(inDays(40));
    await page.getByTestId('extend-reason').fill('部分平台目录较大，延长提交期限');
    await j.shot('campaign-extend');
    await page.getByTestId('extend-submit').click();
    await page.getByTestId('supervision-message').getByText(/^已延期：/).waitFor();
    await page.getByTestId('end-campaign').click();
    await page.getByTestId('end-campaign-reason').fill('专项任务提前完成');
    await page.getByTestId('end-campaign-submit').click();
    await page.getByTestId('campaign-ended-early').waitFor();
    // No new round or order is offered under an ended campaign (the server refuses them: 409 campaign_ended).
    await page.getByTestId('findings-actions-ended').waitFor();
    expect(await page.getByTestId('send-round').count()).toBe(0);
    await page.getByTestId('campaign-history').click();
    const steps_ = page.getByTestId('campaign-history-steps').getByRole('listitem');
    await steps_.nth(2).waitFor();
    expect(await steps_.allTextContents()).toEqual([
      expect.stringContaining('开启并通知'), expect.stringContaining('部分平台目录较大，延长提交期限'), expect.stringContaining('专项任务提前完成'),
    ]);
    await j.shot('campaign-history');

    // A blacklist entry's history: added, then lifted.
    const [gd] = await server.t.db.query<{ service_number: string }>(
      `select s.service_number from services s join subjects sub on sub.id = s.subject_id join app_platforms p on p.service_id = s.id
        where sub.province_code = '440000' and s.status = 'filed' and p.active order by s.service_number limit 1`);
    await page.goto('/bureau/supervision?tab=blacklist');
    await page.getByLabel('服务备案号').fill(gd!.service_number);
    await page.getByTestId('blacklist-category').selectOption('false_materials');
    await page.getByTestId('blacklist-kind-domain').uncheck();
    await page.getByTestId('blacklist-kind-certificate').uncheck();
    await page.getByLabel('理由', { exact: true }).fill('提供虚假材料，禁止再次备案');
    await page.getByRole('button', { name: '列入黑名单' }).click();
    await page.getByTestId('supervision-message').waitFor();
    const row = page.getByRole('row').filter({ has: page.getByTestId('lift-entry') }).first();
    const value = (await row.locator('td').nth(1).textContent())!;
    await row.getByTestId('lift-entry').click();
    await page.getByTestId('lift-entry-reason').fill('复核后解除');
    await page.getByTestId('lift-entry-submit').click();
    await page.getByTestId('lift-entry-form').waitFor({ state: 'detached' });
    const lifted = page.getByRole('row').filter({ hasText: value }).filter({ hasNot: page.getByTestId('lift-entry') }).first();
    await lifted.getByTestId('entry-history').click();
    const entrySteps = lifted.getByTestId('entry-history-steps').getByRole('listitem');
    await entrySteps.nth(1).getByText('复核后解除').waitFor();
    expect(await entrySteps.first().textContent()).toContain('提供虚假材料，禁止再次备案');
    await j.shot('blacklist-history');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
