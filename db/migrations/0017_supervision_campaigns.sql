-- Supervision, part 1 (issue 14): inspection campaigns, catalogue submissions and their
-- findings, rounds of notice, disposal orders and their items. History rows for all of these
-- go to `history` (entity kinds in src/flows/history.ts).

create table campaigns (
  id                  uuid primary key default gen_random_uuid(),
  name                text not null check (length(name) between 1 and 100),
  kind                text not null check (kind in ('transition', 'inspection', 'routine')),
  -- null: national (the ministry's); a bureau's campaign names its own province.
  province_codes      char(6)[] check (province_codes is null or cardinality(province_codes) > 0),
  org_kinds           text[] not null check (cardinality(org_kinds) > 0 and org_kinds <@ array['platform', 'provider', 'device_maker']),
  starts_on           date not null,
  catalogue_due_on    date not null,
  ends_on             date not null,
  owner_province_code char(6) references provinces (code),
  created_by          uuid references users (id),
  created_at          timestamptz not null,
  check (starts_on <= catalogue_due_on and catalogue_due_on <= ends_on)
);
create index campaigns_created on campaigns (created_at desc);

-- One upload of a catalogue. While `receiving` its findings are invisible; on completion it
-- becomes `current` and the organisation's previous current one `replaced` (one transaction),
-- so a resubmission replaces the catalogue without counting anything twice.
create table catalogue_submissions (
  id              uuid primary key default gen_random_uuid(),
  campaign_id     uuid not null references campaigns (id),
  organisation_id uuid not null references organisations (id),
  status          text not null check (status in ('receiving', 'current', 'replaced', 'failed')),
  format          text not null check (format in ('ndjson', 'csv')),
  digest_sha256   text check (digest_sha256 ~ '^[0-9a-f]{64}$'),
  bytes           bigint not null default 0 check (bytes >= 0),
  received        integer not null default 0 check (received >= 0),
  accepted        integer not null default 0 check (accepted >= 0),
  rejected        integer not null default 0 check (rejected >= 0),
  counts          jsonb not null default '{}',
  submitted_by    uuid references users (id),
  api_key_id      uuid references api_keys (id),
  started_at      timestamptz not null,
  completed_at    timestamptz,
  check (accepted + rejected = received),
  check (status in ('receiving', 'failed') or digest_sha256 is not null)
);
create unique index catalogue_submissions_current on catalogue_submissions (campaign_id, organisation_id) where status = 'current';
create index catalogue_submissions_campaign on catalogue_submissions (campaign_id, organisation_id, started_at desc);

-- The first rejected lines of a submission (their numbers and why), kept for the organisation.
create table catalogue_line_errors (
  submission_id uuid not null references catalogue_submissions (id) on delete cascade,
  line          integer not null check (line > 0),
  field         text not null,
  code          text not null,
  message       text not null,
  primary key (submission_id, line)
);

-- Rounds of notice: the bureau asks the organisations to notify the hosts of chosen findings.
create table campaign_rounds (
  id          uuid primary key default gen_random_uuid(),
  campaign_id uuid not null references campaigns (id),
  number      integer not null check (number > 0),
  respond_by  date not null,
  created_by  uuid references users (id),
  created_at  timestamptz not null,
  unique (campaign_id, number)
);

-- Every catalogue line that is not `filed`.
create table findings (
  id              uuid primary key default gen_random_uuid(),
  campaign_id     uuid not null references campaigns (id),
  organisation_id uuid not null references organisations (id),
  -- The organisation's province (from its USCC): the bureau that sees the finding.
  org_province_code char(6) references provinces (code),
  submission_id   uuid not null references catalogue_submissions (id) on delete cascade,
  line            integer not null check (line > 0),
  platform        text not null check (platform in ('android', 'ios', 'harmonyos')),
  package_name    text not null check (length(package_name) between 1 and 255),
  fp_algorithm    text not null check (fp_algorithm in ('md5', 'sha1', 'sha256')),
  fingerprint     text not null check (fingerprint ~ '^([0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$'),
  app_name        text,
  store_id        text,
  url             text,
  downloads       bigint check (downloads >= 0),
  outcome         text not null check (outcome in ('not_filed', 'fingerprint_mismatch', 'cancelled', 'revoked', 'shell')),
  service_id      uuid references services (id),
  -- Set when the app gets filed (same package and certificate): by trigger, whoever files it.
  resolved_on     date,
  resolved_service_id uuid references services (id),
  notified_at     timestamptz,
  notified_by     uuid references users (id),
  unique (submission_id, line)
);
create index findings_campaign on findings (campaign_id, outcome);
create index findings_org on findings (organisation_id, campaign_id);
create index findings_province on findings (campaign_id, org_province_code);
create index findings_unresolved on findings (platform, package_name) where resolved_on is null;

create table round_findings (
  round_id   uuid not null references campaign_rounds (id),
  finding_id uuid not null references findings (id) on delete cascade,
  primary key (round_id, finding_id)
);
create index round_findings_finding on round_findings (finding_id);

-- A finding resolves itself when its app is filed with the same certificate (issue 14, contract 3):
-- the resolution date is the filing's (China time), not the database clock's.
create function findings_resolve_on_filing() returns trigger language plpgsql as $$
begin
  if new.active then
    update findings f
       set resolved_on = (select (s.filed_at at time zone 'Asia/Shanghai')::date from services s where s.id = new.service_id),
           resolved_service_id = new.service_id
     where f.resolved_on is null and f.platform = new.platform and f.package_name = new.package_name
       and f.fingerprint in (new.cert_md5, new.cert_sha1, new.cert_sha256);
  end if;
  return null;
end $$;
create trigger findings_resolve after insert on app_platforms for each row execute function findings_resolve_on_filing();

-- Disposal orders: one per organisation concerned; items per finding or filed service.
create table disposal_orders (
  id                uuid primary key default gen_random_uuid(),
  organisation_id   uuid not null references organisations (id),
  campaign_id       uuid references campaigns (id),
  violation_id      uuid,
  measure           text not null check (measure in ('take_down', 'shut_down', 'restrict_updates', 'stop_access', 'remove_preinstall')),
  reason            text not null check (length(reason) between 1 and 1000),
  ordered_on        date not null,
  due_in_working_days integer not null check (due_in_working_days between 1 and 60),
  due_on            date not null check (due_on > ordered_on),
  -- The issuing bureau's province; null for the ministry.
  province_code     char(6) references provinces (code),
  created_by        uuid references users (id),
  created_at        timestamptz not null
);
create index disposal_orders_org on disposal_orders (organisation_id, created_at desc);
create index disposal_orders_province on disposal_orders (province_code, created_at desc);

create table disposal_order_items (
  id             uuid primary key default gen_random_uuid(),
  order_id       uuid not null references disposal_orders (id),
  finding_id     uuid references findings (id),
  service_id     uuid references services (id),
  service_number text,
  platform       text,
  package_name   text,
  status         text not null default 'open' check (status in ('open', 'done', 'accepted')),
  evidence       text check (evidence is null or length(evidence) between 1 and 4000),
  attachments    jsonb not null default '[]',
  done_at        timestamptz,
  done_by        uuid references users (id),
  decided_at     timestamptz,
  reopen_reason  text,
  check (finding_id is not null or service_id is not null),
  check (status = 'open' or (evidence is not null and done_at is not null))
);
create index disposal_order_items_order on disposal_order_items (order_id);
create unique index disposal_order_items_finding on disposal_order_items (order_id, finding_id) where finding_id is not null;
create unique index disposal_order_items_service on disposal_order_items (order_id, service_id) where finding_id is null;
