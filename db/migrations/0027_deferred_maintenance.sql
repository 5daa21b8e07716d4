-- Deferred maintenance for set-based writers (issue 16 item 8; docs/decisions/0028-import-throughput.md).
--
-- The switch: a writer that inserts APP platforms in bulk may set, for its transaction only,
--     select set_config('beian.deferred_maintenance', 'on', true);
-- and the maintenance that triggers do per inserted platform — the verification read model
-- (migration 0006) and the resolution of supervision findings (migration 0017) — is skipped.
-- The writer then MUST call, in the same transaction and after its last insert,
--     select beian_catch_up_platforms(<the ids of the platforms it inserted>);
-- which does that work for all of them in a few set-based statements (the bulk import calls it
-- once per batch: src/db/bulk-import.ts). Nothing else changes: every other trigger, constraint,
-- foreign key and index works as for any writer, and the NOTIFY of migration 0003 is sent.
-- A trigger added later that honours the switch must add its work to beian_catch_up_platforms
-- (or to a catch-up of its own named here), so writers keep calling one function.
-- tests: src/flows/import-filings.test.ts compares the read model with verify_identity_source and the
-- findings with a row-by-row insert.

create function beian_maintenance_deferred() returns boolean language sql stable parallel safe as $$
  select coalesce(current_setting('beian.deferred_maintenance', true), '') = 'on'
$$;

-- Findings resolved by the filing of the given (active) platforms: the filing date in China time.
create function findings_resolve_for(platform_ids uuid[]) returns void language sql as $$
  update findings f
     set resolved_on = (s.filed_at at time zone 'Asia/Shanghai')::date, resolved_service_id = p.service_id
    from app_platforms p join services s on s.id = p.service_id
   where p.id = any (platform_ids) and p.active
     and f.resolved_on is null and f.platform = p.platform and f.package_name = p.package_name
     and f.fingerprint in (p.cert_md5, p.cert_sha1, p.cert_sha256);
$$;

-- What the insert triggers below skip while the switch is on, for the platforms a writer inserted.
create function beian_catch_up_platforms(platform_ids uuid[]) returns void language plpgsql as $$
begin
  perform verify_identities_refresh(platform_ids);
  perform findings_resolve_for(platform_ids);
end
$$;

-- Read model: the insert trigger honours the switch (updates are not deferred).
create function verify_identities_from_inserted_platforms() returns trigger language plpgsql as $$
begin
  if beian_maintenance_deferred() then
    return null;
  end if;
  perform verify_identities_refresh(array(select id from new_rows));
  return null;
end
$$;
drop trigger verify_identities_platforms_insert on app_platforms;
create trigger verify_identities_platforms_insert after insert on app_platforms
  referencing new table as new_rows for each statement execute function verify_identities_from_inserted_platforms();

-- Findings: one statement per insert instead of one UPDATE per row, and honouring the switch.
drop trigger findings_resolve on app_platforms;
drop function findings_resolve_on_filing();
create function findings_resolve_on_filing() returns trigger language plpgsql as $$
begin
  if beian_maintenance_deferred() then
    return null;
  end if;
  perform findings_resolve_for(array(select id from new_rows where active));
  return null;
end
$$;
create trigger findings_resolve after insert on app_platforms
  referencing new table as new_rows for each statement execute function findings_resolve_on_filing();

-- Only migration 0011 marks duplicates: checked in the trigger's WHEN clause, so an insert or an
-- update that leaves duplicate_of alone no longer calls a function per row.
drop trigger subjects_duplicate_of_frozen on subjects;
create trigger subjects_duplicate_of_frozen_insert before insert on subjects
  for each row when (new.duplicate_of is not null) execute function subjects_duplicate_of_frozen();
create trigger subjects_duplicate_of_frozen_update before update of duplicate_of on subjects
  for each row when (new.duplicate_of is distinct from old.duplicate_of) execute function subjects_duplicate_of_frozen();
