-- Wrong tries at a registration or password-reset code are counted per client as well as on the code
-- (ADR 0005 addendum "Wrong codes counted per client"): anyone who knows a mobile or a login could end its
-- owner's code with five wrong tries. Now a client (an IPv4 address, or an IPv6 /64, kept only as the keyed
-- hash the code requests use) has 5 wrong tries at a code and the code 20 in all; the code row's `attempts`
-- stays the total. Rows go with their code when it is purged (two days).
create table registration_code_attempts (
  code_id     uuid not null references registration_codes (id) on delete cascade,
  client_hash text not null,
  attempts    integer not null check (attempts between 1 and 5),
  primary key (code_id, client_hash)
);
create table password_reset_attempts (
  code_id     uuid not null references password_resets (id) on delete cascade,
  client_hash text not null,
  attempts    integer not null check (attempts between 1 and 5),
  primary key (code_id, client_hash)
);
alter table registration_codes add constraint registration_codes_attempts_cap check (attempts <= 20);
alter table password_resets add constraint password_resets_attempts_cap check (attempts <= 20);
