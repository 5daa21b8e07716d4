// Minimal rows for notification tests: a host (sealed email and mobile), an access provider
// with a contact email, and an application addressed to it in Guangdong.
import type { Queryable } from '../src/db/connection.ts';
import type { Sealer } from '../src/db/personal-data.ts';

export interface NoticeFixture { hostId: string; orgId: string; applicationId: string; hostEmail: string; hostMobile: string; orgEmail: string }

let n = 0;

export async function seedNoticeFixture(db: Queryable, sealer: Sealer, options: { orgEmail?: boolean; serviceType?: string; serviceName?: string } = {}): Promise<NoticeFixture> {
  n++;
  const hostEmail = `host${n}-${Date.now()}@example.cn`;
  const hostMobile = `1380013${String(n).padStart(4, '0')}`;
  const orgEmail = `review${n}@provider.example.cn`;
  const [host] = await db.query<{ id: string }>(
    `insert into users (role, display_name, password_hash, email_enc, email_hash, mobile_enc, mobile_hash)
     values ('host', '张三', 'x', $1, $2, $3, $4) returning id`,
    [sealer.seal(hostEmail), sealer.hash('email', hostEmail), sealer.seal(hostMobile), sealer.hash('phone', hostMobile)],
  );
  const [org] = await db.query<{ id: string }>(
    `insert into organisations (kind, name, contact_email_enc) values ('access_provider', $1, $2) returning id`,
    [`示例云计算有限公司${n}`, options.orgEmail === false ? null : sealer.seal(orgEmail)],
  );
  const [app] = await db.query<{ id: string }>(
    `insert into applications (application_type, host_user_id, service_type, service_name, submitter_org_id, province_code, status)
     values ('first_filing', $1, $2, $3, $4, '440000', 'bureau_review') returning id`,
    [host!.id, options.serviceType ?? 'app', options.serviceName ?? 'A2DP Volume', org!.id],
  );
  return { hostId: host!.id, orgId: org!.id, applicationId: app!.id, hostEmail, hostMobile, orgEmail };
}
