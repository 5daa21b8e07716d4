// Loading and moving applications. Every status change goes through `move`: the lifecycle
// table decides, then status + history + notice are written in the caller's transaction.
import type { Queryable } from '../db/connection.ts';
import { type Actor, SYSTEM_ACTOR } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { type ApplicationAction, type ApplicationStatus, type ApplicationType, transition } from '../domain/lifecycle.ts';
import { noticeApplicationEvent } from '../notify/application-notices.ts';
import type { ApplicationEvent, NoticeData } from '../notify/templates.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';
import { isUuid } from '../domain/ids.ts';

export interface ApplicationRow {
  id: string;
  application_type: ApplicationType;
  host_user_id: string;
  subject_id: string | null;
  service_id: string | null;
  service_type: 'website' | 'app' | 'mini_program' | 'quick_app';
  service_name: string | null;
  submitter_org_id: string | null;
  province_code: string | null;
  status: ApplicationStatus;
  materials: Record<string, unknown>;
  /** Changes: the filed record when the change was drafted (sealed like materials). */
  base_materials: Record<string, unknown> | null;
  review_reasons: unknown[];
  sent_to_bureau_at: Date | null;
  received_on: string | null;
  deadline_on: string | null;
  /** The deadline was counted into a year without an official schedule (migration 0008). */
  deadline_provisional: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  decided_at: Date | null;
}

export class ApplicationNotFoundError extends NamedError {
  constructor(id: string) { super('application_not_found', 'not_found', `no application ${id} that you can see`); }
}

/** SQL predicate (with its parameters) for the applications an actor may see (house rule 7). */
export function visibleTo(actor: Actor, firstParam: number): { sql: string; params: unknown[] } {
  const p = (n: number) => `$${firstParam + n}`;
  switch (actor.role) {
    case 'host': return { sql: `a.host_user_id = ${p(0)}`, params: [actor.userId] };
    case 'provider_staff':
    case 'platform_staff': return { sql: `a.submitter_org_id = ${p(0)} and a.submitted_at is not null`, params: [actor.orgId] };
    case 'bureau_reviewer': return { sql: `a.province_code = ${p(0)} and a.sent_to_bureau_at is not null`, params: [actor.provinceCode] };
    case 'ministry_admin':
    case 'system': return { sql: 'true', params: [] };
    default: return { sql: 'false', params: [] };
  }
}


export async function loadApplication(tx: Queryable, id: string, actor: Actor, opts: { forUpdate?: boolean } = {}): Promise<ApplicationRow> {
  if (!isUuid(id)) throw new ApplicationNotFoundError(id);
  const v = visibleTo(actor, 2);
  const [row] = await tx.query<ApplicationRow>(
    `select a.* from applications a where a.id = $1 and ${v.sql}${opts.forUpdate ? ' for update' : ''}`,
    [id, ...v.params],
  );
  if (!row) throw new ApplicationNotFoundError(id);
  return row;
}

export interface MoveOptions {
  /** Extra columns to set with the status, e.g. `{ submitted_at: now }`. */
  set?: Record<string, unknown>;
  reason?: unknown;
  /** Data for the notice (numbers, reasons, deadline). */
  notice?: NoticeData;
}

/** Applies a lifecycle move: checks it, updates status and columns, writes history, enqueues the notice. */
export async function move(
  ctx: FlowContext, tx: Queryable, app: ApplicationRow, action: ApplicationAction, actor: Actor, opts: MoveOptions = {},
): Promise<ApplicationRow> {
  const t = transition(app.status, action, actor);
  const now = ctx.now();
  const set = { ...opts.set, status: t.to, updated_at: now };
  const cols = Object.keys(set);
  const [row] = await tx.query<ApplicationRow>(
    `update applications set ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')}, version = version + 1
     where id = $1 returning *`,
    [app.id, ...cols.map((c) => encode(set[c as keyof typeof set]))],
  );
  await recordHistory(tx, actor, { entityType: 'application', entityId: app.id, action, from: t.from, to: t.to, reason: opts.reason }, now);
  if (t.event) await noticeApplicationEvent(tx, ctx.sealer, {
    applicationId: app.id, event: t.event as ApplicationEvent, data: opts.notice ?? {}, publicUrl: ctx.publicUrl, at: now,
  });
  return row!;
}

const encode = (v: unknown) => (v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v);

/**
 * Closes the open applications that act on a filing that ended (in its transaction): a service's
 * changes and access additions when it is cancelled or revoked; a subject's changes and new
 * services when it is cancelled. Each moves to withdrawn by the system ('close'), its pending SMS
 * codes and identity checks void; the history names the cause. Returns the ids closed.
 */
export async function closeApplicationsOf(
  ctx: FlowContext, tx: Queryable, target: { serviceId: string } | { subjectId: string }, cause: Record<string, unknown>,
): Promise<string[]> {
  const rows = 'serviceId' in target
    ? await tx.query<ApplicationRow>(
      `select * from applications where service_id = $1 and application_type in ('change_service', 'add_access')
          and status not in ('approved', 'withdrawn') order by created_at for update`, [target.serviceId])
    : await tx.query<ApplicationRow>(
      `select * from applications where subject_id = $1 and application_type in ('change_subject', 'new_service')
          and status not in ('approved', 'withdrawn') order by created_at for update`, [target.subjectId]);
  for (const app of rows) {
    // The notice says why (the filing ended), not a bare 已撤回.
    const notice = { closedBecause: String(cause.closedBecause ?? ''), ...(typeof cause.serviceNumber === 'string' ? { serviceNumber: cause.serviceNumber } : {}),
      ...(typeof cause.mainNumber === 'string' ? { mainNumber: cause.mainNumber } : {}) };
    await move(ctx, tx, app, 'close', SYSTEM_ACTOR, { reason: cause, notice });
    await tx.query(`update sms_challenges set status = 'cancelled' where application_id = $1 and status = 'pending'`, [app.id]);
    await tx.query(`update identity_tasks set status = 'expired' where application_id = $1 and status = 'pending'`, [app.id]);
  }
  return rows.map((r) => r.id);
}
