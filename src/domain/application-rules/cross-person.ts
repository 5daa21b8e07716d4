// Rules across the persons of one application (DOMAIN.md §2.2, "cross-field rules reported by
// access providers" [S16][S8][S14]): the same person (same name and certificate number) in two
// roles must carry identical data; different people must not share a mobile, an email or a
// certificate number. Uniqueness against other subjects (e.g. a reused emergency phone) needs
// the database and is the flow's check.
import type { DeepPartial } from '../deep-partial.ts';
import type { PersonMaterials } from '../materials.ts';
import type { LegalPerson } from './people.ts';
import { type Report, path, text } from './report.ts';

export interface Role {
  /** Field path of the person, e.g. `service.principal`. */
  base: string;
  person: DeepPartial<PersonMaterials> | LegalPerson;
  /** False for the legal representative, of whom only name and certificate are filed. */
  full: boolean;
}

const SAME_PERSON_FIELDS = ['certificateType', 'certificateValidFrom', 'certificateValidTo', 'mobile', 'emergencyPhone', 'email'] as const;

/** Compare every pair; findings are reported on the later role of each pair. */
export function checkCrossPerson(report: Report, roles: readonly Role[]): void {
  roles.forEach((b, j) => {
    for (const a of roles.slice(0, j)) comparePair(report, a, b);
  });
}

function comparePair(report: Report, a: Role, b: Role): void {
  const id = (r: Role) => text(r.person.certificateNumber)?.toUpperCase();
  const name = (r: Role) => text(r.person.name);
  if (id(a) === undefined || name(a) === undefined || id(b) === undefined || name(b) === undefined) return;
  if (id(a) === id(b) && name(a) === name(b)) {
    if (a.full && b.full) sameData(report, a, b);
    return;
  }
  if (id(a) === id(b)) {
    report.error(path(b.base, 'certificateNumber'), 'different_people_share_id_number',
      `${name(b)} and ${name(a)} (${a.base}) have the same certificate number; one person has one name`);
  }
  if (!a.full || !b.full) return;
  const pa = a.person as DeepPartial<PersonMaterials>;
  const pb = b.person as DeepPartial<PersonMaterials>;
  if (text(pa.mobile) !== undefined && text(pa.mobile) === text(pb.mobile)) {
    report.error(path(b.base, 'mobile'), 'different_people_share_mobile', `a different person (${a.base}) gives the same mobile; each person needs their own`);
  }
  if (text(pa.email) !== undefined && text(pa.email)?.toLowerCase() === text(pb.email)?.toLowerCase()) {
    report.error(path(b.base, 'email'), 'different_people_share_email', `a different person (${a.base}) gives the same email; each person needs their own`);
  }
}

function sameData(report: Report, a: Role, b: Role): void {
  const pa = a.person as DeepPartial<PersonMaterials>;
  const pb = b.person as DeepPartial<PersonMaterials>;
  for (const f of SAME_PERSON_FIELDS) {
    const va = text(pa[f]) ?? null;
    const vb = text(pb[f]) ?? null;
    if (va !== vb) {
      report.error(path(b.base, f), 'same_person_data_differs', `the same person is given as ${a.base} with a different ${f}; one person's data must be identical in every role`);
    }
  }
}
