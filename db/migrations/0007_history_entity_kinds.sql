-- History grows with every new kind of record (changes, shells, notices, campaigns, orders,
-- violations, blacklist entries, transparency log …). The list of entity types lives in
-- src/flows/history.ts (EntityType); the database keeps only the shape, so that migrations
-- adding kinds in parallel never re-declare (and silently narrow) one shared list.
alter table history drop constraint history_entity_type_check;
alter table history add constraint history_entity_type_check check (entity_type ~ '^[a-z][a-z_]{1,39}$');
