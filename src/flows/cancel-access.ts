// Cancelling an access record (取消接入, issue 13 item 5): the access provider / platform ends
// its own access record of a service directly (with a reason), or the host asks to and the
// service principal confirms by SMS code. A website or APP left without any active access is
// a shell (空壳, DOMAIN.md §4.3): it stays filed, shell_since is set (a lifecycle move), the
// host is told how to fix it (add access) and the date after which it may be cancelled, and
// the bureau of its province is told. Mini programs and quick apps file no access section
// (DOMAIN.md §2.5): they have no access record to cancel and never become shells.
import type { Queryable } from '../db/connection.ts';
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { hasAccessSection, serviceTransition, shellCancellableAfter } from '../domain/service-lifecycle.ts';
import { noticeBureau, noticeHost, inBoth } from '../notify/record-notices.ts';
import { type OpenedConfirmation, openConfirmation } from './confirmations.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';
import { loadServiceForUpdate, moveService, type ServiceRow, stateOf } from './services.ts';
import { isUuid } from '../domain/ids.ts';

export const ACCESS_REASON_MAX = 500;

export class AccessRecordNotFoundError extends NamedError {
  constructor(id: string) { super('access_record_not_found', 'not_found', `no active access record ${id} of this service that you can cancel`); }
}

interface AccessRow { id: string; provider_org_id: string; provider_name: string }


async function lockAccess(tx: Queryable, serviceId: string, where: { id?: string; orgId?: string }): Promise<AccessRow> {
  // An access record's id is a UUID: anything else names none (and a NUL in it would fail the query).
  if (where.id !== undefined && !isUuid(where.id)) throw new AccessRecordNotFoundError(where.id);
  const [a] = await tx.query<AccessRow>(
    `select ar.id, ar.provider_org_id, o.name as provider_name from access_records ar join organisations o on o.id = ar.provider_org_id
      where ar.service_id = $1 and ar.active and ($2::text is null or ar.id::text = $2) and ($3::uuid is null or ar.provider_org_id = $3::uuid)
      for update of ar`, [serviceId, where.id ?? null, where.orgId ?? null]);
  if (!a) throw new AccessRecordNotFoundError(where.id ?? serviceId);
  return a;
}

export interface AccessCancelled { accessRecordId: string; shell: boolean; shellSince: Date | null; cancellableAfter: Date | null }

/** Retires one access record; the service becomes a shell when it was its last. In the caller's transaction. */
export async function retireAccess(ctx: FlowContext, tx: Queryable, actor: Actor, s: ServiceRow, a: AccessRow, reason: string | null): Promise<AccessCancelled> {
  const now = ctx.now();
  await tx.query('update access_records set active = false, cancelled_at = $2 where id = $1', [a.id, now]);
  await tx.query('update services set updated_at = $2 where id = $1', [s.id, now]);
  await recordHistory(tx, actor, { entityType: 'service', entityId: s.id, action: 'access_cancelled', reason: { accessRecordId: a.id, providerOrgId: a.provider_org_id, reason } }, now);
  const [left] = await tx.query<{ n: number }>('select count(*)::int as n from access_records where service_id = $1 and active', [s.id]);
  if (left!.n > 0 || !hasAccessSection(s.service_type)) {
    await noticeHost(tx, ctx.sealer, s.host_user_id, {
      event: 'service.access_cancelled', at: now,
      ...inBoth({ zh: '接入已取消', en: 'Access cancelled', of: s.service_number },
        { zh: `${a.provider_name}对${s.name}（${s.service_number}）的接入已取消。`, en: `Access by ${a.provider_name} to ${s.service_number} was cancelled.` }),
    });
    return { accessRecordId: a.id, shell: false, shellSince: null, cancellableAfter: null };
  }
  const moved = await moveService(ctx, tx, s, 'become_shell', actor, { accessRecordId: a.id, providerOrgId: a.provider_org_id });
  const since = moved.service.shell_since!;
  const after = shellCancellableAfter(since, null, now);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  await noticeHost(tx, ctx.sealer, s.host_user_id, {
    event: 'service.shell', at: now,
    ...inBoth({ zh: '备案已无接入（空壳）', en: 'Filing left without access', of: s.service_number }, {
      zh: `${a.provider_name}对${s.name}（${s.service_number}）的接入已取消，该备案已无任何接入信息，成为空壳备案。请在“已备案”中为其新增接入（${ctx.publicUrl}/host/services/${s.id}/add-access），否则通信管理局可在公示后注销，最早于 ${day(after)} 之后。`,
      en: `Access by ${a.provider_name} to ${s.service_number} (${s.name}) was cancelled and the filing has no access left (a shell). Add access under "Filed records" (${ctx.publicUrl}/host/services/${s.id}/add-access); otherwise the bureau may cancel it after a public notice, at the earliest after ${day(after)}.`,
    }),
  });
  await noticeBureau(tx, ctx.sealer, s.province_code, {
    event: 'service.shell', at: now,
    ...inBoth({ zh: '空壳备案', en: 'New shell filing', of: s.service_number },
      { zh: `${s.service_number}（${s.name}）已无接入信息，自 ${day(since)} 起为空壳备案。`, en: `${s.service_number} has had no access since ${day(since)}.` }),
  });
  return { accessRecordId: a.id, shell: true, shellSince: since, cancellableAfter: after };
}

