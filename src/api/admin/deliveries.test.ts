// Failed and dead deliveries through HTTP: gateway refusals from the stand-in Alibaba Cloud
// gateway are listed for the ministry administrator with the gateway's code and message, the
// mobile masked, and never a verification code; nobody else may read them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { aliyunAnswer, startStandInGateway, type StandInGateway } from '../../../tests/sms-gateway.ts';
import { createUnconfiguredEmailSender, drainOutbox, enqueueEmail, enqueueSms } from '../../notify/index.ts';
import { createAliyunSmsProvider } from '../../notify/sms-aliyun.ts';
import { smsTemplate } from '../../notify/sms-templates.ts';
import { smsChallenge } from '../../notify/templates.ts';

describe('GET /api/admin/deliveries', () => {
  let h: AuthTestApp;
  let admin: Signed;
  let gw: StandInGateway;
  beforeAll(async () => {
    h = await authTestApp();
    admin = await signIn(h.app, 'admin');
    gw = await startStandInGateway(aliyunAnswer.ok);
    gw.queue(aliyunAnswer.refusal('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号'), aliyunAnswer.refusal('isv.BUSINESS_LIMIT_CONTROL', '触发小时级流控Permits:5'));
    const { db, sealer } = h.t;
    await db.transaction(async (tx) => {
      await enqueueSms(tx, sealer, { mobile: '13900001111', ...smsChallenge({ code: '482913', serviceType: 'app', serviceName: 'A2DP Volume' }) }, { tag: 'sms.verification_code' });
      await enqueueSms(tx, sealer, { mobile: '13700002222', text: '…', template: smsTemplate('filing_rejected', { name: 'A2DP Volume' }) }, { tag: 'application.rejected_by_bureau' });
      await enqueueSms(tx, sealer, { mobile: '13600003333', text: '…', template: smsTemplate('filing_returned', { name: 'A2DP Volume' }) });
      await enqueueEmail(tx, sealer, { to: 'zhang.san@example.cn', subject: 's', text: 't' });
    });
    const sms = createAliyunSmsProvider({
      provider: 'aliyun', accessKeyId: 'LTAI5tTestKeyId0001', accessKeySecret: 'secret-0001', signName: '备案系统', endpoint: gw.url, timeoutMs: 5_000,
      templates: { verification_code: 'SMS_1001', cancellation_code: 'SMS_1006', password_reset_code: 'SMS_1007', filing_approved: 'SMS_1002', filing_rejected: 'SMS_1003', filing_returned: 'SMS_1004', sms_check_failed: 'SMS_1005' },
    });
    await drainOutbox({ db, sealer, email: createUnconfiguredEmailSender(), sms, now: h.clock.now });
  }, SETUP_TIMEOUT);
  afterAll(async () => { await gw?.close(); await h?.close(); });

  it('lists the dead and the retrying SMS with the gateway code and message, masked, newest first', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/admin/deliveries', headers: admin.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const { items, total } = res.json();
    expect(total).toBe(2); // the delivered SMS and the handled email are not failures
    expect(items).toEqual([
      expect.objectContaining({
        channel: 'sms', kind: 'filing_rejected', event: 'application.rejected_by_bureau', state: 'retrying', attempts: 1, provider: 'aliyun',
        errorCode: 'isv.BUSINESS_LIMIT_CONTROL', error: 'isv.BUSINESS_LIMIT_CONTROL aliyun refused: 触发小时级流控Permits:5', recipient: '137****2222',
        lastAttemptAt: h.clock.now().toISOString(), nextAttemptAt: new Date(h.clock.now().getTime() + 60_000).toISOString(),
      }),
      expect.objectContaining({
        channel: 'sms', kind: 'verification_code', event: 'sms.verification_code', state: 'dead', attempts: 1, provider: 'aliyun',
        errorCode: 'isv.MOBILE_NUMBER_ILLEGAL', error: 'isv.MOBILE_NUMBER_ILLEGAL aliyun refused: 非法手机号', recipient: '139****1111', nextAttemptAt: null,
      }),
    ]);
    expect(res.body).not.toMatch(/13900001111|13700002222|482913/);
  });

  it('filters by state and channel', async () => {
    const dead = await h.app.inject({ method: 'GET', url: '/api/admin/deliveries?state=dead&channel=sms', headers: admin.headers });
    expect(dead.json().items.map((i: { errorCode: string }) => i.errorCode)).toEqual(['isv.MOBILE_NUMBER_ILLEGAL']);
    const email = await h.app.inject({ method: 'GET', url: '/api/admin/deliveries?channel=email', headers: admin.headers });
    expect(email.json()).toEqual({ items: [], total: 0 });
    const bad = await h.app.inject({ method: 'GET', url: '/api/admin/deliveries?state=failed', headers: admin.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('invalid_request');
  });

  it('refuses anyone but a ministry administrator', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/api/admin/deliveries' })).statusCode).toBe(401);
    for (const login of ['host@demo.beian.test', 'gd.reviewer', 'provider.demo']) {
      const who = await signIn(h.app, login);
      expect((await h.app.inject({ method: 'GET', url: '/api/admin/deliveries', headers: who.headers })).statusCode, login).toBe(403);
    }
  });
});
