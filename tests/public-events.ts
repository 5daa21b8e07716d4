// The drift check of public_events (migration 0029, docs/decisions/0029-public-events-beside-the-record.md):
// a record's public events as the answers read them (the rows the history trigger kept) against
// the same events derived from history itself, as every answer did before 0029 — for every
// service in the database. Test files that write each kind of public event call it after
// their writes (approval, change, access change, cancellation, revocation, shell and cleanup,
// import, the demo seed). A subject's cancellation or revocation is its services' event since migration 0053.
import { expect } from 'vitest';
import type { Db, Queryable } from '../src/db/connection.ts';
import { logCaughtUp, testLogKeys } from './db.ts';

/** The events of `s` (its subject `su`) derived from history: the pre-0029 definition. */
const FROM_HISTORY = `coalesce((select json_agg(json_build_object('action', e.action, 'at', e.at, 'logIndex', l.leaf_index) order by e.at, e.id) from (
     select h.id, 'filed' as action, h.at from applications a join history h on h.application_id = a.id and h.action = 'bureau_approve'
      where a.service_id = s.id and a.application_type in ('first_filing', 'new_service') and a.status = 'approved'
     union all
     select h.id, h.action, h.at from history h where h.entity_type = 'service' and h.entity_id = s.id
        and h.action in ('filed', 'changed', 'access_added', 'access_cancelled', 'become_shell', 'cancel', 'clean_up', 'revoke')
     union all
     select h.id, h.action, h.at from history h where h.entity_type = 'subject' and h.entity_id = su.id and h.action = 'changed'
     union all
     select h.id, case when h.action = 'revoke' then 'subject_revoked' else 'subject_cancelled' end, h.at from history h
      where h.entity_type = 'subject' and h.entity_id = su.id and h.action in ('cancel', 'clean_up', 'revoke')
     union all
     select h.id, 'imported', h.at from history h
      where ((h.entity_type = 'service' and h.entity_id = s.id) or (h.entity_type = 'subject' and h.entity_id = su.id))
        and (h.action = 'logged_imported' or (h.action = 'imported' and not exists (select 1 from history x
              where x.entity_type = h.entity_type and x.entity_id = h.entity_id and x.action = 'logged_imported')))) e
     left join log_leaves l on l.history_id = e.id), '[]')`;

/** What the answers read (src/api/public/queries.ts). */
const STORED = `coalesce((select json_agg(json_build_object('action', e.action, 'at', e.at, 'logIndex', l.leaf_index) order by e.at, e.history_id)
     from public_events e left join log_leaves l on l.history_id = e.history_id
    where e.owner_id = any(array[s.id, s.subject_id])), '[]')`;

export interface EventDrift { serviceNumber: string; fromHistory: unknown; stored: unknown }

/** Every service whose stored events differ from those derived from history (none when current). */
export async function publicEventDrift(db: Queryable): Promise<EventDrift[]> {
  return db.query<EventDrift>(
    `select * from (select s.service_number as "serviceNumber", ${FROM_HISTORY} as "fromHistory", ${STORED} as stored
       from services s join subjects su on su.id = s.subject_id) x
      where "fromHistory"::jsonb is distinct from stored::jsonb`);
}

/**
 * Asserts that no service's stored events drifted, and that the check saw some events (`atLeast`
 * of them over the whole database), so that it cannot pass on an empty table.
 */
export async function expectPublicEventsCurrent(db: Queryable, atLeast = 1): Promise<void> {
  expect(await publicEventDrift(db)).toEqual([]);
  const [n] = await db.query<{ n: number }>('select count(*)::int as n from public_events');
  expect(n!.n).toBeGreaterThanOrEqual(atLeast);
}

/**
 * Catches the transparency log up and asserts that each of its public leaves is an event of a public record (a
 * public_events row; a record loaded by an import too, since migration 0051): an approved change or access filing is
 * no second `filed` (entry version 3).
 */
export async function expectPublicLeavesAreRecordEvents(db: Db): Promise<void> {
  await logCaughtUp(db, testLogKeys());
  const orphans = await db.query<{ leaf_index: number; entry: string }>(
    `select l.leaf_index, l.entry from log_leaves l join history h on h.id = l.history_id
      where l.entry not like '%"type":"private"%'
        and not exists (select 1 from public_events e where e.history_id = l.history_id)
      order by l.leaf_index`);
  expect(orphans).toEqual([]);
  const [leaves] = await db.query<{ n: number }>(`select count(*)::int as n from log_leaves where entry not like '%"type":"private"%'`);
  expect(leaves!.n).toBeGreaterThan(0);
}
