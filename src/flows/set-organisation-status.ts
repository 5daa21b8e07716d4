// The ministry administrator suspends or reactivates an organisation. A suspended
// organisation's staff cannot sign in, their sessions end (revoked here, so a reactivation does
// not bring them back: people sign in again) and its API keys are refused at once (every request
// checks the status). Keys are kept and work again after reactivation (ADR 0005 addendum): they
// are the organisation's integrations, and a key the organisation no longer trusts is revoked by
// its staff, who sign in anew.
import { revokeOrganisationSessions } from '../db/sessions.ts';
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
    if (status === 'suspended') await revokeOrganisationSessions(tx, orgId, now);
    await recordHistory(tx, actor, {
      entityType: 'organisation', entityId: orgId, action: status === 'suspended' ? 'suspended' : 'reactivated', from: org.status, to: status,
    }, now);
  });
}
