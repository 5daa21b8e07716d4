-- A subject's end is an event of each of its services' public records (ADR 0029 addendum "A subject's
-- end"). A subject cancelled by its host (注销主体), cancelled with its last service (a revocation, a shell
-- cleanup) or revoked writes a subject history row that the transparency log publishes as a `cancelled` /
-- `revoked` entry naming the main number, and the record statements of its services list it — but the
-- records' `events` (public_events, migration 0029) had only the subject's changes, so the end was
-- missing from every record and `log-check record` never saw its leaf. Now, like a subject's change, the
-- row is kept once under the subject (every service of the subject shows it), as `subject_cancelled` /
-- `subject_revoked`: a service's own `cancel` / `revoke` row stays its own event, and a revoked service of
-- a cleaned-up subject must not read as cancelled.
create or replace function public_event_of_history() returns trigger language plpgsql as $$
declare
  owner uuid;
  act text := new.action;
begin
  if new.action = 'bureau_approve' then
    select a.service_id into owner from applications a
     where a.id = new.application_id and a.application_type in ('first_filing', 'new_service') and a.status = 'approved';
    act := 'filed';
  elsif new.action in ('imported', 'logged_imported') then
    owner := new.entity_id;
    act := 'imported';
  elsif new.entity_type = 'subject' and new.action in ('cancel', 'clean_up') then
    owner := new.entity_id;
    act := 'subject_cancelled';
  elsif new.entity_type = 'subject' and new.action = 'revoke' then
    owner := new.entity_id;
    act := 'subject_revoked';
  else
    owner := new.entity_id;
  end if;
  if owner is not null then
    insert into public_events (history_id, owner_id, action, at) values (new.id, owner, act, new.at)
      on conflict (history_id) do nothing;
  end if;
  return null;
end
$$;

-- The subject's actions as flows write them (src/flows/subjects.ts, cancel-subject.ts: `cancel`, `clean_up`; a
-- revocation would be `revoke`, as a service's), like 0029 for the service's: the other names the log's entry
-- rules accept (`cancelled`, `revoked`) are written by no flow.
drop trigger history_public_event on history;
create constraint trigger history_public_event after insert on history
  deferrable initially deferred for each row
  when ((new.entity_type = 'service' and new.action in ('filed', 'changed', 'access_added', 'access_cancelled', 'become_shell', 'cancel', 'clean_up', 'revoke'))
     or (new.entity_type = 'subject' and new.action in ('changed', 'cancel', 'clean_up', 'revoke'))
     or (new.action in ('imported', 'logged_imported') and new.entity_type in ('service', 'subject') and not beian_maintenance_deferred())
     or (new.action = 'bureau_approve' and new.application_id is not null))
  execute function public_event_of_history();

-- Existing databases: one pass over history (the trigger above holds history's lock until this commits).
insert into public_events (history_id, owner_id, action, at)
select h.id, h.entity_id, case when h.action = 'revoke' then 'subject_revoked' else 'subject_cancelled' end, h.at
  from history h
 where h.entity_type = 'subject' and h.action in ('cancel', 'clean_up', 'revoke')
on conflict (history_id) do nothing;
