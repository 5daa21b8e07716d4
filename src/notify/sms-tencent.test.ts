// The Tencent Cloud adapter against a stand-in gateway on 127.0.0.1 (the official SDK's endpoint
// pointed at it over http): the request is signed (TC3-HMAC-SHA256, recomputed here with the test
// secret), carries the number as +86… and the template parameters in order, and every refusal
// (SendStatusSet[].Code or Response.Error) lands in the outbox as permanent or retried.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from '../../tests/db.ts';
import { capturedServerLog, type OutboxRow, startStandInGateway, type StandInGateway, tencentAnswer, verifyTc3 } from '../../tests/sms-gateway.ts';
import { createUnconfiguredEmailSender } from './email.ts';
import { enqueueSms } from './outbox.ts';
import { createTencentSmsProvider, type TencentSmsSettings } from './sms-tencent.ts';
import { smsTemplate } from './sms-templates.ts';
import { smsChallenge } from './templates.ts';
import { drainOutbox, retryDelayMs } from './worker.ts';

const SECRET = 'tencent-test-secret-0001';
const T0 = new Date('2026-03-02T02:00:00Z');
const E164 = '+8613900001111';
const CODE = '482913';

const settings = (endpoint: string): TencentSmsSettings => ({
  provider: 'tencent', secretId: 'AKIDtestsecretid0001', secretKey: SECRET, sdkAppId: '1400000001', region: 'ap-guangzhou', signName: '备案系统', endpoint, timeoutMs: 1_000,
  templates: { verification_code: '2000001', cancellation_code: '2000006', password_reset_code: '2000007', filing_approved: '2000002', filing_rejected: '2000003', filing_returned: '2000004', sms_check_failed: '2000005' },
});

