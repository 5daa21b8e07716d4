-- Changes after the number (issue 13; DOMAIN.md §4.3): a change of a filed service (变更APP), of a
-- filed subject (变更主体) and a new access record (新增接入) are applications of their own kinds,
-- going the first filing's way (src/domain/lifecycle.ts APPLICATION_KINDS). The numbers stay.
-- See docs/decisions/0015-one-subject-per-certificate.md.
alter table applications drop constraint applications_application_type_check;
alter table applications add constraint applications_application_type_check
  check (application_type in ('first_filing', 'new_service', 'change_service', 'change_subject', 'add_access'));

-- A change names the filed record it changes.
alter table applications add constraint applications_change_target check (
  (application_type not in ('change_service', 'add_access') or (service_id is not null and subject_id is not null))
  and (application_type <> 'change_subject' or subject_id is not null));

-- The filed record as it was when the change was drafted (personal fields sealed, like materials):
-- the reviewers' field-by-field diff, and the principals who are new (identity verification).
alter table applications add column base_materials jsonb;
alter table applications add constraint applications_change_has_base
  check (application_type in ('first_filing', 'new_service') or base_materials is not null);

-- One open application of each kind per record. A service's change and its access filing share
-- one: nothing else may be edited while an access filing is open (DOMAIN.md §4.3 [S14]).
create unique index applications_one_open_change_per_service on applications (service_id)
  where application_type in ('change_service', 'add_access') and status not in ('approved', 'withdrawn');
create unique index applications_one_open_change_per_subject on applications (subject_id)
  where application_type = 'change_subject' and status not in ('approved', 'withdrawn');
