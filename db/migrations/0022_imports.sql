-- Bulk import of existing filings (issue 16 item 8; docs/import.md,
-- docs/decisions/0024-bulk-import.md). One row per imported source (a file, by the SHA-256 of
-- its bytes, or a generator run by its key): the last line whose batch committed, so an
-- interrupted import continues after it and a finished one is not applied twice. Each batch
-- commits its records, its rejections and this row's progress in one transaction.
create table imports (
  id              uuid primary key default gen_random_uuid(),
  source_key      text not null unique check (length(source_key) between 1 and 200),
  file_name       text not null check (length(file_name) between 1 and 500),
  format          text not null check (format in ('ndjson', 'csv')),
  status          text not null default 'running' check (status in ('running', 'done')),
  last_line       integer not null default 0 check (last_line >= 0),
  services        integer not null default 0 check (services >= 0),
  subjects        integer not null default 0 check (subjects >= 0),
  rejected        integer not null default 0 check (rejected >= 0),
  started_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  finished_at     timestamptz
);

-- Lines that were not loaded and why (the field as spelt in the file, a stable code).
create table import_rejections (
  import_id  uuid not null references imports (id),
  line       integer not null check (line > 0),
  field      text not null,
  code       text not null,
  message    text not null,
  primary key (import_id, line)
);
