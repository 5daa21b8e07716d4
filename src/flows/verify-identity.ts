// Host starts the identity verification of the principals: one task per person, with id
// and expiry; the external service's result is recorded (who, when, result).
import { openMaterials } from '../db/materials-store.ts';
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { transition } from '../domain/lifecycle.ts';
import { loadApplication } from './applications.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';
import { developmentVerifier, IDENTITY_TASK_VALIDITY_MS } from './identity.ts';
import { principalsOf, principalsToVerify } from './principals.ts';

export interface IdentityTaskView { id: string; personRole: string; status: string; expiresAt: Date; url?: string }

export async function verifyIdentity(ctx: FlowContext, actor: Actor, applicationId: string): Promise<IdentityTaskView[]> {
  const verifier = ctx.identityVerifier ?? developmentVerifier;
  return ctx.db.transaction(async (tx) => {
    const app = await loadApplication(tx, applicationId, actor, { forUpdate: true });
    transition(app.status, 'verify_identity', actor);
    const materials = openMaterials(app.materials, ctx.sealer);
    // A change verifies only principals new to the record (issue 13); none new is nothing to do.
    const principals = await principalsToVerify(tx, ctx.sealer, app, materials);
    if (!(await principalsOf(tx, ctx.sealer, app, materials)).length) {
      throw new NamedError('materials_invalid', 'invalid', 'enter the principals before verifying their identity', [{ field: 'service.principal', code: 'required', message: 'the service principal is required' }]);
    }
    const now = ctx.now();
    const expiresAt = new Date(now.getTime() + IDENTITY_TASK_VALIDITY_MS);
    const views: IdentityTaskView[] = [];
    for (const p of principals) {
      for (const role of p.roles) {
        const [task] = await tx.query<{ id: string }>(
          `insert into identity_tasks (application_id, person_role, verifier, created_at, expires_at) values ($1,$2,$3,$4,$5) returning id`,
          [app.id, role, verifier.name, now, expiresAt]);
        const started = await verifier.start({ taskId: task!.id, personName: p.person.name, certificateType: p.person.certificateType, certificateNumber: p.person.certificateNumber, expiresAt });
        if (started.status !== 'pending') {
          await tx.query(`update identity_tasks set status = $2, completed_at = $3, result = $4 where id = $1`,
            [task!.id, started.status, now, JSON.stringify({ detail: started.detail, verifier: verifier.name })]);
        }
        views.push({ id: task!.id, personRole: role, status: started.status, expiresAt, ...(started.status === 'pending' ? { url: started.url } : {}) });
      }
    }
    await recordHistory(tx, actor, { entityType: 'application', entityId: app.id, action: 'verify_identity', from: app.status, to: app.status, reason: { tasks: views.map((v) => ({ id: v.id, role: v.personRole, status: v.status })) } }, now);
    return views;
  });
}

/** The identity service's callback: records the result of a pending task. */
export async function completeIdentityTask(ctx: FlowContext, actor: Actor, taskId: string, result: { passed: boolean; detail: string }) {
  return ctx.db.transaction(async (tx) => {
    const [task] = await tx.query<{ id: string; application_id: string; status: string; expires_at: Date }>(
      `select id, application_id, status, expires_at from identity_tasks where id::text = $1 for update`, [taskId]);
    if (!task) throw new NamedError('identity_task_not_found', 'not_found', `no identity task ${taskId}`);
    const now = ctx.now();
    const status = task.status !== 'pending' ? null : now > task.expires_at ? 'expired' : result.passed ? 'passed' : 'failed';
    if (!status) throw new NamedError('identity_task_closed', 'conflict', `identity task ${taskId} is already ${task.status}`);
    await tx.query(`update identity_tasks set status = $2, completed_at = $3, result = $4 where id = $1`, [task.id, status, now, JSON.stringify({ detail: result.detail })]);
    await recordHistory(tx, actor, { entityType: 'application', entityId: task.application_id, action: 'identity_result', reason: { taskId, status } }, now);
    return { id: task.id, status };
  });
}
