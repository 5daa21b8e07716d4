-- The life of a filed record after the number (issue 13, items 4–8): cancellations confirmed
-- by the principal's SMS code, shells (空壳: a website or APP left without any active access
-- record), the bureau's shell cleanup notices, and the daily certificate-expiry job.
-- Decision on timed work: docs/decisions/0016-timed-work-once-per-day.md.

-- A shell is a filed service without active access (DOMAIN.md §4.3). It stays filed (its number
-- is still valid and public) but is marked with the moment it lost its last access record;
-- src/domain/service-lifecycle.ts derives the lifecycle state "shell" from it.
alter table services add column shell_since timestamptz;
alter table services add constraint services_shell_only_while_filed check (shell_since is null or status = 'filed');
alter table services add constraint services_shell_has_access_section check (shell_since is null or service_type in ('website', 'app'));
create index services_shells on services (shell_since) where shell_since is not null;

-- The subject's certificate validity (a unit's licence may end; DOMAIN.md §2.2). Another
-- migration of issue 13 (subject changes) may add it first: hence "if not exists".
alter table subjects add column if not exists certificate_valid_to date;

-- A host's request that takes effect when the principal enters the SMS code sent to them:
-- cancel a service, cancel a subject (with all its services), cancel an access record.
-- Same rules as the filing SMS check (DOMAIN.md §4.1 step 4): 24 h, 5 wrong attempts.
create table confirmations (
  id               uuid primary key default gen_random_uuid(),
  host_user_id     uuid not null references users (id),
  action           text not null check (action in ('cancel_service', 'cancel_subject', 'cancel_access')),
  subject_id       uuid not null references subjects (id),
  service_id       uuid references services (id),
  access_record_id uuid references access_records (id),
  reason           text check (length(reason) <= 500),
  mobile_enc       text not null,
  mobile_hash      text not null,
  person_role      text not null check (person_role in ('subject_principal', 'service_principal')),
  code_hash        text not null,
  attempts         integer not null default 0 check (attempts between 0 and 5),
  status           text not null default 'pending' check (status in ('pending', 'confirmed', 'exhausted', 'expired', 'superseded')),
  created_at       timestamptz not null,
  expires_at       timestamptz not null,
  decided_at       timestamptz,
  check ((action = 'cancel_subject') = (service_id is null)),
  check ((action = 'cancel_access') = (access_record_id is not null))
);
-- One pending confirmation per target: a new request supersedes the old one in its transaction.
create unique index confirmations_one_pending on confirmations (action, coalesce(access_record_id, service_id, subject_id)) where status = 'pending';
create index confirmations_host on confirmations (host_user_id, created_at desc);
create index confirmations_due on confirmations (expires_at) where status = 'pending';

-- A bureau's cleanup notice (清理公告): shells publicised for a period (default 7 days, the
-- Ningxia practice of DOMAIN.md §4.3); afterwards the ones still without access are cancelled.
create table cleanup_notices (
  id              uuid primary key default gen_random_uuid(),
  province_code   char(6) not null references provinces (code),
  title           text not null check (length(title) between 1 and 200),
  publicity_days  integer not null check (publicity_days between 1 and 90),
  published_at    timestamptz not null,
  ends_at         timestamptz not null check (ends_at > published_at),
  status          text not null default 'publicised' check (status in ('publicised', 'executed')),
  executed_at     timestamptz,
  created_by      uuid references users (id),
  check ((status = 'executed') = (executed_at is not null))
);
create index cleanup_notices_province on cleanup_notices (province_code, published_at desc);

create table cleanup_notice_services (
  notice_id  uuid not null references cleanup_notices (id),
  service_id uuid not null references services (id),
  -- listed: under publicity; rescued: access re-added in time (drops out); cleaned: cancelled by the
  -- bureau's cleanup; dropped: cancelled or revoked otherwise meanwhile
  outcome    text not null default 'listed' check (outcome in ('listed', 'rescued', 'cleaned', 'dropped')),
  decided_at timestamptz,
  primary key (notice_id, service_id)
);
-- A shell is on at most one open notice.
create unique index cleanup_notice_services_one_open on cleanup_notice_services (service_id) where outcome = 'listed';

