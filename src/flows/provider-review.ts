// First review (初审) by the provider or platform the host chose: approve and submit to the
// bureau of the subject's province — which starts the SMS check — or return to the host
// with field-level reasons.
import { openMaterials } from '../db/materials-store.ts';
import type { Actor } from '../domain/actors.ts';
import { transition } from '../domain/lifecycle.ts';
import { type ApplicationRow, loadApplication, move } from './applications.ts';
import type { FlowContext } from './context.ts';
import { principalsOf } from './principals.ts';
import { type ReviewReason, requireEditableReasonFields, requireKnownFields, requireReasons } from './reasons.ts';
import { keyPlatformReasons } from '../domain/platform-reasons.ts';
import { openChallenges, smsServiceOf } from './sms-challenges.ts';

export async function providerApprove(ctx: FlowContext, actor: Actor, id: string, input: { note?: string } = {}): Promise<ApplicationRow> {
  return ctx.db.transaction(async (tx) => {
    const app = await loadApplication(tx, id, actor, { forUpdate: true });
    transition(app.status, 'provider_approve', actor);
    const now = ctx.now();
    const principals = await principalsOf(tx, ctx.sealer, app, openMaterials(app.materials, ctx.sealer));
    const expiresAt = await openChallenges(tx, ctx.sealer, app.id, smsServiceOf(app), principals, now);
    return move(ctx, tx, app, 'provider_approve', actor, {
      set: { sent_to_bureau_at: now, review_reasons: [] },
      reason: { note: input.note ?? null, smsTo: principals.length },
      notice: { smsExpiresAt: expiresAt.toISOString() },
    });
  });
}

export async function providerReturn(ctx: FlowContext, actor: Actor, id: string, input: { reasons: ReviewReason[] }): Promise<ApplicationRow> {
  const given = requireReasons(input.reasons);
  return ctx.db.transaction(async (tx) => {
    const app = await loadApplication(tx, id, actor, { forUpdate: true });
    transition(app.status, 'provider_return', actor); // a wrong status is the answer (409) before the reasons' fields
    const materials = openMaterials(app.materials, ctx.sealer);
    requireKnownFields(input.reasons, materials); // a field the application does not have at all
    requireEditableReasonFields(app.application_type, input.reasons, app.base_materials && openMaterials(app.base_materials, ctx.sealer), materials); // one it has but keeps as filed
    // A platform's reason names the platform too: it follows it if the host reorders or deletes platforms.
    const reasons = keyPlatformReasons(given, materials);
    return move(ctx, tx, app, 'provider_return', actor, { set: { review_reasons: reasons }, reason: { reasons }, notice: { reasons } });
  });
}
