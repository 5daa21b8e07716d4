// The bureau of the host's province (or the ministry) triages a violation report (issue 14,
// contract 6): asks for more, orders a disposal, revokes the filing, or closes it; the reporting
// organisation answers a request for more. Every step is kept and shown to the reporter.
import type { Queryable } from '../../db/connection.ts';
import type { Actor } from '../../domain/actors.ts';
import { NamedError } from '../../domain/errors.ts';
import type { RevocationCategory } from '../../domain/supervision/blacklist.ts';
import type { Measure } from '../../domain/supervision/orders.ts';
import { assertCanRequestMore, type ViolationAction, type ViolationStatus, violationTransition } from '../../domain/supervision/violations.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { revokeServiceIn } from '../revoke-service.ts';
import { issueOrdersIn } from './issue-orders.ts';
import { isUuid, NotFoundError } from './scope.ts';

export interface TriageInput {
  action: ViolationAction;
  note?: string;
  /**
   * order_disposal. `organisationId`: the organisation ordered — a distribution platform that
   * distributes the reported APP, a device maker, an access provider; without it, the reporting
   * organisation, or for a public report the service's access providers.
   */
  order?: { measure: Measure; dueInWorkingDays: number; organisationId?: string };
  /** revoke: the public category (the note is the private text) */
  category?: RevocationCategory;
}

interface ReportRow { id: string; status: ViolationStatus; service_id: string; service_number: string; reporter_kind: 'organisation' | 'public'; reporter_org_id: string | null; province_code: string }

/** Predicate on `v` (violation_reports) for who may see a report. */
export function violationVisible(actor: Actor, from: number): { sql: string; params: unknown[] } {
  if (actor.role === 'ministry_admin') return { sql: 'true', params: [] };
  if (actor.role === 'bureau_reviewer') return { sql: `v.province_code = $${from}`, params: [actor.provinceCode] };
  if (actor.orgId && ['provider_staff', 'platform_staff', 'device_maker_staff'].includes(actor.role)) return { sql: `v.reporter_org_id = $${from}`, params: [actor.orgId] };
  return { sql: 'false', params: [] };
}

async function loadReport(tx: Queryable, actor: Actor, id: string): Promise<ReportRow> {
  if (!isUuid(id)) throw new NotFoundError('violation_report', id);
  const w = violationVisible(actor, 2);
  const [r] = await tx.query<ReportRow>(
    `select v.id, v.status, v.service_id, s.service_number, v.reporter_kind, v.reporter_org_id, v.province_code from violation_reports v join services s on s.id = v.service_id
      where v.id = $1 and ${w.sql} for update of v`, [id, ...w.params]);
  if (!r) throw new NotFoundError('violation_report', id);
  return r;
}

/** An organisation a bureau may order: an active access provider, distribution platform or device maker. */
async function assertOrderable(tx: Queryable, id: string): Promise<void> {
  const [o] = isUuid(id) ? await tx.query<{ kind: string; status: string }>('select kind, status from organisations where id = $1', [id]) : [];
  if (!o || o.status !== 'active' || !['access_provider', 'distribution_platform', 'device_maker'].includes(o.kind)) {
    const message = 'an active access provider, distribution platform or device maker';
    throw new NamedError('order_invalid', 'invalid', message, [{ field: 'order.organisationId', code: 'not_orderable', message }]);
  }
}

const required = (field: string, message: string) => new NamedError('triage_invalid', 'invalid', message, [{ field, code: 'required', message }]);

export async function triageViolation(ctx: FlowContext, actor: Actor, id: string, input: TriageInput): Promise<{ id: string; status: ViolationStatus; orderIds: string[] }> {
  const note = input.note?.trim() || null;
  if (['request_more', 'provide_more', 'close', 'revoke'].includes(input.action) && !note) throw required('note', 'say what is asked, answered or decided');
  if (input.action === 'order_disposal' && !input.order) throw required('order', 'the measure and the working days to do it in');
  if (input.action === 'revoke' && !input.category) throw required('category', 'the public category of the revocation');
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const r = await loadReport(tx, actor, id);
    const to = violationTransition(r.status, input.action, actor);
    if (input.action === 'request_more') assertCanRequestMore(r.reporter_kind);
    let orderIds: string[] = [];
    if (input.action === 'order_disposal') {
      const chosen = input.order!.organisationId;
      if (chosen !== undefined) await assertOrderable(tx, chosen);
      const organisationId = chosen ?? r.reporter_org_id;
      const issued = await issueOrdersIn(ctx, tx, actor, {
        serviceNumbers: [r.service_number], measure: input.order!.measure, dueInWorkingDays: input.order!.dueInWorkingDays,
        reason: note ?? '违法违规举报处置 / disposal of a reported violation', violationId: r.id, ...(organisationId ? { organisationId } : {}),
      });
      orderIds = issued.orders.map((o) => o.id);
    }
    if (input.action === 'revoke') await revokeServiceIn(ctx, tx, actor, r.service_id, { reason: note!, category: input.category! });
    await tx.query('update violation_reports set status = $2, updated_at = $3 where id = $1', [r.id, to, now]);
    await tx.query(`insert into violation_steps (violation_id, action, status, note, order_id, actor_role, actor_org_id, at) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [r.id, input.action, to, note, orderIds[0] ?? null, actor.role, actor.orgId, now]);
    await recordHistory(tx, actor, { entityType: 'violation_report', entityId: r.id, action: input.action, from: r.status, to, reason: { note, orderIds, category: input.category ?? null } }, now);
    return { id: r.id, status: to, orderIds };
  });
}
