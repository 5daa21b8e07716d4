// Host submits (or resubmits) an application to the chosen provider or platform for first
// review. Every problem is returned at once; nothing is submitted while one remains.
import { openMaterials, sealMaterials } from '../db/materials-store.ts';
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { isConversion } from '../domain/changes.ts';
import { kindOf, transition } from '../domain/lifecycle.ts';
import type { ApplicationMaterials } from '../domain/materials.ts';
import { type ApplicationRow, loadApplication, move } from './applications.ts';
import type { FlowContext } from './context.ts';
import { domainProblems, registryProblems } from './materials-check.ts';
import { CertificateApplicationOpenError, certificateKey, OPEN_FIRST_FILING_INDEX, refuseFiledCertificate, refuseOpenFirstFiling, uniqueViolation } from './subject-certificate.ts';
import { checkBlacklist } from './supervision/blacklist-check.ts';

export async function submitApplication(ctx: FlowContext, actor: Actor, id: string, input: { submitterOrgId?: string }): Promise<ApplicationRow> {
  return ctx.db.transaction(async (tx) => {
    let app = await loadApplication(tx, id, actor, { forUpdate: true });
    transition(app.status, 'submit', actor);
    if (input.submitterOrgId) app = { ...app, submitter_org_id: input.submitterOrgId };
    const now = ctx.now();
    const checked = await domainProblems(tx, app, openMaterials(app.materials, ctx.sealer), now, ctx.sealer);
    const m = checked.normalised as Partial<ApplicationMaterials>;
    const problems = [...checked.problems, ...(await registryProblems(tx, ctx.sealer, app, m, now))];
    if (problems.length) {
      throw new NamedError('materials_invalid', 'invalid', `the application has ${problems.length} problem(s) to fix before submission`, problems);
    }
    await checkBlacklist(tx, ctx.sealer, app.subject_id, m, now); // issue 14: refused while an entry is active
    const provinceCode = m.subject?.provinceCode ?? app.province_code;
    // One filed subject per certificate, one open first filing per certificate (migration 0011) — for
    // a first filing, and for an individual becoming an enterprise (its new certificate).
    const kind = kindOf(app.application_type);
    const converting = !!kind.conversion && !!app.base_materials && isConversion(kind, openMaterials(app.base_materials, ctx.sealer), m as Record<string, unknown>);
    const key = kind.target === 'new_subject' || converting ? certificateKey(ctx.sealer, m.subject) : null;
    await refuseFiledCertificate(tx, key, app.host_user_id);
    await refuseOpenFirstFiling(tx, key, app.host_user_id, app.id);
    return move(ctx, tx, app, 'submit', actor, {
      set: {
        subject_certificate_type: key?.type ?? null,
        subject_certificate_hash: key?.hash ?? null,
        materials: sealMaterials(m, ctx.sealer),
        submitter_org_id: app.submitter_org_id,
        province_code: provinceCode,
        submitted_at: now,
        review_reasons: [],
      },
      reason: { submitterOrgId: app.submitter_org_id, resubmission: app.status !== 'draft' },
    }).catch((e: unknown) => {
      // Two submissions of one certificate at once: the database lets one through.
      if (uniqueViolation(e) === OPEN_FIRST_FILING_INDEX) throw new CertificateApplicationOpenError(null);
      throw e;
    });
  });
}
