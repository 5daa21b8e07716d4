// Supervision demo data (issue 14, item 11): a finished national transition campaign, an
// inspection campaign in progress with catalogues from the demo platform and provider (a few
// hundred lines, a realistic mix of outcomes), rounds, open and overdue disposal orders,
// violation reports in several states and an active blacklist entry. Written as the flows
// would leave it (state + history), inside the demo seed's transaction. Never in production.
import { createHash } from 'node:crypto';
import type { Queryable } from '../connection.ts';
import type { Sealer } from '../personal-data.ts';

const T = (iso: string) => new Date(iso);
const hex = (seed: string, n: number) => createHash('sha256').update(seed).digest('hex').slice(0, n);

interface Line { platform: string; packageName: string; fingerprint: string; algorithm: 'md5' | 'sha1' | 'sha256'; appName: string; outcome: string; serviceId: string | null }

async function history(tx: Queryable, type: string, id: string, action: string, role: string, at: Date, reason: unknown, to: string | null = null, userId: string | null = null) {
  await tx.query(`insert into history (entity_type, entity_id, action, to_status, actor_user_id, actor_role, reason, at) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [type, id, action, to, userId, role, JSON.stringify(reason), at]);
}

const APP_WORDS = ['记账', '天气', '阅读', '相册', '健身', '外卖', '地图', '音乐', '词典', '日历', '笔记', '视频', '打车', '购物', '翻译', '学习', '理财', '直播', '云盘', '旅行'];

/** A catalogue of `n` lines for an organisation: mostly filed demo apps and unfiled ones, some mismatches and a revoked one. */
function catalogue(org: string, n: number, filed: { packageName: string; md5: string; serviceId: string }[], revoked: { packageName: string; serviceId: string }): Line[] {
  const out: Line[] = [];
  for (let i = 0; i < n; i++) {
    const word = APP_WORDS[i % APP_WORDS.length]!;
    const r = i % 10;
    if (r < 3) {
      const f = filed[i % filed.length]!;
      out.push({ platform: 'android', packageName: f.packageName, fingerprint: f.md5, algorithm: 'md5', appName: f.packageName, outcome: 'filed', serviceId: f.serviceId });
    } else if (r === 3) {
      const f = filed[i % filed.length]!;
      out.push({ platform: 'android', packageName: f.packageName, fingerprint: hex(`${org}${i}`, 32), algorithm: 'md5', appName: `${f.packageName}（仿冒）`, outcome: 'fingerprint_mismatch', serviceId: f.serviceId });
    } else if (r === 4 && i % 20 === 4) {
      out.push({ platform: 'android', packageName: revoked.packageName, fingerprint: hex(`rv${org}${i}`, 32), algorithm: 'md5', appName: '示例小游戏', outcome: 'revoked', serviceId: revoked.serviceId });
    } else {
      const platform = i % 7 === 0 ? 'ios' : 'android';
      out.push({ platform, packageName: `cn.${org}.demo${i}.${word === '记账' ? 'ledger' : 'app'}`, fingerprint: hex(`${org}-${i}`, 64), algorithm: 'sha256', appName: `${word}助手${i}`, outcome: 'not_filed', serviceId: null });
    }
  }
  return out;
}

export async function seedSupervision(tx: Queryable, sealer: Sealer, orgs: Record<string, string>, users: Record<string, string>): Promise<void> {
  const ids = async (sql: string, params: unknown[] = []) => (await tx.query<{ id: string }>(sql, params))[0]!.id;
  const svc = async (pkg: string) => (await tx.query<{ id: string; service_number: string; cert_md5: string | null }>(
    `select s.id, s.service_number, p.cert_md5 from services s join app_platforms p on p.service_id = s.id where p.package_name = $1 and p.platform = 'android'`, [pkg]))[0]!;
  const a2dp = await svc('a2dp.Vol');
  const ledger = await svc('com.example.ledger');
  const game = await svc('com.example.minigame');
  const admin = users.admin!;
  const gd = users['gd.reviewer']!;

  // The finished transition campaign (2023-09 to 2024-03, national).
  const transition = await ids(
    `insert into campaigns (name, kind, province_codes, org_kinds, starts_on, catalogue_due_on, ends_on, created_by, created_at)
     values ('APP备案过渡期摸排（2023年9月—2024年3月）', 'transition', null, '{platform,provider,device_maker}', '2023-09-01', '2023-12-31', '2024-03-31', $1, $2) returning id`,
    [admin, T('2023-08-28T02:00:00Z')]);
  await history(tx, 'campaign', transition, 'create', 'ministry_admin', T('2023-08-28T02:00:00Z'), { note: 'demo data' }, 'open', admin);
  // The inspection in progress (national, platforms and providers).
  const inspection = await ids(
    `insert into campaigns (name, kind, province_codes, org_kinds, starts_on, catalogue_due_on, ends_on, created_by, created_at)
     values ('APP备案专项检查（演示）', 'inspection', null, '{platform,provider}', '2026-01-05', '2026-03-31', '2027-06-30', $1, $2) returning id`,
    [admin, T('2026-01-04T02:00:00Z')]);
  await history(tx, 'campaign', inspection, 'create', 'ministry_admin', T('2026-01-04T02:00:00Z'), { note: 'demo data' }, 'open', admin);

  const filed = [{ packageName: 'a2dp.Vol', md5: a2dp.cert_md5!, serviceId: a2dp.id }, { packageName: 'com.example.ledger', md5: ledger.cert_md5!, serviceId: ledger.id }];
  const revoked = { packageName: 'com.example.minigame', serviceId: game.id };
  const findingIds: Record<string, string[]> = {};
  for (const [campaign, key, n, at, province] of [
    [transition, 'market', 120, '2023-12-20T02:00:00Z', '440000'], [transition, 'cloud', 80, '2023-12-28T02:00:00Z', '330000'],
    [inspection, 'market', 300, '2026-02-10T02:00:00Z', '440000'], [inspection, 'cloud', 200, '2026-02-20T02:00:00Z', '330000'],
  ] as const) {
    const lines = catalogue(`${key}${campaign === transition ? 't' : 'i'}`, n, filed, revoked);
    const body = lines.map((l) => JSON.stringify({ platform: l.platform, packageName: l.packageName, fingerprint: l.fingerprint, appName: l.appName })).join('\n') + '\n';
    const counts = { filed: 0, not_filed: 0, fingerprint_mismatch: 0, cancelled: 0, revoked: 0, shell: 0 } as Record<string, number>;
    for (const l of lines) counts[l.outcome]! += 1;
    const sub = await ids(
      `insert into catalogue_submissions (campaign_id, organisation_id, status, format, digest_sha256, bytes, received, accepted, rejected, counts, submitted_by, started_at, completed_at)
       values ($1, $2, 'current', 'ndjson', $3, $4, $5, $5, 0, $6, $7, $8, $8) returning id`,
      [campaign, orgs[key], createHash('sha256').update(body).digest('hex'), Buffer.byteLength(body), n, JSON.stringify(counts), key === 'market' ? users['platform.demo'] : users['provider.demo'], T(at)]);
    await history(tx, 'catalogue_submission', sub, 'submit', key === 'market' ? 'platform_staff' : 'provider_staff', T(at), { note: 'demo data', received: n, findings: counts }, 'current');
    const rows = lines.map((l, i) => ({ ...l, line: i + 1 })).filter((l) => l.outcome !== 'filed');
    const inserted = await tx.query<{ id: string }>(
      `insert into findings (campaign_id, organisation_id, org_province_code, submission_id, line, platform, package_name, fp_algorithm, fingerprint, app_name, outcome, service_id, notified_at, resolved_on)
       select $1, $2, $3, $4, q.line, q.platform, q.pkg, q.alg, q.fp, q.name, q.outcome, q.sid,
              case when $5 then $6::timestamptz when q.line % 3 = 0 then $6::timestamptz end, case when $5 and q.line % 4 = 0 then $7::date end
         from unnest($8::int[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::uuid[]) as q(line, platform, pkg, alg, fp, name, outcome, sid)
       returning id`,
      [campaign, orgs[key], province, sub, campaign === transition, T(at).toISOString(), '2024-03-15', rows.map((r) => r.line), rows.map((r) => r.platform), rows.map((r) => r.packageName),
        rows.map((r) => r.algorithm), rows.map((r) => r.fingerprint), rows.map((r) => r.appName), rows.map((r) => r.outcome), rows.map((r) => r.serviceId)]);
    findingIds[`${campaign}:${key}`] = inserted.map((r) => r.id);
  }
  // A round of notice in the inspection, answered in part.
  const round = await ids(`insert into campaign_rounds (campaign_id, number, respond_by, created_by, created_at) values ($1, 1, '2026-04-15', $2, $3) returning id`, [inspection, admin, T('2026-03-02T02:00:00Z')]);
  const roundFindings = [...findingIds[`${inspection}:market`]!.slice(0, 40), ...findingIds[`${inspection}:cloud`]!.slice(0, 20)];
  await tx.query('insert into round_findings (round_id, finding_id) select $1, unnest($2::uuid[])', [round, roundFindings]);
  await history(tx, 'campaign_round', round, 'send', 'ministry_admin', T('2026-03-02T02:00:00Z'), { note: 'demo data', findings: roundFindings.length }, 'sent', admin);

  // Disposal orders: an overdue one (market, 广东 bureau), an open one (cloud, ministry) with one item done.
  const order = async (org: string, measure: string, orderedOn: string, days: number, dueOn: string, province: string | null, by: string, findings: string[], done: number) => {
    const o = await ids(
      `insert into disposal_orders (organisation_id, campaign_id, measure, reason, ordered_on, due_in_working_days, due_on, province_code, created_by, created_at)
       values ($1, $2, $3, '未备案APP，责令限期处置（演示）', $4, $5, $6, $7, $8, $9) returning id`, [org, inspection, measure, orderedOn, days, dueOn, province, by, T(`${orderedOn}T02:00:00Z`)]);
    for (const [i, f] of findings.entries()) {
      const [fd] = await tx.query<{ platform: string; package_name: string }>('select platform, package_name from findings where id = $1', [f]);
      await tx.query(
        `insert into disposal_order_items (order_id, finding_id, platform, package_name, status, evidence, done_at) values ($1, $2, $3, $4, $5, $6, $7)`,
        [o, f, fd!.platform, fd!.package_name, i < done ? 'done' : 'open', i < done ? '已下架，下架截图存档（演示）' : null, i < done ? T(`${orderedOn}T08:00:00Z`) : null]);
    }
    await history(tx, 'disposal_order', o, 'issue', by === admin ? 'ministry_admin' : 'bureau_reviewer', T(`${orderedOn}T02:00:00Z`),
      { demo: true, measure, dueOn, dueInWorkingDays: days, reason: '未备案APP，责令限期处置（演示）' }, 'open', by);
    return o;
  };
  await order(orgs.market!, 'take_down', '2026-03-16', 10, '2026-03-30', '440000', gd, findingIds[`${inspection}:market`]!.slice(0, 6), 2);
  const openOrder = await order(orgs.cloud!, 'stop_access', '2026-11-30', 15, '2026-12-21', null, admin, findingIds[`${inspection}:cloud`]!.slice(0, 4), 1);
  // The cloud objects to one of its open items (ADR 0018 addendum): the ministry has an objection to answer.
  const [objected] = await tx.query<{ id: string }>(
    `update disposal_order_items set status = 'objected', objection_ground = 'not_ours', objected_at = $2, objected_by = $3,
            objection_note = '该应用的服务器不在本单位机房，域名解析也未指向本单位地址（演示）'
      where id = (select id from disposal_order_items where order_id = $1 and status = 'open' order by id limit 1) returning id`,
    [openOrder, T('2026-12-02T03:00:00Z'), users['provider.demo']]);
  await history(tx, 'disposal_order_item', objected!.id, 'object', 'provider_staff', T('2026-12-02T03:00:00Z'),
    { demo: true, orderId: openOrder, ground: 'not_ours', note: '该应用的服务器不在本单位机房，域名解析也未指向本单位地址（演示）', requestedDueOn: null }, 'objected', users['provider.demo']);

  // Violation reports in several states.
  const report = async (o: { reporterOrg?: string; service: string; province: string; category: string; description: string; status: string; at: string; steps: [string, string, string | null][]; contact?: string; orderId?: string }) => {
    const v = await ids(
      `insert into violation_reports (reporter_kind, reporter_org_id, reporter_name, reporter_contact_enc, reporter_contact_hash, service_id, province_code, category, description, measures_taken, status, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) returning id`,
      [o.reporterOrg ? 'organisation' : 'public', o.reporterOrg ?? null, o.reporterOrg ? null : '刘**', o.contact ? sealer.seal(o.contact) : null, o.contact ? sealer.hash('phone', o.contact) : null,
        o.service, o.province, o.category, o.description, o.reporterOrg ? '已暂停分发' : null, o.status, T(o.at)]);
    for (const [action, status, note] of o.steps) {
      await tx.query(`insert into violation_steps (violation_id, action, status, note, order_id, actor_role, actor_org_id, at) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [v, action, status, note, action === 'order_disposal' ? o.orderId ?? null : null, action === 'reported' ? (o.reporterOrg ? 'platform_staff' : 'public') : 'bureau_reviewer', action === 'reported' ? o.reporterOrg ?? null : null, T(o.at)]);
    }
    await history(tx, 'violation_report', v, 'report', o.reporterOrg ? 'platform_staff' : 'system', T(o.at), { note: 'demo data' }, o.status);
  };
  await report({ reporterOrg: orgs.market!, service: ledger.id, province: '330000', category: 'beyond_filing', description: '应用新增网络借贷功能，超出备案范围（演示）', status: 'received', at: '2026-11-20T02:00:00Z', steps: [['reported', 'received', null]] });
  await report({ reporterOrg: orgs.market!, service: a2dp.id, province: '440000', category: 'fraud', description: '用户投诉应用诱导付费（演示）', status: 'more_requested', at: '2026-11-10T02:00:00Z',
    steps: [['reported', 'received', null], ['request_more', 'more_requested', '请补充付费记录截图']] });
  await report({ reporterOrg: orgs.cloud!, service: ledger.id, province: '330000', category: 'illegal_content', description: '接口返回违规内容（演示）', status: 'disposal_ordered', at: '2026-11-30T02:00:00Z',
    steps: [['reported', 'received', null], ['order_disposal', 'disposal_ordered', '限期整改']], orderId: openOrder });
  await report({ service: game.id, province: '330000', category: 'false_materials', description: '主办者提供的营业执照为伪造（公众举报，演示）', status: 'revoked', at: '2025-02-20T02:00:00Z', contact: '13912340000',
    steps: [['reported', 'received', null], ['revoke', 'revoked', '核实提供虚假材料']] });

  // The revoked demo game: its public category, and an active blacklist entry on its package.
  await tx.query(`update services set revocation_category = 'false_materials' where id = $1`, [game.id]);
  const entry = await ids(
    `insert into blacklist_entries (kind, value, until_on, category, reason, source_service_id, province_code, created_by, created_at)
     values ('package', 'com.example.minigame', '2028-03-01', 'false_materials', '提供虚假材料（演示）', $1, '330000', $2, $3) returning id`, [game.id, users['zj.reviewer'], T('2025-03-01T08:00:00Z')]);
  await history(tx, 'blacklist_entry', entry, 'add', 'bureau_reviewer', T('2025-03-01T08:00:00Z'), { note: 'demo data' }, 'active');
  // The game's download site, barred with it; and a lifted entry, which the public list leaves out.
  const site = await ids(
    `insert into blacklist_entries (kind, value, until_on, category, reason, source_service_id, province_code, created_by, created_at)
     values ('domain', 'minigame-download.cn', '2028-03-01', 'false_materials', '提供虚假材料（演示）', $1, '330000', $2, $3) returning id`, [game.id, users['zj.reviewer'], T('2025-03-01T08:00:00Z')]);
  await history(tx, 'blacklist_entry', site, 'add', 'bureau_reviewer', T('2025-03-01T08:00:00Z'), { note: 'demo data' }, 'active');
  const lifted = await ids(
    `insert into blacklist_entries (kind, value, until_on, category, reason, source_service_id, province_code, created_by, created_at, lifted_at, lifted_by, lift_reason)
     values ('package', 'com.example.minigame.lite', '2027-09-01', 'other', '仿冒应用（演示）', $1, '330000', $2, $3, $4, $2, '复核后提前解除（演示）') returning id`,
    [game.id, users['zj.reviewer'], T('2025-09-01T08:00:00Z'), T('2025-10-10T08:00:00Z')]);
  await history(tx, 'blacklist_entry', lifted, 'lift', 'bureau_reviewer', T('2025-10-10T08:00:00Z'), { note: 'demo data' }, 'lifted');
}
