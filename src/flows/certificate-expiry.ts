// The daily certificate-expiry job (issue 13 item 7): filed subjects and live services whose
// principal's ID certificate — or the subject's own certificate — ended, or ends within 30
// days. Each finding is recorded once (certificate_expiries), the host is told once per
// finding, and the bureau of the province is told how many new ones it has; the bureau's list
// (GET /api/bureau/expiring) reads the live registry. Runs once per day across processes
// (src/flows/timed-work.ts; docs/decisions/0016-timed-work-once-per-day.md).
import type { Queryable } from '../db/connection.ts';
import { chinaDate } from '../domain/china-time.ts';
import { addDays } from '../domain/dates.ts';
import { noticeBureau, noticeHost, inBoth } from '../notify/record-notices.ts';
import type { FlowContext } from './context.ts';

/** How far ahead an ending certificate is reported. */
export const EXPIRY_WARNING_DAYS = 30;

export type ExpiryKind = 'subject_certificate' | 'subject_principal' | 'service_principal';

/**
 * The registry's expiring certificates on `today` (China date): one row per record and kind.
 * A service whose principal is the subject's principal is reported once, as the subject's.
 */
export function expiringSql(scope: 'all' | 'province'): string {
  const province = scope === 'province' ? 'and sub.province_code = $2' : '';
  return `
    select sub.id as subject_id, null::uuid as service_id, 'subject_certificate' as kind, sub.certificate_valid_to as valid_to, sub.province_code, sub.host_user_id
      from subjects sub where sub.status = 'filed' and sub.main_number is not null and sub.certificate_valid_to <= $1::date ${province}
    union all
    select sub.id, null::uuid, 'subject_principal', p.certificate_valid_to, sub.province_code, sub.host_user_id
      from subjects sub join persons p on p.id = sub.principal_person_id
     where sub.status = 'filed' and sub.main_number is not null and p.certificate_valid_to <= $1::date ${province}
    union all
    select sub.id, s.id, 'service_principal', p.certificate_valid_to, sub.province_code, sub.host_user_id
      from services s join subjects sub on sub.id = s.subject_id join persons p on p.id = s.principal_person_id
     where s.status = 'filed' and s.principal_person_id <> sub.principal_person_id and p.certificate_valid_to <= $1::date ${province}`;
}

interface Found { subject_id: string; service_id: string | null; kind: ExpiryKind; valid_to: string; province_code: string; host_user_id: string }

const KIND_ZH: Record<ExpiryKind, [string, string]> = {
  subject_certificate: ['主体证件', "the subject's certificate"],
  subject_principal: ['主体负责人证件', "the subject principal's ID"],
  service_principal: ['服务负责人证件', "the service principal's ID"],
};

/** Records and notifies the new findings; returns how many were new. In the job's transaction. */
export async function findExpiringCertificates(ctx: FlowContext, tx: Queryable): Promise<number> {
  const today = chinaDate(ctx.now());
  const horizon = addDays(today, EXPIRY_WARNING_DAYS);
  const found = await tx.query<Found>(`select subject_id, service_id, kind, to_char(valid_to, 'YYYY-MM-DD') as valid_to, province_code, host_user_id from (${expiringSql('all')}) e`, [horizon]);
  const perProvince = new Map<string, number>();
  let fresh = 0;
  for (const f of found) {
    const rows = await tx.query(
      `insert into certificate_expiries (subject_id, service_id, kind, valid_to, province_code, found_on) values ($1,$2,$3,$4,$5,$6)
       on conflict do nothing returning id`, [f.subject_id, f.service_id, f.kind, f.valid_to, f.province_code, today]);
    if (!rows.length) continue;
    fresh++;
    perProvince.set(f.province_code, (perProvince.get(f.province_code) ?? 0) + 1);
    const [r] = await tx.query<{ name: string; number: string }>(
      f.service_id ? 'select name, service_number as number from services where id = $1' : 'select name, main_number as number from subjects where id = $1',
      [f.service_id ?? f.subject_id]);
    const [zh, en] = KIND_ZH[f.kind];
    const ended = f.valid_to < today;
    await noticeHost(tx, ctx.sealer, f.host_user_id, {
      event: 'record.certificate_expiring', at: ctx.now(),
      ...inBoth({ zh: ended ? '证件已过期' : '证件即将到期', en: `Certificate ${ended ? 'expired' : 'expiring'}`, of: r!.number }, {
        zh: `${r!.name}（${r!.number}）的${zh}有效期${ended ? '已于' : '将于'} ${f.valid_to} 到期，请提交变更更新证件信息：${ctx.publicUrl}/host/records`,
        en: `${en[0]!.toUpperCase()}${en.slice(1)} of ${r!.number} (${r!.name}) ${ended ? 'ended' : 'ends'} on ${f.valid_to}; file a change to update it: ${ctx.publicUrl}/host/records`,
      }),
    });
  }
  for (const [province, n] of perProvince) {
    await noticeBureau(tx, ctx.sealer, province, {
      event: 'record.certificates_expiring', at: ctx.now(),
      ...inBoth({ zh: '证件到期提醒', en: 'Expiring certificates', of: String(n) }, {
        zh: `今日发现 ${n} 条备案的证件已到期或将在 ${EXPIRY_WARNING_DAYS} 日内到期，见“证件到期”列表。`,
        en: `${n} filing(s) have certificates that ended or end within ${EXPIRY_WARNING_DAYS} days; see the expiring list.`,
      }),
    });
  }
  return fresh;
}
