// The provincial bureau of the subject's province — or the ministry — revokes a filed service
// (DOMAIN.md §4.3 "Authority cancellation / revocation": Order 33 Art.22, shell-record
// cleanup). A reason is required; the host is told in the app; relying parties that checked
// the filing are told by webhook; the verification caches hear it on commit.
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import type { FlowContext } from './context.ts';
import { loadServiceForUpdate, moveService, type ServiceMoved } from './services.ts';

export const REVOCATION_REASON_MAX = 500;

export async function revokeService(ctx: FlowContext, actor: Actor, id: string, input: { reason: string }): Promise<ServiceMoved> {
  const reason = input.reason.trim();
  if (!reason) {
    throw new NamedError('reason_required', 'invalid', 'say why the filing is revoked', [{ field: 'reason', code: 'required', message: 'a reason is required' }]);
  }
  return ctx.db.transaction(async (tx) => {
    const s = await loadServiceForUpdate(tx, id, actor);
    const moved = await moveService(ctx, tx, s, 'revoke', actor, { reason });
    await tx.query(
      `insert into notifications (user_id, event, title, body, created_at) values ($1, 'service.revoked', $2, $3, $4)`,
      [s.host_user_id, `备案已被撤销 / Filing revoked: ${s.service_number}`,
        `您的${s.name}（${s.service_number}）备案已被撤销。原因：${reason}\nThe filing ${s.service_number} (${s.name}) was revoked. Reason: ${reason}`, ctx.now()],
    );
    return moved;
  });
}
