// One filed subject per certificate (issue 13; DOMAIN.md §3, §4.1): a unit's certificate type +
// number, an individual's resident ID, is one filed subject with one main number nationwide;
// a second service is a new service under it. An open first filing of a certificate blocks
// another ("此证件存在进行中的订单", Huawei Cloud). The database holds both rules (migration 0011:
// subjects_one_filed_per_certificate, applications_one_open_first_filing_per_certificate); these
// checks answer earlier and clearly, and map the database's refusal to the same answer.
import type { Queryable } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import { NamedError } from '../domain/errors.ts';

export interface CertificateKey { type: string; hash: string }

export const SUBJECT_UNIQUE_INDEX = 'subjects_one_filed_per_certificate';
export const OPEN_FIRST_FILING_INDEX = 'applications_one_open_first_filing_per_certificate';

/** The keyed hash the registry stores for a subject's (normalised) certificate number. */
export function certificateKey(sealer: Sealer, subject: { certificateType?: unknown; certificateNumber?: unknown } | undefined): CertificateKey | null {
  const type = subject?.certificateType; const number = subject?.certificateNumber;
  if (typeof type !== 'string' || typeof number !== 'string' || !number.trim()) return null;
  return { type, hash: sealer.hash('id_number', number) };
}

export class SubjectAlreadyFiledError extends NamedError {
  constructor(mainNumber: string, own: { subjectId: string } | null) {
    super('subject_already_filed', 'conflict', own
      ? `this certificate already belongs to your filed subject ${mainNumber}: one certificate is one subject with one main number; file a new service under it (applicationType new_service, subjectId ${own.subjectId}) instead of a first filing`
      : `this certificate already belongs to the filed subject ${mainNumber}, held by another account: one certificate is one subject with one main number; ask that account to add the service under it, or ask the provincial communications administration (the bureau of the subject's province) to transfer the subject to you with proof that you hold the certificate`,
    [{ field: 'subject.certificateNumber', code: 'subject_already_filed', message: `already filed as ${mainNumber}`,
      suggestion: own ? 'add a new service to the filed subject' : 'contact the bureau of the subject\'s province' }],
    {}, { mainNumber, ...(own ? { subjectId: own.subjectId } : {}) });
  }
}

export class CertificateApplicationOpenError extends NamedError {
  constructor(own: { applicationId: string } | null) {
    super('application_already_open', 'conflict', own
      ? `a first filing of this certificate is already in progress (application ${own.applicationId}): continue that one, or withdraw it first`
      : 'a first filing of this certificate is already in progress in another account: one open order per certificate; ask the bureau of the subject\'s province if the certificate is yours',
    [{ field: 'subject.certificateNumber', code: 'application_already_open', message: 'another first filing of this certificate is in progress' }],
    {}, own ? { applicationId: own.applicationId } : {});
  }
}

/** Throws subject_already_filed when a filed subject holds the certificate. */
export async function refuseFiledCertificate(tx: Queryable, key: CertificateKey | null, hostUserId: string): Promise<void> {
  if (!key) return;
  const [s] = await tx.query<{ id: string; main_number: string; host_user_id: string }>(
    `select id, main_number, host_user_id from subjects
      where certificate_type = $1 and certificate_number_hash = $2 and status = 'filed'
      order by filed_at limit 1`, [key.type, key.hash]);
  if (s) throw new SubjectAlreadyFiledError(s.main_number, s.host_user_id === hostUserId ? { subjectId: s.id } : null);
}

/** Throws application_already_open when another submitted first filing claims the certificate. */
export async function refuseOpenFirstFiling(tx: Queryable, key: CertificateKey | null, hostUserId: string, exceptId: string | null): Promise<void> {
  if (!key) return;
  const [a] = await tx.query<{ id: string; host_user_id: string }>(
    `select id, host_user_id from applications
      where application_type = 'first_filing' and subject_certificate_type = $1 and subject_certificate_hash = $2
        and status in ('provider_review', 'returned', 'sms_pending', 'bureau_review', 'bureau_rejected')
        and id is distinct from $3::uuid limit 1`, [key.type, key.hash, exceptId]);
  if (a) throw new CertificateApplicationOpenError(a.host_user_id === hostUserId ? { applicationId: a.id } : null);
}

/** The constraint a unique violation (23505) names, if this is one. */
export const uniqueViolation = (e: unknown): string | null =>
  (e as { code?: string }).code === '23505' ? ((e as { constraint?: string }).constraint ?? '') : null;
