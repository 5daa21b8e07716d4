// History rows (house rule 4): written by every flow in the same transaction as its change.
import type { Queryable } from '../db/connection.ts';
import type { Actor } from '../domain/actors.ts';

export type EntityType = 'application' | 'subject' | 'service' | 'organisation' | 'user' | 'api_key' | 'calendar'
  | 'cleanup_notice' | 'job' // issue 13: shell cleanup notices, daily jobs
  // supervision (issue 14)
  | 'campaign' | 'catalogue_submission' | 'finding' | 'campaign_round' | 'disposal_order' | 'disposal_order_item'
  | 'violation_report' | 'blacklist_entry'
  | 'personal_data_access'; // issue 15 §2: who saw whose personal data (src/flows/reveal-personal-data.ts)

export interface HistoryEntry {
  entityType: EntityType;
  entityId: string;
  applicationId?: string | null;
  action: string;
  from?: string | null;
  to?: string | null;
  reason?: unknown;
}

export async function recordHistory(tx: Queryable, actor: Actor, e: HistoryEntry, at: Date): Promise<void> {
  await tx.query(
    `insert into history (entity_type, entity_id, application_id, action, from_status, to_status,
       actor_user_id, actor_role, actor_org_id, reason, request_id, at, actor_api_key_id)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
    [e.entityType, e.entityId, e.applicationId ?? (e.entityType === 'application' ? e.entityId : null), e.action,
      e.from ?? null, e.to ?? null, actor.userId, actor.role, actor.orgId,
      e.reason === undefined ? null : JSON.stringify(e.reason), actor.requestId, at, actor.apiKeyId ?? null],
  );
}
