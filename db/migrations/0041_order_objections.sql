-- Orders followed up (ADR 0018, addendum "Objections, withdrawals and re-dated orders"): an
-- organisation objects to an order item (not its APP, filed now, more time, another reason) and
-- the bureau upholds the order or withdraws the item; the bureau withdraws an item it ordered by
-- mistake and moves an order's date; an order past its date is followed up once per date.
--
-- The item statuses' checks are replaced by name-independent look-up: 0017 declared them inline,
-- so their names are PostgreSQL's choice.
do $$
declare c record;
begin
  for c in select conname from pg_constraint
            where conrelid = 'disposal_order_items'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%status%'
  loop
    execute format('alter table disposal_order_items drop constraint %I', c.conname);
  end loop;
end
$$;

alter table disposal_order_items
  add column objection_ground text check (objection_ground in ('not_ours', 'already_filed', 'more_time', 'other')),
  add column objection_note text check (objection_note is null or length(objection_note) between 1 and 2000),
  add column objection_due_requested date,
  add column objected_at timestamptz,
  add column objected_by uuid references users (id),
  -- The bureau's words when it upholds an objection or withdraws the item.
  add column answer_note text check (answer_note is null or length(answer_note) between 1 and 1000),
  add constraint disposal_order_items_status_check check (status in ('open', 'objected', 'done', 'accepted', 'withdrawn')),
  add constraint disposal_order_items_done_has_evidence check (status not in ('done', 'accepted') or (evidence is not null and done_at is not null)),
  add constraint disposal_order_items_objection_stated check (status <> 'objected' or (objection_ground is not null and objection_note is not null and objected_at is not null));

-- An objected item still holds its finding (one order item per finding until accepted, 0040);
-- a withdrawn one frees it.
drop index if exists disposal_order_items_finding_open;
create unique index disposal_order_items_finding_open on disposal_order_items (finding_id)
  where status in ('open', 'objected', 'done') and not legacy_duplicate;

-- A re-dated order counts its working days from the day it was re-dated (a calendar change
-- recounts from there); the date whose passing the organisation and bureau were told of.
alter table disposal_orders
  add column due_from date,
  add column overdue_noticed_for date,
  add constraint disposal_orders_due_from check (due_from is null or (due_from >= ordered_on and due_on > due_from));

-- Evidence may be added to an objected item too (the proof of an objection: a take-down record,
-- the filing's number).
create or replace function order_item_attachments_guard() returns trigger language plpgsql as $$
begin
  if tg_op <> 'INSERT' then
    raise exception 'order item attachments are kept as evidence' using errcode = 'P0001';
  end if;
  if (select status from disposal_order_items where id = new.item_id) not in ('open', 'objected') then
    raise exception 'attachments are added to an open or objected order item only' using errcode = '23514';
  end if;
  if (select count(*) from order_item_attachments where item_id = new.item_id) >= 10 then
    raise exception 'at most 10 attachments an order item' using errcode = '23514';
  end if;
  return new;
end
$$;
