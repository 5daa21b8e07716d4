// Violation reports (issue 14, contract 6). An organisation reports a filed service it found
// violating — by service number or by the APP's identity — with what it has done (the notice:
// stop it, keep records, report to the bureau); the public reports from the record page, its
// contact sealed like other personal data (ADR 0004). The host's provincial bureau triages.
import type { Queryable } from '../../db/connection.ts';
import type { Actor } from '../../domain/actors.ts';
import { NamedError } from '../../domain/errors.ts';
import { parseFilingNumber } from '../../domain/filing-number.ts';
import type { ViolationCategory } from '../../domain/supervision/violations.ts';
import { type CertFingerprint, validateCertFingerprint, validateEmail, validateMobile } from '../../domain/validation/index.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { isOrgStaff } from './scope.ts';

export type ServiceRef = { serviceNumber: string } | { platform: string; packageName: string; fingerprint?: string };

export interface OrgReportInput {
  target: ServiceRef;
  category: ViolationCategory;
  description: string;
  evidence?: string | null;
  measuresTaken?: string | null;
  stoppedAt?: string | null;
}

const notFound = (field: string) => new NamedError('service_not_found', 'not_found', 'no filed service matches', [{ field, code: 'not_found', message: 'no filed service matches' }]);

/**
 * The service reported: by number, or the latest filing of a platform + package name. With a
 * fingerprint, only a filing signed with that certificate: an APP with the package name of a
 * filed one but another certificate is a counterfeit (unfiled), not the filed APP — a report
 * against the filing would put its host in front of the bureau (and its revocation) for another's
 * APP, so it is refused with the reason, as the verification API answers fingerprint_mismatch.
 */
async function resolveService(tx: Queryable, ref: ServiceRef): Promise<{ id: string; province_code: string; service_number: string }> {
  if ('serviceNumber' in ref) {
    const p = parseFilingNumber(ref.serviceNumber);
    if (!p.ok || p.value.kind !== 'service') throw notFound('serviceNumber');
    const [s] = await tx.query<{ id: string; province_code: string; service_number: string }>(
      'select s.id, sub.province_code, s.service_number from services s join subjects sub on sub.id = s.subject_id where s.service_number = $1', [p.value.number]);
    if (!s) throw notFound('serviceNumber');
    return s;
  }
  let fp: CertFingerprint | null = null;
  if (ref.fingerprint !== undefined && ref.fingerprint.trim() !== '') {
    const v = validateCertFingerprint(ref.fingerprint);
    if (!v.ok) throw new NamedError('fingerprint_invalid', 'invalid', v.error.message, [{ field: 'fingerprint', code: v.error.code, message: v.error.message }]);
    fp = v.value;
  }
  const rows = await tx.query<{ id: string; province_code: string; service_number: string; signed: boolean }>(
    `select s.id, sub.province_code, s.service_number,
            case $3::text when 'md5' then p.cert_md5 = $4 when 'sha1' then p.cert_sha1 = $4 when 'sha256' then p.cert_sha256 = $4 else true end as signed
       from app_platforms p join services s on s.id = p.service_id join subjects sub on sub.id = s.subject_id
      where p.platform = $1 and p.package_name = $2 order by p.active desc, s.status_changed_at desc`,
    [ref.platform.trim().toLowerCase(), ref.packageName.trim(), fp?.algorithm ?? null, fp?.hex ?? null]);
  if (!rows.length) throw notFound('packageName');
  const s = rows.find((r) => r.signed);
  if (!s) {
    const message = 'the package is filed with another signing certificate: the APP found is not the filed one (a counterfeit is unfiled — stop serving it; the filing is not reported)';
    throw new NamedError('fingerprint_mismatch', 'invalid', message, [{ field: 'fingerprint', code: 'fingerprint_mismatch', message }]);
  }
  return { id: s.id, province_code: s.province_code, service_number: s.service_number };
}

/** The report, its first step and its history row; a public report's step names the public, its history the system (no account). */
async function insertReport(ctx: FlowContext, tx: Queryable, actor: Actor, row: Record<string, unknown>, serviceId: string, note: string) {
  const now = ctx.now();
  const cols = Object.keys(row);
  const [r] = await tx.query<{ id: string }>(
    `insert into violation_reports (${cols.join(', ')}, status, created_at, updated_at) values (${cols.map((_, i) => `$${i + 1}`).join(', ')}, 'received', $${cols.length + 1}, $${cols.length + 1}) returning id`,
    [...Object.values(row), now]);
  await tx.query(`insert into violation_steps (violation_id, action, status, note, actor_role, actor_org_id, at) values ($1, 'reported', 'received', $2, $3, $4, $5)`,
    [r!.id, note, row.reporter_kind === 'public' ? 'public' : actor.role, actor.orgId, now]);
  await recordHistory(tx, actor, { entityType: 'violation_report', entityId: r!.id, action: 'report', to: 'received', reason: { serviceId, category: row.category, reporter: row.reporter_kind } }, now);
  return r!.id;
}

export async function reportViolation(ctx: FlowContext, actor: Actor, input: OrgReportInput): Promise<{ id: string; serviceNumber: string }> {
  if (!isOrgStaff(actor)) throw new NamedError('forbidden', 'forbidden', 'organisations report here; the public uses the record page');
  return ctx.db.transaction(async (tx) => {
    const s = await resolveService(tx, input.target);
    const id = await insertReport(ctx, tx, actor, {
      reporter_kind: 'organisation', reporter_org_id: actor.orgId, reporter_user_id: actor.userId, service_id: s.id, province_code: s.province_code,
      category: input.category, description: input.description.trim(), evidence: input.evidence?.trim() || null, measures_taken: input.measuresTaken?.trim() || null,
      stopped_at: input.stoppedAt ? new Date(input.stoppedAt) : null,
    }, s.id, 'fingerprint' in input.target && input.target.fingerprint ? `fingerprint ${input.target.fingerprint}` : '');
    return { id, serviceNumber: s.service_number };
  });
}

export interface PublicReportInput { category: ViolationCategory; description: string; name?: string | null; contact: string }

/** A member of the public reports a filed service; the contact (mobile or email) is sealed. */
export async function reportViolationPublicly(ctx: FlowContext, actor: Actor, serviceNumber: string, input: PublicReportInput): Promise<{ id: string }> {
  const c = input.contact.trim();
  const isEmail = c.includes('@');
  const v = isEmail ? validateEmail(c) : validateMobile(c);
  if (!v.ok) throw new NamedError('contact_invalid', 'invalid', 'a mobile number or an email address to reach you', [{ field: 'contact', code: v.error.code, message: v.error.message }]);
  return ctx.db.transaction(async (tx) => {
    const s = await resolveService(tx, { serviceNumber });
    const id = await insertReport(ctx, tx, actor, {
      reporter_kind: 'public', reporter_name: input.name?.trim() || null, reporter_contact_enc: ctx.sealer.seal(v.value),
      reporter_contact_hash: ctx.sealer.hash(isEmail ? 'email' : 'phone', v.value), service_id: s.id, province_code: s.province_code,
      category: input.category, description: input.description.trim(),
    }, s.id, '');
    return { id };
  });
}
