-- One filed subject per certificate (issue 13; DOMAIN.md §3, §4.1): in the regime one
-- certificate — a unit's certificate type + number, an individual's resident ID — is one filed
-- subject with one main number nationwide; a second APP is a new service under it. Until now
-- nothing stopped 4 first filings of one company from getting 4 main numbers.
-- See docs/decisions/0015-one-subject-per-certificate.md.

-- 1. Subjects. A database that already holds duplicates must still migrate: numbers that were
--    issued are public and relied on, so the migration cancels nothing. It keeps the earliest
--    filed subject of each certificate and marks the later ones `duplicate_of` it; the unique
--    index covers every filed subject not so marked, so no NEW duplicate can ever be written.
--    The marked ones are reported by `beian migrate` (and the query in ADR 0015) for the bureau
--    to resolve (merge the services under the earliest main number, or cancel).
alter table subjects add column duplicate_of uuid references subjects (id);
alter table subjects add constraint subjects_duplicate_of_other check (duplicate_of is null or duplicate_of <> id);

with ranked as (
  select id, first_value(id) over (partition by certificate_type, certificate_number_hash
                                   order by filed_at nulls last, created_at, id) as keeper
    from subjects
   where status = 'filed'
)
update subjects s set duplicate_of = r.keeper from ranked r where r.id = s.id and r.keeper <> s.id;

-- Only this migration marks duplicates: a writer setting the mark would slip past the index.
create function subjects_duplicate_of_frozen() returns trigger language plpgsql as $$
begin
  if new.duplicate_of is not null and (tg_op = 'INSERT' or new.duplicate_of is distinct from old.duplicate_of) then
    raise exception 'subjects.duplicate_of marks duplicates found by migration 0011 only' using errcode = '23514';
  end if;
  return new;
end
$$;
create trigger subjects_duplicate_of_frozen before insert or update of duplicate_of on subjects
  for each row execute function subjects_duplicate_of_frozen();

create unique index subjects_one_filed_per_certificate on subjects (certificate_type, certificate_number_hash)
  where status = 'filed' and duplicate_of is null;

-- 2. First filings in progress. "此证件存在进行中的订单" (Huawei Cloud, DOMAIN.md §4.1): an open order
--    for a certificate blocks another. Submission stamps the application with the keyed hash of
--    its subject's certificate (the materials themselves are sealed, so SQL cannot read them);
--    while it is with the provider, the SMS check, the bureau or back with the host for edits,
--    no other first filing of that certificate may be submitted. Drafts claim nothing (anyone can
--    type any number into a draft). Applications already in flight before this migration carry
--    no stamp; the subjects index above still keeps their approval to one subject.
alter table applications add column subject_certificate_type text;
alter table applications add column subject_certificate_hash text;
alter table applications add constraint applications_certificate_claim_pair
  check ((subject_certificate_type is null) = (subject_certificate_hash is null));
create unique index applications_one_open_first_filing_per_certificate
  on applications (subject_certificate_type, subject_certificate_hash)
  where application_type = 'first_filing'
    and status in ('provider_review', 'returned', 'sms_pending', 'bureau_review', 'bureau_rejected');
