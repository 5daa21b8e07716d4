-- Timed work once per tick across processes (issue 16 §3; ADR 0021). Every server process runs the
-- minute works; the first to move a job's row to the current tick (the minute, as the flow clock
-- reads it) does that tick's work, the others skip it. One row per job: nothing to prune.
create table timed_work_ticks (
  job        text primary key check (job ~ '^[a-z][a-z_]{1,39}$'),
  tick       timestamptz not null,
  claimed_at timestamptz not null
);
