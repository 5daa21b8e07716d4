// The bureau settles a legacy iOS case pair (migration 0044; ADR 0018, addendum "Campaigns extended
// or ended early; legacy duplicates settled"): of the active iOS filings whose bundle IDs differ
// only in letter case (Apple treats them as one), it records the one that is legitimate. Every other
// active filing of the bundle ID is revoked with the bureau's reason — the registry's own revocation
// (revoke-service.ts: history, the host told, webhooks, the verification caches) — and, no longer
// active, loses its mark; the kept filing, now alone, goes back under the rule
// (`legacy_case_duplicate = false`: the partial unique index app_platforms_active_ios_folded checks
// it). One transaction; the kept service's history says what was settled and why.
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import type { RevocationCategory } from '../domain/supervision/blacklist.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';
import { revokeServiceIn } from './revoke-service.ts';
import { loadServiceForUpdate } from './services.ts';

export interface IosFilingKept { platformId: string; serviceNumber: string; revoked: string[] }

class FilingNotFound extends NamedError {
  constructor(id: string) { super('app_platform_not_found', 'not_found', `no iOS filing ${id} that you can act on`); }
}

export async function keepLegacyIosFiling(ctx: FlowContext, actor: Actor, platformId: string, input: { reason: string; category?: RevocationCategory }): Promise<IosFilingKept> {
  const reason = input.reason.trim();
  if (!reason) throw new NamedError('reason_required', 'invalid', 'say why this filing stands', [{ field: 'reason', code: 'required', message: 'a reason is required' }]);
  if (!isUuid(platformId) || (actor.role !== 'bureau_reviewer' && actor.role !== 'ministry_admin')) throw new FilingNotFound(platformId);
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const [p] = await tx.query<{ id: string; service_id: string; package_name: string; active: boolean; legacy_case_duplicate: boolean }>(
      `select id, service_id, package_name, active, legacy_case_duplicate from app_platforms where id = $1 and platform = 'ios'`, [platformId]);
    if (!p) throw new FilingNotFound(platformId);
    // The bureau of the kept filing's province (or the ministry); another province's is a 404 (house rule 7).
    const kept = await loadServiceForUpdate(tx, p.service_id, actor).catch(() => { throw new FilingNotFound(platformId); });
    if (!p.active) throw new NamedError('filing_not_active', 'conflict', 'this iOS filing is no longer active: keep an active one');
    const group = await tx.query<{ id: string; service_id: string; legacy_case_duplicate: boolean }>(
      `select id, service_id, legacy_case_duplicate from app_platforms where platform = 'ios' and active and lower(package_name) = lower($1) order by id`, [p.package_name]);
    if (!group.some((g) => g.legacy_case_duplicate)) throw new NamedError('not_a_legacy_duplicate', 'conflict', 'no active filing of this bundle ID is a legacy case duplicate: nothing to settle');
    const others = group.filter((g) => g.id !== p.id);
    if (actor.role === 'bureau_reviewer' && others.length) {
      const [away] = await tx.query<{ n: number }>(
        'select count(*)::int as n from services s join subjects sub on sub.id = s.subject_id where s.id = any($1::uuid[]) and sub.province_code <> $2',
        [others.map((g) => g.service_id), actor.provinceCode]);
      if (away!.n) throw new NamedError('action_not_allowed', 'forbidden', "another filing of this bundle ID is another province's: its bureau or the ministry settles the pair");
    }
    const revoked: string[] = [];
    // Each other filing's service is revoked as any revocation is: its province's bureau or the ministry (404 otherwise, all rolled back).
    for (const g of others) revoked.push((await revokeServiceIn(ctx, tx, actor, g.service_id, { reason, category: input.category ?? 'other' })).service.service_number);
    // No longer active: the mark has nothing left to keep out of the index.
    if (others.length) await tx.query('update app_platforms set legacy_case_duplicate = false where id = any($1::uuid[]) and not active', [others.map((g) => g.id)]);
    if (p.legacy_case_duplicate) await tx.query('update app_platforms set legacy_case_duplicate = false where id = $1', [p.id]);
    await recordHistory(tx, actor, {
      entityType: 'service', entityId: kept.id, action: 'legacy_case_kept',
      reason: { platformId: p.id, packageName: p.package_name, reason, wasLegacyCaseDuplicate: p.legacy_case_duplicate, revoked },
    }, now);
    return { platformId: p.id, serviceNumber: kept.service_number, revoked };
  });
}
