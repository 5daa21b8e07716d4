-- Personal-data access log (issue 15 §2, PIPL art. 51/54-style accountability; ADR 0025):
-- one row each time personal data leaves the server decrypted for a person to see — who
-- (user, role, organisation), which record, when, why (purpose) and which kinds of data.
-- Append-only like history; every row also has a history row (entity 'personal_data_access'),
-- so the transparency log commits to it as a private digest.
create table personal_data_access (
  id             uuid primary key default gen_random_uuid(),
  at             timestamptz not null,
  actor_user_id  uuid references users (id),
  actor_role     text not null,
  actor_org_id   uuid references organisations (id),
  api_key_id     uuid,
  record_type    text not null check (record_type in ('application', 'service', 'subject', 'dev_sms')),
  record_id      text not null check (length(record_id) between 1 and 100),
  purpose        text not null check (purpose in ('own_application', 'own_filed_record', 'first_review', 'bureau_review', 'administration')),
  fields         text[] not null check (cardinality(fields) > 0),
  request_id     text
);
create index personal_data_access_at on personal_data_access (at desc, id);
create index personal_data_access_actor on personal_data_access (actor_user_id, at desc);
create index personal_data_access_record on personal_data_access (record_type, record_id, at desc);

create trigger personal_data_access_append_only before update or delete on personal_data_access
  for each row execute function log_is_append_only(); -- "% is append-only" (0015)
