-- Verification API for relying parties (issue 5): app stores, access providers and device
-- makers check (platform, package name, certificate fingerprint) against the registry, are
-- told by webhook when a filing they checked changes, and every server process keeps an
-- in-process cache of filed identities that the database invalidates through NOTIFY.
-- See docs/decisions/0006-registry-change-notifications.md.

-- The latest inactive filing of a package (cancelled / revoked) is found through this index;
-- the partial unique index of 0001 covers active rows only.
create index app_platforms_package on app_platforms (platform, package_name);

-- A relying party's webhook endpoint. The signing secret is sealed (it must be read back to
-- sign each delivery, so it cannot be a one-way digest).
create table webhook_subscriptions (
  id                 uuid primary key default gen_random_uuid(),
  organisation_id    uuid not null references organisations (id),
  url                text not null check (length(url) between 10 and 2048),
  secret_enc         text not null,
  created_by_user_id uuid references users (id),
  created_by_key_id  uuid references api_keys (id),
  created_at         timestamptz not null default now(),
  deleted_at         timestamptz
);
create index webhook_subscriptions_org on webhook_subscriptions (organisation_id) where deleted_at is null;

-- Which filed services an organisation has checked, so it can be told when they change.
-- One row per (service, organisation); rows unchecked for the retention period are pruned.
create table verification_watches (
  service_id      uuid not null references services (id),
  organisation_id uuid not null references organisations (id),
  last_checked_at timestamptz not null,
  primary key (service_id, organisation_id)
);
create index verification_watches_checked on verification_watches (last_checked_at);

-- Registry change notifications: every committed change to what a verification answers
-- (platform rows, a service's status / name / number, a subject's name / number / type)
-- sends NOTIFY beian_registry with the affected 'platform|package' keys as a JSON array, or
-- '*' when there are many. NOTIFY is transactional: listeners hear it only on commit, and
-- a trigger cannot be forgotten by a future writer (bulk loads, new flows, manual SQL).
create function registry_notify(keys text[]) returns void language plpgsql as $$
declare
  payload text;
begin
  if keys is null or cardinality(keys) = 0 then
    return;
  end if;
  payload := case when cardinality(keys) > 100 then '*' else array_to_json(keys)::text end;
  if octet_length(payload) > 7900 then
    payload := '*';
  end if;
  perform pg_notify('beian_registry', payload);
end
$$;

-- A bulk statement (a COPY of a million platforms) is not listed key by key: '*' clears the caches.
create function app_platforms_notify() returns trigger language plpgsql as $$
declare
  keys text[];
  n bigint;
begin
  if TG_OP = 'DELETE' then
    select count(*) into n from old_rows;
  else
    select count(*) into n from new_rows;
  end if;
  if n > 100 then
    perform pg_notify('beian_registry', '*');
    return null;
  end if;
  if TG_OP = 'INSERT' then
    select array_agg(distinct platform || '|' || package_name) into keys from new_rows;
  elsif TG_OP = 'DELETE' then
    select array_agg(distinct platform || '|' || package_name) into keys from old_rows;
  else
    select array_agg(distinct k) into keys from (
      select platform || '|' || package_name as k from new_rows
      union all select platform || '|' || package_name from old_rows) u;
  end if;
  perform registry_notify(keys);
  return null;
end
$$;
create trigger app_platforms_notify_insert after insert on app_platforms
  referencing new table as new_rows for each statement execute function app_platforms_notify();
create trigger app_platforms_notify_update after update on app_platforms
  referencing old table as old_rows new table as new_rows for each statement execute function app_platforms_notify();
create trigger app_platforms_notify_delete after delete on app_platforms
  referencing old table as old_rows for each statement execute function app_platforms_notify();

create function services_notify() returns trigger language plpgsql as $$
declare
  keys text[];
begin
  select array_agg(distinct p.platform || '|' || p.package_name) into keys
    from new_rows n join old_rows o on o.id = n.id join app_platforms p on p.service_id = n.id
   where (n.status, n.name, n.service_number, n.status_changed_at, n.filed_at, n.subject_id)
         is distinct from (o.status, o.name, o.service_number, o.status_changed_at, o.filed_at, o.subject_id);
  perform registry_notify(keys);
  return null;
end
$$;
create trigger services_notify_update after update on services
  referencing old table as old_rows new table as new_rows for each statement execute function services_notify();

create function subjects_notify() returns trigger language plpgsql as $$
declare
  keys text[];
begin
  select array_agg(distinct p.platform || '|' || p.package_name) into keys
    from new_rows n join old_rows o on o.id = n.id
    join services s on s.subject_id = n.id join app_platforms p on p.service_id = s.id
   where (n.name, n.main_number, n.subject_type, n.nature, n.status)
         is distinct from (o.name, o.main_number, o.subject_type, o.nature, o.status);
  perform registry_notify(keys);
  return null;
end
$$;
create trigger subjects_notify_update after update on subjects
  referencing old table as old_rows new table as new_rows for each statement execute function subjects_notify();
