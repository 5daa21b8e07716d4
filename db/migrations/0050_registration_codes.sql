-- Host self-registration proves the mobile (security audit; ADR 0005 addendum 2026-12-07): POST
-- /api/auth/register/code sends a 6-digit code by SMS, POST /api/auth/register requires it. One row
-- per request for a mobile: a code (keyed hash, never in clear) when the mobile had no account, or
-- none (`account_exists`: its owner was sent a password-reset code instead). The rows also count the
-- requests per mobile an hour. The mobile is kept only as its keyed hash.
create table registration_codes (
  id           uuid primary key,
  mobile_hash  text not null,
  code_hash    text,
  attempts     integer not null default 0 check (attempts >= 0),
  status       text not null default 'pending'
               check (status in ('pending', 'used', 'expired', 'exhausted', 'superseded', 'account_exists')),
  created_at   timestamptz not null,
  expires_at   timestamptz not null,
  decided_at   timestamptz,
  check ((status = 'pending') = (decided_at is null)),
  check ((code_hash is null) = (status = 'account_exists'))
);
create unique index registration_codes_one_pending on registration_codes (mobile_hash) where status = 'pending';
create index registration_codes_mobile_created on registration_codes (mobile_hash, created_at desc);
