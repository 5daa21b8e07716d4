// Loading filed subjects for a write (cancellation): a host acts on its own subjects only;
// another's is a 404 (house rule 7). By id or by main number (what a host has in hand).
import type { Queryable } from '../db/connection.ts';
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { parseFilingNumber } from '../domain/filing-number.ts';
import type { SubjectStatus } from '../domain/service-lifecycle.ts';
import { isUuid } from '../domain/ids.ts';

export interface SubjectRow {
  id: string; name: string; main_number: string; status: SubjectStatus; host_user_id: string; province_code: string; principal_person_id: string;
}

export class SubjectNotFoundError extends NamedError {
  constructor(id: string) { super('subject_not_found', 'not_found', `no filed subject ${id} that you can act on`); }
}


export async function loadSubjectForUpdate(tx: Queryable, idOrNumber: string, actor: Actor): Promise<SubjectRow> {
  if (actor.role !== 'host') throw new SubjectNotFoundError(idOrNumber);
  const number = isUuid(idOrNumber) ? null : parseFilingNumber(idOrNumber);
  if (number && (!number.ok || number.value.kind !== 'subject')) throw new SubjectNotFoundError(idOrNumber);
  const [row] = await tx.query<SubjectRow>(
    `select id, name, main_number, status, host_user_id, province_code, principal_person_id from subjects
      where ${number ? 'main_number = $1' : 'id = $1::uuid'} and host_user_id = $2 and main_number is not null for update`,
    [number?.ok ? number.value.number : idOrNumber, actor.userId]);
  if (!row) throw new SubjectNotFoundError(idOrNumber);
  return row;
}
