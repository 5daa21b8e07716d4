-- Evidence files of disposal order confirmations (issue 14, contract 5 `attachments?`): an
-- organisation uploads PDF, PNG or JPEG files (at most 5 MiB each, 10 an item) to an open item of
-- its order, then confirms the item; the bureau lists and downloads them. Kept in the database
-- (backed up with it, no file store to run); their SHA-256 goes into history with the upload and
-- the confirmation. Evidence is kept: a file is never changed or removed, and one can only be
-- added while the item is open.
create table order_item_attachments (
  id              uuid primary key default gen_random_uuid(),
  item_id         uuid not null references disposal_order_items (id),
  organisation_id uuid not null references organisations (id),
  name            text not null check (length(name) between 1 and 200 and name !~ '[/\\[:cntrl:]]'),
  content_type    text not null check (content_type in ('application/pdf', 'image/png', 'image/jpeg')),
  bytes           integer not null check (bytes between 1 and 5242880),
  sha256          char(64) not null check (sha256 ~ '^[0-9a-f]{64}$'),
  content         bytea not null,
  uploaded_by     uuid references users (id),
  api_key_id      uuid references api_keys (id),
  uploaded_at     timestamptz not null,
  check (length(content) = bytes)
);
create index order_item_attachments_item on order_item_attachments (item_id, uploaded_at);

create function order_item_attachments_guard() returns trigger language plpgsql as $$
begin
  if tg_op <> 'INSERT' then
    raise exception 'order item attachments are kept as evidence' using errcode = 'P0001';
  end if;
  if (select status from disposal_order_items where id = new.item_id) is distinct from 'open' then
    raise exception 'attachments are added to an open order item only' using errcode = '23514';
  end if;
  if (select count(*) from order_item_attachments where item_id = new.item_id) >= 10 then
    raise exception 'at most 10 attachments an order item' using errcode = '23514';
  end if;
  return new;
end
$$;
create trigger order_item_attachments_guard before insert or update or delete on order_item_attachments
  for each row execute function order_item_attachments_guard();
