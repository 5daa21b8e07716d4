-- Provisional deadlines and imported calendar schedules (issue 12 part 1; ADR 0011).
-- A deadline counted into a year whose official holiday schedule is not known yet (weekends and
-- the statutory holidays only) is provisional until that year's schedule is imported; the
-- queues and the API show it. Only a deadline can be provisional.
alter table applications add column deadline_provisional boolean not null default false;
alter table applications add constraint applications_deadline_provisional_has_deadline
  check (deadline_on is not null or not deadline_provisional);

-- Each import of a year's official schedule (`beian calendar import`, the admin upload): what
-- the file said, kept as imported so a later chinese-days upgrade can be compared with it even
-- after someone edits the override rows by hand. The override rows themselves are what counts.
create table calendar_imports (
  id              uuid primary key default gen_random_uuid(),
  year            integer not null check (year between 2004 and 2099),
  source          text not null check (length(source) between 1 and 200),
  format          text not null check (format in ('ics', 'json')),
  holidays        jsonb not null check (jsonb_typeof(holidays) = 'array'),
  workdays        jsonb not null check (jsonb_typeof(workdays) = 'array'),
  deadlines_moved integer not null default 0 check (deadlines_moved >= 0),
  imported_by     uuid references users (id),
  imported_at     timestamptz not null default now()
);
create index calendar_imports_year on calendar_imports (year, imported_at desc);
