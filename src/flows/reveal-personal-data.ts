// The one way personal data leaves the server decrypted for a person to see (issue 15 §2;
// PIPL art. 51 and 54-style accountability; docs/decisions/0025-personal-data-access-log.md).
// Every caller that shows an ID number, a mobile, an emergency phone or an email in full goes
// through revealPersonalData: it opens the values, records who saw which record's data, when and
// why — an access row and its history row (so the transparency log commits to it as a private
// digest) in one transaction — and only then hands the opened values back. If the record cannot
// be written, the request fails and nothing is shown. Masked views (139****1111) are not
// accesses and do not come here.
import type { Queryable } from '../db/connection.ts';
import type { Actor } from '../domain/actors.ts';
import { recordHistory } from './history.ts';

export const ACCESS_RECORD_TYPES = ['application', 'service', 'subject', 'dev_sms', 'violation_report'] as const;
export type AccessRecordType = (typeof ACCESS_RECORD_TYPES)[number];

/** Why a person saw the data: the host its own, the reviewing organisation or bureau for review, an administrator, a supervisor following up a report. */
export const ACCESS_PURPOSES = ['own_application', 'own_filed_record', 'first_review', 'bureau_review', 'administration', 'supervision'] as const;
export type AccessPurpose = (typeof ACCESS_PURPOSES)[number];

/** The kinds of personal data the log names (field names as materials spell them). */
export const PERSONAL_FIELDS = ['certificateNumber', 'mobile', 'emergencyPhone', 'email', 'reporterContact'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

export interface Access { recordType: AccessRecordType; recordId: string; purpose: AccessPurpose }

interface Db { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> }

/** The personal fields present (non-empty) anywhere in `value`: what an access showed. */
export function personalFieldsIn(value: unknown): PersonalField[] {
  const found = new Set<PersonalField>();
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) { o.forEach(walk); return; }
    if (typeof o !== 'object' || o === null) return;
    for (const [k, v] of Object.entries(o)) {
      if ((PERSONAL_FIELDS as readonly string[]).includes(k) && typeof v === 'string' && v !== '') found.add(k as PersonalField);
      else walk(v);
    }
  };
  walk(value);
  return PERSONAL_FIELDS.filter((f) => found.has(f));
}

/** Records one access (row + history row, one transaction). Exported for callers that already hold opened data. */
export async function recordPersonalDataAccess(db: Db, actor: Actor, access: Access, fields: readonly string[], at: Date): Promise<string> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into personal_data_access (at, actor_user_id, actor_role, actor_org_id, api_key_id, record_type, record_id, purpose, fields, request_id)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) returning id`,
      [at, actor.userId, actor.role, actor.orgId, actor.apiKeyId ?? null, access.recordType, access.recordId, access.purpose, [...fields], actor.requestId],
    );
    await recordHistory(tx, actor, {
      entityType: 'personal_data_access', entityId: row!.id, action: 'personal_data_read',
      reason: { recordType: access.recordType, recordId: access.recordId, purpose: access.purpose, fields },
    }, at);
    return row!.id;
  });
}

/**
 * Opens personal data for display and records the access before returning it. `open` returns
 * the value to show; its personal fields (by name, anywhere inside) are what the row names.
 * Nothing is recorded when the value holds no personal field (e.g. an empty draft).
 */
export async function revealPersonalData<T>(db: Db, actor: Actor, access: Access, now: Date, open: () => T | Promise<T>): Promise<T> {
  const value = await open();
  const fields = personalFieldsIn(value);
  if (fields.length) await recordPersonalDataAccess(db, actor, access, fields, now);
  return value;
}
