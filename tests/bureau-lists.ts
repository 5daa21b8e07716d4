// Many rows for the bureau's shells, expiring-certificate and blacklist lists of Guangdong (the API paging test
// and the browser journey): `n` filed services of the demo's first Guangdong subject, each a shell (one an hour
// from `shellFrom` on) whose own principal's ID ends in 10 days (a service_principal row of the expiring list), and
// `n` domain entries on the blacklist (one a minute from `shellFrom` on; every fifth lifted). Named 批量空壳第<g>号,
// 批量黑名单<g>.example.cn, so a test can tell them from the demo's own.
import type { Queryable } from '../src/db/connection.ts';

export async function seedBureauLists(db: Queryable, n: number, today: string, shellFrom: Date): Promise<void> {
  // The subject's principal, copied with an ID that ends in 10 days: the services' own principal.
  const [person] = await db.query<{ id: string }>(
    `insert into persons (name, certificate_type, certificate_number_enc, certificate_number_hash, certificate_valid_from, certificate_valid_to,
                          mobile_enc, mobile_hash, emergency_phone_enc, emergency_phone_hash, email_enc, email_hash)
     select p.name, p.certificate_type, p.certificate_number_enc, p.certificate_number_hash, p.certificate_valid_from, $1::date + 10,
            p.mobile_enc, p.mobile_hash, p.emergency_phone_enc, p.emergency_phone_hash, p.email_enc, p.email_hash
       from subjects s join persons p on p.id = s.principal_person_id where s.main_number = '粤ICP备2024000001号'
     returning id`, [today]);
  await db.query(
    `insert into services (subject_id, service_type, name, principal_person_id, sequence, service_number, filed_at, status_changed_at, shell_since)
     select s.id, 'website', '批量空壳第' || g || '号', $1, 500 + g, s.main_number || '-' || (500 + g), $2, $2, $2::timestamptz + g * interval '1 hour'
       from subjects s, generate_series(1, ${n}) g where s.main_number = '粤ICP备2024000001号'`, [person!.id, shellFrom]);
  await db.query(
    `insert into blacklist_entries (kind, value, until_on, category, reason, province_code, created_at, lifted_at, lift_reason)
     select 'domain', '批量黑名单' || g || '.example.cn', $1::date + 365, 'illegal', '分页检查', '440000', $2::timestamptz + g * interval '1 minute',
            case when g % 5 = 0 then $2::timestamptz + interval '1 day' end, case when g % 5 = 0 then '复核后解除' end
       from generate_series(1, ${n}) g`, [today, shellFrom]);
}
