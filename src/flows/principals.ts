// The persons of an application who must verify their identity and confirm by SMS:
// first filing — the subject principal and the service principal; new service — the
// service principal only (DOMAIN.md §4.1, "who gets the SMS").
import type { Queryable } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import type { PersonMaterials } from '../domain/materials.ts';
import type { ApplicationRow } from './applications.ts';

export type PrincipalRole = 'subject_principal' | 'service_principal';
export interface Principal { roles: PrincipalRole[]; person: PersonMaterials }

async function filedSubjectPrincipal(tx: Queryable, sealer: Sealer, subjectId: string): Promise<PersonMaterials | null> {
  const [p] = await tx.query<{ name: string; certificate_type: PersonMaterials['certificateType']; certificate_number_enc: string; mobile_enc: string; email_enc: string }>(
    `select p.name, p.certificate_type, p.certificate_number_enc, p.mobile_enc, p.email_enc
     from subjects s join persons p on p.id = s.principal_person_id where s.id = $1`, [subjectId]);
  return p ? { name: p.name, certificateType: p.certificate_type, certificateNumber: sealer.open(p.certificate_number_enc), mobile: sealer.open(p.mobile_enc), email: sealer.open(p.email_enc) } : null;
}

/** Distinct people (by mobile) with the roles they hold; materials must be opened already. */
export async function principalsOf(tx: Queryable, sealer: Sealer, app: ApplicationRow, materials: Record<string, unknown>): Promise<Principal[]> {
  const subjectPrincipal = (materials.subject as { principal?: PersonMaterials } | undefined)?.principal
    ?? (app.subject_id ? await filedSubjectPrincipal(tx, sealer, app.subject_id) : null);
  const sp = (materials.service as { principal?: PersonMaterials | { sameAsSubjectPrincipal: true } } | undefined)?.principal;
  const servicePrincipal = sp && 'sameAsSubjectPrincipal' in sp ? subjectPrincipal : (sp as PersonMaterials | undefined) ?? null;
  const list: Principal[] = [];
  const add = (role: PrincipalRole, person: PersonMaterials | null) => {
    if (!person?.mobile) return;
    const same = list.find((x) => x.person.mobile === person.mobile);
    if (same) same.roles.push(role); else list.push({ roles: [role], person });
  };
  if (app.application_type === 'first_filing') add('subject_principal', subjectPrincipal);
  add('service_principal', servicePrincipal);
  return list;
}
