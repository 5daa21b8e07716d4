-- beian core model (DOMAIN.md §2–4). Forward-only; never edit a migration that has shipped.
-- Personal data of persons (ID numbers, mobiles, emails) is stored as AES-256-GCM
-- envelopes (*_enc, "v1.<keyid>.<iv>.<ciphertext>.<tag>") with a keyed HMAC-SHA-256
-- beside each (*_hash) for equality lookups and uniqueness rules; see src/db/personal-data.ts.

create extension if not exists pg_trgm;

-- Reference data: synced from src/domain/provinces.ts by `beian migrate`.
create table provinces (
  code            char(6) primary key check (code ~ '^[1-6][0-9]0000$'),
  name_zh         text not null,
  name_en         text not null,
  prefix          text not null unique,
  prefix_variants text[] not null default '{}',
  bureau_name     text not null
);

create table organisations (
  id            uuid primary key default gen_random_uuid(),
  kind          text not null check (kind in ('access_provider', 'distribution_platform', 'device_maker', 'bureau', 'ministry')),
  name          text not null check (length(name) between 2 and 100),
  uscc          text,
  province_code char(6) references provinces (code),
  status        text not null default 'active' check (status in ('active', 'suspended')),
  created_at    timestamptz not null default now(),
  -- a bureau is a provincial communications administration: it always has its province
  check ((kind = 'bureau') = (province_code is not null) or kind <> 'bureau')
);
create unique index organisations_one_bureau_per_province on organisations (province_code) where kind = 'bureau';
create unique index organisations_name on organisations (kind, name);

create table users (
  id              uuid primary key default gen_random_uuid(),
  role            text not null check (role in ('host', 'provider_staff', 'platform_staff', 'device_maker_staff', 'bureau_reviewer', 'ministry_admin')),
  organisation_id uuid references organisations (id),
  display_name    text not null check (length(display_name) between 1 and 64),
  -- staff sign in with a login name; hosts with their email or mobile, found by keyed hash
  login           text unique check (login = lower(login) and length(login) between 3 and 64),
  password_hash   text not null,
  mobile_enc      text,
  mobile_hash     text,
  email_enc       text,
  email_hash      text,
  locale          text not null default 'zh-CN' check (locale in ('zh-CN', 'en')),
  created_at      timestamptz not null default now(),
  disabled_at     timestamptz,
  check ((role = 'host') = (organisation_id is null)),
  check ((role = 'host') = (login is null))
);
create unique index users_host_mobile on users (mobile_hash) where role = 'host';
create unique index users_host_email on users (email_hash) where role = 'host';

create table sessions (
  token_hash   text primary key,
  user_id      uuid not null references users (id),
  csrf_token   text not null,
  created_at   timestamptz not null default now(),
  expires_at   timestamptz not null,
  revoked_at   timestamptz
);
create index sessions_user on sessions (user_id);

create table api_keys (
  id              uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  name            text not null check (length(name) between 1 and 64),
  key_prefix      text not null,
  key_hash        text not null unique,
  created_by      uuid references users (id),
  created_at      timestamptz not null default now(),
  last_used_at    timestamptz,
  revoked_at      timestamptz
);
create index api_keys_org on api_keys (organisation_id);

-- Failed sign-ins per login and per address, so throttling holds across processes.
create table login_throttle (
  key          text primary key,
  failures     integer not null default 0,
  window_start timestamptz not null,
  locked_until timestamptz
);

-- A natural person acting as 主体负责人, 服务负责人 or legal representative.
create table persons (
  id                      uuid primary key default gen_random_uuid(),
  name                    text not null check (length(name) between 1 and 64),
  certificate_type        text not null check (certificate_type in ('resident_id', 'hk_macao_permit', 'taiwan_permit', 'passport', 'foreigner_permanent_residence')),
  certificate_number_enc  text not null,
  certificate_number_hash text not null,
  certificate_valid_from  date,
  certificate_valid_to    date,          -- null = 长期 (long-term)
  mobile_enc              text not null,
  mobile_hash             text not null,
  emergency_phone_enc     text,
  emergency_phone_hash    text,
  email_enc               text not null,
  email_hash              text not null,
  created_at              timestamptz not null default now()
);
create index persons_certificate on persons (certificate_number_hash);
create index persons_emergency on persons (emergency_phone_hash);
create index persons_mobile on persons (mobile_hash);

