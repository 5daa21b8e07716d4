-- The public transparency log (issue 15 §1; docs/decisions/0017-transparency-log.md).
-- Every history row becomes a leaf of an RFC 9162 Merkle tree, appended by a sequencer in
-- the order its transaction became visible to everyone.

-- The inserting transaction's id. A bigserial id is taken at insert, not at commit: a lower
-- id may commit later. The sequencer appends only rows whose transaction is older than the
-- oldest one still running (pg_snapshot_xmin), so nothing can appear behind it. Existing rows
-- get the migration's own id (all committed: sequenced on the first run, in id order).
alter table history add column tx xid8 not null default pg_current_xact_id();
create index history_tx on history (tx, id);

-- One row: how far the sequencer has got. Its lock serialises sequencers (never writers).
create table log_state (
  singleton   boolean primary key default true check (singleton),
  cursor_tx   xid8 not null default '0',
  cursor_id   bigint not null default 0,
  tree_size   bigint not null default 0
);
insert into log_state default values;

create table log_leaves (
  leaf_index  bigint primary key check (leaf_index >= 0),
  history_id  bigint not null unique references history (id),
  leaf_hash   bytea not null check (length(leaf_hash) = 32),
  entry       text not null
);

-- Complete aligned subtrees: node (level, idx) covers leaves [idx·2^level, (idx+1)·2^level).
-- Immutable once written; any proof reads O(log n) of them (src/tlog/merkle.ts).
create table log_nodes (
  level  smallint not null check (level between 0 and 62),
  idx    bigint not null check (idx >= 0),
  hash   bytea not null check (length(hash) = 32),
  primary key (level, idx)
);

-- Public keys that signed tree heads: an old head stays verifiable after the key rotates.
create table log_keys (
  key_id          text primary key check (key_id ~ '^[0-9a-f]{64}$'),
  public_key_pem  text not null,
  created_at      timestamptz not null default now()
);

create table log_tree_heads (
  tree_size     bigint primary key check (tree_size >= 0),
  root_hash     bytea not null check (length(root_hash) = 32),
  timestamp_ms  bigint not null check (timestamp_ms > 0),
  key_id        text not null references log_keys (key_id),
  signature     bytea not null check (length(signature) = 64)
);
create unique index log_tree_heads_timestamp on log_tree_heads (timestamp_ms);

create function log_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name using errcode = 'P0001';
end
$$;
create trigger log_leaves_append_only before update or delete on log_leaves
  for each row execute function log_is_append_only();
create trigger log_nodes_append_only before update or delete on log_nodes
  for each row execute function log_is_append_only();
create trigger log_keys_append_only before update or delete on log_keys
  for each row execute function log_is_append_only();
create trigger log_tree_heads_append_only before update or delete on log_tree_heads
  for each row execute function log_is_append_only();
