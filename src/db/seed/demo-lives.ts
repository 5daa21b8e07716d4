// Demo data with a life (issue 13 item 10, the records part): about 90 days of a subject's
// services after the number, dated relative to `now`, so that on first start the host's
// 已备案 page, the provider's services, the bureau's shell cleanup (a shell under publicity, a
// notice due for cleanup, one carried out), the public notices and record timelines, and the
// expiring-certificate list all show something. Written as history and state rows the flows
// would have written. The subjects engineer's changes under review live in their own function.
import { randomBytes, randomUUID } from 'node:crypto';
import { type Actor, SYSTEM_ACTOR } from '../../domain/actors.ts';
import { addDays } from '../../domain/dates.ts';
import { chinaDate, chinaYear } from '../../domain/china-time.ts';
import { idNumberCheckChar, usccCheckChar } from '../../domain/validation/index.ts';
import type { Queryable } from '../connection.ts';
import { type FilingEvent, filingEventBody, filingOfEvent } from '../filing-event-body.ts';
import type { Sealer } from '../personal-data.ts';
import { insertAccess, insertFiledService, insertFiledSubject, insertPlatforms } from '../registry.ts';

const DAY = 86_400_000;
const none = () => ({ preApprovals: [], sdks: [], categories: ['enterprise_site'], languages: ['zh-CN'], homeUrl: null as string | null });

interface Actors { host: Actor; provider: Actor; bureau: Actor }

async function actors(tx: Queryable): Promise<Actors> {
  const rows = await tx.query<{ login: string | null; id: string; role: string; organisation_id: string | null; email_hash: string | null }>(
    `select u.login, u.id, u.role, u.organisation_id, u.email_hash from users u`);
  const staff = (login: string, province: string | null = null): Actor => {
    const u = rows.find((r) => r.login === login)!;
    return { userId: u.id, role: u.role as Actor['role'], orgId: u.organisation_id, orgKind: null, provinceCode: province, requestId: 'demo-seed' };
  };
  const [host] = await tx.query<{ id: string }>(`select host_user_id as id from subjects where main_number like '粤ICP备2024%' order by main_number limit 1`);
  return { host: { ...SYSTEM_ACTOR, userId: host!.id, role: 'host', requestId: 'demo-seed' }, provider: staff('provider.demo'), bureau: staff('gd.reviewer', '440000') };
}

