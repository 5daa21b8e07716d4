-- A public record's events kept beside it (issue 16 item 7; docs/decisions/0029-public-events-beside-the-record.md).
-- The public record (search answers, GET /services/{number}, /subjects/{mainNumber}) lists its
-- life — filed, changed, access added/cancelled, shell, cancelled, revoked — each with its leaf
-- in the transparency log (issue 15). Until now each answer derived them from history: three
-- probes per record into the history table (the filing application's approval, the service's
-- own rows, its subject's changes). Here each history row that is a public event is copied,
-- once, to public_events under its owner (the service, or for a subject's change the subject:
-- every service of the subject shows it), by a trigger on history — the one table every flow
-- already writes in the same transaction as its change. The leaf index is still read from
-- log_leaves (unique on history_id): the sequencer appends after commit, and a copy of it here
-- would be a second writer to keep current.

-- Keys and index come after the backfill (below): built from the loaded rows, not row by row.
create table public_events (
  history_id  bigint not null,       -- the history row (primary key, below)
  owner_id    uuid not null,         -- services.id, or subjects.id for a subject's 'changed'
  action      text not null,         -- the history action; 'filed' for the approving application's bureau_approve
  at          timestamptz not null   -- history.at
);

-- Which history rows are public events, and whose (the same rules the answers used to apply per
-- read, src/api/public/queries.ts until 0029):
--   * a service's filed / changed / access_added / access_cancelled / become_shell / cancel /
--     clean_up / revoke row, owned by the service;
--   * a subject's changed row, owned by the subject;
--   * the bureau_approve row of an approved first filing or new-service application, as
--     'filed', owned by the application's service.
-- Deferred to commit: the approval's row then sees its application approved with its service
-- whatever the order of the statements in the transaction (applications are never moved out
-- of 'approved'). The WHEN clause is checked at insert: other rows (an import's 'imported',
-- a login, a review step) queue nothing.
create function public_event_of_history() returns trigger language plpgsql as $$
declare
  owner uuid;
  act text := new.action;
begin
  if new.action = 'bureau_approve' then
    select a.service_id into owner from applications a
     where a.id = new.application_id and a.application_type in ('first_filing', 'new_service') and a.status = 'approved';
    act := 'filed';
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

create constraint trigger history_public_event after insert on history
  deferrable initially deferred for each row
  when ((new.entity_type = 'service' and new.action in ('filed', 'changed', 'access_added', 'access_cancelled', 'become_shell', 'cancel', 'clean_up', 'revoke'))
     or (new.entity_type = 'subject' and new.action = 'changed')
     or (new.action = 'bureau_approve' and new.application_id is not null))
  execute function public_event_of_history();

-- Existing databases: one pass over history. The trigger above already holds history's lock
-- (share row exclusive, until this migration commits), so no row written meanwhile is missed.
-- Measured on the 1,000,000-service bench database with 1,460,000 event rows added to its 1.5
-- million history rows: 11 s for the insert, keys and index (ADR 0029).
insert into public_events (history_id, owner_id, action, at)
select h.id, h.entity_id, h.action, h.at from history h
 where (h.entity_type = 'service' and h.action in ('filed', 'changed', 'access_added', 'access_cancelled', 'become_shell', 'cancel', 'clean_up', 'revoke'))
    or (h.entity_type = 'subject' and h.action = 'changed')
union all
select h.id, a.service_id, 'filed', h.at from history h join applications a on a.id = h.application_id
 where h.action = 'bureau_approve' and a.application_type in ('first_filing', 'new_service') and a.status = 'approved' and a.service_id is not null;

alter table public_events add constraint public_events_pkey primary key (history_id);
create index public_events_owner on public_events (owner_id, at, history_id) include (action);
-- Rows of history only (append-only: never orphaned), checked here in one pass.
alter table public_events add constraint public_events_history_id_fkey foreign key (history_id) references history (id);
