// The administrator sees SMS the gateway refused (issue 12 §5): a refusal from the stand-in
// Alibaba Cloud gateway appears on 投递失败 with its code and message and the mobile masked,
// in Chinese and at 1280 and 390 px, without a console error.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net, { type AddressInfo } from 'node:net';
import { enqueueEmail, enqueueSms } from '../../src/notify/index.ts';
import { createAliyunSmsProvider } from '../../src/notify/sms-aliyun.ts';
import { smsTemplate } from '../../src/notify/sms-templates.ts';
import { smsChallenge } from '../../src/notify/templates.ts';
import { aliyunAnswer, startStandInGateway, type StandInGateway } from '../sms-gateway.ts';
import { assertNoHorizontalOverflow, journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps } from './harness.ts';

const OLDER = 55;

describe('journey: failed SMS deliveries for the administrator', () => {
  let server: Server; let browser: Browser; let gw: StandInGateway;
  beforeAll(async () => {
    gw = await startStandInGateway(aliyunAnswer.ok);
    gw.queue(aliyunAnswer.refusal('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号'), aliyunAnswer.refusal('isv.BUSINESS_LIMIT_CONTROL', '触发小时级流控Permits:5'));
    // The server's outbox worker sends SMS through the Aliyun adapter, to the stand-in.
    const sms = createAliyunSmsProvider({
      provider: 'aliyun', accessKeyId: 'LTAI5tTestKeyId0001', accessKeySecret: 'secret-0001', signName: '备案系统', endpoint: gw.url, timeoutMs: 5_000,
      templates: { verification_code: 'SMS_1001', cancellation_code: 'SMS_1006', password_reset_code: 'SMS_1007', filing_approved: 'SMS_1002', filing_rejected: 'SMS_1003', filing_returned: 'SMS_1004', sms_check_failed: 'SMS_1005' },
    });
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const smtpPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    [server, browser] = await Promise.all([startServer({ sms, env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}` } }), launch()]);
    const { db, sealer } = server.t;
    // Older abandoned emails, enough for a second page of 50 (the refusals below are newer: page 1).
    await db.transaction(async (tx) => {
      const ids: number[] = [];
      for (let i = 0; i < OLDER; i++) ids.push(await enqueueEmail(tx, sealer, { to: `older${i}@example.cn`, subject: '备案通过', text: '…' }, { tag: 'application.approved' }));
      await tx.query(`update outbox set status = 'dead', attempts = 10, last_error = 'connect ECONNREFUSED 127.0.0.1:25', last_attempt_at = now() where id = any($1::bigint[])`, [ids]);
    });
    await db.transaction(async (tx) => {
      await enqueueSms(tx, sealer, { mobile: '13900001111', ...smsChallenge({ code: '482913', serviceType: 'app', serviceName: 'A2DP Volume' }) }, { tag: 'sms.verification_code' });
      await enqueueSms(tx, sealer, { mobile: '13700002222', text: '…', template: smsTemplate('filing_rejected', { name: 'A2DP Volume' }) }, { tag: 'application.rejected_by_bureau' });
      // An email to an SMTP server nobody runs: refused, retried; named by the event it tells, its reason in words.
      await enqueueEmail(tx, sealer, { to: 'zhang.san@example.cn', subject: '备案通过', text: '…' }, { tag: 'application.approved' });
    });
    const [refused] = await db.query<{ id: number }>(`select id from outbox where channel = 'email' and payload ->> 'tag' = 'application.approved'`);
    for (let i = 0; i < 200 && gw.requests.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 200 && !(await db.query(`select 1 from outbox where id = $1 and last_error is not null`, [refused!.id])).length; i++) await new Promise((r) => setTimeout(r, 100));
  }, 180_000);
  afterAll(async () => { await browser?.close(); await gw?.close(); await server?.close(); });

  it('lists the refusals with the gateway code, masked', () => steps(async () => {
    const j = await journey(browser, server.url, 'deliveries');
    const page = j.page;
    await signInUi(page, 'admin');
    await page.getByRole('link', { name: '投递失败' }).click();
    await page.getByRole('heading', { name: '消息投递失败' }).waitFor();
    const dead = page.getByRole('row', { name: /isv\.MOBILE_NUMBER_ILLEGAL/ });
    await dead.waitFor();
    expect(await dead.textContent()).toMatch(/已放弃.*短信.*短信核验码.*139\*\*\*\*1111.*aliyun.*非法手机号/);
    expect(await page.getByRole('row', { name: /isv\.BUSINESS_LIMIT_CONTROL/ }).textContent()).toMatch(/重试中.*管局驳回通知.*137\*\*\*\*2222/);
    const email = page.getByRole('row', { name: /z\*\*\*@example\.cn/ });
    expect(await email.textContent()).toMatch(/重试中.*邮件.*备案申请审核通过.*连接被拒绝：该地址和端口上没有服务在监听.*ECONNREFUSED/);
    expect(await email.getByTitle('application.approved').count()).toBe(1);
    expect(await page.content()).not.toMatch(/13900001111|13700002222|482913|zhang\.san/);
    await j.shot('admin-deliveries');
    // At phone width each failure is a card: nothing scrolls sideways, neither the page nor the table's frame;
    // at desktop width the table fits its frame.
    const frame = page.getByRole('region', { name: '消息投递失败' });
    const sideways = () => frame.evaluate((el) => el.scrollWidth - el.clientWidth);
    await page.setViewportSize({ width: 390, height: 844 });
    await assertNoHorizontalOverflow(page);
    expect(await sideways(), 'the deliveries frame scrolls sideways at 390 px').toBeLessThanOrEqual(1);
    expect(await page.getByRole('row', { name: /isv\.MOBILE_NUMBER_ILLEGAL/ }).getByText('非法手机号').isVisible()).toBe(true);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await sideways(), 'the deliveries frame scrolls sideways at 1280 px').toBeLessThanOrEqual(1);
    // Fifty a page: the second page and back, the pager counting from 1.
    const pager = page.locator('nav.pager');
    expect(await pager.textContent()).toContain(`第 1 / 2 页`);
    await pager.getByRole('button', { name: '下一页' }).click();
    await pager.getByText('第 2 / 2 页').waitFor();
    await expect.poll(() => page.getByTestId('delivery').count()).toBe(OLDER + 3 - 50);
    await pager.getByRole('button', { name: '上一页' }).click();
    await pager.getByText('第 1 / 2 页').waitFor();
    await page.getByRole('row', { name: /isv\.MOBILE_NUMBER_ILLEGAL/ }).waitFor();
    await page.getByLabel('状态').selectOption('dead');
    await expect.poll(() => page.getByRole('row', { name: /isv\.BUSINESS_LIMIT_CONTROL/ }).count()).toBe(0);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
