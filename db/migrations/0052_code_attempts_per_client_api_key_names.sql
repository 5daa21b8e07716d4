-- Wrong tries at a registration or password-reset code are counted per client as well as on the code
-- (ADR 0005 addendum "Wrong codes counted per client"): anyone who knows a mobile or a login could end its
-- owner's code with five wrong tries. Now a client (an IPv4 address, or an IPv6 /64, kept only as the keyed
-- hash the code requests use) has 5 wrong tries at a code and the code 20 in all; the code row's `attempts`
-- stays the total. Rows go with their code when it is purged (two days).
create table registration_code_attempts (
  code_id     uuid not null references registration_codes (id) on delete cascade,
  client_hash text not null,
  attempts    integer not null check (attempts between 1 and 5),
  primary key (code_id, client_hash)
);
create table password_reset_attempts (
  code_id     uuid not null references password_resets (id) on delete cascade,
  client_hash text not null,
  attempts    integer not null check (attempts between 1 and 5),
  primary key (code_id, client_hash)
);
alter table registration_codes add constraint registration_codes_attempts_cap check (attempts <= 20);
alter table password_resets add constraint password_resets_attempts_cap check (attempts <= 20);

-- An organisation's active API keys have distinct names (the console and history tell keys apart by name;
-- POST /api/org/api-keys answers 409 api_key_name_taken naming body.name). Keys of before may share a name:
-- every such key but the oldest is renamed with its prefix appended ("name · bk_XXXXXXX", within the 64
-- characters the name holds), and the rename is in its history, so the index can hold the rule.
with dup as (
  select id, name, key_prefix,
         row_number() over (partition by organisation_id, name order by created_at, id) as n
    from api_keys where revoked_at is null
), renamed as (
  update api_keys k set name = left(d.name, 64 - length(' · ' || d.key_prefix)) || ' · ' || d.key_prefix
    from dup d where d.id = k.id and d.n > 1
  returning k.id, d.name as old_name, k.name as new_name
)
insert into history (entity_type, entity_id, action, actor_role, reason)
select 'api_key', id, 'renamed', 'system',
       jsonb_build_object('from', old_name, 'to', new_name, 'note', 'another active key of the organisation had this name (migration 0052)')
  from renamed;
create unique index api_keys_active_name on api_keys (organisation_id, name) where revoked_at is null;
