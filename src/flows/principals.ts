// The persons of an application who must verify their identity and confirm by SMS, per the
// kind's row in APPLICATION_KINDS (DOMAIN.md §4.1 "who gets the SMS"): first filing — the
// subject principal and the service principal; new service, new access — the service principal;
// a change — the principal of the record that changes. Identity verification for a change only
// where the principal is new to the record (issue 13).
import type { Queryable } from '../db/connection.ts';
import { openMaterials } from '../db/materials-store.ts';
import type { Sealer } from '../db/personal-data.ts';
import { kindOf, type PrincipalRole } from '../domain/lifecycle.ts';
import type { PersonMaterials } from '../domain/materials.ts';
import type { ApplicationRow } from './applications.ts';

export type { PrincipalRole } from '../domain/lifecycle.ts';
export interface Principal { roles: PrincipalRole[]; person: PersonMaterials }

async function filedSubjectPrincipal(tx: Queryable, sealer: Sealer, subjectId: string): Promise<PersonMaterials | null> {
  const [p] = await tx.query<{ name: string; certificate_type: PersonMaterials['certificateType']; certificate_number_enc: string; mobile_enc: string; email_enc: string }>(
    `select p.name, p.certificate_type, p.certificate_number_enc, p.mobile_enc, p.email_enc
     from subjects s join persons p on p.id = s.principal_person_id where s.id = $1`, [subjectId]);
  return p ? { name: p.name, certificateType: p.certificate_type, certificateNumber: sealer.open(p.certificate_number_enc), mobile: sealer.open(p.mobile_enc), email: sealer.open(p.email_enc) } : null;
}

type Person = PersonMaterials | { sameAsSubjectPrincipal: true } | undefined;
const subjectPrincipalIn = (m: Record<string, unknown> | null | undefined) => (m?.subject as { principal?: PersonMaterials } | undefined)?.principal;
const servicePrincipalIn = (m: Record<string, unknown> | null | undefined) => (m?.service as { principal?: Person } | undefined)?.principal;

/** Distinct people (by mobile) with the roles they hold; materials must be opened already. */
export async function principalsOf(tx: Queryable, sealer: Sealer, app: ApplicationRow, materials: Record<string, unknown>): Promise<Principal[]> {
  const subjectPrincipal = subjectPrincipalIn(materials) ?? (app.subject_id ? await filedSubjectPrincipal(tx, sealer, app.subject_id) : null);
  const sp = servicePrincipalIn(materials);
  const servicePrincipal = sp && 'sameAsSubjectPrincipal' in sp ? subjectPrincipal : (sp as PersonMaterials | undefined) ?? null;
  const list: Principal[] = [];
  const add = (role: PrincipalRole, person: PersonMaterials | null) => {
    if (!person?.mobile) return;
    const same = list.find((x) => x.person.mobile === person.mobile);
    if (same) same.roles.push(role); else list.push({ roles: [role], person });
  };
  for (const role of kindOf(app.application_type).sms) add(role, role === 'subject_principal' ? subjectPrincipal : servicePrincipal);
  return list;
}

/** The principals who must pass identity verification: all, or for a change those new to the record. */
export async function principalsToVerify(tx: Queryable, sealer: Sealer, app: ApplicationRow, materials: Record<string, unknown>): Promise<Principal[]> {
  const all = await principalsOf(tx, sealer, app, materials);
  if (kindOf(app.application_type).verify === 'all' || !app.base_materials) return all;
  const base = openMaterials(app.base_materials, sealer);
  const filedSubject = app.subject_id ? await filedSubjectPrincipal(tx, sealer, app.subject_id) : null;
  const before = (role: PrincipalRole): PersonMaterials | null | undefined => {
    if (role === 'subject_principal') return subjectPrincipalIn(base) ?? filedSubject;
    const sp = servicePrincipalIn(base);
    return sp && 'sameAsSubjectPrincipal' in sp ? filedSubject : sp;
  };
  const isNew = (role: PrincipalRole, p: PersonMaterials) => before(role)?.certificateNumber?.toUpperCase() !== p.certificateNumber?.toUpperCase();
  return all.map((p) => ({ ...p, roles: p.roles.filter((r) => isNew(r, p.person)) })).filter((p) => p.roles.length > 0);
}
