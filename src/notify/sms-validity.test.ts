// What the SMS says is true (ADR 0005 addendum "What the SMS says"): a code goes out by a gateway
// template whose wording is fixed ("…24小时内有效…"), so every use of a code template gives its code the
// validity that wording states — the SMS check and a registration (verification_code), a cancellation
// (cancellation_code), a password reset (password_reset_code). The registration code lasted 10 minutes
// while its SMS said 24 hours.
import { describe, expect, it } from 'vitest';
import { SMS_VALIDITY_MS } from '../flows/sms-challenges.ts';
import { REGISTRATION_CODE_VALIDITY_MS } from '../flows/request-registration-code.ts';
import { RESET_VALIDITY_MS } from '../flows/reset-password.ts';
import { SMS_CODE_VALIDITY_MS, SMS_TEMPLATE_TEXT, type SmsKind } from './sms-templates.ts';

/** The validity a template's wording states, read from its text (…24小时内有效…, …30分钟内有效…). */
function stated(text: string): number {
  const m = /(\d+)(小时|分钟)内有效/.exec(text);
  if (!m) throw new Error(`no validity in ${text}`);
  return Number(m[1]) * (m[2] === '小时' ? 3_600_000 : 60_000);
}

const USES: [string, SmsKind, number][] = [
  ['the SMS check (DOMAIN.md §4.1 step 4)', 'verification_code', SMS_VALIDITY_MS],
  ['a registration code (POST /api/auth/register/code)', 'verification_code', REGISTRATION_CODE_VALIDITY_MS],
  ['a cancellation or access cancellation code', 'cancellation_code', SMS_VALIDITY_MS],
  ['a password reset code', 'password_reset_code', RESET_VALIDITY_MS],
];

describe('the validity a code SMS states', () => {
  for (const [kind, ms] of Object.entries(SMS_CODE_VALIDITY_MS)) {
    it(`${kind}: both gateways' suggested wording states ${ms / 60_000} minutes`, () => {
      const t = SMS_TEMPLATE_TEXT[kind as SmsKind];
      expect([stated(t.aliyun), stated(t.tencent)]).toEqual([ms, ms]);
    });
  }
  for (const [use, kind, ms] of USES) {
    it(`${use} is valid as long as its ${kind} SMS says`, () => {
      expect(ms).toBe(stated(SMS_TEMPLATE_TEXT[kind].aliyun));
    });
  }
});
