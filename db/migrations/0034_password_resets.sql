-- Password reset by a code sent to the account's own mobile (hosts) or email (issue 16 noted:
-- host accounts brought in by `beian import` have no usable password; this is how their owner
-- sets the first one, and how anyone who forgot theirs sets a new one). Codes are keyed hashes,
-- never stored in clear; one pending reset per account (a new request supersedes it).
create table password_resets (
  id          uuid primary key,
  user_id     uuid not null references users (id),
  channel     text not null check (channel in ('sms', 'email')),
  code_hash   text not null,
  attempts    integer not null default 0 check (attempts >= 0),
  status      text not null default 'pending' check (status in ('pending', 'used', 'expired', 'exhausted', 'superseded')),
  created_at  timestamptz not null,
  expires_at  timestamptz not null,
  decided_at  timestamptz,
  check ((status = 'pending') = (decided_at is null))
);
create unique index password_resets_one_pending on password_resets (user_id) where status = 'pending';
create index password_resets_user_created on password_resets (user_id, created_at desc);
