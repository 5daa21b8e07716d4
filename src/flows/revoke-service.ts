// The provincial bureau of the subject's province — or the ministry — revokes a filed service
// (DOMAIN.md §4.3 "Authority cancellation / revocation": Order 33 Art.22, shell-record
// cleanup); a subject left without a live service is cancelled with it. A reason is required: a public category (issue 14: 提供虚假材料, 空壳清理, 违法违规 …)
// shown on the record, and a private text kept in history and told to the host; relying
// parties that checked the filing are told by webhook; the verification caches hear it on commit.
import type { Queryable } from '../db/connection.ts';
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { REVOCATION_CATEGORY_ZH, type RevocationCategory } from '../domain/supervision/blacklist.ts';
import { noticeHost, inBoth } from '../notify/record-notices.ts';
import type { FlowContext } from './context.ts';
import { loadServiceForUpdate, moveService, type ServiceMoved } from './services.ts';
import { cancelEmptySubject } from './subjects.ts';

export const REVOCATION_REASON_MAX = 500;

export interface RevocationInput { reason: string; category?: RevocationCategory }

function checkReason(input: RevocationInput): string {
  const reason = input.reason.trim();
  if (!reason) {
    throw new NamedError('reason_required', 'invalid', 'say why the filing is revoked', [{ field: 'reason', code: 'required', message: 'a reason is required' }]);
  }
  return reason;
}

/** Revokes inside the caller's transaction (a violation report's decision uses it too). Category defaults to `other`. */
export async function revokeServiceIn(ctx: FlowContext, tx: Queryable, actor: Actor, id: string, input: RevocationInput): Promise<ServiceMoved> {
  const reason = checkReason(input);
  const category = input.category ?? 'other';
  const s = await loadServiceForUpdate(tx, id, actor);
  // The category first: a revoked row must have one (check services_revoked_has_category, migration 0043).
  await tx.query('update services set revocation_category = $2 where id = $1', [s.id, category]);
  const moved = await moveService(ctx, tx, s, 'revoke', actor, { reason, category });
  // Its subject's last live service: the subject is cancelled with it (DOMAIN.md §4.3, no empty subject).
  await cancelEmptySubject(ctx, tx, actor, s.subject_id, { note: 'its last live service was revoked', serviceNumber: s.service_number });
  // The host is told as for every other end of a record (its notice and an email): what was
  // decided, why, and what it means — the number is void and the service is provided without a
  // filing, which Order 33 Art.22 sanctions (fine, closure); a new filing is the way back.
  await noticeHost(tx, ctx.sealer, s.host_user_id, {
    event: 'service.revoked', at: ctx.now(),
    ...inBoth({ zh: '备案已被撤销', en: 'Filing revoked', of: s.service_number }, {
      zh: `您的${s.name}（${s.service_number}）备案已被撤销。\n类别：${REVOCATION_CATEGORY_ZH[category]}\n原因：${reason}\n`
        + '备案号自即日起失效，请停止提供该服务并撤下备案号展示；未备案继续提供服务的，将依《非经营性互联网信息服务备案管理办法》第二十二条处理。如需继续提供服务，请重新提交备案。',
      en: `The filing ${s.service_number} (${s.name}) was revoked. Category: ${category}. Reason: ${reason}\n`
        + 'The number is void from today: stop providing the service and remove the number from display; serving without a filing is sanctioned under Order 33 Art.22. File again to resume.',
    }, { sep: '\n\n' }),
  });
  return moved;
}

export async function revokeService(ctx: FlowContext, actor: Actor, id: string, input: RevocationInput): Promise<ServiceMoved> {
  checkReason(input);
  return ctx.db.transaction((tx) => revokeServiceIn(ctx, tx, actor, id, input));
}
