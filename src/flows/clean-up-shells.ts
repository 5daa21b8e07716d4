// Shell cleanup by the provincial bureau (issue 13 item 6; DOMAIN.md §4.3, the Ningxia practice):
// the bureau publishes a cleanup notice listing chosen shells of its province for a publicity
// period (default 7 days, listed publicly); after it, the shells still without access are
// cancelled by the bureau in one batch, each with the notice as its reason in history. A shell
// that adds access in time drops out of the notice: `clearShell` (called by the add_access
// approval) clears it at once, and the cleanup re-checks active access at execution time, so a
// shell whose access came back by any path is never cancelled; nor is one whose access filing is
// under review when the notice runs out (it leaves the notice, a shell until that review ends).
import type { Queryable } from '../db/connection.ts';
import { type Actor, SYSTEM_ACTOR } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { chinaDate, chinaDateTime } from '../domain/china-time.ts';
import { DEFAULT_PUBLICITY_DAYS, noticePhase, shellListableFrom, SHELL_GRACE_DAYS } from '../domain/service-lifecycle.ts';
import { noticeHost, inBoth } from '../notify/record-notices.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';
import { loadServiceForUpdate, moveService, stateOf } from './services.ts';
import { cancelEmptySubject } from './subjects.ts';
import { isUuid } from '../domain/ids.ts';

const DAY_MS = 86_400_000;
// Dates as the host reads them: China's (a notice published before 08:00 in Beijing ends on the China date after the UTC one).
const day = chinaDate;

/**
 * Clears a service's shell mark when it has active access again: a lifecycle move (shell →
 * filed), and it drops out of any open notice. No-op (false) when it is not a shell or still
 * has no access. For the add_access approval: call it in the approving transaction.
 */
export async function clearShell(ctx: FlowContext, tx: Queryable, serviceId: string, actor: Actor = SYSTEM_ACTOR): Promise<boolean> {
  const s = await loadServiceForUpdate(tx, serviceId, actor.role === 'bureau_reviewer' || actor.role === 'ministry_admin' ? actor : SYSTEM_ACTOR);
  if (stateOf(s) !== 'shell') return false;
  const [a] = await tx.query<{ n: number }>('select count(*)::int as n from access_records where service_id = $1 and active', [s.id]);
  if (a!.n === 0) return false;
  const now = ctx.now();
  const notices = await tx.query<{ notice_id: string }>(
    `update cleanup_notice_services set outcome = 'rescued', decided_at = $2 where service_id = $1 and outcome = 'listed' returning notice_id`, [s.id, now]);
  await moveService(ctx, tx, s, 'clear_shell', actor.role === 'bureau_reviewer' || actor.role === 'ministry_admin' ? actor : SYSTEM_ACTOR,
    { accessRecords: a!.n, noticesLeft: notices.map((n) => n.notice_id) });
  await noticeHost(tx, ctx.sealer, s.host_user_id, {
    event: 'service.shell_cleared', at: now,
    ...inBoth({ zh: '备案已恢复接入', en: 'Filing has access again', of: s.service_number }, {
      zh: `${s.name}（${s.service_number}）已有接入信息，不再是空壳备案${notices.length ? '，已移出清理公告' : ''}。`,
      en: `${s.service_number} has access again and is no longer a shell${notices.length ? '; it left the cleanup notice' : ''}.`,
    }),
  });
  return true;
}

export interface NoticeInput { serviceIds: string[]; publicityDays?: number | undefined; title?: string | undefined }

const bad = (field: string, code: string, message: string) => new NamedError(code, 'invalid', message, [{ field, code, message }]);

