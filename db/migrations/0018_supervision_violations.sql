-- Supervision, part 2 (issue 14): violation reports and their steps, the public revocation
-- category, and the blacklist.

-- A report by an organisation (its staff or API key) or by the public (contact sealed like
-- other personal data). `province_code` is the host's: that bureau triages it.
create table violation_reports (
  id                  uuid primary key default gen_random_uuid(),
  reporter_kind       text not null check (reporter_kind in ('organisation', 'public')),
  reporter_org_id     uuid references organisations (id),
  reporter_user_id    uuid references users (id),
  reporter_name       text check (reporter_name is null or length(reporter_name) between 1 and 64),
  reporter_contact_enc  text,
  reporter_contact_hash text,
  service_id          uuid not null references services (id),
  province_code       char(6) not null references provinces (code),
  category            text not null check (category in ('fraud', 'illegal_content', 'beyond_filing', 'false_materials', 'privacy', 'other')),
  description         text not null check (length(description) between 1 and 4000),
  evidence            text check (evidence is null or length(evidence) <= 4000),
  measures_taken      text check (measures_taken is null or length(measures_taken) <= 2000),
  stopped_at          timestamptz,
  status              text not null default 'received' check (status in ('received', 'more_requested', 'disposal_ordered', 'revoked', 'closed')),
  created_at          timestamptz not null,
  updated_at          timestamptz not null,
  check ((reporter_kind = 'organisation') = (reporter_org_id is not null)),
  check (reporter_kind = 'organisation' or reporter_contact_enc is not null)
);
create index violation_reports_province on violation_reports (province_code, status, created_at desc);
create index violation_reports_reporter on violation_reports (reporter_org_id, created_at desc);

create table violation_steps (
  id           bigserial primary key,
  violation_id uuid not null references violation_reports (id),
  action       text not null check (action in ('reported', 'request_more', 'provide_more', 'order_disposal', 'revoke', 'close')),
  status       text not null,
  note         text check (note is null or length(note) <= 4000),
  order_id     uuid references disposal_orders (id),
  actor_role   text not null,
  actor_org_id uuid references organisations (id),
  at           timestamptz not null
);
create index violation_steps_report on violation_steps (violation_id, id);

alter table disposal_orders add constraint disposal_orders_violation foreign key (violation_id) references violation_reports (id);

-- The public category of a revocation (提供虚假材料, 空壳清理, 违法违规 …); the text stays private (history).
alter table services add column revocation_category text
  check (revocation_category is null or revocation_category in ('false_materials', 'shell_cleanup', 'illegal', 'other'));

-- Blacklist: a subject's certificate (the keyed hash personal data uses, never the number),
-- a package name or a domain, barred from new filings until a date unless lifted early.
create table blacklist_entries (
  id                uuid primary key default gen_random_uuid(),
  kind              text not null check (kind in ('certificate', 'package', 'domain')),
  value             text not null check (length(value) between 1 and 255),
  until_on          date not null,
  category          text not null check (category in ('false_materials', 'shell_cleanup', 'illegal', 'other')),
  reason            text not null check (length(reason) between 1 and 1000),
  source_service_id uuid references services (id),
  province_code     char(6) references provinces (code),
  created_by        uuid references users (id),
  created_at        timestamptz not null,
  lifted_at         timestamptz,
  lifted_by         uuid references users (id),
  lift_reason       text,
  check ((lifted_at is null) = (lift_reason is null))
);
-- One unlifted entry per value: extending a period updates it rather than stacking entries.
create unique index blacklist_entries_unlifted on blacklist_entries (kind, value) where lifted_at is null;
