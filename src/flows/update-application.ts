// Host edits a draft, a returned or a rejected application. The whole draft is sent each
// time (nothing typed twice: the UI keeps what was entered); history records which fields
// changed, never their values.
import { openMaterials, sealMaterials } from '../db/materials-store.ts';
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { kindOf } from '../domain/lifecycle.ts';
import { type ApplicationRow, loadApplication, move } from './applications.ts';
import type { FlowContext } from './context.ts';
import { serviceName, withServiceType } from './create-application.ts';

export interface UpdateApplicationInput {
  materials: Record<string, unknown>;
  submitterOrgId?: string | null;
  /** The version the client edited; a stale one is a 409 so two tabs don't overwrite each other. */
  version?: number;
}

export async function updateApplication(ctx: FlowContext, actor: Actor, id: string, input: UpdateApplicationInput): Promise<ApplicationRow> {
  return ctx.db.transaction(async (tx) => {
    const app = await loadApplication(tx, id, actor, { forUpdate: true });
    if (input.version !== undefined && input.version !== app.version) {
      throw new NamedError('application_version_conflict', 'conflict', `the application changed (version ${app.version}, you edited ${input.version}); reload it`, [], {},
        { currentVersion: app.version, yourVersion: input.version });
    }
    const materials = withServiceType(input.materials, app.service_type, app.application_type);
    const changed = changedPaths(openMaterials(app.materials, ctx.sealer), materials);
    return move(ctx, tx, app, 'edit', actor, {
      set: {
        materials: sealMaterials(materials, ctx.sealer),
        service_name: serviceName(materials) ?? (kindOf(app.application_type).groups.includes('service') ? null : app.service_name),
        ...(input.submitterOrgId !== undefined ? { submitter_org_id: input.submitterOrgId } : {}),
      },
      reason: { changed },
    });
  });
}

/** Leaf paths whose values differ (values themselves are never recorded). */
export function changedPaths(a: unknown, b: unknown, prefix = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
  if (!isObj(a) || !isObj(b) || Array.isArray(a) !== Array.isArray(b)) return [prefix || '(root)'];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => changedPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
}
