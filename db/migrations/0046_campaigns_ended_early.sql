-- A campaign ended early by the bureau that runs it (ADR 0018, addendum "Campaigns extended or
-- ended early; legacy duplicates settled"). `ended_on` is the China date it was ended: from then
-- no catalogue is received, and its dashboard reads it up to that day. The planned dates stay as
-- they were (history keeps every move); extending a campaign moves `catalogue_due_on` / `ends_on`
-- themselves and is checked by the table's own date check.
alter table campaigns
  add column ended_on date,
  add column end_reason text check (end_reason is null or length(end_reason) between 1 and 1000),
  add constraint campaigns_ended_stated check ((ended_on is null) = (end_reason is null));
