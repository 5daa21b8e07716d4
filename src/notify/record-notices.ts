// Notices about a filed record's life (issue 13): cancellation, cancelled access, shells and
// their cleanup, expiring certificates. An in-app notice to the host (and an email to its
// address) and/or to the bureau of the subject's province (and its contact email). Called by
// flows inside their transaction (house rule 5): the notices commit or roll back with the change.
import type { Queryable } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import { enqueueEmail } from './outbox.ts';

export interface NoticeText { title: string; body: string }
/** A notice in each language apart: the web app shows the one it speaks (migration 0057). */
export interface NoticeTexts { zh: NoticeText; en: NoticeText }

export interface RecordNotice {
  event: string;
  /** Bilingual title and body: zh-CN first, English after (the email's, and the stored text of every row). */
  title: string;
  body: string;
  /** The same in each language apart, for the app. */
  texts?: NoticeTexts;
  at: Date;
}

/**
 * A notice from its two languages. The email (and the row's `title`/`body`) reads `zh / en: of` and the
 * Chinese body, then the English one (`sep` between).
 */
export function inBoth(
  title: { zh: string; en: string; of?: string }, body: { zh: string; en: string }, options: { sep?: string } = {},
): Pick<RecordNotice, 'title' | 'body' | 'texts'> {
  const zhTitle = title.of ? `${title.zh}：${title.of}` : title.zh;
  const enTitle = title.of ? `${title.en}: ${title.of}` : title.en;
  return {
    title: `${title.zh} / ${title.en}${title.of ? `: ${title.of}` : ''}`,
    body: `${body.zh}${options.sep ?? '\n'}${body.en}`,
    texts: { zh: { title: zhTitle, body: body.zh }, en: { title: enTitle, body: body.en } },
  };
}

/** The in-app row (its texts as JSON, or null where a notice has none). */
export async function insertNotification(
  tx: Queryable, to: { userId?: string | null; organisationId?: string | null; applicationId?: string | null },
  n: { event: string; title: string; body: string; texts?: NoticeTexts | undefined; at?: Date | null | undefined },
): Promise<void> {
  await tx.query(
    `insert into notifications (user_id, organisation_id, application_id, event, title, body, texts, created_at)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb, coalesce($8::timestamptz, now()))`,
    [to.userId ?? null, to.organisationId ?? null, to.applicationId ?? null, n.event, n.title, n.body, n.texts ? JSON.stringify(n.texts) : null, n.at ?? null],
  );
}

/** The host's in-app notice and email. */
export async function noticeHost(tx: Queryable, sealer: Sealer, hostUserId: string, n: RecordNotice): Promise<void> {
  await insertNotification(tx, { userId: hostUserId }, n);
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
  await insertNotification(tx, { organisationId }, n);
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