/** The bureau publishes a cleanup notice for chosen shells of its province. */
export async function publishCleanupNotice(ctx: FlowContext, actor: Actor, input: NoticeInput): Promise<{ id: string; endsAt: Date; services: string[] }> {
  const days = input.publicityDays ?? DEFAULT_PUBLICITY_DAYS;
  const ids = [...new Set(input.serviceIds)];
  if (ids.length === 0) throw bad('body.serviceIds', 'required', 'choose at least one shell');
  return ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const endsAt = new Date(now.getTime() + days * DAY_MS);
    const listed: { id: string; number: string; host: string; name: string }[] = [];
    for (const [i, id] of ids.entries()) {
      const field = `body.serviceIds.${i}`;
      let s;
      try { s = await loadServiceForUpdate(tx, id, actor); } catch { throw bad(field, 'service_not_found', `no service ${id} of your province`); }
      if (stateOf(s) !== 'shell') throw new NamedError('not_a_shell', 'conflict', `${s.service_number} is not a shell (it is ${stateOf(s)})`, [{ field, code: 'not_a_shell', message: 'only shells can be listed' }]);
      if (now < shellListableFrom(s.shell_since!)) {
        throw new NamedError('shell_grace_period', 'conflict', `${s.service_number} has been a shell since ${day(s.shell_since!)}; it may be listed from ${day(shellListableFrom(s.shell_since!))} (${SHELL_GRACE_DAYS} days to add access)`,
          [{ field, code: 'shell_grace_period', message: `listable from ${day(shellListableFrom(s.shell_since!))}` }]);
      }
      const [open] = await tx.query<{ notice_id: string }>(`select notice_id from cleanup_notice_services where service_id = $1 and outcome = 'listed'`, [s.id]);
      if (open) throw new NamedError('shell_already_listed', 'conflict', `${s.service_number} is already on notice ${open.notice_id}`, [{ field, code: 'shell_already_listed', message: 'already on an open notice' }]);
      listed.push({ id: s.id, number: s.service_number, host: s.host_user_id, name: s.name });
    }
    const title = input.title?.trim() || `空壳备案清理公告（${day(now)}）`;
    const [n] = await tx.query<{ id: string }>(
      `insert into cleanup_notices (province_code, title, publicity_days, published_at, ends_at, created_by) values ($1,$2,$3,$4,$5,$6) returning id`,
      [actor.provinceCode, title, days, now, endsAt, actor.userId]);
    for (const s of listed) {
      await tx.query('insert into cleanup_notice_services (notice_id, service_id) values ($1, $2)', [n!.id, s.id]);
      await recordHistory(tx, actor, { entityType: 'service', entityId: s.id, action: 'cleanup_listed', reason: { noticeId: n!.id, endsAt: endsAt.toISOString() } }, now);
      await noticeHost(tx, ctx.sealer, s.host, {
        event: 'service.cleanup_listed', at: now,
        ...inBoth({ zh: '空壳备案清理公告', en: 'Cleanup notice', of: s.number }, {
          zh: `${s.name}（${s.number}）因无接入信息被列入清理公告，公示期至 ${chinaDateTime(endsAt)}（北京时间）。期满仍无接入的，将被注销。请尽快新增接入：${ctx.publicUrl}/host/services/${s.id}/add-access`,
          en: `${s.number} (${s.name}) is on a cleanup notice for having no access; publicity ends ${chinaDateTime(endsAt)} China time (UTC+8). Without access by then it will be cancelled. Add access: ${ctx.publicUrl}/host/services/${s.id}/add-access`,
        }),
      });
    }
    await recordHistory(tx, actor, { entityType: 'cleanup_notice', entityId: n!.id, action: 'published', to: 'publicised', reason: { services: listed.map((s) => s.number), publicityDays: days } }, now);
    return { id: n!.id, endsAt, services: listed.map((s) => s.number) };
  });
}

export class NoticeNotFoundError extends NamedError {
  constructor(id: string) { super('notice_not_found', 'not_found', `no cleanup notice ${id} of your province`); }
}


export interface CleanupResult { noticeId: string; cleaned: string[]; rescued: string[]; dropped: string[] }

