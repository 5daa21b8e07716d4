// The ministry administrator suspends or reactivates an organisation. A suspended
// organisation's staff cannot sign in, and their sessions and its API keys stop working at
// once (every request checks the status); reactivation restores them, so keys are kept.
import type { Actor } from '../domain/actors.ts';
import { CannotSuspendOwnOrganisationError, OrganisationNotFoundError } from './account-errors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';

export type OrganisationStatus = 'active' | 'suspended';

export async function setOrganisationStatus(ctx: FlowContext, actor: Actor, orgId: string, status: OrganisationStatus): Promise<void> {
  if (status === 'suspended' && orgId === actor.orgId) throw new CannotSuspendOwnOrganisationError();
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const [org] = await tx.query<{ status: OrganisationStatus }>('select status from organisations where id = $1 for update', [orgId]);
    if (!org) throw new OrganisationNotFoundError();
    if (org.status === status) return;
    await tx.query('update organisations set status = $2 where id = $1', [orgId, status]);
    await recordHistory(tx, actor, {
      entityType: 'organisation', entityId: orgId, action: status === 'suspended' ? 'suspended' : 'reactivated', from: org.status, to: status,
    }, now);
  });
}
