-- The verification read model (issue 5, benchmark (b); docs/decisions/0010-verification-read-model.md):
-- one row per APP platform with everything a verification answer needs from its service and
-- subject, so a lookup of 10,000 identities never seen before is one index probe each instead
-- of three (platform, service, subject). Kept by statement-level triggers in the writing
-- transaction — every writer, bulk loads and manual SQL included — so it is never behind the
-- tables it copies: the NOTIFY of migration 0003 is delivered on the same commit.
create view verify_identity_source as
  select p.id as platform_id, p.platform, p.package_name, p.service_id, p.active, s.status as service_status,
         p.cert_md5, p.cert_sha1, p.cert_sha256, s.service_number, sub.main_number, s.name as service_name,
         sub.name as host_name, sub.subject_type as host_type, s.filed_at, s.status_changed_at,
         p.created_at as platform_created_at
    from app_platforms p
    join services s on s.id = p.service_id
    join subjects sub on sub.id = s.subject_id;

create table verify_identities (
  platform_id         uuid primary key references app_platforms (id) on delete cascade,
  platform            text not null,
  package_name        text not null,
  service_id          uuid not null,
  active              boolean not null,
  service_status      text not null,
  cert_md5            text,
  cert_sha1           text,
  cert_sha256         text,
  service_number      text not null,
  main_number         text,
  service_name        text not null,
  host_name           text not null,
  host_type           text not null,
  filed_at            timestamptz not null,
  status_changed_at   timestamptz not null,
  platform_created_at timestamptz not null
);
create index verify_identities_package on verify_identities (platform, package_name);
create index verify_identities_service on verify_identities (service_id);

-- Copies the source rows of the given platforms (insert or overwrite).
create function verify_identities_refresh(platform_ids uuid[]) returns void language sql as $$
  insert into verify_identities
  select * from verify_identity_source where platform_id = any (platform_ids)
  on conflict (platform_id) do update set
    (platform, package_name, service_id, active, service_status, cert_md5, cert_sha1, cert_sha256, service_number,
     main_number, service_name, host_name, host_type, filed_at, status_changed_at, platform_created_at)
    = (excluded.platform, excluded.package_name, excluded.service_id, excluded.active, excluded.service_status,
       excluded.cert_md5, excluded.cert_sha1, excluded.cert_sha256, excluded.service_number, excluded.main_number,
       excluded.service_name, excluded.host_name, excluded.host_type, excluded.filed_at, excluded.status_changed_at,
       excluded.platform_created_at);
$$;

create function verify_identities_from_platforms() returns trigger language plpgsql as $$
begin
  perform verify_identities_refresh(array(select id from new_rows));
  return null;
end
$$;
create trigger verify_identities_platforms_insert after insert on app_platforms
  referencing new table as new_rows for each statement execute function verify_identities_from_platforms();
create trigger verify_identities_platforms_update after update on app_platforms
  referencing new table as new_rows for each statement execute function verify_identities_from_platforms();

-- Services and subjects: only when a column the read model copies changed.
create function verify_identities_from_services() returns trigger language plpgsql as $$
begin
  perform verify_identities_refresh(array(
    select p.id from new_rows n join old_rows o on o.id = n.id join app_platforms p on p.service_id = n.id
     where (n.status, n.name, n.service_number, n.status_changed_at, n.filed_at, n.subject_id)
           is distinct from (o.status, o.name, o.service_number, o.status_changed_at, o.filed_at, o.subject_id)));
  return null;
end
$$;
create trigger verify_identities_services_update after update on services
  referencing old table as old_rows new table as new_rows for each statement execute function verify_identities_from_services();

create function verify_identities_from_subjects() returns trigger language plpgsql as $$
begin
  perform verify_identities_refresh(array(
    select p.id from new_rows n join old_rows o on o.id = n.id
      join services s on s.subject_id = n.id join app_platforms p on p.service_id = s.id
     where (n.name, n.main_number, n.subject_type) is distinct from (o.name, o.main_number, o.subject_type)));
  return null;
end
$$;
create trigger verify_identities_subjects_update after update on subjects
  referencing old table as old_rows new table as new_rows for each statement execute function verify_identities_from_subjects();

insert into verify_identities select * from verify_identity_source;