/** The provider / platform cancels its own access record of a service. */
export async function cancelAccessByProvider(ctx: FlowContext, actor: Actor, serviceId: string, input: { reason: string }): Promise<AccessCancelled & { serviceNumber: string }> {
  const reason = input.reason.trim();
  if (!reason) throw new NamedError('reason_required', 'invalid', 'say why the access ends', [{ field: 'body.reason', code: 'required', message: 'a reason is required' }]);
  return ctx.db.transaction(async (tx) => {
    const s = await loadServiceForUpdate(tx, serviceId, actor); // only services it gives access to: others are 404
    const a = await lockAccess(tx, s.id, { orgId: actor.orgId! });
    return { ...await retireAccess(ctx, tx, actor, s, a, reason), serviceNumber: s.service_number };
  });
}

/** The host asks to cancel an access record of its service; the service principal confirms by SMS code. */
export async function requestAccessCancellation(ctx: FlowContext, actor: Actor, serviceId: string, accessId: string, input: { reason?: string | undefined } = {}): Promise<OpenedConfirmation & { accessRecordId: string; lastAccess: boolean }> {
  const reason = input.reason?.trim() || null;
  return ctx.db.transaction(async (tx) => {
    const s = await loadServiceForUpdate(tx, serviceId, actor);
    if (stateOf(s) !== 'filed') serviceTransition(stateOf(s), 'become_shell', actor); // a cancelled / revoked service: 409
    const a = await lockAccess(tx, s.id, { id: accessId });
    const [n] = await tx.query<{ n: number }>('select count(*)::int as n from access_records where service_id = $1 and active', [s.id]);
    const opened = await openConfirmation(ctx, tx, actor, {
      action: 'cancel_access', subjectId: s.subject_id, serviceId: s.id, accessRecordId: a.id, reason,
      personId: s.principal_person_id, personRole: 'service_principal', label: s.name,
    });
    return { ...opened, accessRecordId: a.id, lastAccess: n!.n === 1 };
  });
}

/** The confirmed host cancellation of an access record (in the confirming transaction). */
export async function cancelAccessConfirmed(ctx: FlowContext, tx: Queryable, actor: Actor, serviceId: string, accessId: string, reason: string | null): Promise<AccessCancelled> {
  const s = await loadServiceForUpdate(tx, serviceId, actor);
  const a = await lockAccess(tx, s.id, { id: accessId });
  return retireAccess(ctx, tx, actor, s, a, reason);
}
