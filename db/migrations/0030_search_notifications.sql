-- Search change notifications (issue 16 item 7; docs/decisions/0029-public-events-beside-the-record.md,
-- addendum "Common words from memory"): each server process keeps the answers of the most expensive
-- searches — the common words, answered from the first 1,000 matches of a path — in memory, and
-- must forget them when anything a search answer shows changes. Every statement that writes a
-- table a search reads (services, subjects, app_platforms, public_events, log_leaves: names, numbers,
-- statuses, platforms, events and their log leaves) sends NOTIFY beian_search (delivered on commit,
-- identical notifications of a transaction folded into one), and every process empties its cache.
-- Statement-level: a bulk load sends one notification, not one per row.
create function search_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('beian_search', '');
  return null;
end
$$;
create trigger services_search_notify after insert or update or delete or truncate on services
  for each statement execute function search_notify();
create trigger subjects_search_notify after insert or update or delete or truncate on subjects
  for each statement execute function search_notify();
create trigger app_platforms_search_notify after insert or update or delete or truncate on app_platforms
  for each statement execute function search_notify();
create trigger public_events_search_notify after insert or update or delete or truncate on public_events
  for each statement execute function search_notify();
create trigger log_leaves_search_notify after insert or update or delete or truncate on log_leaves
  for each statement execute function search_notify();
