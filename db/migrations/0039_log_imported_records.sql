-- Records loaded by `beian import` in the public transparency log (entry version 2,
-- src/tlog/entry.ts). Under version 1 an import's history rows (`imported`) were private
-- entries, so an imported filing never appeared in the public log and `beian audit verify`
-- reported every imported record "not in the log". From version 2 the sequencer writes those
-- rows as public events, typed by the status they loaded. Rows the log already holds keep their
-- version-1 entries (the log is append-only, and the audit recomputes each entry by its own
-- version's rules); for each record they concern, one history row `logged_imported` with the
-- record's status now puts it in the public log at the next sequencing.
insert into history (entity_type, entity_id, action, to_status, actor_role, reason)
select r.entity_type, r.id, 'logged_imported', r.status, 'system',
       jsonb_build_object('note', 'loaded by beian import before such rows were public in the transparency log (migration 0039)')
  from (select 'service' as entity_type, id, status from services
        union all
        select 'subject', id, status from subjects) r
 where exists (select 1 from history h join log_leaves l on l.history_id = h.id
                where h.entity_type = r.entity_type and h.entity_id = r.id and h.action = 'imported');
