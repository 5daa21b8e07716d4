-- A subject an import created whose imported services are all cancelled or revoked (so far) does not
-- hold its certificate (ADR 0043; docs/import.md): the import cancels it at its end, as the registry's
-- flows cancel a subject with its last live service, and until then it must not refuse the same
-- certificate filed under another main number later in the file — nor be refused for it, whatever the
-- order of the lines. Such a subject is written filed with `import_ending` set; the one-per-certificate
-- index (migration 0011) leaves it out. A live service imported under it clears the mark (refused when
-- another filed subject holds the certificate then); the import's end step cancels it and clears it.
-- No flow sets it: every other subject keeps false.
alter table subjects add column import_ending boolean not null default false;
drop index subjects_one_filed_per_certificate;
create unique index subjects_one_filed_per_certificate on subjects (certificate_type, certificate_number_hash)
  where status = 'filed' and duplicate_of is null and not import_ending;

-- An import's refusal of a line for a row another line or record holds names that holder (docs/import.md):
-- {"line": n} for a line of the same import, {"serviceNumber": …} / {"mainNumber": …} for a record.
alter table import_rejections add column held_by jsonb;