describe('Tencent Cloud SMS gateway', () => {
  let t: TestDb;
  let gw: StandInGateway;
  let clock = T0;
  const { log, lines } = capturedServerLog(); // the server's own logger and redaction list

  beforeAll(async () => {
    t = await testDatabase();
    gw = await startStandInGateway(tencentAnswer.status(E164, 'Ok', 'send success'));
  });
  afterAll(async () => { await gw.close(); await t.close(); });
  afterEach(async () => { gw.requests.length = 0; clock = T0; await t.db.query('delete from outbox'); });

  const drain = () => drainOutbox({
    db: t.db, sealer: t.sealer, email: createUnconfiguredEmailSender(), sms: createTencentSmsProvider(settings(gw.url)), now: () => clock, log,
  });
  const queueCode = () => t.db.transaction((tx) => enqueueSms(tx, t.sealer, { mobile: '139 0000 1111', ...smsChallenge({ code: CODE, serviceType: 'app', serviceName: 'A2DP Volume' }) }));
  const row = async () => (await t.db.query<OutboxRow>('select * from outbox order by id'))[0]!;
  const body = (i = 0) => JSON.parse(gw.requests[i]!.body) as Record<string, unknown>;

  it('sends the verification code to +86… as template 2000001 with [code], signed TC3-HMAC-SHA256', async () => {
    await queueCode();
    expect(await drain()).toBe(1);
    expect(await row()).toMatchObject({ status: 'sent', attempts: 1, last_error_code: null, provider: 'tencent' });
    const req = gw.requests[0]!;
    expect(req.headers['x-tc-action']).toBe('SendSms');
    expect(req.headers['x-tc-version']).toBe('2021-01-11');
    expect(req.headers['x-tc-region']).toBe('ap-guangzhou');
    // The SDK takes the credential scope's service from the endpoint's first label: `sms` at
    // sms.tencentcloudapi.com, `127` here; the signature is checked with whatever scope it signed.
    expect(verifyTc3(req, SECRET)).toMatchObject({ secretId: 'AKIDtestsecretid0001' });
    expect(body()).toEqual({ PhoneNumberSet: [E164], SmsSdkAppId: '1400000001', SignName: '备案系统', TemplateId: '2000001', TemplateParamSet: [CODE] });
    expect(() => verifyTc3({ ...req, body: req.body.replace(CODE, '000000') }, SECRET)).toThrow(/does not verify/);
    expect(() => verifyTc3(req, 'another-secret')).toThrow(/does not verify/);
  });

  it('sends an approval with [name, number] in template order', async () => {
    await t.db.transaction((tx) => enqueueSms(tx, t.sealer, {
      mobile: '13700002222', text: '【备案通知】…', template: smsTemplate('filing_approved', { name: 'A2DP Volume', number: '粤ICP备2026000001号-1A' }),
    }));
    expect(await drain()).toBe(1);
    expect(body()).toMatchObject({ PhoneNumberSet: ['+8613700002222'], TemplateId: '2000002', TemplateParamSet: ['A2DP Volume', '粤ICP备2026000001号-1A'] });
    verifyTc3(gw.requests[0]!, SECRET);
  });

  const permanent: [string, string][] = [
    ['InvalidParameterValue.IncorrectPhoneNumber', 'incorrect phone number'],
    ['FailedOperation.TemplateIncorrectOrUnapproved', 'template is not approved or request content does not match the approved template content'],
  ];
  for (const [code, message] of permanent) {
    it(`${code} is permanent: dead at once, with the gateway's code and message`, async () => {
      gw.queue(tencentAnswer.status(E164, code, message));
      await queueCode();
      expect(await drain()).toBe(1);
      const r = await row();
      expect(r).toMatchObject({ status: 'dead', attempts: 1, last_error_code: code, provider: 'tencent' });
      expect(r.last_error).toBe(`${code} tencent refused: ${message}`);
      expect(await drain()).toBe(0);
    });
  }

  it('LimitExceeded.PhoneNumberDailyLimit is retried, not before an hour', async () => {
    gw.queue(tencentAnswer.status(E164, 'LimitExceeded.PhoneNumberDailyLimit', 'the number of sms messages sent from a single mobile number every day exceeds the upper limit'));
    await queueCode();
    expect(await drain()).toBe(1);
    const r = await row();
    expect(r).toMatchObject({ status: 'pending', attempts: 1, last_error_code: 'LimitExceeded.PhoneNumberDailyLimit' });
    expect(new Date(r.next_attempt_at).getTime() - T0.getTime()).toBe(3_600_000);
    clock = new Date(T0.getTime() + 3_600_000);
    expect(await drain()).toBe(1);
    expect(await row()).toMatchObject({ status: 'sent', attempts: 2, last_error_code: null });
  });

  it('Response.Error, HTTP 5xx and timeouts are retried with backoff', async () => {
    gw.queue(
      tencentAnswer.error('InternalError.Timeout', 'request timed out'),
      { status: 502, html: '<html><body>502 Bad Gateway</body></html>' },
      { hang: true },
    );
    await queueCode();
    const seen: (string | null)[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await drain()).toBe(1);
      const r = await row();
      expect(r).toMatchObject({ status: 'pending', attempts: attempt });
      seen.push(r.last_error_code);
      clock = new Date(clock.getTime() + retryDelayMs(attempt));
    }
    expect(seen).toEqual(['InternalError.Timeout', 'http_502', 'timeout']);
    expect(await drain()).toBe(1);
    expect(await row()).toMatchObject({ status: 'sent', attempts: 4 });
  });

  it('an unapproved template named in Response.Error is permanent too', async () => {
    gw.queue(tencentAnswer.error('FailedOperation.TemplateIncorrectOrUnapproved', 'template is not approved'));
    await queueCode();
    await drain();
    expect(await row()).toMatchObject({ status: 'dead', last_error_code: 'FailedOperation.TemplateIncorrectOrUnapproved' });
  });

  it('keeps the number and the code out of last_error and the server log, even when the gateway echoes them', async () => {
    lines.length = 0;
    gw.queue(tencentAnswer.status(E164, 'InvalidParameterValue.IncorrectPhoneNumber', `phone ${E164} (13900001111) rejected, params ${CODE}`));
    await queueCode();
    await drain();
    const r = await row();
    const text = JSON.stringify({ r: [r.last_error, r.last_error_code], lines });
    expect(text).not.toMatch(/13900001111|1390000|482913/);
    expect(r.last_error).toBe('InvalidParameterValue.IncorrectPhoneNumber tencent refused: phone <redacted> (<redacted>) rejected, params <redacted>');
    expect(JSON.parse(lines[0]!)).toMatchObject({ provider: 'tencent', errorCode: 'InvalidParameterValue.IncorrectPhoneNumber', msg: 'outbox message dead: delivery abandoned' });
  });
});
