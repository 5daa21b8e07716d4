-- A public reporter's contact (violation_reports.reporter_contact_enc, issue 14 contract 6) is
-- personal data shown in full to the supervising bureau: it goes through the personal-data access
-- log like every other full view (docs/decisions/0025-personal-data-access-log.md, addendum).
alter table personal_data_access drop constraint personal_data_access_record_type_check;
alter table personal_data_access add constraint personal_data_access_record_type_check
  check (record_type in ('application', 'service', 'subject', 'dev_sms', 'violation_report'));
alter table personal_data_access drop constraint personal_data_access_purpose_check;
alter table personal_data_access add constraint personal_data_access_purpose_check
  check (purpose in ('own_application', 'own_filed_record', 'first_review', 'bureau_review', 'administration', 'supervision'));
