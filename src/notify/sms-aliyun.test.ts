// The Alibaba Cloud adapter against a stand-in gateway on 127.0.0.1 (the official SDK's endpoint
// pointed at it over http): the request is signed (ACS3-HMAC-SHA256, recomputed here with the
// test secret), carries the number and the template parameters, and every refusal lands in the
// outbox as permanent ('dead') or retried with backoff, with the gateway's code and no number or code.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from '../../tests/db.ts';
import { aliyunAnswer, capturedServerLog, type OutboxRow, startStandInGateway, type StandInGateway, verifyAcs3 } from '../../tests/sms-gateway.ts';
import { createUnconfiguredEmailSender } from './email.ts';
import { enqueueSms } from './outbox.ts';
import { type AliyunSmsSettings, createAliyunSmsProvider } from './sms-aliyun.ts';
import { smsTemplate } from './sms-templates.ts';
import { smsChallenge } from './templates.ts';
import { drainOutbox, retryDelayMs } from './worker.ts';

const SECRET = 'aliyun-test-secret-0001';
const T0 = new Date('2026-03-02T02:00:00Z');
const MOBILE = '+86 139-0000-1111';
const CODE = '482913';

const settings = (endpoint: string, timeoutMs = 5_000): AliyunSmsSettings => ({
  provider: 'aliyun', accessKeyId: 'LTAI5tTestKeyId0001', accessKeySecret: SECRET, signName: '备案系统', endpoint, timeoutMs,
  templates: { verification_code: 'SMS_100000001', cancellation_code: 'SMS_100000006', password_reset_code: 'SMS_100000007', filing_approved: 'SMS_100000002', filing_rejected: 'SMS_100000003', filing_returned: 'SMS_100000004', sms_check_failed: 'SMS_100000005' },
});

