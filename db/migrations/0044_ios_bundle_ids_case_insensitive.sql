-- iOS bundle IDs are case-insensitive (Apple: a bundle ID is unique without regard to case), so one
-- active filing per iOS bundle ID whatever its case: COM.EXAMPLE.LEDGER and com.example.ledger are
-- one package (src/domain/verification.ts matchingPackageName). app_platforms_active_package (0001)
-- compared exactly, so two filings differing only in case could both be active. Android package
-- names and HarmonyOS bundle names stay case-sensitive.
--
-- Databases written before the rule may hold such pairs. Which filing stands is the bureau's
-- decision, and refusing the upgrade would keep the server from starting: the earliest active row of
-- each folded bundle ID stays under the rule, the others are marked `legacy_case_duplicate` — still
-- active as they were, outside the index, for the bureau to settle. No new pair can be written.
alter table app_platforms add column if not exists legacy_case_duplicate boolean not null default false;

update app_platforms p set legacy_case_duplicate = true
  from (select id, row_number() over (partition by lower(package_name) order by created_at, id) as rn
          from app_platforms where platform = 'ios' and active and not legacy_case_duplicate) d
 where d.id = p.id and d.rn > 1;

create unique index if not exists app_platforms_active_ios_folded on app_platforms (lower(package_name))
  where active and platform = 'ios' and not legacy_case_duplicate;

-- Verification looks iOS bundle IDs up folded (src/db/verification.ts IDENTITIES_SQL).
create index if not exists verify_identities_ios_folded on verify_identities (lower(package_name)) where platform = 'ios';
