// Loading and moving filed services (revocation, cancellation). Every status change goes
// through `moveService`: the service lifecycle table decides, then status, platform and access
// rows, history and the relying parties' webhooks are written in the caller's transaction.
// The registry's NOTIFY for the verification caches comes from the database's triggers
// (migration 0003), in the same transaction, so no writer can forget it.
import type { Queryable } from '../db/connection.ts';
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { parseFilingNumber } from '../domain/filing-number.ts';
import {
  type ServiceAction, type ServiceState, type ServiceStatus, serviceState, serviceTransition, storedState,
} from '../domain/service-lifecycle.ts';
import { enqueueFilingWebhooks } from '../notify/filing-webhooks.ts';
import type { FlowContext } from './context.ts';
import { closeApplicationsOf } from './applications.ts';
import { recordHistory } from './history.ts';
import { isUuid } from '../domain/ids.ts';

export interface ServiceRow {
  id: string;
  subject_id: string;
  service_type: string;
  name: string;
  service_number: string;
  status: ServiceStatus;
  status_changed_at: Date;
  shell_since: Date | null;
  principal_person_id: string;
  host_user_id: string;
  province_code: string;
}

/** The lifecycle state of a loaded service (filed, shell, cancelled, revoked). */
export const stateOf = (s: Pick<ServiceRow, 'status' | 'shell_since'>): ServiceState => serviceState(s.status, s.shell_since);

export class ServiceNotFoundError extends NamedError {
  constructor(id: string) { super('service_not_found', 'not_found', `no filed service ${id} that you can act on`); }
}


/** SQL predicate for the services an actor may act on; others are a 404 (house rule 7). */
function actsOn(actor: Actor): { sql: string; params: unknown[] } {
  switch (actor.role) {
    case 'host': return { sql: 'sub.host_user_id = $2', params: [actor.userId] };
    case 'bureau_reviewer': return { sql: 'sub.province_code = $2', params: [actor.provinceCode] };
    case 'ministry_admin': case 'system': return { sql: 'true', params: [] };
    // A provider / platform acts on the services it gives access to (its own active access record).
    case 'provider_staff': case 'platform_staff':
      return { sql: 'exists (select 1 from access_records ar where ar.service_id = s.id and ar.provider_org_id = $2 and ar.active)', params: [actor.orgId] };
    default: return { sql: 'false', params: [] };
  }
}

/**
 * Locks a subject row for a write of it or of anything under it. The registry's one lock order
 * (ADR 0033): subject, then its services, then the rows under them (applications, confirmations,
 * access records) — every flow that locks more than one of these takes them in this order, so two
 * of them never wait on each other (PostgreSQL 40P01). `for no key update`: what an update of
 * these rows takes itself (no key column changes), so a foreign-key check of a concurrent insert
 * (an application, an access record) never waits on it nor makes it wait.
 */
export async function lockSubjectRow(tx: Queryable, subjectId: string): Promise<void> {
  await tx.query('select id from subjects where id = $1 for no key update', [subjectId]);
}

/** Locks a service row (its subject first, ADR 0033). No visibility rule: for flows that checked it already. */
export async function lockServiceRow(tx: Queryable, serviceId: string): Promise<void> {
  const [s] = await tx.query<{ subject_id: string }>('select subject_id from services where id = $1', [serviceId]);
  if (!s) return;
  await lockSubjectRow(tx, s.subject_id);
  await tx.query('select id from services where id = $1 for no key update', [serviceId]);
}

/** The service named by its id or by its service number (what a reviewer has in hand), locked — its subject first (ADR 0033). */
export async function loadServiceForUpdate(tx: Queryable, idOrNumber: string, actor: Actor): Promise<ServiceRow> {
  const number = isUuid(idOrNumber) ? null : parseFilingNumber(idOrNumber);
  if (number && (!number.ok || number.value.kind !== 'service')) throw new ServiceNotFoundError(idOrNumber);
  const v = actsOn(actor);
  const where = `${number ? 's.service_number = $1' : 's.id = $1::uuid'} and ${v.sql}`;
  const params = [number?.ok ? number.value.number : idOrNumber, ...v.params];
  // A service never moves to another subject: the subject read unlocked is the one to lock first.
  const [owner] = await tx.query<{ subject_id: string }>(
    `select s.subject_id from services s join subjects sub on sub.id = s.subject_id where ${where}`, params);
  if (!owner) throw new ServiceNotFoundError(idOrNumber);
  await lockSubjectRow(tx, owner.subject_id);
  const [row] = await tx.query<ServiceRow>(
    `select s.id, s.subject_id, s.service_type, s.name, s.service_number, s.status, s.status_changed_at,
            s.shell_since, s.principal_person_id, sub.host_user_id, sub.province_code
       from services s join subjects sub on sub.id = s.subject_id
      where ${where}
      for no key update of s`,
    params,
  );
  if (!row) throw new ServiceNotFoundError(idOrNumber);
  return row;
}

export interface ServiceMoved { service: ServiceRow; webhooks: number }

/**
 * Applies a lifecycle move to a loaded service: status and shell mark, history, webhooks; a
 * final move (cancelled, revoked) also retires its platforms and access records.
 */
export async function moveService(ctx: FlowContext, tx: Queryable, s: ServiceRow, action: ServiceAction, actor: Actor, reason: unknown): Promise<ServiceMoved> {
  const t = serviceTransition(stateOf(s), action, actor);
  const now = ctx.now();
  const to = storedState(t.to);
  const shellSince = to.shell ? (s.shell_since ?? now) : null;
  const statusChangedAt = to.status === s.status ? s.status_changed_at : now;
  await tx.query('update services set status = $2, status_changed_at = $3, shell_since = $4, updated_at = $5 where id = $1',
    [s.id, to.status, statusChangedAt, shellSince, now]);
  if (t.to === 'cancelled' || t.to === 'revoked') {
    await tx.query('update app_platforms set active = false where service_id = $1 and active', [s.id]);
    await tx.query('update access_records set active = false, cancelled_at = $2 where service_id = $1 and active', [s.id, now]);
    await tx.query(`update cleanup_notice_services set outcome = $3, decided_at = $2 where service_id = $1 and outcome = 'listed'`,
      [s.id, now, action === 'clean_up' ? 'cleaned' : 'dropped']);
    await closeApplicationsOf(ctx, tx, { serviceId: s.id }, { closedBecause: `service_${t.to}`, serviceNumber: s.service_number });
  }
  await recordHistory(tx, actor, { entityType: 'service', entityId: s.id, action, from: t.from, to: t.to, reason }, now);
  const webhooks = await enqueueFilingWebhooks(tx, s.id, t.event, now);
  return { service: { ...s, status: to.status, status_changed_at: statusChangedAt, shell_since: shellSince }, webhooks };
}
