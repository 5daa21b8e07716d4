-- Transparency log: a rotated signing key signs the latest tree size again (ADR 0017 addendum
-- "Key rotation"). Heads were one per tree size, so right after a rotation an idle log had no head
-- of the new key, and record statements (signed by the key of their head) answered 503 until the
-- log grew. Now one head per size and key. Still append-only (the trigger of migration 0015), and
-- the database keeps the rules a head of a size already signed must follow: the same root, a
-- later timestamp than every head, and no head for a smaller tree than one already signed.
alter table log_tree_heads drop constraint log_tree_heads_pkey;
alter table log_tree_heads add primary key (tree_size, key_id);

create function log_tree_head_extends() returns trigger language plpgsql as $$
begin
  if exists (select 1 from log_tree_heads where tree_size = new.tree_size and root_hash <> new.root_hash) then
    raise exception 'tree head %: another root was signed for this size', new.tree_size using errcode = 'P0001';
  end if;
  if exists (select 1 from log_tree_heads where tree_size > new.tree_size or timestamp_ms >= new.timestamp_ms) then
    raise exception 'tree head %: a head of a larger tree or a later time is already signed', new.tree_size using errcode = 'P0001';
  end if;
  return new;
end
$$;
create trigger log_tree_heads_extend before insert on log_tree_heads
  for each row execute function log_tree_head_extends();

-- A record loaded by `beian import` has its `imported` row in the transparency log as a public event
-- (entry version 2, migration 0039), and its record statements list it, but the public record's
-- `events` (public_events, migration 0029) did not: an imported record's events were only those dated
-- by the record itself, with no leaf. Now the service's and the subject's import is an event of the
-- record too, `imported` (type `imported` in the answers, docs/api-public.md), owned by the service or
-- the subject like its other rows. A record whose `imported` row the log holds as a version-1 private
-- entry has a `logged_imported` row (migration 0039), the public one: that row is its import event.
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

-- A bulk writer (beian import: 1.5 million history rows for a million services) does not pay this
-- trigger row by row (measured 40-60 µs a row on PostgreSQL 15): with the deferred-maintenance switch
-- of migration 0027 on, its import rows queue nothing, and it writes their public events itself after
-- its history insert, in the same transaction, in one set-based insert (IMPORTED_EVENTS,
-- src/db/bulk-import.ts).
drop trigger history_public_event on history;
create constraint trigger history_public_event after insert on history
  deferrable initially deferred for each row
  when ((new.entity_type = 'service' and new.action in ('filed', 'changed', 'access_added', 'access_cancelled', 'become_shell', 'cancel', 'clean_up', 'revoke'))
     or (new.entity_type = 'subject' and new.action = 'changed')
     or (new.action in ('imported', 'logged_imported') and new.entity_type in ('service', 'subject') and not beian_maintenance_deferred())
     or (new.action = 'bureau_approve' and new.application_id is not null))
  execute function public_event_of_history();

insert into public_events (history_id, owner_id, action, at)
select h.id, h.entity_id, 'imported', h.at from history h
 where h.entity_type in ('service', 'subject')
   and (h.action = 'logged_imported'
        or (h.action = 'imported' and not exists (select 1 from history x where x.entity_type = h.entity_type and x.entity_id = h.entity_id
                                                                         and x.action = 'logged_imported')))
on conflict (history_id) do nothing;
-- A record whose import the log holds as a private version-1 leaf has its public one in
-- `logged_imported` (migration 0039): only that one is its event.
delete from public_events e using history h
 where e.history_id = h.id and h.action = 'imported'
   and exists (select 1 from history x where x.entity_type = h.entity_type and x.entity_id = h.entity_id and x.action = 'logged_imported');

-- Registration codes are limited per mobile *and requesting client* (ADR 0005 addendum "A fairer limit"):
-- 3 an hour a mobile from one client, 10 an hour a mobile from all, so a stranger can no longer use up a
-- mobile's codes and keep its owner waiting. The client (an IPv4 address, or an IPv6 /64) is kept only as
-- a keyed hash, like the mobile, and goes with the row when it is purged (two days). Rows of before have none.
alter table registration_codes add column client_hash text;
