-- One order item per finding until the bureau accepts it (issue 14 contract 5; ADR 0018,
-- addendum "One open order item per finding"). The flow refuses a second order for a finding
-- whose item is open or done-but-unaccepted (409 finding_already_ordered); this index is the same
-- rule where no writer can get past it. An accepted item frees the finding (it may be ordered
-- again if the APP comes back); a reopened item is open again and still holds it.
--
-- Databases written before the rule may hold such duplicates. They are not resolved here — which
-- order stands is the bureau's decision, not the migration's — so the upgrade stops and names them.
do $$
declare dup text;
begin
  select string_agg(finding_id::text, ', ') into dup from (
    select finding_id from disposal_order_items where finding_id is not null and status in ('open', 'done')
     group by finding_id having count(*) > 1 limit 20) d;
  if dup is not null then
    raise exception 'findings with more than one open or unaccepted disposal order item: %', dup
      using hint = 'For each finding the bureau decides which order stands; the other items are confirmed and accepted (their history says why), then migrate again. See docs/decisions/0018-supervision.md.';
  end if;
end $$;

create unique index disposal_order_items_finding_open on disposal_order_items (finding_id) where status in ('open', 'done');