-- Timed work that must run once per day across every server process: the first process to
-- insert (job, day) does it, in the same transaction as the work (a failed run leaves no row).
create table job_runs (
  job         text not null check (job ~ '^[a-z][a-z_]{1,39}$'),
  day         date not null,
  started_at  timestamptz not null,
  result      jsonb,
  primary key (job, day)
);

-- What the certificate-expiry job found: one row per (record, kind, validity end), so the host
-- is told once per expiry, not every day.
create table certificate_expiries (
  id            bigserial primary key,
  subject_id    uuid not null references subjects (id),
  service_id    uuid references services (id),
  kind          text not null check (kind in ('subject_certificate', 'subject_principal', 'service_principal')),
  valid_to      date not null,
  province_code char(6) not null references provinces (code),
  found_on      date not null
);
create unique index certificate_expiries_once on certificate_expiries
  (subject_id, coalesce(service_id, '00000000-0000-0000-0000-000000000000'::uuid), kind, valid_to);
create index certificate_expiries_province on certificate_expiries (province_code, valid_to);

-- The verification read model (migration 0006) learns whether a service is a shell, so a
-- relying party's check answers `shell`; the NOTIFY (0003) fires when it changes.
alter table verify_identities add column shell_since timestamptz;
create or replace view verify_identity_source as
  select p.id as platform_id, p.platform, p.package_name, p.service_id, p.active, s.status as service_status,
         p.cert_md5, p.cert_sha1, p.cert_sha256, s.service_number, sub.main_number, s.name as service_name,
         sub.name as host_name, sub.subject_type as host_type, s.filed_at, s.status_changed_at,
         p.created_at as platform_created_at, s.shell_since
    from app_platforms p
    join services s on s.id = p.service_id
    join subjects sub on sub.id = s.subject_id;

create or replace function verify_identities_refresh(platform_ids uuid[]) returns void language sql as $$
  insert into verify_identities
  select * from verify_identity_source where platform_id = any (platform_ids)
  on conflict (platform_id) do update set
    (platform, package_name, service_id, active, service_status, cert_md5, cert_sha1, cert_sha256, service_number,
     main_number, service_name, host_name, host_type, filed_at, status_changed_at, platform_created_at, shell_since)
    = (excluded.platform, excluded.package_name, excluded.service_id, excluded.active, excluded.service_status,
       excluded.cert_md5, excluded.cert_sha1, excluded.cert_sha256, excluded.service_number, excluded.main_number,
       excluded.service_name, excluded.host_name, excluded.host_type, excluded.filed_at, excluded.status_changed_at,
       excluded.platform_created_at, excluded.shell_since);
$$;

create or replace function verify_identities_from_services() returns trigger language plpgsql as $$
begin
  perform verify_identities_refresh(array(
    select p.id from new_rows n join old_rows o on o.id = n.id join app_platforms p on p.service_id = n.id
     where (n.status, n.name, n.service_number, n.status_changed_at, n.filed_at, n.subject_id, n.shell_since)
           is distinct from (o.status, o.name, o.service_number, o.status_changed_at, o.filed_at, o.subject_id, o.shell_since)));
  return null;
end
$$;

create or replace function services_notify() returns trigger language plpgsql as $$
declare
  keys text[];
begin
  select array_agg(distinct p.platform || '|' || p.package_name) into keys
    from new_rows n join old_rows o on o.id = n.id join app_platforms p on p.service_id = n.id
   where (n.status, n.name, n.service_number, n.status_changed_at, n.filed_at, n.subject_id, n.shell_since)
         is distinct from (o.status, o.name, o.service_number, o.status_changed_at, o.filed_at, o.subject_id, o.shell_since);
  perform registry_notify(keys);
  return null;
end
$$;
