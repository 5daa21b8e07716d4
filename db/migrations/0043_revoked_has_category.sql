-- A revoked filing always says why, publicly (docs/api-public.md: `revocationCategory` is one of
-- false_materials, shell_cleanup, illegal, other while revoked; the OpenAPI enum is not nullable).
-- Rows revoked by a path that set no category — the demo seeds, imported revoked records, SQL —
-- get `other`, the catch-all the revocation flow itself defaults to; from now on no writer can
-- leave one revoked without a category.
update services set revocation_category = 'other' where status = 'revoked' and revocation_category is null;
alter table services add constraint services_revoked_has_category check (status <> 'revoked' or revocation_category is not null);
