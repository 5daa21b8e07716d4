// When an imported holiday schedule moves running deadlines (issue 12 part 1), each bureau
// whose queue changed is told: an in-app notice to the bureau organisation and an email to its
// contact address and to each active reviewer, through the outbox in the import's transaction
// (house rule 5). One message per bureau lists every moved deadline, old → new.
import type { Queryable } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import { enqueueEmail } from './outbox.ts';
import { insertNotification, type NoticeTexts } from './record-notices.ts';

export interface MovedDeadline {
  applicationId: string; serviceName: string | null; provinceCode: string;
  old: { deadlineOn: string | null; provisional: boolean };
  new: { deadlineOn: string; provisional: boolean };
}

export interface DeadlinesMovedInput {
  year: number; moves: readonly MovedDeadline[]; publicUrl: string; at: Date;
  /** Why: a schedule imported by the ministry, a year that became official otherwise (package upgrade), or a day entered or removed by hand. */
  cause?: 'import' | 'official' | 'override';
  /** With cause `override`: what changed, in Chinese and in English (e.g. "2026-12-08 设为节假日"). */
  detail?: { zh: string; en: string };
}

export const DEADLINES_MOVED_EVENT = 'calendar.deadlines_moved';

const zhDate = (d: string | null, provisional: boolean) => (d ? `${d}${provisional ? '（暂定）' : ''}` : '未定');
const enDate = (d: string | null, provisional: boolean) => (d ? `${d}${provisional ? ' (provisional)' : ''}` : 'none');

/** Pure: the title and text of one bureau's notice. */
export function renderDeadlinesMoved(
  year: number, moves: readonly MovedDeadline[], publicUrl: string, cause: 'import' | 'official' | 'override' = 'import', detail?: { zh: string; en: string },
) {
  const title = cause === 'override'
    ? `${year}年工作日历已调整，${moves.length}件备案申请的审核截止日期已调整`
    : `${year}年节假日${cause === 'import' ? '安排已导入' : '正式安排已生效'}，${moves.length}件备案申请的审核截止日期已调整`;
  const lines = moves.map((m) => `- ${m.serviceName ?? m.applicationId}：${zhDate(m.old.deadlineOn, m.old.provisional)} → ${zhDate(m.new.deadlineOn, m.new.provisional)}`);
  const linesEn = moves.map((m) => `- ${m.serviceName ?? m.applicationId}: ${enDate(m.old.deadlineOn, m.old.provisional)} → ${enDate(m.new.deadlineOn, m.new.provisional)}`);
  const lead = cause === 'override'
    ? [`工作日历已调整：${detail?.zh ?? ''}。以下审核截止日期（20个工作日）重新计算：`, `The working-day calendar was changed: ${detail?.en ?? ''}; these 20-working-day review deadlines were recomputed:`]
    : [`国务院办公厅公布的${year}年节假日安排已${cause === 'import' ? '导入备案系统' : '在备案系统中生效'}。以下审核截止日期（20个工作日）按正式安排重新计算：`,
      `The official ${year} holiday schedule ${cause === 'import' ? 'was imported' : 'is now in effect'}; these 20-working-day review deadlines were recomputed:`];
  const titleEn = cause === 'override'
    ? `${year} working-day calendar changed: ${moves.length} review deadline(s) moved`
    : `${year} holiday schedule ${cause === 'import' ? 'imported' : 'in effect'}: ${moves.length} review deadline(s) moved`;
  const zh = [lead[0], ...lines].join('\n');
  const en = [lead[1], ...linesEn].join('\n');
  const body = `${zh}\n\n${en}`;
  const text = `${body}\n\n${publicUrl.replace(/\/$/, '')}/bureau`;
  // The email and the row's title stay Chinese; the app shows each language's own (texts).
  const texts: NoticeTexts = { zh: { title, body: zh }, en: { title: titleEn, body: en } };
  return { title, subject: `【备案通知】${title}`, body, text, texts };
}

export async function noticeDeadlinesMoved(tx: Queryable, sealer: Sealer, input: DeadlinesMovedInput): Promise<{ bureaus: number; emails: number }> {
  const byProvince = new Map<string, MovedDeadline[]>();
  for (const m of input.moves) byProvince.set(m.provinceCode, [...byProvince.get(m.provinceCode) ?? [], m]);
  let emails = 0;
  for (const [province, moves] of byProvince) {
    const n = renderDeadlinesMoved(input.year, moves, input.publicUrl, input.cause, input.detail);
    const [org] = await tx.query<{ id: string; contact_email_enc: string | null }>(
      `select id, contact_email_enc from organisations where kind = 'bureau' and province_code = $1`, [province]);
    const reviewers = await tx.query<{ email_enc: string }>(
      `select u.email_enc from users u join organisations o on o.id = u.organisation_id
        where o.kind = 'bureau' and o.province_code = $1 and u.role = 'bureau_reviewer' and u.disabled_at is null and u.email_enc is not null
        order by u.id`, [province]);
    if (org) {
      await insertNotification(tx, { organisationId: org.id }, { event: DEADLINES_MOVED_EVENT, title: n.title, body: n.body, texts: n.texts, at: input.at });
    }
    const to = new Set([...(org?.contact_email_enc ? [sealer.open(org.contact_email_enc)] : []), ...reviewers.map((r) => sealer.open(r.email_enc))]);
    for (const address of to) {
      await enqueueEmail(tx, sealer, { to: address, subject: n.subject, text: n.text }, { tag: DEADLINES_MOVED_EVENT });
      emails++;
    }
  }
  return { bureaus: byProvince.size, emails };
}
