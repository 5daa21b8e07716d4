// Named errors of the account flows (house rule 6), and small helpers they share.
import { type FieldProblem, NamedError } from '../domain/errors.ts';
import type { Validation } from '../domain/validation/result.ts';

/** Same answer for an unknown login and a wrong password: no account enumeration. */
export class InvalidCredentialsError extends NamedError {
  constructor() { super('invalid_credentials', 'unauthenticated', 'the login or the password is wrong'); }
}

export class SignInThrottledError extends NamedError {
  constructor(readonly retryAfterSeconds: number) {
    super('sign_in_throttled', 'rate_limited', `too many failed sign-ins; try again in ${retryAfterSeconds} seconds`, [],
      { 'retry-after': String(retryAfterSeconds) });
  }
}

/** Told only after the right password: the person may know their own account is disabled. */
export class AccountDisabledError extends NamedError {
  constructor() { super('account_disabled', 'forbidden', 'this account has been disabled by an administrator'); }
}

export class OrganisationSuspendedError extends NamedError {
  constructor() { super('organisation_suspended', 'forbidden', 'the organisation of this account is suspended'); }
}

export class AccountInputError extends NamedError {
  constructor(errors: FieldProblem[]) { super('invalid_request', 'invalid', 'some fields are not valid', errors); }
}

export class AlreadyRegisteredError extends NamedError {
  constructor(errors: FieldProblem[]) { super('already_registered', 'conflict', 'an account with this mobile number or email exists', errors); }
}

export class LoginTakenError extends NamedError {
  constructor() { super('login_taken', 'conflict', 'this login is in use', [{ field: 'login', code: 'login_taken', message: 'choose another login' }]); }
}

export class CurrentPasswordWrongError extends NamedError {
  constructor() { super('current_password_wrong', 'invalid', 'the current password is wrong', [{ field: 'currentPassword', code: 'current_password_wrong', message: 'the current password is wrong' }]); }
}

export class UserNotFoundError extends NamedError {
  constructor() { super('user_not_found', 'not_found', 'no such user'); }
}

export class OrganisationNotFoundError extends NamedError {
  constructor() { super('organisation_not_found', 'not_found', 'no such organisation'); }
}

export class ApiKeyNotFoundError extends NamedError {
  constructor() { super('api_key_not_found', 'not_found', 'no such API key in your organisation'); }
}

export class OrganisationConflictError extends NamedError {
  constructor(errors: FieldProblem[]) { super('organisation_exists', 'conflict', 'an organisation with these details exists', errors); }
}

export class CannotDisableSelfError extends NamedError {
  constructor() { super('cannot_disable_self', 'conflict', 'administrators cannot disable their own account'); }
}

export class CannotSuspendOwnOrganisationError extends NamedError {
  constructor() { super('cannot_suspend_own_organisation', 'conflict', 'administrators cannot suspend their own organisation'); }
}

export class HostPasswordResetError extends NamedError {
  constructor() {
    super('host_password_self_service', 'conflict', 'a host account resets its own password by a code sent to its mobile (POST /api/auth/password-reset)');
  }
}

export class OwnPasswordResetError extends NamedError {
  constructor() { super('cannot_reset_own_password', 'conflict', 'change your own password with your current one (POST /api/auth/password)'); }
}

export class UserStatusConflictError extends NamedError {
  constructor(disabled: boolean) {
    super(disabled ? 'user_already_disabled' : 'user_not_disabled', 'conflict', disabled ? 'the user is already disabled' : 'the user is not disabled');
  }
}

/** Adds a failed validation to `problems` under `field`; returns the normalised value (or null). */
export function check<T>(problems: FieldProblem[], field: string, v: Validation<T>): T | null {
  if (v.ok) return v.value;
  problems.push({ field, code: v.error.code, message: v.error.message });
  return null;
}

/** The name of the unique constraint a statement violated, if that is why it failed. */
export function uniqueViolation(err: unknown): string | null {
  const e = err as { code?: string; constraint?: string };
  return e && e.code === '23505' ? e.constraint ?? '' : null;
}
