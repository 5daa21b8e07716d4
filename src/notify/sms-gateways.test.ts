// The configured provider (config.sms → smsProviderFor): the development inbox by default, the
// gateway SMS_PROVIDER names, and with SMS_FALLBACK_PROVIDER the second gateway when the first
// fails — each gateway a stand-in on 127.0.0.1 reached through its official SDK.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from '../../tests/db.ts';
import { aliyunAnswer, startStandInGateway, type StandInGateway, tencentAnswer, verifyAcs3, verifyTc3 } from '../../tests/sms-gateway.ts';
import { loadConfig } from '../config.ts';
import { createUnconfiguredEmailSender } from './email.ts';
import { enqueueSms } from './outbox.ts';
import { describeSms, smsProviderFor } from './sms-gateways.ts';
import { smsChallenge } from './templates.ts';
import { drainOutbox } from './worker.ts';

const T0 = new Date('2026-03-02T02:00:00Z');
const kinds = ['VERIFICATION_CODE', 'CANCELLATION_CODE', 'PASSWORD_RESET_CODE', 'FILING_APPROVED', 'FILING_REJECTED', 'FILING_RETURNED', 'SMS_CHECK_FAILED'];

interface Row { status: string; attempts: number; last_error: string | null; last_error_code: string | null; provider: string | null }

describe('configured SMS provider with a fallback gateway', () => {
  let t: TestDb;
  let ali: StandInGateway;
  let tc: StandInGateway;
  beforeAll(async () => {
    t = await testDatabase();
    [ali, tc] = await Promise.all([startStandInGateway(aliyunAnswer.ok), startStandInGateway(tencentAnswer.status('+8613900001111', 'Ok', 'send success'))]);
  });
  afterAll(async () => { await ali.close(); await tc.close(); await t.close(); });
  afterEach(async () => { ali.requests.length = 0; tc.requests.length = 0; await t.db.query('delete from outbox'); });

  const env = () => ({
    SMS_PROVIDER: 'aliyun', SMS_FALLBACK_PROVIDER: 'tencent', SMS_TIMEOUT_MS: '2000',
    ALIYUN_SMS_ACCESS_KEY_ID: 'LTAI5tTestKeyId0001', ALIYUN_SMS_ACCESS_KEY_SECRET: 'aliyun-secret-0001', ALIYUN_SMS_SIGN_NAME: '备案系统', ALIYUN_SMS_ENDPOINT: ali.url,
    TENCENT_SMS_SECRET_ID: 'AKIDtestsecretid0001', TENCENT_SMS_SECRET_KEY: 'tencent-secret-0001', TENCENT_SMS_SDK_APP_ID: '1400000001', TENCENT_SMS_SIGN_NAME: '备案系统', TENCENT_SMS_ENDPOINT: tc.url,
    ...Object.fromEntries(kinds.flatMap((k, i) => [[`ALIYUN_SMS_TEMPLATE_${k}`, `SMS_10000000${i}`], [`TENCENT_SMS_TEMPLATE_${k}`, `200000${i}`]])),
  });
  const drain = () => drainOutbox({
    db: t.db, sealer: t.sealer, email: createUnconfiguredEmailSender(), now: () => T0,
    sms: smsProviderFor(loadConfig(env(), '/srv').sms, t.db, t.sealer, () => T0),
  });
  const queueCode = () => t.db.transaction((tx) => enqueueSms(tx, t.sealer, { mobile: '13900001111', ...smsChallenge({ code: '482913', serviceType: 'app', serviceName: 'A2DP Volume' }) }));
  const row = async () => (await t.db.query<Row>('select * from outbox'))[0]!;

  it('sends through the first gateway when it accepts', async () => {
    await queueCode();
    await drain();
    expect(await row()).toMatchObject({ status: 'sent', provider: 'aliyun' });
    expect([ali.requests.length, tc.requests.length]).toEqual([1, 0]);
    verifyAcs3(ali.requests[0]!, 'aliyun-secret-0001');
  });

  it('falls back to the second gateway when the first fails, and records which delivered', async () => {
    ali.queue({ status: 503, json: { Code: 'ServiceUnavailable', Message: 'temporary failure', RequestId: 'x' } });
    await queueCode();
    await drain();
    expect(await row()).toMatchObject({ status: 'sent', attempts: 1, provider: 'tencent', last_error_code: null });
    expect(JSON.parse(tc.requests[0]!.body)).toMatchObject({ PhoneNumberSet: ['+8613900001111'], TemplateId: '2000000', TemplateParamSet: ['482913'] });
    verifyTc3(tc.requests[0]!, 'tencent-secret-0001');
  });

  it('is dead only when both gateways refuse for good; otherwise retried', async () => {
    ali.queue(aliyunAnswer.refusal('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号'), aliyunAnswer.refusal('isv.SMS_TEMPLATE_ILLEGAL', '模板不存在'));
    tc.queue(tencentAnswer.status('+8613900001111', 'InvalidParameterValue.IncorrectPhoneNumber', 'incorrect phone number'),
      tencentAnswer.status('+8613900001111', 'LimitExceeded.PhoneNumberDailyLimit', 'daily limit'));
    await queueCode();
    await queueCode();
    await drain();
    const rows = await t.db.query<Row>('select * from outbox order by id');
    expect(rows[0]).toMatchObject({ status: 'dead', provider: 'tencent', last_error_code: 'InvalidParameterValue.IncorrectPhoneNumber' });
    expect(rows[0]!.last_error).toContain('after isv.MOBILE_NUMBER_ILLEGAL aliyun refused: 非法手机号');
    expect(rows[1]).toMatchObject({ status: 'pending', provider: 'tencent', last_error_code: 'LimitExceeded.PhoneNumberDailyLimit' });
    expect(JSON.stringify(rows)).not.toMatch(/13900001111|482913/);
  });

  it('describes the choice without credentials, and defaults to the development inbox', () => {
    const line = describeSms(loadConfig(env(), '/srv').sms);
    expect(line).toMatch(/^SMS: aliyun \(127\.0\.0\.1:\d+, sign 备案系统\), falling back to tencent/);
    expect(line).not.toMatch(/secret|LTAI5t|AKID/);
    expect(describeSms(loadConfig({}, '/srv').sms)).toMatch(/development inbox/);
    expect(smsProviderFor(loadConfig({}, '/srv').sms, t.db, t.sealer, () => T0).name).toBe('development');
  });
});
