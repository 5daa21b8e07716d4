// The ministry administrator registers an organisation: an access provider, a distribution
// platform, a device maker, a provincial bureau (one per province, with its province) or the
// ministry. Its contact email is sealed like other personal data (it may name a person).
import type { Queryable } from '../db/connection.ts';
import type { Actor, OrganisationKind } from '../domain/actors.ts';
import type { FieldProblem } from '../domain/errors.ts';
import { provinceByCode } from '../domain/provinces.ts';
import { validateEmail, validateUnitName, validateUscc } from '../domain/validation/index.ts';
import type { ValidationIssue } from '../domain/validation/result.ts';
import { AccountInputError, OrganisationConflictError, check, uniqueViolation } from './account-errors.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';

export interface CreateOrganisationInput {
  kind: OrganisationKind;
  name: string;
  uscc?: string | null | undefined;
  provinceCode?: string | null | undefined;
  contactEmail?: string | null | undefined;
}

/** Returns the new id and the warnings accepted (a USCC failing its checksum, DOMAIN.md §0.2). */
export async function createOrganisation(ctx: FlowContext, actor: Actor, input: CreateOrganisationInput): Promise<{ id: string; warnings: (ValidationIssue & { field: string })[] }> {
  const v = validate(input);
  const now = ctx.now();
  try {
    const id = await ctx.db.transaction(async (tx) => {
      await assertUnique(tx, input.kind, v.name, v.provinceCode);
      const [row] = await tx.query<{ id: string }>(
        `insert into organisations (kind, name, uscc, province_code, contact_email_enc, created_at)
         values ($1, $2, $3, $4, $5, $6) returning id`,
        [input.kind, v.name, v.uscc, v.provinceCode, v.contactEmail ? ctx.sealer.seal(v.contactEmail) : null, now],
      );
      await recordHistory(tx, actor, { entityType: 'organisation', entityId: row!.id, action: 'created', to: 'active', reason: { kind: input.kind } }, now);
      return row!.id;
    });
    return { id, warnings: v.warnings };
  } catch (err) {
    const constraint = uniqueViolation(err);
    if (constraint === 'organisations_one_bureau_per_province') throw new OrganisationConflictError([bureauExists]);
    if (constraint === 'organisations_name') throw new OrganisationConflictError([nameTaken]);
    throw err;
  }
}

const nameTaken: FieldProblem = { field: 'name', code: 'organisation_name_taken', message: 'an organisation of this kind has this name' };
const bureauExists: FieldProblem = { field: 'provinceCode', code: 'bureau_exists', message: 'this province has its bureau' };

function validate(input: CreateOrganisationInput) {
  const problems: FieldProblem[] = [];
  const warnings: (ValidationIssue & { field: string })[] = [];
  const name = check(problems, 'name', validateUnitName(input.name));
  let uscc: string | null = null;
  if (input.uscc) {
    const r = validateUscc(input.uscc);
    uscc = check(problems, 'uscc', r);
    if (r.ok) warnings.push(...r.warnings.map((w) => ({ field: 'uscc', ...w })));
  }
  const provinceCode = input.provinceCode ?? null;
  if (input.kind === 'bureau' && !provinceCode) problems.push({ field: 'provinceCode', code: 'province_required', message: 'a bureau belongs to a province' });
  if (input.kind !== 'bureau' && provinceCode) problems.push({ field: 'provinceCode', code: 'province_not_allowed', message: 'only bureaus have a province' });
  if (provinceCode && !provinceByCode(provinceCode)) problems.push({ field: 'provinceCode', code: 'province_unknown', message: 'not a province code (e.g. 440000)' });
  const contactEmail = input.contactEmail ? check(problems, 'contactEmail', validateEmail(input.contactEmail))?.toLowerCase() ?? null : null;
  if (problems.length || !name) throw new AccountInputError(problems);
  return { name, uscc, provinceCode, contactEmail, warnings };
}

async function assertUnique(tx: Queryable, kind: OrganisationKind, name: string, provinceCode: string | null): Promise<void> {
  const [row] = await tx.query<{ name: boolean; bureau: boolean }>(
    `select exists (select 1 from organisations where kind = $1 and name = $2) as name,
            exists (select 1 from organisations where kind = 'bureau' and $1 = 'bureau' and province_code = $3) as bureau`,
    [kind, name, provinceCode],
  );
  const problems = [...(row?.name ? [nameTaken] : []), ...(row?.bureau ? [bureauExists] : [])];
  if (problems.length) throw new OrganisationConflictError(problems);
}
