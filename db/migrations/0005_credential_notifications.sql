-- Credential change notifications (issue 5, benchmark (a); docs/decisions/0009-api-keys-cached-per-process.md):
-- every server process keeps the API keys it has seen in memory, so a relying party's check costs
-- no database round trip for its key. A revoked key or a suspended organisation must stop working
-- everywhere at once: these triggers send NOTIFY beian_credentials (delivered on commit) and every
-- process empties its key cache. Only the columns that decide whether a key is live fire them —
-- the last-used stamp (api_keys.last_used_at) is written on use and must not.
create function credentials_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('beian_credentials', '');
  return null;
end
$$;
create trigger api_keys_notify after update of revoked_at, key_hash, organisation_id or delete on api_keys
  for each statement execute function credentials_notify();
create trigger organisations_notify after update of status, kind or delete on organisations
  for each statement execute function credentials_notify();
