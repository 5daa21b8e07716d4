// The host cancels one of its filed services (注销APP, DOMAIN.md §4.3): the number is withdrawn
// and never reused. When it was the subject's last filed service the subject is cancelled with
// it — a subject without services is an empty shell (空壳主体) that practice says to cancel
// instead [S12][S19]. Relying parties that checked the filing are told by webhook.
import type { Actor } from '../domain/actors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';
import { loadServiceForUpdate, moveService, type ServiceMoved } from './services.ts';

export interface Cancellation extends ServiceMoved { subjectCancelled: boolean }

export async function cancelService(ctx: FlowContext, actor: Actor, id: string, input: { reason?: string } = {}): Promise<Cancellation> {
  const reason = input.reason?.trim() || null;
  return ctx.db.transaction(async (tx) => {
    const s = await loadServiceForUpdate(tx, id, actor);
    const moved = await moveService(ctx, tx, s, 'cancel', actor, reason ? { reason } : undefined);
    const [left] = await tx.query<{ n: number }>(
      `select count(*)::int as n from services where subject_id = $1 and status = 'filed'`, [s.subject_id]);
    let subjectCancelled = false;
    if (left!.n === 0) {
      const rows = await tx.query(
        `update subjects set status = 'cancelled', updated_at = $2 where id = $1 and status = 'filed' returning id`, [s.subject_id, ctx.now()]);
      if (rows.length) {
        await recordHistory(tx, actor, { entityType: 'subject', entityId: s.subject_id, action: 'cancel', from: 'filed', to: 'cancelled', reason: { lastServiceCancelled: s.service_number } }, ctx.now());
        subjectCancelled = true;
      }
    }
    return { ...moved, subjectCancelled };
  });
}
