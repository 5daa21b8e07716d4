// The current state of the filed record an application made or changes — its service, or its
// subject for a subject change — so the host's pages stop saying 已备案 about a number that has
// since been cancelled, revoked or left without access (DOMAIN.md §4.3).
import type { Queryable } from '../../db/connection.ts';

export type RecordStatus = 'filed' | 'shell' | 'cancelled' | 'revoked';

/** application id → its record's status (absent: the application names no filed record yet). */
export async function recordStatuses(db: Queryable, applicationIds: string[]): Promise<Map<string, RecordStatus>> {
  if (!applicationIds.length) return new Map();
  const rows = await db.query<{ id: string; status: RecordStatus | null }>(
    `select a.id,
            case when a.application_type = 'change_subject' then sub.status
                 when s.status = 'filed' and s.shell_since is not null then 'shell'
                 else s.status end as status
       from applications a left join services s on s.id = a.service_id left join subjects sub on sub.id = a.subject_id
      where a.id = any ($1::uuid[])`, [applicationIds]);
  return new Map(rows.flatMap((r) => (r.status ? [[r.id, r.status] as const] : [])));
}