describe('Alibaba Cloud SMS gateway', () => {
  let t: TestDb;
  let gw: StandInGateway;
  let clock = T0;
  const { log, lines } = capturedServerLog(); // the server's own logger and redaction list

  beforeAll(async () => {
    t = await testDatabase();
    gw = await startStandInGateway(aliyunAnswer.ok);
  });
  afterAll(async () => { await gw.close(); await t.close(); });
  afterEach(async () => { gw.requests.length = 0; clock = T0; await t.db.query('delete from outbox'); });

  const drain = (timeoutMs?: number) => drainOutbox({
    db: t.db, sealer: t.sealer, email: createUnconfiguredEmailSender(), sms: createAliyunSmsProvider(settings(gw.url, timeoutMs)), now: () => clock, log,
  });
  const queueCode = () => t.db.transaction((tx) => enqueueSms(tx, t.sealer, { mobile: MOBILE, ...smsChallenge({ code: CODE, serviceType: 'app', serviceName: 'A2DP Volume' }) }));
  const row = async () => (await t.db.query<OutboxRow>('select * from outbox order by id'))[0]!;

  it('sends the verification code as template SMS_100000001 with {code}, signed ACS3-HMAC-SHA256', async () => {
    await queueCode();
    expect(await drain()).toBe(1);
    expect(await row()).toMatchObject({ status: 'sent', attempts: 1, last_error: null, last_error_code: null, provider: 'aliyun' });
    const [req] = gw.requests;
    expect(req!.method).toBe('POST');
    expect(req!.headers['x-acs-action']).toBe('SendSms');
    expect(req!.headers['x-acs-version']).toBe('2017-05-25');
    const { accessKeyId, signedHeaders } = verifyAcs3(req!, SECRET);
    expect(accessKeyId).toBe('LTAI5tTestKeyId0001');
    expect(signedHeaders).toEqual(expect.arrayContaining(['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce']));
    const q = Object.fromEntries(new URL(req!.url, gw.url).searchParams);
    expect(q).toEqual({ PhoneNumbers: '13900001111', SignName: '备案系统', TemplateCode: 'SMS_100000001', TemplateParam: JSON.stringify({ code: CODE }) });
    // A tampered request does not verify: the check above can fail.
    expect(() => verifyAcs3({ ...req!, url: req!.url.replace('13900001111', '13900001112') }, SECRET)).toThrow(/does not verify/);
    expect(() => verifyAcs3(req!, 'another-secret')).toThrow(/does not verify/);
  });

  it('sends an approval with {name, number}: the template parameters and nothing else', async () => {
    await t.db.transaction((tx) => enqueueSms(tx, t.sealer, {
      mobile: '13700002222', text: '【备案通知】…', template: smsTemplate('filing_approved', { name: 'A2DP Volume', number: '粤ICP备2026000001号-1A' }),
    }));
    expect(await drain()).toBe(1);
    const q = Object.fromEntries(new URL(gw.requests[0]!.url, gw.url).searchParams);
    expect(q.TemplateCode).toBe('SMS_100000002');
    expect(JSON.parse(q.TemplateParam!)).toEqual({ name: 'A2DP Volume', number: '粤ICP备2026000001号-1A' });
    verifyAcs3(gw.requests[0]!, SECRET);
  });

  const permanent: [string, string][] = [
    ['isv.MOBILE_NUMBER_ILLEGAL', '非法手机号'],
    ['isv.SMS_TEMPLATE_ILLEGAL', '该账号下找不到对应模板'],
    ['isv.SMS_SIGNATURE_ILLEGAL', '该账号下找不到对应签名'],
  ];
  for (const [code, message] of permanent) {
    it(`${code} is permanent: dead at once, with the gateway's code and message`, async () => {
      gw.queue(aliyunAnswer.refusal(code, message));
      await queueCode();
      expect(await drain()).toBe(1);
      const r = await row();
      expect(r).toMatchObject({ status: 'dead', attempts: 1, last_error_code: code, provider: 'aliyun' });
      expect(r.last_error).toBe(`${code} aliyun refused: ${message}`);
      expect(await drain()).toBe(0);
      expect(gw.requests).toHaveLength(1);
    });
  }

  it('isv.BUSINESS_LIMIT_CONTROL is retried — not before a minute — then delivered', async () => {
    gw.queue(aliyunAnswer.refusal('isv.BUSINESS_LIMIT_CONTROL', '触发分钟级流控Permits:1'));
    await queueCode();
    expect(await drain()).toBe(1);
    let r = await row();
    expect(r).toMatchObject({ status: 'pending', attempts: 1, last_error_code: 'isv.BUSINESS_LIMIT_CONTROL' });
    expect(new Date(r.next_attempt_at).getTime() - T0.getTime()).toBe(60_000); // the gateway's minute, not the 30 s base
    clock = new Date(T0.getTime() + 59_000);
    expect(await drain()).toBe(0);
    clock = new Date(T0.getTime() + 60_000);
    expect(await drain()).toBe(1);
    r = await row();
    expect(r).toMatchObject({ status: 'sent', attempts: 2, last_error: null, last_error_code: null });
  });

  it('HTTP 5xx (JSON or an error page) and timeouts are retried with backoff', async () => {
    gw.queue(
      { status: 503, json: { Code: 'ServiceUnavailable', Message: 'The request has failed due to a temporary failure of the server.', RequestId: 'x' } },
      { status: 502, html: '<html><body>502 Bad Gateway</body></html>' },
      { hang: true },
    );
    await queueCode();
    const seen: (string | null)[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await drain(800)).toBe(1);
      const r = await row();
      expect(r).toMatchObject({ status: 'pending', attempts: attempt });
      seen.push(r.last_error_code);
      clock = new Date(clock.getTime() + retryDelayMs(attempt));
    }
    expect(seen).toEqual(['ServiceUnavailable', 'bad_response', 'timeout']);
    expect(await drain()).toBe(1);
    expect(await row()).toMatchObject({ status: 'sent', attempts: 4 });
  });

  it('keeps the number and the code out of last_error and the server log, even when the gateway echoes them', async () => {
    lines.length = 0;
    gw.queue(aliyunAnswer.refusal('isv.MOBILE_NUMBER_ILLEGAL', `invalid mobile 13900001111 for code ${CODE}`), { hang: true });
    await queueCode();
    await drain();
    await t.db.query(`update outbox set status = 'pending', next_attempt_at = $1`, [T0]);
    await drain(800); // the SDK's timeout message holds the whole URL (number and code): never kept
    const rows = await t.db.query<OutboxRow>('select * from outbox');
    const text = JSON.stringify({ rows: rows.map((r) => [r.last_error, r.last_error_code]), lines });
    expect(text).not.toMatch(/13900001111|1390000|482913/);
    expect(rows[0]!.last_error).toBe('timeout aliyun: no answer in time');
    expect(lines.map((l) => JSON.parse(l) as { errorCode?: string; provider?: string }).map((l) => [l.provider, l.errorCode]))
      .toEqual([['aliyun', 'isv.MOBILE_NUMBER_ILLEGAL'], ['aliyun', 'timeout']]);
  });

  it('refuses a message queued without a template (free text) for good', async () => {
    await t.db.query(`insert into outbox (channel, payload) values ('sms', $1::jsonb)`, [JSON.stringify({ mobile: t.sealer.seal('13900001111'), text: t.sealer.seal('自由文本') })]);
    expect(await drain()).toBe(1);
    expect(await row()).toMatchObject({ status: 'dead', last_error_code: 'no_template' });
    expect(gw.requests).toHaveLength(0);
  });
});
