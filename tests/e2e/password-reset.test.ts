// A forgotten password (and the first password of a host account brought over by `beian import`):
// from the sign-in page, a code to the account's own mobile, a new password, signed in. At 1280
// and 390 px, with no console error beyond the wrong code this journey types on purpose.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSms, type SmsPayload } from '../../src/notify/outbox.ts';
import { journey, JOURNEY_TIMEOUT, launch, type Server, startServer, steps } from './harness.ts';

describe('journey: reset a forgotten password with a code', () => {
  let server: Server; let browser: Browser;
  beforeAll(async () => { [server, browser] = await Promise.all([startServer(), launch()]); }, 180_000);
  afterAll(async () => { await browser?.close(); await server?.close(); });

  it('asks for a code from the sign-in page, sets a new password with it and is signed in', () => steps(async () => {
    const j = await journey(browser, server.url, 'password-reset');
    const page = j.page;
    await page.goto('/login');
    await page.getByLabel(/账号/).fill('host@demo.beian.test');
    await page.getByRole('link', { name: /忘记密码/ }).click();
    await page.waitForURL((u) => u.pathname === '/reset-password');
    expect(await page.getByLabel(/账号/).inputValue()).toBe('host@demo.beian.test'); // carried over
    await j.shot('ask');
    await page.getByRole('button', { name: '发送验证码' }).click();
    await page.getByText(/验证码已发送至其绑定的手机或电子邮箱，30 分钟内有效/).waitFor();
    const [row] = await server.t.db.query<{ payload: SmsPayload }>(`select payload from outbox where payload->>'tag' = 'password_reset' order by id desc limit 1`);
    const code = openSms(server.t.sealer, row!.payload).template!.params.code!;

    await page.getByLabel('验证码').fill(code === '000000' ? '000001' : '000000');
    await page.getByLabel('新密码', { exact: true }).fill('Reset-journey-2026');
    await page.getByLabel('再次输入新密码').fill('Reset-journey-2026');
    await page.getByRole('button', { name: '设置新密码并登录' }).click();
    // At its field: the API names it body.code; the form shows it under the code input, not as a notice.
    await page.locator('#code-err').getByText('验证码不正确或已失效，请重新获取').waitFor();
    expect(await page.getByLabel('验证码').getAttribute('aria-invalid')).toBe('true');
    const asked = j.errors.filter((e) => /status of 400 \(Bad Request\) @ .*\/api\/auth\/password-reset\/confirm$/.test(e));
    expect(asked).toHaveLength(1);
    j.errors.splice(j.errors.indexOf(asked[0]!), 1);
    await j.shot('wrong-code');

    await page.getByLabel('验证码').fill(code);
    await page.getByRole('button', { name: '设置新密码并登录' }).click();
    await page.waitForURL((u) => u.pathname === '/host');
    const [h] = await server.t.db.query<{ n: number }>(`select count(*)::int as n from history where action = 'password_reset'`);
    expect(h!.n).toBe(1);
    await j.shot('signed-in');
    j.assertClean();
    await j.close();
  }), JOURNEY_TIMEOUT);
});
