-- Transparency log: a rotated signing key signs the latest tree size again (ADR 0017 addendum
-- "Key rotation"). Heads were one per tree size, so right after a rotation an idle log had no head
-- of the new key, and record statements (signed by the key of their head) answered 503 until the
-- log grew. Now one head per size and key. Still append-only (the trigger of migration 0015), and
-- the database keeps the rules a head of a size already signed must follow: the same root, a
-- later timestamp than every head, and no head for a smaller tree than one already signed.
alter table log_tree_heads drop constraint log_tree_heads_pkey;
alter table log_tree_heads add primary key (tree_size, key_id);

create function log_tree_head_extends() returns trigger language plpgsql as $$
begin
  if exists (select 1 from log_tree_heads where tree_size = new.tree_size and root_hash <> new.root_hash) then
    raise exception 'tree head %: another root was signed for this size', new.tree_size using errcode = 'P0001';
  end if;
  if exists (select 1 from log_tree_heads where tree_size > new.tree_size or timestamp_ms >= new.timestamp_ms) then
    raise exception 'tree head %: a head of a larger tree or a later time is already signed', new.tree_size using errcode = 'P0001';
  end if;
  return new;
end
$$;
create trigger log_tree_heads_extend before insert on log_tree_heads
  for each row execute function log_tree_head_extends();
