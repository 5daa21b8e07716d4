// Supervision journeys (issue 14, item 10): a campaign from creation to a confirmed take-down,
// and violation reports (the public's from the record page, an organisation's) to revocation
// (through the per-report panel and its confirmation), and an organisation answering the bureau's
// request for more — at 1280 and 390 px, with no console error.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusal, journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, signOutUi, startServer, steps } from './harness.ts';

const CATALOGUE = [
  '{"platform":"android","packageName":"a2dp.Vol","fingerprint":"c1cabe8ad9dc272b2443a3a67bc443d5","appName":"A2DP Volume"}',
  '{"platform":"android","packageName":"cn.journey.shop","fingerprint":"abababababababababababababababababababababababababababababababab","appName":"未备案商城"}',
  '{"platform":"android","packageName":"com.example.minigame","fingerprint":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","appName":"示例小游戏"}',
  '{"platform": "android",',
].join('\n');

describe('journey: supervision', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => { [server, browser] = await Promise.all([startServer(), launch()]); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('runs a campaign from creation to a confirmed take-down', () => steps(async () => {
    const j = await journey(browser, server.url, 'supervision-campaign');
    const page = j.page;
    await signInUi(page, 'admin');
    await page.getByRole('link', { name: '检查处置' }).click();
    await page.getByLabel('名称').fill('旅程专项检查');
    const end = new Date(Date.now() + 60 * 86400_000).toISOString().slice(0, 10);
    await page.getByLabel('结束').fill(end);
    await page.getByLabel('目录提交截止').fill(end);
    await page.getByRole('button', { name: '创建并通知' }).click();
    await page.getByRole('heading', { name: '旅程专项检查' }).waitFor();
    await j.shot('campaign-created');
    await signOutUi(page);

    await signInUi(page, 'platform.demo');
    await page.getByRole('link', { name: '检查处置' }).click();
    await page.getByRole('button', { name: '旅程专项检查' }).click();
    const file = path.join(tmpdir(), `supervision-${process.pid}.ndjson`);
    await writeFile(file, CATALOGUE);
    await page.getByTestId('catalogue-file').setInputFiles(file);
    await page.getByTestId('catalogue-upload').click();
    await page.getByTestId('catalogue-answer').getByText('收到 4 行 · 有效 3 · 无效 1').waitFor();
    await page.getByText('第 4 行：该行不是 JSON 对象').waitFor();
    await j.shot('catalogue-uploaded');
    await signOutUi(page);

    // The bureau's dashboard: by outcome, by organisation, day by day; it ticks one finding for a
    // round of notice, then the same finding for a take-down order.
    await signInUi(page, 'admin');
    await page.getByRole('link', { name: '检查处置' }).click();
    await page.getByRole('button', { name: '旅程专项检查' }).click();
    for (const id of ['findings-chart', 'organisations-chart', 'timeline-chart']) await page.getByTestId(id).locator('canvas').first().waitFor();
    await page.getByTestId('organisations-table').getByText('示例应用市场').waitFor();
    await page.getByLabel('核验结果', { exact: true }).selectOption('not_filed');
    const finding = page.getByTestId('findings-table').getByRole('row', { name: /cn\.journey\.shop/ });
    await finding.getByTestId('pick-finding').check();
    await page.getByTestId('send-round-picked').click();
    await page.getByTestId('supervision-message').getByText('已发送第 1 轮通知：1 个问题').waitFor();
    await page.getByTestId('rounds-table').getByText('第 1 轮').waitFor();
    await page.getByTestId('findings-table').getByRole('row', { name: /cn\.journey\.shop/ }).getByTestId('pick-finding').check();
    // Only what a distribution platform can be ordered to do (ADR 0018: measures by kind of organisation).
    expect(await page.getByTestId('order-measure').locator('option').allTextContents()).toEqual(['下架', '关停', '限制更新']);
    await page.getByLabel('处置措施').selectOption('take_down');
    expect(await page.getByTestId('order-reason').inputValue()).toBe('检查发现问题，责令下架');
    await page.getByTestId('order-reason').fill('旅程检查发现未备案商城，限期下架');
    await page.getByTestId('order-picked').click();
    await page.getByTestId('supervision-message').getByText('已下发处置通知 1 份').waitFor();
    await j.shot('campaign-progress');
    await signOutUi(page);

    // The platform marks the host notified (ticked), attaches a screenshot to the order and confirms.
    await signInUi(page, 'platform.demo');
    await page.goto('/org/supervision?tab=campaigns');
    await page.getByRole('button', { name: '旅程专项检查' }).click();
    await page.getByTestId('org-findings').getByRole('row', { name: /cn\.journey\.shop/ }).getByRole('checkbox').check();
    await page.getByTestId('notify-picked').click();
    await page.getByTestId('org-findings').getByRole('row', { name: /cn\.journey\.shop/ }).getByText('✓').waitFor();
    await page.goto('/org/supervision?tab=orders');
    const row = page.getByRole('row', { name: /cn\.journey\.shop/ });
    const png = path.join(tmpdir(), `takedown-${process.pid}.png`);
    await writeFile(png, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]));
    await row.getByTestId('evidence-file').setInputFiles(png);
    await page.getByRole('row', { name: /cn\.journey\.shop/ }).getByTestId('attachments').getByText(path.basename(png)).waitFor();
    // Confirming without saying what was done is refused here, at the field, naming it: nothing is sent
    // (it went to the API and came back as a bare 请求格式不正确 · 内容过短或数值过小).
    let sent = 0;
    const countDone = (r: { method(): string; url(): string }) => { if (r.method() === 'POST' && /\/done$/.test(r.url())) sent += 1; };
    page.on('request', countDone);
    await row.getByTestId('confirm-item').click();
    await row.getByTestId('evidence-error').getByText('处置情况说明：请填写处置情况说明后再确认').waitFor();
    expect(await row.getByTestId('evidence').getAttribute('aria-invalid')).toBe('true');
    expect(await row.getByTestId('evidence').evaluate((e) => e === document.activeElement)).toBe(true);
    expect(await row.getByText('请求格式不正确').count()).toBe(0);
    await j.shot('confirm-empty');
    page.off('request', countDone);
    expect(sent).toBe(0);
    await page.getByRole('row', { name: /cn\.journey\.shop/ }).getByTestId('evidence').fill('已下架，截图存档');
    await page.getByRole('row', { name: /cn\.journey\.shop/ }).getByTestId('confirm-item').click();
    await page.getByRole('row', { name: /cn\.journey\.shop/ }).getByText('已处置').waitFor();
    await j.shot('order-confirmed');
    // Its notices: the campaign and the order (with their facts), newest first; one marked read.
    await page.goto('/org/supervision?tab=notices');
    const notices = page.getByTestId('org-notice');
    await notices.filter({ hasText: /处置通知：下架 1 项/ }).filter({ hasText: 'cn.journey.shop' }).first().waitFor();
    await notices.filter({ hasText: '备案检查：旅程专项检查' }).first().waitFor();
    await j.shot('notices');
    await notices.first().getByTestId('notice-read').click();
    await notices.first().getByTestId('notice-read').waitFor({ state: 'detached' });
    await signOutUi(page);

    await signInUi(page, 'admin');
    await page.goto('/bureau/supervision?tab=orders');
    const done = page.getByRole('row', { name: /cn\.journey\.shop/ });
    const download = page.waitForEvent('download');
    await done.getByRole('link', { name: path.basename(png) }).click();
    expect((await download).suggestedFilename()).toBe(path.basename(png));
    await done.getByTestId('accept-item').click();
    await page.getByRole('row', { name: /cn\.journey\.shop/ }).getByText('已验收').waitFor();
    await j.shot('order-accepted');
    j.assertClean();
    await j.close();
    const [ordered] = await server.t.db.query<{ reason: string }>(
      `select o.reason from disposal_orders o join disposal_order_items i on i.order_id = o.id where i.package_name = 'cn.journey.shop'`);
    expect(ordered?.reason).toBe('旅程检查发现未备案商城，限期下架');
  }), JOURNEY_TIMEOUT);

  it('takes a violation report to revocation', () => steps(async () => {
    const j = await journey(browser, server.url, 'supervision-violation');
    const page = j.page;
    const [ledger] = await server.t.db.query<{ service_number: string }>(`select s.service_number from services s join app_platforms p on p.service_id = s.id where p.package_name = 'com.example.ledger' limit 1`);
    // A member of the public reports from the record page, without an account.
    await page.goto(`/record/${encodeURIComponent(ledger!.service_number)}`);
    await page.getByTestId('report-open').click();
    await page.getByLabel('举报类别').selectOption('fraud');
    await page.getByLabel('举报内容').fill('冒充客服诱导用户转账，首页弹窗出现');
    await page.getByLabel('联系方式（手机号或邮箱）').fill('13912345678');
    await j.shot('public-report-form');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-sent').waitFor();
    await j.shot('public-report-sent');
    await signInUi(page, 'platform.demo');
    await page.goto('/org/supervision?tab=violations');
    await page.getByLabel('服务备案号').fill(ledger!.service_number);
    await page.getByLabel('类别').selectOption('false_materials');
    await page.getByLabel('情况说明').fill('主办者营业执照疑似伪造');
    await page.getByRole('button', { name: '提交报告' }).click();
    await page.getByRole('row', { name: new RegExp(ledger!.service_number.replace(/[-]/g, '\\-')) }).first().waitFor();
    await j.shot('violation-reported');
    await signOutUi(page);

    await signInUi(page, 'zj.reviewer');
    await page.goto('/bureau/supervision?tab=violations');
    // The public's report is in the triage with its contact (seen by the bureau only): masked in the list,
    // in full on request, which the personal-data access log records.
    const reportRow = page.getByRole('row', { name: /冒充客服诱导用户转账/ });
    await reportRow.getByText('139****5678').waitFor();
    // A public reporter cannot answer a request for more: no such button on their report.
    await reportRow.getByTestId('revoke-report').waitFor();
    expect(await reportRow.getByTestId('triage-request_more').count()).toBe(0);
    await j.shot('violation-triage');
    await reportRow.getByRole('button', { name: '查看完整联系方式' }).click();
    await reportRow.getByText('13912345678').waitFor();
    // Revoking opens a panel for that report (category, the reason typed by the reviewer) and asks
    // for confirmation: opening it and going back changes nothing.
    const row = page.getByRole('row', { name: /主办者营业执照疑似伪造/ });
    await row.getByTestId('revoke-report').click();
    const panel = page.getByTestId('triage-panel');
    await panel.getByRole('heading', { name: `撤销备案：${ledger!.service_number}`, exact: false }).waitFor();
    await panel.getByLabel('撤销类别').selectOption('false_materials');
    await panel.getByLabel('撤销理由').fill('核实营业执照系伪造，提供虚假材料');
    await panel.getByRole('button', { name: '下一步：确认撤销' }).click();
    await panel.getByText('确认撤销该备案？此操作不可撤回。').waitFor();
    await j.shot('violation-revoke-confirm');
    await panel.getByRole('button', { name: '返回修改' }).click();
    expect(await panel.getByLabel('撤销理由').inputValue()).toBe('核实营业执照系伪造，提供虚假材料');
    await row.getByText('已受理').waitFor();
    await panel.getByRole('button', { name: '下一步：确认撤销' }).click();
    await panel.getByTestId('confirm-revoke').click();
    await page.getByTestId('supervision-message').getByText(`已撤销备案：${ledger!.service_number}`).waitFor();
    await page.getByRole('row', { name: /主办者营业执照疑似伪造/ }).getByText('已撤销备案').waitFor();
    expect(await page.getByTestId('triage-panel').count()).toBe(0);
    await j.shot('violation-revoked');
    await page.goto(`/record/${encodeURIComponent(ledger!.service_number)}`);
    await page.getByText(/撤销|Revoked/).first().waitFor();
    expect(await page.getByTestId('revocation-category').textContent()).toBe('提供虚假材料');
    j.assertClean();
    await j.close();
    const [s] = await server.t.db.query<{ status: string; revocation_category: string }>('select status, revocation_category from services where service_number = $1', [ledger!.service_number]);
    expect(s).toEqual({ status: 'revoked', revocation_category: 'false_materials' });
    const [step] = await server.t.db.query<{ note: string }>(`select st.note from violation_steps st join violation_reports v on v.id = st.violation_id
      where v.description = '主办者营业执照疑似伪造' and st.action = 'revoke'`);
    expect(step?.note).toBe('核实营业执照系伪造，提供虚假材料');
  }), JOURNEY_TIMEOUT);

  it('answers the bureau\'s request for more, and the bureau asks again in its own words', () => steps(async () => {
    const j = await journey(browser, server.url, 'supervision-more');
    const page = j.page;
    // The demo's report in 待补充: the platform sees what was asked, with the step labelled, and answers.
    await signInUi(page, 'platform.demo');
    await page.goto('/org/supervision?tab=violations');
    const reportRow = () => page.getByTestId('org-violations').getByRole('row', { name: /用户投诉应用诱导付费/ });
    await reportRow().getByText('待补充').waitFor();
    await reportRow().getByTestId('answer-open').click();
    const steps = page.getByTestId('violation-steps');
    await steps.getByRole('heading', { name: /^处理进度：/ }).waitFor();
    await steps.getByTestId('violation-step').filter({ hasText: '要求补充材料' }).getByText('请补充付费记录截图').waitFor();
    expect(await steps.getByText('request_more').count()).toBe(0);
    await j.shot('more-requested');
    await steps.getByLabel('补充说明').fill('   ');
    await steps.getByRole('button', { name: '发送补充材料' }).click();
    await steps.getByText('请填写说明').waitFor();
    await steps.getByLabel('补充说明').fill('已补充 3 笔付费记录截图，见证据包');
    await steps.getByRole('button', { name: '发送补充材料' }).click();
    await steps.getByTestId('more-sent').waitFor();
    await steps.getByTestId('violation-step').filter({ hasText: '补充材料' }).getByText('已补充 3 笔付费记录截图，见证据包').waitFor();
    await reportRow().getByText('已受理').waitFor();
    expect(await steps.getByTestId('more-form').count()).toBe(0);
    await j.shot('more-answered');
    // Disposal orders say why, and where they come from.
    await page.goto('/org/supervision?tab=orders');
    const demoOrder = page.getByTestId('org-order').filter({ hasText: '未备案APP，责令限期处置（演示）' });
    await demoOrder.getByTestId('order-source').getByText('来自检查活动：APP备案专项检查（演示）').waitFor();
    await j.shot('org-orders');
    // An ended campaign takes no more catalogues: the card names it and offers no upload.
    await page.goto('/org/supervision?tab=campaigns');
    await page.getByRole('button', { name: /APP备案过渡期摸排/ }).click();
    await page.getByRole('heading', { name: /APP备案过渡期摸排/ }).waitFor();
    await page.getByTestId('catalogue-closed').waitFor();
    expect(await page.getByTestId('catalogue-file').count()).toBe(0);
    await signOutUi(page);

    // The bureau asks again: a note typed in the panel, not a fixed text.
    await signInUi(page, 'gd.reviewer');
    await page.goto('/bureau/supervision?tab=violations');
    const row = page.getByRole('row', { name: /用户投诉应用诱导付费/ });
    await row.getByText('已受理').waitFor();
    await row.getByRole('button', { name: '要求补充' }).click();
    const panel = page.getByTestId('triage-panel');
    await panel.getByLabel('需要补充的内容').fill('请提供用户投诉原文及投诉时间');
    await j.shot('triage-request-more');
    await panel.getByRole('button', { name: '发送补充要求' }).click();
    await page.getByTestId('supervision-message').getByText(/^已要求补充材料：/).waitFor();
    await page.getByRole('row', { name: /用户投诉应用诱导付费/ }).getByText('待补充').waitFor();
    // The report's detail: what was reported, what was asked and answered, its history, and that it waits.
    await page.getByRole('row', { name: /用户投诉应用诱导付费/ }).getByTestId('report-detail-open').click();
    const detail = page.getByTestId('report-detail');
    await detail.getByTestId('report-text').getByText(/用户投诉应用诱导付费/).waitFor();
    const exchange = detail.getByTestId('report-exchange');
    for (const note of ['请补充付费记录截图', '已补充 3 笔付费记录截图，见证据包', '请提供用户投诉原文及投诉时间']) await exchange.getByText(note).waitFor();
    expect(await exchange.locator('li strong').allTextContents()).toEqual(['要求补充', '已答复', '要求补充']);
    await detail.getByTestId('report-waiting').waitFor();
    const history = await detail.getByTestId('report-history').locator('li strong').allTextContents();
    expect(history.slice(-3)).toEqual(['要求补充材料', '补充材料', '要求补充材料']);
    expect(page.url()).toMatch(/[?&]report=[0-9a-f-]{36}/); // linkable
    await j.shot('report-detail');

    // Disposal orders come grouped: an order's moves once, at the order, its items below, its source linked.
    await page.goto('/bureau/supervision?tab=orders');
    const group = page.getByTestId('bureau-order').filter({ hasText: '未备案APP，责令限期处置（演示）' }).first();
    await group.getByTestId('order-item').first().waitFor();
    expect(await group.getByTestId('order-item').count()).toBeGreaterThan(1);
    expect(await group.getByTestId('order-actions').getByTestId('redate-order').count()).toBe(1);
    expect(await group.getByTestId('order-history').count()).toBe(1);
    expect(await group.getByTestId('order-item').getByTestId('redate-order').count()).toBe(0);
    await j.shot('bureau-orders-grouped');
    await group.getByTestId('order-source-link').getByText('来自检查活动：APP备案专项检查（演示）').click();
    await page.getByRole('heading', { name: 'APP备案专项检查（演示）' }).waitFor();
    await signOutUi(page);

    await signInUi(page, 'platform.demo');
    await page.goto('/org/supervision?tab=violations');
    await reportRow().getByTestId('answer-open').click();
    await page.getByTestId('violation-steps').getByText('请提供用户投诉原文及投诉时间').waitFor();
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('reopens an item, blacklists by kind and category and lifts an entry, each with the reviewer\'s own reason', () => steps(async () => {
    const j = await journey(browser, server.url, 'supervision-reasons');
    const page = j.page;
    await signInUi(page, 'admin');
    // The demo's order item the cloud provider marked done: reopened with a reason typed by the ministry.
    await page.goto('/bureau/supervision?tab=orders');
    const doneRow = page.getByTestId('orders-table').getByRole('row').filter({ hasText: '已处置' }).first();
    const item = (await doneRow.locator('td').nth(0).textContent())!;
    await doneRow.getByTestId('reopen-item').click();
    expect(await page.getByTestId('reopen-item-reason').inputValue()).toBe('复核未通过，请重新处置');
    await page.getByTestId('reopen-item-reason').fill('截图未显示下架时间，请重新提交');
    await j.shot('reopen-reason');
    await page.getByTestId('reopen-item-submit').click();
    await page.getByTestId('orders-table').getByRole('row').filter({ hasText: item }).getByText('待处置').waitFor();
    const reopened = await server.t.db.query<{ reopen_reason: string | null; status: string }>(
      `select reopen_reason, status from disposal_order_items where package_name = $1 or service_number = $1`, [item]);
    expect(reopened).toContainEqual({ reopen_reason: '截图未显示下架时间，请重新提交', status: 'open' });
    await signOutUi(page);

    // A blacklist entry for a 广东 filing: its certificate and packages, not its domains, as illegal.
    const [gd] = await server.t.db.query<{ service_number: string; name: string }>(
      `select s.service_number, sub.name from services s join subjects sub on sub.id = s.subject_id join app_platforms p on p.service_id = s.id
        where sub.province_code = '440000' and s.status = 'filed' order by s.service_number limit 1`);
    await signInUi(page, 'gd.reviewer');
    await page.goto('/bureau/supervision?tab=blacklist');
    await page.getByLabel('服务备案号').fill(gd!.service_number);
    await page.getByTestId('blacklist-category').selectOption('illegal');
    await page.getByTestId('blacklist-kind-domain').uncheck();
    await page.getByLabel('理由', { exact: true }).fill('违法违规应用，禁止再次备案');
    await page.getByRole('button', { name: '列入黑名单' }).click();
    await page.getByTestId('supervision-message').waitFor();
    const entries = await server.t.db.query<{ kind: string; category: string; id: string }>(
      `select b.kind, b.category, b.id from blacklist_entries b join services s on s.id = b.source_service_id where s.service_number = $1 order by b.kind`, [gd!.service_number]);
    expect(entries.map((e) => [e.kind, e.category])).toEqual([['certificate', 'illegal'], ['package', 'illegal']]);
    const liftRow = page.getByRole('row').filter({ hasText: '证件' }).filter({ hasText: gd!.name }).filter({ has: page.getByTestId('lift-entry') });
    await liftRow.getByTestId('lift-entry').click();
    await page.getByTestId('lift-entry-reason').fill('行政复议撤销原决定');
    await page.getByTestId('lift-entry-submit').click();
    await page.getByTestId('lift-entry-form').waitFor({ state: 'detached' });
    await j.shot('blacklist');
    const [lifted] = await server.t.db.query<{ lift_reason: string }>(`select lift_reason from blacklist_entries where id = $1`, [entries[0]!.id]);
    expect(lifted?.lift_reason).toBe('行政复议撤销原决定');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
  it('in English, confirming an item without saying what was done names the field', () => steps(async () => {
    const j = await journey(browser, server.url, 'supervision-confirm-en');
    const page = j.page;
    await signInUi(page, 'platform.demo');
    await page.goto('/org/supervision?tab=orders');
    await page.getByTestId('lang-switch').click();
    const form = page.getByTestId('confirm-form').first();
    await form.getByText('What was done', { exact: false }).first().waitFor();
    await form.getByTestId('confirm-item').click();
    await form.getByTestId('evidence-error').getByText('What was done: Say what was done before confirming').waitFor();
    await j.shot('confirm-empty-en');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('an organisation objects, the bureau grants time, withdraws another item and answers the demo\'s objection', () => steps(async () => {
    const j = await journey(browser, server.url, 'supervision-objections');
    const page = j.page;
    // The market (a platform) objects to an open item of its overdue order: it needs time.
    await signInUi(page, 'platform.demo');
    await page.goto('/org/supervision?tab=orders');
    const openRow = page.getByTestId('org-order').getByRole('row').filter({ has: page.getByTestId('object-item') }).first();
    const item = (await openRow.locator('td').first().textContent())!;
    await openRow.getByTestId('object-item').click();
    await page.getByTestId('objection-ground').selectOption('more_time');
    await page.getByTestId('objection-note').fill('开发者承诺一个月内完成备案，已暂停推荐');
    // The API's answer about a field is shown at that field and names it (a date more than 366 days ahead).
    await page.getByTestId('objection-date').fill(new Date(Date.now() + 400 * 86400_000).toISOString().slice(0, 10));
    await page.getByTestId('objection-submit').click();
    const form = page.getByTestId('objection-form');
    await form.locator('.field-errors').getByText('日期过远：最多可申请今天起 366 天内的日期').waitFor();
    expect(await page.getByTestId('objection-date').getAttribute('aria-invalid')).toBe('true');
    await form.getByText('申请延至：日期过远：最多可申请今天起 366 天内的日期').waitFor(); // the notice names the field too
    expectRefusal(j, 400, /\/objection$/);
    await j.shot('objection-field-error');
    const asked = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
    await page.getByTestId('objection-date').fill(asked);
    await j.shot('objection-form');
    await page.getByTestId('objection-submit').click();
    const objectedRow = page.getByTestId('org-order').getByRole('row').filter({ hasText: item });
    await objectedRow.getByText('有异议').waitFor();
    await objectedRow.getByTestId('item-objection').getByText('申请延期').waitFor();
    await signOutUi(page);

    // The 广东 bureau sees it among the objections, upholds it granting 10 working days, withdraws another open item.
    await signInUi(page, 'gd.reviewer');
    await page.goto('/bureau/supervision?tab=orders');
    await page.getByTestId('objected-only').check();
    const row = page.getByTestId('orders-table').getByRole('row').filter({ hasText: item });
    await row.getByTestId('item-objection').getByText('开发者承诺一个月内完成备案').waitFor();
    await row.getByTestId('uphold-item').click();
    await page.getByTestId('uphold-item-days').fill('10');
    await j.shot('uphold');
    await page.getByTestId('uphold-item-submit').click();
    await page.getByTestId('orders-table').getByRole('row').filter({ hasText: item }).waitFor({ state: 'detached' }); // no longer objected
    await page.getByTestId('objected-only').uncheck();
    const [after] = await server.t.db.query<{ status: string; due_from: string | null; answer_note: string }>(
      `select i.status, o.due_from::text, i.answer_note from disposal_order_items i join disposal_orders o on o.id = i.order_id where i.package_name = $1 and o.province_code = '440000'`, [item]);
    expect(after).toMatchObject({ status: 'open', answer_note: '异议理由不成立，请按期处置' });
    expect(after!.due_from).not.toBeNull();
    const other = page.getByTestId('orders-table').getByRole('row').filter({ hasText: '待处置' }).filter({ hasNotText: item }).filter({ has: page.getByTestId('withdraw-item') }).first();
    const otherItem = (await other.locator('td').nth(0).textContent())!;
    await other.getByTestId('withdraw-item').click();
    await page.getByTestId('withdraw-item-reason').fill('经核实该应用已于本月完成备案，本项撤回');
    await page.getByTestId('withdraw-item-submit').click();
    await page.getByTestId('orders-table').getByRole('row').filter({ hasText: otherItem }).getByText('已撤回').waitFor();
    // The order's history tells the steps: the platform's objection, the bureau's answer and new date, the withdrawal.
    await page.getByTestId('orders-table').getByRole('row').filter({ has: page.getByTestId('order-history') }).filter({ hasText: '示例应用市场' }).first().getByTestId('order-history').click();
    const history = page.getByTestId('order-history-steps');
    for (const step of ['下发处置通知', '提出异议', '维持处置', '调整期限', '撤回']) await history.getByText(step, { exact: true }).first().waitFor();
    await j.shot('withdrawn');
    await signOutUi(page);

    // The ministry answers the demo's objection (the cloud says the APP is not on its network): withdrawn.
    await signInUi(page, 'admin');
    await page.goto('/bureau/supervision?tab=orders');
    await page.getByTestId('objected-only').check();
    const demo = page.getByTestId('orders-table').getByRole('row').filter({ hasText: '有异议' }).first();
    await demo.getByTestId('item-objection').getByText('非本单位分发、接入或预置').waitFor();
    await j.shot('ministry-objections');
    await demo.getByTestId('withdraw-item').click();
    await page.getByTestId('withdraw-item-submit').click();
    await page.getByTestId('orders-table').getByRole('row').filter({ hasText: '有异议' }).waitFor({ state: 'detached' });
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
