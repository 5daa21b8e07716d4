// Journey: an access provider's staff manage the organisation's webhooks in the console (回调通知):
// the demo webhook with its deliveries and failures in a row; a refused URL named at its field; a
// new webhook whose secret is shown once; a signed test delivery to a receiver this test starts on
// 127.0.0.1 (WEBHOOKS_ALLOW_LOOPBACK), its result and its row among the deliveries; delete after a
// confirmation. In Chinese, then in English; screenshots at 1280 and 390 px.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusal, journey, JOURNEY_TIMEOUT, launch, type Server, signInUi, startServer, steps } from './harness.ts';

interface Received { headers: http.IncomingHttpHeaders; body: string }

describe('journey: the organisation\'s webhooks in the console', () => {
  let server: Server; let browser: Browser; let rx: http.Server;
  const received: Received[] = [];
  let receiverUrl = '';
  beforeAll(async () => {
    rx = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
      req.on('end', () => { received.push({ headers: req.headers, body }); res.statusCode = 204; res.end(); });
    });
    await new Promise<void>((r) => rx.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(rx.address() as AddressInfo).port}/beian/hook`;
    [server, browser] = await Promise.all([startServer({ demoLives: true, env: { WEBHOOKS_ALLOW_LOOPBACK: 'true' } }), launch()]);
  }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); await new Promise((r) => rx?.close(r)); });

  it('adds a webhook, shows its secret once, sends a signed test delivery, lists it, deletes the webhook', () => steps(async () => {
    const j = await journey(browser, server.url, 'webhooks');
    const page = j.page;
    await signInUi(page, 'provider.demo');
    await page.getByRole('link', { name: '回调通知' }).click();
    await page.getByRole('heading', { name: '回调通知（Webhook）' }).waitFor();
    // The demo's webhook: its last delivery failed (HTTP 503), once in a row.
    const demo = page.getByTestId('webhook').filter({ hasText: 'hooks.demo-cloud.test' });
    await demo.waitFor();
    expect(await demo.getByTestId('webhook-last').textContent()).toMatch(/失败.*HTTP 503/);
    expect(await demo.getByTestId('webhook-failures').textContent()).toBe('1');
    expect(await demo.textContent()).toContain('示例云初审员');
    await demo.getByTestId('webhook-deliveries-toggle').click();
    const demoRows = page.getByTestId('webhook-delivery');
    await expect.poll(() => demoRows.count()).toBe(5);
    expect(await demoRows.first().textContent()).toMatch(/成为空壳.*失败.*503.*10/);
    expect(await page.getByTestId('webhook-deliveries').textContent()).toMatch(/备案撤销.*粤ICP备\d+号-\d+.*已送达.*200.*3/);
    await j.shot('webhooks-demo');

    // A private address is refused by the API, named at the field.
    await page.getByTestId('webhook-url').fill('https://10.1.2.3/hook');
    await page.getByTestId('webhook-add').click();
    await expect.poll(() => page.getByTestId('webhook-url-error').textContent()).toMatch(/^回调地址：.*非公网地址/);
    expectRefusal(j, 400, /\/api\/org\/webhooks/);
    await j.shot('webhooks-refused');

    // Add the receiver: the secret, once.
    await page.getByTestId('webhook-url').fill(receiverUrl);
    await page.getByTestId('webhook-add').click();
    const secretBox = page.getByTestId('webhook-secret');
    await secretBox.waitFor();
    const secret = await secretBox.inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(await page.getByRole('alert').filter({ hasText: '仅显示这一次' }).textContent()).toContain('无法再次查看');
    await page.getByTestId('webhook-url-error').waitFor({ state: 'detached' });
    await j.shot('webhooks-secret');
    await page.getByTestId('webhook-secret-copy').click();
    await page.getByTestId('webhook-secret-done').click();
    await secretBox.waitFor({ state: 'detached' });
    await page.reload();
    const mine = page.getByTestId('webhook').filter({ hasText: receiverUrl });
    await mine.waitFor();
    expect(await page.content()).not.toContain(secret);
    expect(await mine.getByTestId('webhook-last').textContent()).toBe('尚无投递');

    // A test delivery: delivered, signed with that secret; its result and its row.
    await mine.getByTestId('webhook-test').click();
    await expect.poll(() => page.getByTestId('webhook-test-result').textContent()).toContain('HTTP 204');
    expect(await page.getByRole('status').filter({ hasText: '测试通知已送达' }).count()).toBe(1);
    expect(received).toHaveLength(1);
    expect(received[0]!.headers['x-beian-event']).toBe('webhook.test');
    expect(received[0]!.headers['x-beian-signature']).toBe(`sha256=${createHmac('sha256', secret).update(received[0]!.body).digest('hex')}`);
    await expect.poll(() => mine.getByTestId('webhook-last').textContent()).toMatch(/已送达.*HTTP 204/); // the list comes after the result
    await mine.getByTestId('webhook-deliveries-toggle').click();
    await expect.poll(() => page.getByTestId('webhook-delivery').count()).toBe(1);
    expect(await page.getByTestId('webhook-delivery').textContent()).toMatch(/测试通知.*—.*已送达.*204.*1/);
    await j.shot('webhooks-tested');

    // Delete, after the confirmation (dismissed once: nothing happens).
    page.once('dialog', (d) => void d.dismiss());
    await mine.getByTestId('webhook-delete').click();
    expect(await mine.count()).toBe(1);
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); void d.accept(); });
    await mine.getByTestId('webhook-delete').click();
    await mine.waitFor({ state: 'detached' });
    expect(asked).toContain(receiverUrl);
    await expect.poll(() => page.getByTestId('webhook').count()).toBe(1);
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('reads in English, the refusals too', () => steps(async () => {
    const j = await journey(browser, server.url, 'webhooks-en', { locale: 'en' });
    const page = j.page;
    await signInUi(page, 'provider.demo');
    if ((await page.getByTestId('lang-switch').textContent()) !== '中文') await page.getByTestId('lang-switch').click();
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    const demo = page.getByTestId('webhook').filter({ hasText: 'hooks.demo-cloud.test' });
    await demo.getByTestId('webhook-deliveries-toggle').click();
    await expect.poll(() => page.getByTestId('webhook-delivery').count()).toBe(5);
    expect(await page.getByTestId('webhook-deliveries').textContent()).toMatch(/Filing revoked.*Delivered/);
    // A failure's reason in English, the recorded text beneath it.
    expect(await page.getByTestId('webhook-delivery').first().textContent()).toMatch(/Left without access.*Failed.*The endpoint answered HTTP 503: an error on its side.*answered 503/);
    await page.getByTestId('webhook-url').fill('http://hooks.example.com/x');
    await page.getByTestId('webhook-add').click();
    await expect.poll(() => page.getByTestId('webhook-url-error').textContent()).toMatch(/^Webhook URL: use https/);
    expectRefusal(j, 400, /\/api\/org\/webhooks/);
    await j.shot('webhooks-en');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);

  it('says why a test failed, in Chinese, and keeps it out of the administrator\'s 投递失败, which explains the real failures', () => steps(async () => {
    // An address nobody listens on.
    const gone = http.createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    const closedUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/closed`;
    await new Promise((r) => gone.close(r));

    const j = await journey(browser, server.url, 'webhooks-failed-test');
    const page = j.page;
    await signInUi(page, 'provider.demo');
    await page.getByRole('link', { name: '回调通知' }).click();
    await page.getByTestId('webhook-url').fill(closedUrl);
    await page.getByTestId('webhook-add').click();
    await page.getByTestId('webhook-secret-done').click();
    const closed = page.getByTestId('webhook').filter({ hasText: closedUrl });
    await closed.getByTestId('webhook-test').click();
    await page.getByRole('status').filter({ hasText: '测试通知投递失败（不会重试）' }).waitFor();
    expect(await page.getByTestId('webhook-test-result').textContent()).toMatch(/连接被拒绝：该地址和端口上没有服务在监听/);
    expect(await page.getByTestId('webhook-test-raw').textContent()).toMatch(/ECONNREFUSED/);
    // The list is fetched again after the result is shown: wait for it rather than read the row as it was.
    await expect.poll(() => closed.getByTestId('webhook-last').textContent()).toMatch(/失败.*连接被拒绝/);
    // The latest delivery says it was a test, and a test is no failure in a row (a check, not an outage).
    await expect.poll(() => closed.getByTestId('webhook-last-test').textContent()).toBe('测试通知');
    expect(await closed.getByTestId('webhook-failures').textContent()).toBe('0');
    expect(await page.getByTestId('webhook-failures-hint').textContent()).toContain('连续失败只计实际事件的投递');
    await closed.getByTestId('webhook-deliveries-toggle').click();
    const row = page.getByTestId('webhook-delivery');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toMatch(/测试通知.*失败.*连接被拒绝.*ECONNREFUSED.*—.*1/);
    expect(await row.getByTestId('failure-text').getAttribute('title')).toMatch(/ECONNREFUSED/);
    await j.shot('webhooks-test-failed');
    j.assertClean();
    await j.close();

    // The administrator's queue: the demo's abandoned delivery, explained and named as the console names it; no test delivery.
    const admin = await journey(browser, server.url, 'deliveries-webhooks');
    const ap = admin.page;
    await signInUi(ap, 'admin');
    await ap.getByRole('link', { name: '投递失败' }).click();
    await ap.getByRole('heading', { name: '消息投递失败' }).waitFor();
    await ap.getByLabel('渠道').selectOption('webhook');
    const shell = ap.getByRole('row', { name: /成为空壳/ });
    await shell.waitFor();
    expect(await shell.textContent()).toMatch(/已放弃.*回调.*成为空壳.*hooks\.demo-cloud\.test.*对方返回 HTTP 503：对方服务出错.*answered 503/);
    expect(await ap.getByRole('row', { name: /测试通知|webhook\.test/ }).count()).toBe(0);
    expect(await ap.content()).not.toContain('ECONNREFUSED');
    await admin.shot('admin-deliveries-webhooks');
    admin.assertClean();
    await admin.close();
  }), JOURNEY_TIMEOUT);
});