/** After the publicity period: the bureau cancels the listed shells still without access (one batch). */
export async function executeCleanupNotice(ctx: FlowContext, actor: Actor, noticeId: string): Promise<CleanupResult> {
  if (!isUuid(noticeId)) throw new NoticeNotFoundError(noticeId);
  return ctx.db.transaction(async (tx) => {
    const [n] = await tx.query<{ id: string; title: string; status: string; ends_at: Date }>(
      `select id, title, status, ends_at from cleanup_notices where id = $1 and province_code = $2 for update`, [noticeId, actor.provinceCode]);
    if (!n) throw new NoticeNotFoundError(noticeId);
    if (n.status !== 'publicised') throw new NamedError('notice_already_executed', 'conflict', 'this notice has been carried out already');
    const now = ctx.now();
    if (noticePhase('publicised', n.ends_at, now) === 'publicity') throw new NamedError('publicity_not_over', 'conflict', `the publicity period ends ${n.ends_at.toISOString()}; clean up after it`);
    const rows = await tx.query<{ service_id: string }>(`select service_id from cleanup_notice_services where notice_id = $1 and outcome = 'listed' order by service_id`, [n.id]);
    const out: CleanupResult = { noticeId: n.id, cleaned: [], rescued: [], dropped: [] };
    // Their subjects first, all of them, in one order (ADR 0033): a shell cleaned up may cancel its
    // subject, and a host's confirmation or an approval under that subject takes the subject first too.
    await tx.query(`select id from subjects where id in (select subject_id from services where id = any($1::uuid[])) order by id for no key update`,
      [rows.map((r) => r.service_id)]);
    for (const { service_id } of rows) {
      const s = await loadServiceForUpdate(tx, service_id, actor);
      // Re-checked now: access may have come back by a path that did not clear the mark.
      if (await clearShell(ctx, tx, s.id, actor)) { out.rescued.push(s.service_number); continue; }
      if (stateOf(s) !== 'shell') {
        await tx.query(`update cleanup_notice_services set outcome = $3, decided_at = $2 where notice_id = $1 and service_id = $4`,
          [n.id, now, stateOf(s) === 'filed' ? 'rescued' : 'dropped', s.id]);
        (stateOf(s) === 'filed' ? out.rescued : out.dropped).push(s.service_number);
        continue;
      }
      // Its new access filed in time and under review (first review, SMS, the bureau): kept, off the
      // notice, a shell until that review ends (a later notice may list it again).
      const [pending] = await tx.query<{ id: string }>(
        `select id from applications where service_id = $1 and application_type = 'add_access' and status in ('provider_review', 'sms_pending', 'bureau_review') limit 1`, [s.id]);
      if (pending) {
        await tx.query(`update cleanup_notice_services set outcome = 'dropped', decided_at = $2 where notice_id = $1 and service_id = $3`, [n.id, now, s.id]);
        await recordHistory(tx, actor, { entityType: 'service', entityId: s.id, action: 'cleanup_spared', reason: { noticeId: n.id, addAccessApplication: pending.id } }, now);
        out.dropped.push(s.service_number);
        continue;
      }
      await moveService(ctx, tx, s, 'clean_up', actor, { noticeId: n.id, notice: n.title });
      out.cleaned.push(s.service_number);
      await noticeHost(tx, ctx.sealer, s.host_user_id, {
        event: 'service.cleaned_up', at: now,
        ...inBoth({ zh: '空壳备案已注销', en: 'Shell filing cancelled', of: s.service_number }, {
          zh: `${s.name}（${s.service_number}）在清理公告“${n.title}”公示期满仍无接入，已被通信管理局注销。`,
          en: `${s.service_number} still had no access when the notice "${n.title}" ended and was cancelled by the bureau.`,
        }),
      });
      await cancelEmptySubject(ctx, tx, actor, s.subject_id, { noticeId: n.id, note: 'its last live service was cleaned up' });
    }
    await tx.query(`update cleanup_notices set status = 'executed', executed_at = $2 where id = $1`, [n.id, now]);
    await recordHistory(tx, actor, { entityType: 'cleanup_notice', entityId: n.id, action: 'executed', from: 'publicised', to: 'executed', reason: { cleaned: out.cleaned, rescued: out.rescued, dropped: out.dropped } }, now);
    return out;
  });
}
