// Tencent Cloud SMS (腾讯云短信) through its official SDK, tencentcloud-sdk-nodejs-sms (API
// 2021-01-11; docs/decisions/0014-sms-gateways-official-sdks.md): the SDK signs each SendSms
// call (`Authorization: TC3-HMAC-SHA256 …`); we choose the template, fill its numbered
// parameters (TemplateParamSet, in SMS_TEMPLATE_PARAMS order) and classify the answer. Numbers
// go in E.164 (+86…), as SendSms requires. One number per call, so SendStatusSet[0] is ours.
import * as tencentcloud from 'tencentcloud-sdk-nodejs-sms';
import { DeliveryError } from './errors.ts';
import type { OpenedSms } from './outbox.ts';
import { gatewayRefusal, secretsOf, transportFailure } from './sms-refusals.ts';
import { orderedParams, type SmsKind } from './sms-templates.ts';
import { normaliseMobile, type SmsProvider } from './sms.ts';

export interface TencentSmsSettings {
  provider: 'tencent';
  secretId: string;
  secretKey: string;
  /** SmsSdkAppId of the SMS application (`1400…`). */
  sdkAppId: string;
  /** API region, e.g. `ap-guangzhou`. */
  region: string;
  /** 短信签名内容, as approved in the console. */
  signName: string;
  /** Template id (digits) per message kind. */
  templates: Record<SmsKind, string>;
  /** `https://sms.tencentcloudapi.com` unless overridden (tests: `http://127.0.0.1:<port>`). */
  endpoint: string;
  timeoutMs: number;
}

// CommonJS package: under Node's ESM its exports arrive on the namespace's default.
const sdk = ((tencentcloud as unknown as { default?: typeof tencentcloud }).default ?? tencentcloud);
const Client = sdk.sms.v20210111.Client;

export function createTencentSmsProvider(s: TencentSmsSettings): SmsProvider {
  const url = new URL(s.endpoint);
  const client = new Client({
    credential: { secretId: s.secretId, secretKey: s.secretKey },
    region: s.region,
    profile: { httpProfile: { endpoint: url.host, protocol: url.protocol === 'http:' ? 'http://' : 'https://', reqTimeout: Math.max(1, Math.ceil(s.timeoutMs / 1000)) } },
  });
  return {
    name: 'tencent',
    async send(msg: OpenedSms) {
      if (!msg.template) throw new DeliveryError('tencent: message has no template (queued as free text)', true, { remoteCode: 'no_template' });
      const phone = `+86${normaliseMobile(msg.mobile)}`;
      const secrets = secretsOf(msg.mobile, msg.template.params, [phone, phone.slice(3)]);
      let status: { Code?: string; Message?: string } | undefined;
      try {
        const res = await client.SendSms({
          PhoneNumberSet: [phone], SmsSdkAppId: s.sdkAppId, SignName: s.signName,
          TemplateId: s.templates[msg.template.kind], TemplateParamSet: orderedParams(msg.template),
        });
        status = res.SendStatusSet?.[0];
      } catch (err) {
        throw failure(err, secrets);
      }
      if (!status) throw transportFailure('tencent', 'bad_response');
      if (status.Code !== 'Ok') throw gatewayRefusal('tencent', status.Code ?? 'unknown_code', status.Message, secrets);
    },
  };
}

/** TencentCloudSDKHttpException: `code` when the API answered Response.Error, `httpCode` for an HTTP error, neither for the network. */
function failure(err: unknown, secrets: string[]): DeliveryError {
  const e = (err ?? {}) as { code?: unknown; httpCode?: unknown; message?: unknown };
  if (typeof e.code === 'string' && e.code) return gatewayRefusal('tencent', e.code, e.message, secrets);
  if (typeof e.httpCode === 'number') return transportFailure('tencent', `http_${e.httpCode}`);
  if (typeof e.message === 'string' && /timeout/i.test(e.message)) return transportFailure('tencent', 'timeout');
  if (err instanceof SyntaxError) return transportFailure('tencent', 'bad_response');
  return transportFailure('tencent', 'network_error');
}
