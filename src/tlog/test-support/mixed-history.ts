// History rows of every kind the log encodes differently, for the sequencer's identity test
// (src/tlog/sequence.test.ts) and its benchmark (bench/tlog.ts). Needs the demo seed's subjects
// and services (their numbers): rows cycle through
//   service 'imported' (public from entry version 2, status filed), service 'revoked' / 'change' (public,
//   service and main number), subject 'imported' without a status (private) and 'cancelled' (public, main number),
//   an approval with its numbers in the reason (public) and one without (private), a service
//   row whose service does not exist (no numbers: private), user 'signed_in' (private), and a
//   reason with quotes, commas, a newline and non-ASCII text (CSV and JSON escaping); a service change and an
//   approval without numbers carry the demo's API key as the acting key (entry version 4 commits to it).
// None of these action names fires the public-events trigger (migration 0029), so the rows can
// be inserted in bulk.
import type { Queryable } from '../../db/connection.ts';

export const MIXED_KINDS = 10;

/** Inserts `n` history rows (one statement), the kinds in turn. */
export async function insertMixedHistory(q: Queryable, n: number, start = 0): Promise<void> {
  await q.query(
    `with sv as (select id, row_number() over (order by id) - 1 as k, count(*) over () as c from services),
          sj as (select id, row_number() over (order by id) - 1 as k, count(*) over () as c from subjects),
          g as (select g, g % 10 as kind from generate_series($2::int, $2::int + $1::int - 1) g)
     insert into history (entity_type, entity_id, action, from_status, to_status, actor_role, reason, request_id, at, actor_api_key_id)
     select case when kind in (0, 1, 2, 7) then 'service' when kind in (3, 4) then 'subject'
                 when kind in (5, 6) then 'application' else 'user' end,
            case when kind in (0, 1, 2) then (select id from sv where k = g % sv.c)
                 when kind in (3, 4) then (select id from sj where k = g % sj.c)
                 else md5('mixed' || g)::uuid end,
            (array['imported', 'revoked', 'change', 'imported', 'cancelled', 'bureau_approve', 'bureau_approve', 'imported',
                   'signed_in', 'signed_in'])[kind + 1],
            case when kind = 1 then 'filed' end,
            case when kind in (1, 4) then 'revoked' when kind = 0 then 'filed' end,
            case when kind in (5, 6) then 'bureau_reviewer' else 'system' end,
            case kind
              when 5 then jsonb_build_object('serviceNumber', '京ICP备2026' || lpad(g::text, 6, '0') || '号-1', 'mainNumber', '京ICP备2026' || lpad(g::text, 6, '0') || '号')
              when 6 then jsonb_build_object('note', 'no numbers')
              when 9 then jsonb_build_object('note', E'say "hi", then\\nleave — 好 \\\\ ' || g, 'n', g, 'ok', true, 'x', null)
              else jsonb_build_object('line', g) end,
            case when kind = 8 then 'req-' || g end,
            timestamptz '2026-12-01T00:00:00Z' + g * interval '1.234 ms',
            -- The acting API key (committed by the digest from entry version 4): the demo's key, on two kinds.
            case when kind in (2, 6) then (select id from api_keys order by id limit 1) end
       from g`,
    [n, start],
  );
}