/** The lives: one Guangdong subject of the demo host with services in every record state. */
export async function seedDemoLives(tx: Queryable, sealer: Sealer, now: Date): Promise<void> {
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  const a = await actors(tx);
  const [cloud] = await tx.query<{ id: string }>(`select id from organisations where name = '示例云计算有限公司'`);
  const first17 = '44030519870909004';
  const subject = await insertFiledSubject(tx, sealer, {
    subjectType: 'unit', nature: 'enterprise', name: '深圳市示例云端科技有限公司', certificateType: 'uscc',
    certificateNumber: `91440300MA5K9Y2W8${usccCheckChar('91440300MA5K9Y2W8')}`, certificateAddress: '广东省深圳市福田区示例路9号',
    address: '福田区示例路9号云端大厦12楼', provinceCode: '440000', cityCode: '440300', districtCode: '440304',
    // The principal's ID ends within 30 days: the daily job finds it on first start.
    principal: { name: '周云', certificateType: 'resident_id', certificateNumber: first17 + idNumberCheckChar(first17), certificateValidFrom: '2016-01-01',
      certificateValidTo: addDays(chinaDate(now), 20), mobile: '13800138005', emergencyPhone: '13900139005', email: 'zhouyun@demo.beian.test' },
    // The number's year is the filing date's (DOMAIN.md §3), whatever day the demo is seeded.
    hostUserId: a.host.userId!, prefix: '粤', year: chinaYear(ago(92)), filedAt: ago(92),
  });
  const [sub] = await tx.query<{ principal_person_id: string }>('select principal_person_id from subjects where id = $1', [subject.id]);
  await tx.query('update subjects set updated_at = $2 where id = $1', [subject.id, ago(92)]);
  const site = async (name: string, domain: string, filedDaysAgo: number) => {
    const s = await insertFiledService(tx, {
      ...none(), serviceType: 'website', name, description: `${name}：深圳市示例云端科技有限公司的网站（演示数据）。`, homeUrl: `https://www.${domain}`, domains: [domain],
      subjectId: subject.id, mainNumber: subject.main_number, principalPersonId: sub!.principal_person_id, filedAt: ago(filedDaysAgo),
    });
    await insertAccess(tx, s.id, [{ providerOrgId: cloud!.id, accessMethod: 'cloud', serverLocation: '广东省深圳市', ips: ['203.0.113.60'], domains: [domain] }]);
    await filed(s, filedDaysAgo);
    return s;
  };
  // The rows src/flows/history.ts writes (the seed sits below the flows and writes them itself).
  const history = (actor: Actor, id: string, action: string, daysAgo: number, from: string | null, to: string | null, reason: unknown) => tx.query(
    `insert into history (entity_type, entity_id, action, from_status, to_status, actor_user_id, actor_role, actor_org_id, reason, request_id, at)
     values ('service', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [id, action, from, to, actor.userId, actor.role, actor.orgId, JSON.stringify(reason), actor.requestId, ago(daysAgo)]);
  /** Filed without an application (as demo.ts loads its filings): the record's first public event, in the log. */
  const filed = (svc: { id: string; service_number: string }, daysAgo: number) =>
    history(a.bureau, svc.id, 'filed', daysAgo, null, 'filed', { mainNumber: subject.main_number, serviceNumber: svc.service_number });
  /** The provider ended its access `daysAgo`: the service became a shell then. */
  const shell = async (id: string, daysAgo: number) => {
    const [acc] = await tx.query<{ id: string }>('update access_records set active = false, cancelled_at = $2 where service_id = $1 returning id', [id, ago(daysAgo)]);
    await tx.query('update services set shell_since = $2, updated_at = $2 where id = $1', [id, ago(daysAgo)]);
    await history(a.provider, id, 'access_cancelled', daysAgo, null, null, { accessRecordId: acc!.id, providerOrgId: cloud!.id, reason: '合同到期（演示）' });
    await history(a.provider, id, 'become_shell', daysAgo, 'filed', 'shell', { accessRecordId: acc!.id, providerOrgId: cloud!.id });
  };
  const notice = async (title: string, publishedDaysAgo: number, services: string[], executedDaysAgo: number | null) => {
    const [n] = await tx.query<{ id: string }>(
      `insert into cleanup_notices (province_code, title, publicity_days, published_at, ends_at, status, executed_at, created_by)
       values ('440000', $1, 7, $2, $3, $4, $5, $6) returning id`,
      [title, ago(publishedDaysAgo), ago(publishedDaysAgo - 7), executedDaysAgo === null ? 'publicised' : 'executed', executedDaysAgo === null ? null : ago(executedDaysAgo), a.bureau.userId]);
    for (const s of services) {
      await tx.query(`insert into cleanup_notice_services (notice_id, service_id, outcome, decided_at) values ($1, $2, $3, $4)`,
        [n!.id, s, executedDaysAgo === null ? 'listed' : 'cleaned', executedDaysAgo === null ? null : ago(executedDaysAgo)]);
      await history(a.bureau, s, 'cleanup_listed', publishedDaysAgo, null, null, { noticeId: n!.id });
    }
    return n!.id;
  };

  // A service that lives on: filed 90 days ago, with an APP platform, access intact.
  const app = await insertFiledService(tx, {
    ...none(), serviceType: 'app', name: '云端笔记', categories: ['tools'], description: '云端同步的个人笔记应用（演示数据）。', domains: ['api.cloudnote-demo.cn'],
    subjectId: subject.id, mainNumber: subject.main_number, principalPersonId: sub!.principal_person_id, filedAt: ago(90),
  });
  await insertPlatforms(tx, app.id, [{ platform: 'android', packageName: 'cn.example.cloudnote', publicKey: 'CAFE01'.repeat(85) + 'C2', certMd5: 'c0ffee00c0ffee00c0ffee00c0ffee00', domains: ['api.cloudnote-demo.cn'] }]);
  await insertAccess(tx, app.id, [{ providerOrgId: cloud!.id, accessMethod: 'cloud', serverLocation: '广东省深圳市', ips: ['203.0.113.61'], domains: ['api.cloudnote-demo.cn'] }]);
  await filed(app, 90);

  // A shell under publicity: no access for 45 days, on a notice published 3 days ago (4 days left).
  const underPublicity = await site('云端示例官网', 'cloud-demo-site.cn', 88);
  await shell(underPublicity.id, 45);
  await notice('空壳备案清理公告（演示，公示中）', 3, [underPublicity.id], null);
  // A notice whose publicity is over, waiting for the bureau's cleanup.
  const due = await site('云端活动页', 'cloud-demo-event.cn', 86);
  await shell(due.id, 50);
  await notice('空壳备案清理公告（演示，待清理）', 9, [due.id], null);
  // A shell listable now (40 days), and one still in its 30-day grace (10 days).
  await shell((await site('云端帮助中心', 'cloud-demo-help.cn', 84)).id, 40);
  await shell((await site('云端开发者文档', 'cloud-demo-docs.cn', 80)).id, 10);
  // A shell cleaned up by a notice carried out 50 days ago.
  const cleaned = await site('云端论坛', 'cloud-demo-bbs.cn', 90);
  await shell(cleaned.id, 75);
  const old = await notice('空壳备案清理公告（演示，已执行）', 57, [cleaned.id], 50);
  await tx.query(`update services set status = 'cancelled', shell_since = null, status_changed_at = $2, updated_at = $2 where id = $1`, [cleaned.id, ago(50)]);
  await tx.query(`update access_records set active = false where service_id = $1`, [cleaned.id]);
  await history(a.bureau, cleaned.id, 'clean_up', 50, 'shell', 'cancelled', { noticeId: old, notice: '空壳备案清理公告（演示，已执行）' });
  // A service its host cancelled 20 days ago (confirmed by code), and one the bureau revoked 30 days ago.
  const cancelled = await site('云端旧版官网', 'cloud-demo-old.cn', 89);
  await tx.query(`update services set status = 'cancelled', status_changed_at = $2, updated_at = $2 where id = $1`, [cancelled.id, ago(20)]);
  await tx.query(`update access_records set active = false, cancelled_at = $2 where service_id = $1`, [cancelled.id, ago(20)]);
  await history(a.host, cancelled.id, 'cancel', 20, 'filed', 'cancelled', { reason: '网站改版，旧站停止运营（演示）' });
  const revoked = await site('云端下载站', 'cloud-demo-dl.cn', 87);
  await tx.query(`update services set status = 'revoked', revocation_category = 'illegal', status_changed_at = $2, updated_at = $2 where id = $1`, [revoked.id, ago(30)]);
  await tx.query(`update access_records set active = false, cancelled_at = $2 where service_id = $1`, [revoked.id, ago(30)]);
  await history(a.bureau, revoked.id, 'revoke', 30, 'filed', 'revoked', { reason: '提供未经许可的下载服务（演示）' });
  // Both languages apart too (notifications.texts, migration 0057), as the flows write them: the app shows its own.
  const zh = { title: '备案已无接入（空壳）', body: '云端示例官网已无接入信息，成为空壳备案。请在“已备案”中为其新增接入。（演示）' };
  const en = { title: 'Filing left without access', body: 'The website 云端示例官网 has no access left (a shell). Add access under "Filed records". (demo)' };
  await tx.query(
    `insert into notifications (user_id, event, title, body, texts, created_at) values ($1, 'service.shell', $2, $3, $4::jsonb, $5)`,
    [a.host.userId, `${zh.title} / ${en.title}`, `${zh.body}\n${en.body}`, JSON.stringify({ zh, en }), ago(45)]);
  await seedDemoWebhook(tx, sealer, a.provider, ago, {
    shell: underPublicity.id, revoked: revoked.id, cancelled: cancelled.id, laterShell: (await serviceByName(tx, '云端开发者文档')).id,
  });
}

const serviceByName = async (tx: Queryable, name: string) => (await tx.query<{ id: string }>('select id from services where name = $1', [name]))[0]!;

/**
 * The provider's webhook (the console's 回调通知 page): subscribed by provider.demo 60 days ago, with
 * the deliveries the lives above would have sent it — a test delivery, the shell, the revocation
 * (answered on the third attempt), the cancellation, and a last one abandoned after ten failed
 * attempts — as the outbox worker leaves them (sent or dead; nothing pending, so a first start sends
 * nothing to the demo's URL, which does not resolve: `.test`). The organisation checked these
 * filings (verification_watches), so what happens to them later is delivered there too.
 */
async function seedDemoWebhook(tx: Queryable, sealer: Sealer, provider: Actor, ago: (days: number) => Date, ids: Record<'shell' | 'revoked' | 'cancelled' | 'laterShell', string>): Promise<void> {
  const url = 'https://hooks.demo-cloud.test/beian/filings';
  const [hook] = await tx.query<{ id: string }>(
    `insert into webhook_subscriptions (organisation_id, url, secret_enc, created_by_user_id, created_at) values ($1, $2, $3, $4, $5) returning id`,
    [provider.orgId, url, sealer.seal(`whsec_${randomBytes(32).toString('base64url')}`), provider.userId, ago(60)]);
  for (const id of Object.values(ids)) {
    await tx.query('insert into verification_watches (service_id, organisation_id, last_checked_at) values ($1, $2, $3)', [id, provider.orgId, ago(55)]);
  }
  const delivery = async (event: FilingEvent | 'webhook.test', serviceId: string | null, daysAgo: number, outcome: { status: 'sent' | 'dead'; attempts: number; responseStatus: number }) => {
    const at = ago(daysAgo);
    // A filing's body from the builder real deliveries use (every field they carry; the filing as it stands now),
    // the test delivery's as src/flows/send-webhook-test.ts writes it.
    const f = serviceId && event !== 'webhook.test' ? filingEventBody(event, at, await filingOfEvent(tx, serviceId)) : null;
    const body = f ?? { id: randomUUID(), event, occurredAt: at.toISOString(), webhook: { id: hook!.id } };
    const last = new Date(at.getTime() + (outcome.attempts > 1 ? 4 * 3600_000 : 1000));
    const failed = outcome.status === 'dead';
    await tx.query(
      `insert into outbox (channel, payload, status, attempts, next_attempt_at, last_error, last_error_code, provider, last_attempt_at, created_at, sent_at, response_status)
       values ('webhook', $1::jsonb, $2, $3, $4, $5, null, 'webhook', $4, $6, $7, $8)`,
      [JSON.stringify({ url, subscriptionId: hook!.id, body, tag: event, ...(f ? {} : { once: true }) }), outcome.status, outcome.attempts, last,
        failed ? `delivery_failed webhook endpoint answered ${outcome.responseStatus}` : null, at, failed ? null : last, outcome.responseStatus]);
  };
  await delivery('webhook.test', null, 60, { status: 'sent', attempts: 1, responseStatus: 204 });
  await delivery('filing.shell', ids.shell, 45, { status: 'sent', attempts: 1, responseStatus: 204 });
  await delivery('filing.revoked', ids.revoked, 30, { status: 'sent', attempts: 3, responseStatus: 200 });
  await delivery('filing.cancelled', ids.cancelled, 20, { status: 'sent', attempts: 1, responseStatus: 204 });
  await delivery('filing.shell', ids.laterShell, 10, { status: 'dead', attempts: 10, responseStatus: 503 });
  await tx.query(
    `insert into history (entity_type, entity_id, action, actor_user_id, actor_role, actor_org_id, reason, request_id, at)
     values ('organisation', $1, 'webhook_subscribed', $2, $3, $1, $4, 'demo-seed', $5)`,
    [provider.orgId, provider.userId, provider.role, JSON.stringify({ webhookId: hook!.id, url }), ago(60)]);
}