-- 主办者 (the host's subject): a unit or an individual, with its main filing number.
create table subjects (
  id                      uuid primary key default gen_random_uuid(),
  host_user_id            uuid not null references users (id),
  subject_type            text not null check (subject_type in ('unit', 'individual')),
  nature                  text not null check (nature in ('government', 'public_institution', 'enterprise', 'social_organisation', 'private_non_enterprise', 'foundation', 'law_firm', 'individual')),
  name                    text not null check (length(name) between 1 and 100),
  certificate_type        text not null,
  certificate_number      text,           -- units only: a USCC or registration number is public
  certificate_number_enc  text not null,
  certificate_number_hash text not null,
  certificate_address     text,
  address                 text not null,
  province_code           char(6) not null references provinces (code),
  city_code               char(6) not null check (city_code ~ '^[0-9]{6}$'),
  district_code           char(6) not null check (district_code ~ '^[0-9]{6}$'),
  principal_person_id     uuid not null references persons (id),
  legal_person_id         uuid references persons (id),
  main_number             text unique,
  main_number_year        integer,
  main_number_serial      integer,
  last_service_sequence   integer not null default 0,
  status                  text not null default 'filed' check (status in ('filed', 'cancelled', 'revoked')),
  filed_at                timestamptz,
  created_at              timestamptz not null default now(),
  updated_at              timestamptz not null default now(),
  check ((subject_type = 'individual') = (nature = 'individual')),
  check (subject_type = 'unit' or certificate_number is null),
  unique (province_code, main_number_year, main_number_serial)
);
create index subjects_host on subjects (host_user_id);
create index subjects_certificate on subjects (certificate_number_hash);
create index subjects_name_trgm on subjects using gin (name gin_trgm_ops);

-- A filed service (website, APP, mini program, quick app) under a subject.
create table services (
  id                  uuid primary key default gen_random_uuid(),
  subject_id          uuid not null references subjects (id),
  service_type        text not null check (service_type in ('website', 'app', 'mini_program', 'quick_app')),
  name                text not null check (length(name) between 1 and 100),
  categories          text[] not null default '{}',
  languages           text[] not null default '{}',
  pre_approvals       jsonb not null default '[]',
  description         text,
  sdks                jsonb not null default '[]',
  home_url            text,
  domains             text[] not null default '{}',
  principal_person_id uuid not null references persons (id),
  sequence            integer not null check (sequence > 0),
  service_number      text not null unique,
  status              text not null default 'filed' check (status in ('filed', 'cancelled', 'revoked')),
  filed_at            timestamptz not null,
  status_changed_at   timestamptz not null,
  updated_at          timestamptz not null default now(),
  unique (subject_id, sequence)
);
create index services_subject on services (subject_id);
create index services_name_trgm on services using gin (name gin_trgm_ops);
create index services_domains on services using gin (domains);

-- APP feature info (APP特征信息), one row per platform of an APP service.
create table app_platforms (
  id           uuid primary key default gen_random_uuid(),
  service_id   uuid not null references services (id),
  platform     text not null check (platform in ('android', 'ios', 'harmonyos')),
  package_name text not null check (length(package_name) between 1 and 255),
  public_key   text,
  cert_md5     text check (cert_md5 ~ '^[0-9a-f]{32}$'),
  cert_sha1    text check (cert_sha1 ~ '^[0-9a-f]{40}$'),
  cert_sha256  text check (cert_sha256 ~ '^[0-9a-f]{64}$'),
  domains      text[] not null default '{}',
  active       boolean not null default true,
  created_at   timestamptz not null default now(),
  unique (service_id, platform)
);
-- At most one active filing per (platform, package name).
create unique index app_platforms_active_package on app_platforms (platform, package_name) where active;
create index app_platforms_package_trgm on app_platforms using gin (package_name gin_trgm_ops);

-- APP/website access info (接入信息): one row per access provider.
create table access_records (
  id              uuid primary key default gen_random_uuid(),
  service_id      uuid not null references services (id),
  provider_org_id uuid not null references organisations (id),
  access_method   text not null check (access_method in ('dedicated', 'shared_hosting', 'virtual_host', 'cloud', 'other')),
  server_location text not null,
  ips             text[] not null default '{}',
  domains         text[] not null default '{}',
  active          boolean not null default true,
  created_at      timestamptz not null default now(),
  cancelled_at    timestamptz
);
create index access_records_service on access_records (service_id);

-- A filing application: the host's materials (jsonb, personal fields sealed) moving
-- through the lifecycle of src/domain/lifecycle.ts.
create table applications (
  id                uuid primary key default gen_random_uuid(),
  application_type  text not null check (application_type in ('first_filing', 'new_service')),
  host_user_id      uuid not null references users (id),
  subject_id        uuid references subjects (id),
  service_id        uuid references services (id),
  service_type      text not null check (service_type in ('website', 'app', 'mini_program', 'quick_app')),
  service_name      text,
  submitter_org_id  uuid references organisations (id),
  province_code     char(6) references provinces (code),
  status            text not null check (status in ('draft', 'provider_review', 'returned', 'sms_pending', 'bureau_review', 'bureau_rejected', 'approved', 'withdrawn')),
  materials         jsonb not null default '{}',
  review_reasons    jsonb not null default '[]',
  sent_to_bureau_at timestamptz,
  received_on       date,
  deadline_on       date,
  version           integer not null default 1,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  submitted_at      timestamptz,
  decided_at        timestamptz
);
create index applications_host on applications (host_user_id, updated_at desc);
create index applications_submitter on applications (submitter_org_id, status);
create index applications_bureau on applications (province_code, status, deadline_on);

-- Identity (face / video) verification of a person, done by an external service.
create table identity_tasks (
  id             uuid primary key default gen_random_uuid(),
  application_id uuid not null references applications (id),
  person_role    text not null check (person_role in ('subject_principal', 'service_principal')),
  verifier       text not null,
  status         text not null default 'pending' check (status in ('pending', 'passed', 'failed', 'expired')),
  created_at     timestamptz not null default now(),
  expires_at     timestamptz not null,
  completed_at   timestamptz,
  result         jsonb
);
create index identity_tasks_application on identity_tasks (application_id);

-- MIIT SMS check (DOMAIN.md §4.1): a hashed 6-digit code per principal's mobile.
create table sms_challenges (
  id             uuid primary key default gen_random_uuid(),
  application_id uuid not null references applications (id),
  mobile_enc     text not null,
  mobile_hash    text not null,
  person_roles   text[] not null,
  code_hash      text not null,
  attempts       integer not null default 0 check (attempts >= 0),
  sends          integer not null default 1 check (sends >= 1),
  status         text not null default 'pending' check (status in ('pending', 'verified', 'exhausted', 'expired', 'cancelled')),
  created_at     timestamptz not null default now(),
  last_sent_at   timestamptz not null default now(),
  expires_at     timestamptz not null,
  verified_at    timestamptz
);
create index sms_challenges_application on sms_challenges (application_id);
create index sms_challenges_pending on sms_challenges (expires_at) where status = 'pending';

-- Allocation counters: main numbers are sequential per province and year.
create table number_sequences (
  province_code char(6) not null references provinces (code),
  year          integer not null check (year between 2000 and 2999),
  last_serial   integer not null default 0 check (last_serial between 0 and 999999),
  primary key (province_code, year)
);

-- Working-day calendar overrides (a holiday or a make-up working day), national or
-- provincial; 'year_published' (day = 1 January) declares that a year's State Council
-- schedule has been entered in full, so deadlines may be computed into that year.
create table calendar_overrides (
  id            uuid primary key default gen_random_uuid(),
  day           date not null,
  kind          text not null check (kind in ('holiday', 'workday', 'year_published')),
  province_code char(6) references provinces (code),
  note          text,
  created_by    uuid references users (id),
  created_at    timestamptz not null default now()
);
alter table calendar_overrides add check (kind <> 'year_published' or (province_code is null and extract(month from day) = 1 and extract(day from day) = 1));
create unique index calendar_overrides_day on calendar_overrides (day, coalesce(province_code, '000000'), (kind = 'year_published'));

-- History: every change to anything, append-only (house rule 4).
create table history (
  id              bigserial primary key,
  entity_type     text not null check (entity_type in ('application', 'subject', 'service', 'organisation', 'user', 'api_key', 'calendar')),
  entity_id       uuid not null,
  application_id  uuid references applications (id),
  action          text not null,
  from_status     text,
  to_status       text,
  actor_user_id   uuid references users (id),
  actor_role      text not null,
  actor_org_id    uuid references organisations (id),
  reason          jsonb,
  request_id      text,
  at              timestamptz not null default now()
);
create index history_entity on history (entity_type, entity_id, id);
create index history_application on history (application_id, id);

create function history_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'history is append-only' using errcode = 'P0001';
end
$$;
create trigger history_no_update before update or delete on history
  for each row execute function history_is_append_only();

-- Transactional outbox (house rule 5): written with the change, delivered after commit.
create table outbox (
  id              bigserial primary key,
  channel         text not null check (channel in ('email', 'sms', 'webhook')),
  payload         jsonb not null,
  status          text not null default 'pending' check (status in ('pending', 'sent', 'dead')),
  attempts        integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error      text,
  created_at      timestamptz not null default now(),
  sent_at         timestamptz
);
create index outbox_due on outbox (next_attempt_at) where status = 'pending';

-- The development SMS provider's inbox: what an SMS gateway would have delivered.
create table dev_sms_messages (
  id          bigserial primary key,
  mobile_enc  text not null,
  mobile_hash text not null,
  body        text not null,
  created_at  timestamptz not null default now()
);
create index dev_sms_messages_mobile on dev_sms_messages (mobile_hash, id);

-- Idempotency-Key for creating requests: a retried request replays the first answer.
create table idempotency_keys (
  scope         text not null,
  key           text not null,
  request_hash  text not null,
  status_code   integer,
  response      jsonb,
  created_at    timestamptz not null default now(),
  primary key (scope, key)
);
