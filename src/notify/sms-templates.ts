// SMS message kinds and their template parameters (issue 12 §5). Chinese SMS gateways (Alibaba
// Cloud, Tencent Cloud) send only templates a carrier has approved beforehand, filled with
// parameters; free text is refused. So every SMS the system queues names one of these kinds
// and carries exactly the parameters its template declares — nothing else reaches a gateway.
// The text beside it (templates.ts) is what the development inbox shows. Pure: no I/O.

/** One per kind of SMS the system sends; the gateway template id of each is configured (config.ts). */
export const SMS_KINDS = ['verification_code', 'cancellation_code', 'password_reset_code', 'filing_approved', 'filing_rejected', 'filing_returned', 'sms_check_failed'] as const;
export type SmsKind = (typeof SMS_KINDS)[number];

/**
 * Parameter names per kind, in order. Aliyun templates name them (`${code}`); Tencent
 * templates number them (`{1}`, `{2}`), so the order here is the order of TemplateParamSet.
 */
export const SMS_TEMPLATE_PARAMS: Readonly<Record<SmsKind, readonly string[]>> = {
  verification_code: ['code'],
  cancellation_code: ['code'],
  password_reset_code: ['code'],
  filing_approved: ['name', 'number'],
  filing_rejected: ['name'],
  filing_returned: ['name'],
  sms_check_failed: ['name'],
};

/**
 * The wording to register with the gateway for each kind (docs/notifications.md). A verification
 * template may hold only the code (both gateways' rule for 验证码 templates); notices carry no
 * link because gateways refuse URLs in parameters — the record link is in the email.
 */
export const SMS_TEMPLATE_TEXT: Readonly<Record<SmsKind, { aliyun: string; tencent: string; event: string }>> = {
  verification_code: {
    aliyun: '您正在办理互联网信息服务备案，短信核验码：${code}，24小时内有效，请勿告知他人。',
    tencent: '您正在办理互联网信息服务备案，短信核验码：{1}，24小时内有效，请勿告知他人。',
    event: 'SMS check code (DOMAIN.md §4.1 step 4)',
  },
  cancellation_code: {
    aliyun: '您正在申请注销备案或取消接入，确认码：${code}，24小时内有效。如非您本人申请，请勿告知他人。',
    tencent: '您正在申请注销备案或取消接入，确认码：{1}，24小时内有效。如非您本人申请，请勿告知他人。',
    event: 'a cancellation (service, subject) or access cancellation awaits the principal\'s code (DOMAIN.md §4.3)',
  },
  password_reset_code: {
    aliyun: '您正在重置备案系统的登录密码，验证码：${code}，30分钟内有效。如非您本人操作，请忽略本短信。',
    tencent: '您正在重置备案系统的登录密码，验证码：{1}，30分钟内有效。如非您本人操作，请忽略本短信。',
    event: 'a password reset (or the first password of an imported host account) asked for with the account\'s login',
  },
  filing_approved: {
    aliyun: '您的备案“${name}”已通过审核，备案号：${number}。请在显著位置展示备案号并链接至备案系统。',
    tencent: '您的备案“{1}”已通过审核，备案号：{2}。请在显著位置展示备案号并链接至备案系统。',
    event: 'application.approved',
  },
  filing_rejected: {
    aliyun: '您的备案“${name}”未通过管局审核，请登录备案系统查看修改意见。',
    tencent: '您的备案“{1}”未通过管局审核，请登录备案系统查看修改意见。',
    event: 'application.rejected_by_bureau',
  },
  filing_returned: {
    aliyun: '您的备案“${name}”已被初审退回，请登录备案系统查看修改意见。',
    tencent: '您的备案“{1}”已被初审退回，请登录备案系统查看修改意见。',
    event: 'application.returned_by_provider',
  },
  sms_check_failed: {
    aliyun: '您的备案“${name}”短信核验未通过，申请已退回，请登录备案系统重新提交。',
    tencent: '您的备案“{1}”短信核验未通过，申请已退回，请登录备案系统重新提交。',
    event: 'application.sms_failed',
  },
};

/**
 * How long the code of each code template is valid, as its registered wording says it (the text above:
 * 24小时内有效, 30分钟内有效). Every use of a kind must give its code this validity: the wording is fixed
 * by the gateway, and a verification template may not take the validity as a second parameter (Aliyun:
 * 验证码模板仅支持一个变量; an approved template cannot be edited, only replaced by a new one — a new
 * template id in every deployment). ADR 0005 addendum "What the SMS says".
 */
export const SMS_CODE_VALIDITY_MS = {
  verification_code: 24 * 3_600_000,
  cancellation_code: 24 * 3_600_000,
  password_reset_code: 30 * 60_000,
} as const satisfies Partial<Record<SmsKind, number>>;

/** `24小时` / `30分钟`: a validity as the templates write it. */
export function validityZh(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}小时` : `${ms / 60_000}分钟`;
}

/** `24 hours` / `30 minutes`. */
export function validityEn(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000} hours` : `${ms / 60_000} minutes`;
}

export interface SmsTemplate { kind: SmsKind; params: Record<string, string> }

/**
 * Gateways cap variable lengths (Aliyun 35 characters for a name-like variable; Tencent 12 for
 * accounts of individuals, more for companies): a long service name is cut, never the code
 * or the filing number.
 */
export const SMS_NAME_MAX = 20;

const clip = (s: string, max: number) => ([...s].length > max ? `${[...s].slice(0, max - 1).join('')}…` : s);

/** A template with exactly the parameters its kind declares; throws on a missing or extra one. */
export function smsTemplate(kind: SmsKind, values: Record<string, string>): SmsTemplate {
  const names = SMS_TEMPLATE_PARAMS[kind];
  const extra = Object.keys(values).filter((k) => !names.includes(k));
  const missing = names.filter((k) => typeof values[k] !== 'string' || values[k] === '');
  if (extra.length || missing.length) throw new Error(`SMS template ${kind}: ${[...missing.map((m) => `missing ${m}`), ...extra.map((e) => `unexpected ${e}`)].join(', ')}`);
  const params = Object.fromEntries(names.map((k) => [k, k === 'name' ? clip(values[k]!.replace(/\s+/g, ' ').trim(), SMS_NAME_MAX) : values[k]!]));
  return { kind, params };
}

/** The parameters in template order (Tencent's TemplateParamSet). */
export function orderedParams(t: SmsTemplate): string[] {
  return SMS_TEMPLATE_PARAMS[t.kind].map((k) => t.params[k] ?? '');
}

export const isSmsKind = (s: unknown): s is SmsKind => typeof s === 'string' && (SMS_KINDS as readonly string[]).includes(s);
