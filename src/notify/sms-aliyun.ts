// Alibaba Cloud SMS (阿里云短信服务) through its official SDK, @alicloud/dysmsapi20170525 on
// @alicloud/openapi-core (docs/decisions/0014-sms-gateways-official-sdks.md): the SDK signs each
// SendSms call (V3, `Authorization: ACS3-HMAC-SHA256 …`) and maps answers to typed errors; we
// choose the template, fill its named parameters and classify the answer (sms-refusals.ts).
// Mainland numbers go as 11 digits (SendSms PhoneNumbers: no +86 for mainland numbers).
// The SDK's own error messages are never kept: a timeout's message holds the request URL,
// whose query string carries the number and the parameters.
import * as dysmsapi from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { DeliveryError } from './errors.ts';
import type { OpenedSms } from './outbox.ts';
import { gatewayRefusal, secretsOf, transportFailure } from './sms-refusals.ts';
import type { SmsKind } from './sms-templates.ts';
import { normaliseMobile, type SmsProvider } from './sms.ts';

export interface AliyunSmsSettings {
  provider: 'aliyun';
  accessKeyId: string;
  accessKeySecret: string;
  /** 短信签名, as approved in the console. */
  signName: string;
  /** Template code (`SMS_123456789`) per message kind. */
  templates: Record<SmsKind, string>;
  /** `https://dysmsapi.aliyuncs.com` unless overridden (tests: `http://127.0.0.1:<port>`). */
  endpoint: string;
  timeoutMs: number;
}

// The package is CommonJS with an __esModule default. Node's ESM loader hands over module.exports
// as `default` (the class is then `default.default`); Vitest's loader hands over the class itself.
const { SendSmsRequest } = dysmsapi;
type SendSmsAnswer = { body?: { code?: string; message?: string } };
type ClientClass = new (config: $OpenApiUtil.Config) => { sendSms(request: InstanceType<typeof SendSmsRequest>): Promise<SendSmsAnswer> };
const loaded = dysmsapi as unknown as { default: ClientClass | { default: ClientClass } };
const Client: ClientClass = typeof loaded.default === 'function' ? loaded.default : loaded.default.default;

export function createAliyunSmsProvider(s: AliyunSmsSettings): SmsProvider {
  const url = new URL(s.endpoint);
  const client = new Client(new $OpenApiUtil.Config({
    accessKeyId: s.accessKeyId, accessKeySecret: s.accessKeySecret,
    endpoint: url.host, protocol: url.protocol.replace(':', ''),
    connectTimeout: s.timeoutMs, readTimeout: s.timeoutMs,
  }));
  return {
    name: 'aliyun',
    async send(msg: OpenedSms) {
      if (!msg.template) throw new DeliveryError('aliyun: message has no template (queued as free text)', true, { remoteCode: 'no_template' });
      const phone = normaliseMobile(msg.mobile);
      const secrets = secretsOf(msg.mobile, msg.template.params, [phone]);
      let body: { code?: string; message?: string } | undefined;
      try {
        const res = await client.sendSms(new SendSmsRequest({
          phoneNumbers: phone, signName: s.signName, templateCode: s.templates[msg.template.kind],
          templateParam: JSON.stringify(msg.template.params),
        }));
        body = res.body;
      } catch (err) {
        throw failure(err, secrets);
      }
      if (body?.code !== 'OK') throw gatewayRefusal('aliyun', body?.code ?? 'unknown_code', body?.message, secrets);
    },
  };
}

/** A thrown SDK error as a DeliveryError: the gateway's code when it answered with one, else the transport failure. */
function failure(err: unknown, secrets: string[]): DeliveryError {
  const e = (err ?? {}) as { name?: string; code?: unknown; statusCode?: unknown; data?: { Code?: unknown; Message?: unknown } };
  // AlibabaCloudError (ClientError / ServerError / ThrottlingError): an HTTP error answer in the gateway's JSON shape.
  if (typeof e.statusCode === 'number' && typeof e.code === 'string') return gatewayRefusal('aliyun', e.code, e.data?.Message, secrets);
  if (e.name === 'RequestTimeoutError' || /timeout/i.test(e.name ?? '')) return transportFailure('aliyun', 'timeout');
  if (err instanceof SyntaxError) return transportFailure('aliyun', 'bad_response');
  return transportFailure('aliyun', 'network_error', typeof e.code === 'string' ? e.code : '');
}
