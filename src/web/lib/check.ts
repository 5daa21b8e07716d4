// The filing rules, run in the browser as the user types: the same pure checkApplication the
// server runs (src/domain/application-rules.ts), so a problem shown here is the problem the
// server would report. The server adds the checks that need its database (emergency phone
// used by another subject, the chosen provider) — those arrive with each save.
import { type ApplicationType, checkApplication, type DeepPartial, type Problem } from '../../domain/application-rules.ts';
import { chinaDate } from '../../domain/china-time.ts';
import type { ApplicationMaterials, SubjectType } from '../../domain/materials.ts';
import { prune } from './paths.ts';

export interface CheckContext {
  applicationType: ApplicationType;
  reusedSubject?: { subjectType: SubjectType; provinceCode: string };
}

export interface BrowserCheck { problems: Problem[]; warnings: Problem[] }

export function checkDraft(draft: unknown, ctx: CheckContext, now = new Date()): BrowserCheck {
  const materials = prune(draft) as DeepPartial<ApplicationMaterials>;
  try {
    const r = checkApplication(materials, { ...ctx, today: chinaDate(now) });
    return { problems: r.problems, warnings: r.warnings };
  } catch (e) {
    // A half-typed draft the rules cannot read yet: the server's answer after saving stands.
    console.warn('checkApplication', e);
    return { problems: [], warnings: [] };
  }
}
