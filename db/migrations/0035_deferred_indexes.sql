-- First load of a bulk import (issue 16 item 8; docs/import.md, docs/decisions/0032-first-load.md).
-- An import into a registry that holds no filings yet drops the registry tables' non-unique
-- indexes (search GIN indexes, prefixes, lookups) and the foreign keys of the tables it fills at
-- its start, and builds them once at its end (a foreign key is added back with one validating
-- join over the loaded rows) instead of maintaining and checking them row by row. Their
-- definitions are kept here, in the transaction that drops them, so whoever comes next — the
-- import's own end, a resumed import, another import, `beian migrate` or the server's start-up
-- (src/db/deferred-indexes.ts) — re-creates them from this table; a database is never left without
-- them. Unique indexes are never dropped: the import's checks probe them and they keep the
-- registry's uniqueness rules during the load.
create table deferred_indexes (
  table_name  text not null,
  name        text not null,
  kind        text not null check (kind in ('index', 'foreign_key')),
  definition  text not null check ((kind = 'index' and definition like 'CREATE INDEX %')
                                   or (kind = 'foreign_key' and definition like 'FOREIGN KEY %')),
  import_id   uuid references imports (id),
  dropped_at  timestamptz not null default now(),
  primary key (table_name, name)
);
