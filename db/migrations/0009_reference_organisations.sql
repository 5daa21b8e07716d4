-- A deployment starts from nothing (issue 12, part 2; ADR 0012).
--
-- Reference organisations: the ministry and the 31 provincial bureaus are rows every database
-- holds after migrating, synced from src/domain/reference-organisations.ts by the migration
-- runner (syncReferenceData). reference_key names the row the code owns ('ministry',
-- 'bureau:<province code>'), so a rename in the code updates that row in place and keeps its
-- id (its staff, applications and history stay attached).
alter table organisations add column reference_key text unique;
alter table organisations add constraint organisations_reference_key_shape check (
  reference_key is null
  or (kind = 'ministry' and reference_key = 'ministry')
  or (kind = 'bureau' and reference_key = 'bureau:' || province_code)
);

-- An account whose password someone else chose (the first administrator's one-time password)
-- must set a new one before anything else; POST /api/auth/password clears the flag.
alter table users add column must_change_password boolean not null default false;
