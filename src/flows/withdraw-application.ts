// Host withdraws an application before the bureau has it (issue 3, item 4).
import type { Actor } from '../domain/actors.ts';
import { type ApplicationRow, loadApplication, move } from './applications.ts';
import type { FlowContext } from './context.ts';

export async function withdrawApplication(ctx: FlowContext, actor: Actor, id: string): Promise<ApplicationRow> {
  return ctx.db.transaction(async (tx) => {
    const app = await loadApplication(tx, id, actor, { forUpdate: true });
    const moved = await move(ctx, tx, app, 'withdraw', actor);
    await tx.query(`update identity_tasks set status = 'expired' where application_id = $1 and status = 'pending'`, [app.id]);
    return moved;
  });
}
