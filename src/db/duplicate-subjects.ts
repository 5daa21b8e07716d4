// Filed subjects that share a certificate with an earlier one: left behind by the defect fixed in
// issue 13 and marked `duplicate_of` by migration 0011 (docs/decisions/0015). The migration
// cancels nothing — issued numbers are public — so they are reported for the bureau to resolve.
import type { Queryable } from './connection.ts';

export interface DuplicateSubject { id: string; mainNumber: string | null; keptMainNumber: string | null; provinceCode: string }

export async function findDuplicateSubjects(db: Queryable): Promise<DuplicateSubject[]> {
  const rows = await db.query<{ id: string; main_number: string | null; kept: string | null; province_code: string }>(
    `select d.id, d.main_number, k.main_number as kept, d.province_code
       from subjects d join subjects k on k.id = d.duplicate_of
      where d.status = 'filed'
      order by d.province_code, d.main_number`);
  return rows.map((r) => ({ id: r.id, mainNumber: r.main_number, keptMainNumber: r.kept, provinceCode: r.province_code }));
}

/** One line for `beian migrate`, or null when there is nothing to resolve. */
export function duplicateSubjectsWarning(rows: DuplicateSubject[]): string | null {
  if (!rows.length) return null;
  const sample = rows.slice(0, 5).map((r) => `${r.mainNumber ?? r.id} (same certificate as ${r.keptMainNumber ?? '?'})`).join(', ');
  return `warning: ${rows.length} filed subject(s) share a certificate with an earlier filed subject and are marked subjects.duplicate_of: ${sample}${rows.length > 5 ? ', …' : ''}; the bureau must resolve them (docs/decisions/0015-one-subject-per-certificate.md)`;
}
