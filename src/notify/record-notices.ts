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

/** The in-app notice (and contact email) of the bureau of a province. */
export async function noticeBureau(tx: Queryable, sealer: Sealer, provinceCode: string, n: RecordNotice): Promise<void> {
  const [b] = await tx.query<{ id: string; contact_email_enc: string | null }>(
    `select id, contact_email_enc from organisations where kind = 'bureau' and province_code = $1`, [provinceCode]);
  if (!b) return;
  await tx.query(`insert into notifications (organisation_id, event, title, body, created_at) values ($1, $2, $3, $4, $5)`,
    [b.id, n.event, n.title, n.body, n.at]);
  if (b.contact_email_enc) await enqueueEmail(tx, sealer, { to: sealer.open(b.contact_email_enc), subject: n.title, text: n.body }, { tag: n.event });
}
