// Account rules (issue 3, item 1): who may hold which role, what a login and a password must
// look like, and the session and sign-in throttling policy. Pure: no I/O, no clock.
import { type Actor, type OrganisationKind, type Role, STAFF_ROLE } from './actors.ts';
import { charCount, hasControlChars, tidySpaces, toHalfWidth } from './text.ts';
import { validateEmail, validateMobile } from './validation/index.ts';
import { type Validation, invalid, valid } from './validation/result.ts';

/** The one role the staff of each kind of organisation hold (hosts belong to none). */
export const ROLE_OF_KIND: Record<OrganisationKind, Role> = {
  ...STAFF_ROLE,
  bureau: 'bureau_reviewer',
  ministry: 'ministry_admin',
};

export const STAFF_ROLES = ['provider_staff', 'platform_staff', 'device_maker_staff', 'bureau_reviewer', 'ministry_admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Organisations whose systems may hold API keys: those that submit or verify filings. */
export const API_KEY_KINDS = ['access_provider', 'distribution_platform', 'device_maker'] as const;

/**
 * Sessions (design): a session ends after 12 hours without use (sliding), and in any case 7 days
 * after sign-in (absolute), so a stolen cookie is not good forever. The expiry is pushed forward
 * at most once a minute, not on every request.
 */
export const SESSION_POLICY = { idleSeconds: 12 * 3600, absoluteSeconds: 7 * 24 * 3600, touchAfterSeconds: 60 } as const;

/**
 * Sign-in throttling (design): 5 failures for one login within 15 minutes lock that login for
 * 15 minutes; 20 failures from one address lock the address (several people share an office's
 * address, so its limit is higher). Unknown logins are counted the same as known ones, so the
 * answer never reveals whether an account exists.
 */
export const THROTTLE_POLICY = {
  login: { limit: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 },
  address: { limit: 20, windowSeconds: 15 * 60, lockSeconds: 15 * 60 },
} as const;

/** API keys record their last use at most once a minute, not on every request. */
export const API_KEY_TOUCH_SECONDS = 60;

/** What a person typed as their login: an email (hosts), a mobile (hosts) or a staff login name. */
export type LoginIdentifier = { kind: 'email' | 'name'; value: string } | { kind: 'mobile'; value: string };

export function parseLogin(input: string): LoginIdentifier {
  const s = toHalfWidth(input).trim();
  if (s.includes('@')) {
    const email = validateEmail(s);
    return { kind: 'email', value: (email.ok ? email.value : s).toLowerCase() };
  }
  const mobile = validateMobile(s);
  if (mobile.ok) return { kind: 'mobile', value: mobile.value };
  return { kind: 'name', value: s.toLowerCase() };
}

/**
 * A staff login name, chosen by the ministry administrator. Codes: `login_format`. It starts
 * with a letter and has no "@", so it can never be mistaken for a mobile number or an email
 * (the logins of hosts). Normalised to lowercase.
 */
export function validateStaffLogin(input: string): Validation<string> {
  const s = input.trim().toLowerCase();
  if (!/^[a-z][a-z0-9._-]{2,63}$/.test(s)) {
    return invalid('login_format', '3–64 characters: a letter first, then letters, digits, ".", "_" or "-"');
  }
  return valid(s);
}

/**
 * The name shown for an account (not a legal name: real names are collected with the filing).
 * Codes: `display_name_empty`, `display_name_too_long` (64), `display_name_charset` (control
 * or invisible formatting characters).
 */
export function validateDisplayName(input: string): Validation<string> {
  const s = tidySpaces(input);
  if (s === '') return invalid('display_name_empty', 'enter a name');
  if (charCount(s) > 64) return invalid('display_name_too_long', 'at most 64 characters');
  if (hasControlChars(s)) return invalid('display_name_charset', 'no control or invisible formatting characters');
  return valid(s);
}

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/**
 * Password rule (design, after NIST SP 800-63B: length matters more than composition, but
 * one-class passwords such as "1234567890" or "aaaaaaaaaa" fall to the first guesses):
 * 10–128 characters, at least two of lowercase / uppercase / digits / other characters, and
 * not containing the account's mobile number or the part of its email before "@".
 * Codes: `password_too_short`, `password_too_long`, `password_one_class`, `password_contains_identity`.
 */
export function validatePassword(password: string, identity: { mobile?: string | null; email?: string | null; login?: string | null } = {}): Validation<string> {
  const n = charCount(password);
  if (n < PASSWORD_MIN) return invalid('password_too_short', `at least ${PASSWORD_MIN} characters`);
  if (n > PASSWORD_MAX) return invalid('password_too_long', `at most ${PASSWORD_MAX} characters`);
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((re) => re.test(password)).length;
  if (classes < 2) return invalid('password_one_class', 'mix at least two of: lowercase letters, uppercase letters, digits, other characters');
  const lower = password.toLowerCase();
  const local = identity.email?.split('@')[0]?.toLowerCase();
  const parts = [identity.mobile, local, identity.login?.toLowerCase()].filter((p): p is string => !!p && p.length >= 4);
  if (parts.some((p) => lower.includes(p))) return invalid('password_contains_identity', 'do not use your mobile number, email or login in the password');
  return valid(password);
}

/** Staff roles are fixed by the kind of organisation; a bureau reviewer needs a bureau. */
export const roleFitsOrganisation = (role: Role, kind: OrganisationKind) => ROLE_OF_KIND[kind] === role;

/** The actor of a signed-in person or an organisation's key; a province only for bureaus. */
export function accountActor(a: {
  userId: string | null; role: Role; orgId: string | null; orgKind: OrganisationKind | null;
  orgProvinceCode: string | null; apiKeyId?: string | null; requestId: string | null;
}): Actor {
  return {
    userId: a.userId, role: a.role, orgId: a.orgId, orgKind: a.orgKind,
    provinceCode: a.orgKind === 'bureau' ? a.orgProvinceCode : null,
    apiKeyId: a.apiKeyId ?? null, requestId: a.requestId,
  };
}
