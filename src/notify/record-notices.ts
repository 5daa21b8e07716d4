// Notices about a filed record's life (issue 13): cancellation, cancelled access, shells and
// their cleanup, expiring certificates. An in-app notice to the host (and an email to its
// address) and/or to the bureau of the subject's province (and its contact email). Called by
// flows inside their transaction (house rule 5): the notices commit or roll back with the change.
import type { Queryable } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import { enqueueEmail } from './outbox.ts';

export interface RecordNotice {
  event: string;
  /** Bilingual title and body: zh-CN first, English after. */
  title: string;
  body: string;
  at: Date;
}

/** The host's in-app notice and email. */
export async function noticeHost(tx: Queryable, sealer: Sealer, hostUserId: string, n: RecordNotice): Promise<void> {
  await tx.query(`insert into notifications (user_id, event, title, body, created_at) values ($1, $2, $3, $4, $5)`,
    [hostUserId, n.event, n.title, n.body, n.at]);
  const [u] = await tx.query<{ email_enc: string | null }>('select email_enc from users where id = $1', [hostUserId]);
  if (u?.email_enc) await enqueueEmail(tx, sealer, { to: sealer.open(u.email_enc), subject: n.title, text: n.body }, { tag: n.event });
}

/**
 * An organisation's console notice (GET /api/org/notifications, /api/bureau/notifications) and an
 * email to its contact address (organisations.contact_email_enc) when it has one; without one the
 * notice is in the console only. Returns whether an email was queued.
 */
export async function noticeOrganisation(tx: Queryable, sealer: Sealer, organisationId: string, n: RecordNotice): Promise<boolean> {
  const [o] = await tx.query<{ contact_email_enc: string | null }>('select contact_email_enc from organisations where id = $1', [organisationId]);
  await tx.query(`insert into notifications (organisation_id, event, title, body, created_at) values ($1, $2, $3, $4, $5)`,
    [organisationId, n.event, n.title, n.body, n.at]);
  if (!o?.contact_email_enc) return false;
  await enqueueEmail(tx, sealer, { to: sealer.open(o.contact_email_enc), subject: n.title, text: n.body }, { tag: n.event });
  return true;
}

/** The in-app notice (and contact email) of the bureau of a province. */
export async function noticeBureau(tx: Queryable, sealer: Sealer, provinceCode: string, n: RecordNotice): Promise<void> {
  const [b] = await tx.query<{ id: string }>(`select id from organisations where kind = 'bureau' and province_code = $1`, [provinceCode]);
  if (b) await noticeOrganisation(tx, sealer, b.id, n);
}

/**
 * The notice (and contact email) of whoever issued a supervision order: the bureau of its province,
 * or the ministry for a national one (province null).
 */
export async function noticeIssuer(tx: Queryable, sealer: Sealer, provinceCode: string | null, n: RecordNotice): Promise<void> {
  if (provinceCode) return noticeBureau(tx, sealer, provinceCode, n);
  const [m] = await tx.query<{ id: string }>(`select id from organisations where kind = 'ministry' order by created_at limit 1`);
  if (m) await noticeOrganisation(tx, sealer, m.id, n);
}
