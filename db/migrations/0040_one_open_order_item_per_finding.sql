-- One order item per finding until the bureau accepts it (issue 14 contract 5; ADR 0018,
-- addendum "One open order item per finding"). The flow refuses a second order for a finding
-- whose item is open or done-but-unaccepted (409 finding_already_ordered); this index is the same
-- rule where no writer can get past it. An accepted item frees the finding (it may be ordered
-- again if the APP comes back); a reopened item is open again and still holds it.
--
-- Databases written before the rule may hold such duplicates. Which order stands is the bureau's
-- decision, and refusing the upgrade would keep the server (where the bureau decides) from
-- starting: so each finding's items from its latest order stay under the rule, and the others are
-- marked `legacy_duplicate` — kept as they are, open or done, for the bureau to settle, outside the
-- index. No item is changed otherwise, and no new duplicate can be written.
alter table disposal_order_items add column if not exists legacy_duplicate boolean not null default false;

update disposal_order_items i set legacy_duplicate = true
  from (select i2.id, row_number() over (partition by i2.finding_id order by o.created_at desc, i2.id desc) as rn
          from disposal_order_items i2 join disposal_orders o on o.id = i2.order_id
         where i2.finding_id is not null and i2.status in ('open', 'done') and not i2.legacy_duplicate) d
 where d.id = i.id and d.rn > 1;

create unique index if not exists disposal_order_items_finding_open on disposal_order_items (finding_id)
  where status in ('open', 'done') and not legacy_duplicate;
