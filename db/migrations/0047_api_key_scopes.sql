-- An API key's scope (security audit): a key named for verification could read applicants' full ID
-- numbers and approve a first review, because every key acted with its organisation's full staff
-- role. `verify`: the verification API only (/api/verify/…, the public API, "who am I"); `full`: what a
-- key could do before. New keys default to `verify`; the keys that exist keep what they could do
-- (`full`), so no integration breaks.
alter table api_keys add column scope text not null default 'full' check (scope in ('verify', 'full'));
alter table api_keys alter column scope set default 'verify';

-- Who acted, when it was a key: history named the role and organisation but neither the person
-- (none) nor the key. Set for every entry made with a key from now on.
alter table history add column actor_api_key_id uuid references api_keys (id);
