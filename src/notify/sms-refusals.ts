// How a gateway's refusal is handled (docs/decisions/0014-sms-gateways-official-sdks.md).
// Permanent: the same request can never succeed — a number the gateway will not deliver to, a
// template or signature not approved for this account, parameters the template refuses. The
// message goes to 'dead' at once and the administrator sees why (GET /api/admin/deliveries).
// Everything else — quotas and rate limits, balance, credentials, the gateway's own faults,
// HTTP 5xx, timeouts, codes we do not know — is retried with the outbox's backoff: an
// operator can fix it, or it passes. Codes: Alibaba Cloud SendSms error codes
// (https://help.aliyun.com/zh/sms/developer-reference/api-error-codes) and Tencent Cloud
// SendSms error codes (https://cloud.tencent.com/document/api/382/55981). Pure.
import { DeliveryError, scrub } from './errors.ts';

export type GatewayName = 'aliyun' | 'tencent';

const ALIYUN_PERMANENT = new Set([
  'isv.MOBILE_NUMBER_ILLEGAL', 'isv.MOBILE_COUNT_OVER_LIMIT', 'isv.DOMESTIC_NUMBER_NOT_SUPPORTED',
  'isv.SMS_TEMPLATE_ILLEGAL', 'isv.SMS_SIGNATURE_ILLEGAL', 'isv.SMS_SIGNATURE_SCENE_ILLEGAL', 'isv.SMS_CONTENT_ILLEGAL',
  'isv.TEMPLATE_MISSING_PARAMETERS', 'isv.TEMPLATE_PARAMS_ILLEGAL', 'isv.INVALID_PARAMETERS', 'isv.INVALID_JSON_PARAM',
  'isv.PARAM_LENGTH_LIMIT', 'isv.PARAM_NOT_SUPPORT_URL', 'isv.BLACK_KEY_CONTROL_LIMIT', 'isv.EXTEND_CODE_ERROR',
]);

const TENCENT_PERMANENT = new Set([
  'InvalidParameterValue.IncorrectPhoneNumber', 'FailedOperation.PhoneNumberParseFail', 'FailedOperation.PhoneNumberInBlacklist',
  'FailedOperation.TemplateIncorrectOrUnapproved', 'FailedOperation.SignatureIncorrectOrUnapproved',
  'FailedOperation.TemplateParamSetNotMatchApprovedTemplate', 'FailedOperation.ContainSensitiveWord', 'FailedOperation.MissingSignature',
  'InvalidParameterValue.TemplateParameterFormatError', 'InvalidParameterValue.TemplateParameterLengthLimit',
  'InvalidParameterValue.ProhibitedUseUrlInTemplateParameter', 'InvalidParameterValue.ContentLengthLimit',
  'UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber', 'UnsupportedOperation.UnsupportedRegion',
]);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Limits that a 30-second retry would only hit again. */
const RETRY_AFTER: Readonly<Record<string, number>> = {
  'isv.BUSINESS_LIMIT_CONTROL': MINUTE, // per-number flow control: 1 a minute, 5 an hour, 10 a day
  'isv.DAY_LIMIT_CONTROL': HOUR,
  'isv.AMOUNT_NOT_ENOUGH': HOUR,
  'LimitExceeded.PhoneNumberThirtySecondLimit': 30_000,
  'LimitExceeded.PhoneNumberOneHourLimit': 10 * MINUTE,
  'LimitExceeded.PhoneNumberDailyLimit': HOUR,
  'LimitExceeded.PhoneNumberSameContentDailyLimit': HOUR,
  'LimitExceeded.DailyLimit': HOUR,
  'FailedOperation.InsufficientBalanceInSmsPackage': HOUR,
};

export interface Refusal { permanent: boolean; retryAfterMs?: number }

export function classifyRefusal(gateway: GatewayName, code: string): Refusal {
  const permanent = (gateway === 'aliyun' ? ALIYUN_PERMANENT : TENCENT_PERMANENT).has(code);
  const after = RETRY_AFTER[code];
  return permanent ? { permanent } : { permanent, ...(after ? { retryAfterMs: after } : {}) };
}

const CODE = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * A refusal as the outbox records it. The gateway's message is cut to one line, every
 * parameter value and spelling of the number is removed (a gateway may echo them), then
 * scrubbed like any delivery error (house rule 14).
 */
export function gatewayRefusal(gateway: GatewayName, code: string, message: unknown, secrets: readonly string[]): DeliveryError {
  const remoteCode = CODE.test(code) ? code : 'unknown_code';
  const r = classifyRefusal(gateway, remoteCode);
  let text = (typeof message === 'string' ? message : '').split('\n')[0]!.slice(0, 200);
  for (const s of secrets) if (s.length >= 3) text = text.split(s).join('<redacted>');
  return new DeliveryError(`${gateway} refused${text ? `: ${scrub(text)}` : ''}`, r.permanent, { remoteCode, ...(r.retryAfterMs ? { retryAfterMs: r.retryAfterMs } : {}) });
}

/** A failure before the gateway answered in its own shape: timeout, refused connection, HTTP error page. Always retried. */
export function transportFailure(gateway: GatewayName, kind: 'timeout' | 'network_error' | 'bad_response' | `http_${number}`, detail = ''): DeliveryError {
  const what = kind === 'timeout' ? 'no answer in time' : kind === 'bad_response' ? 'answer not in the gateway\'s format' : kind === 'network_error' ? 'network error' : `HTTP ${kind.slice(5)}`;
  return new DeliveryError(`${gateway}: ${what}${detail && CODE.test(detail) ? ` (${detail})` : ''}`, false, { remoteCode: kind });
}

/** The values that must never reach last_error or a log: parameters (a code) and the number as sent and as stored. */
export function secretsOf(mobile: string, params: Record<string, string> | undefined, extra: string[] = []): string[] {
  return [mobile, ...extra, ...Object.values(params ?? {})].filter(Boolean);
}
