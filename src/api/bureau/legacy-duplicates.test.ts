// Legacy duplicates settled by the bureau (ADR 0018, addendum "Campaigns extended or ended early;
// legacy duplicates settled"): a database holding what migrations 0040 and 0044 kept — two open
// order items for one finding, two active iOS filings whose bundle IDs differ only in case —
// written as those migrations' tests write them (index dropped, duplicate written, migration run).
// The bureau of the province lists them, keeps one of each (the other withdrawn / revoked), and
// they leave the list; history says so; the unique indexes hold; another province's bureau sees
// nothing and gets 404, a bureau cannot settle a pair another bureau shares (403).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { appMaterials, call, CLOUD, fileToProvider, orgId, throughSms } from '../../../tests/filing.ts';
import { type LegacyDuplicates, writeLegacyDuplicates, writeLegacyIosPairWithin } from '../../../tests/legacy-duplicates.ts';

const LOGIN: Record<string, string> = { '440000': 'gd.reviewer', '330000': 'zj.reviewer', '110000': 'bj.reviewer' };

interface Listed {
  orderItems: { findingId: string; items: { id: string; orderId: string; legacyDuplicate: boolean; status: string }[] }[];
  iosFilings: { bundleId: string; filings: { platformId: string; packageName: string; legacyCaseDuplicate: boolean; serviceId: string; serviceNumber: string }[] }[];
}

describe('legacy duplicates: listed for the bureau of the province, settled with the domain\'s own moves', () => {
  let a: AuthTestApp;
  let mine: Signed; let other: Signed; let admin: Signed;
  let item: LegacyDuplicates['item']; let dupId: string;
  let ledger: LegacyDuplicates['ledger']; let upperId: string; let upperService: string;
  const post = (url: string, s: Signed, payload: object) => a.app.inject({ method: 'POST', url, headers: s.headers, payload });
  const list = async (s: Signed) => (await a.app.inject({ method: 'GET', url: '/api/bureau/legacy-duplicates', headers: s.headers })).json() as Listed;

  beforeAll(async () => {
    a = await authTestApp({ supervisionDemo: true });
    const db = a.t.db;
    ({ item, dupId, ledger, upperId, upperService } = await writeLegacyDuplicates(db));

    mine = await signIn(a.app, LOGIN[item.province_code]!);
    expect([item.province_code, ledger.province_code]).not.toContain('110000');
    other = await signIn(a.app, 'bj.reviewer'); // 北京: neither's province
    admin = await signIn(a.app, 'admin');
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('lists them for the bureau of the province (and the ministry), nothing for another province', async () => {
    const l = await list(mine);
    const f = l.orderItems.find((x) => x.findingId === item.finding_id)!;
    expect(f.items.map((i) => [i.id, i.legacyDuplicate, i.status])).toEqual([[dupId, false, 'open'], [item.id, true, 'open']]);
    expect((await list(admin)).orderItems.map((x) => x.findingId)).toContain(item.finding_id);
    const o = await list(other);
    expect(o.orderItems).toEqual([]);
    expect(o.iosFilings).toEqual([]);
    // Both bureaus whose filings are in the pair see it, each filing marked whether it is theirs.
    for (const [login, mineIs] of [['zj.reviewer', [true, false]], ['gd.reviewer', [false, true]]] as const) {
      const pair = (await list(await signIn(a.app, login))).iosFilings.find((g) => g.bundleId === 'com.example.ledger')!;
      expect(pair.filings.map((p) => [p.packageName, p.legacyCaseDuplicate, (p as { mine?: boolean }).mine])).toEqual([['com.example.ledger', false, mineIs[0]], ['COM.EXAMPLE.LEDGER', true, mineIs[1]]]);
    }
  });

  it('another province\'s bureau gets 404; a reason is required; an unmarked pair is not settled here', async () => {
    expect((await post(`/api/bureau/legacy-duplicates/order-items/${item.id}/keep`, other, { reason: '保留' })).statusCode).toBe(404);
    expect((await post(`/api/bureau/legacy-duplicates/ios-filings/${upperId}/keep`, other, { reason: '保留' })).statusCode).toBe(404);
    const blank = await post(`/api/bureau/legacy-duplicates/order-items/${item.id}/keep`, mine, { reason: ' ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().errors[0]).toMatchObject({ field: 'body.reason' });
    const [plain] = await a.t.db.query<{ id: string }>(
      `select i.id from disposal_order_items i join disposal_orders o on o.id = i.order_id where i.finding_id <> $1 and i.status = 'open' and o.province_code = $2 and not i.legacy_duplicate limit 1`,
      [item.finding_id, item.province_code]);
    const r = await post(`/api/bureau/legacy-duplicates/order-items/${plain!.id}/keep`, mine, { reason: '保留' });
    expect([r.statusCode, r.json().code]).toEqual([409, 'not_a_legacy_duplicate']);
  });

  it('keeping the older (marked) item withdraws the later one, puts the kept one under the rule, and records it', async () => {
    const r = await post(`/api/bureau/legacy-duplicates/order-items/${item.id}/keep`, mine, { reason: '以先下发的通知为准' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id: item.id, withdrawn: [dupId] });
    const rows = await a.t.db.query<{ id: string; status: string; legacy_duplicate: boolean; answer_note: string | null }>(
      'select id, status, legacy_duplicate, answer_note from disposal_order_items where finding_id = $1 order by id', [item.finding_id]);
    expect(rows.find((x) => x.id === item.id)).toMatchObject({ status: 'open', legacy_duplicate: false });
    expect(rows.find((x) => x.id === dupId)).toMatchObject({ status: 'withdrawn', answer_note: '以先下发的通知为准' });
    expect((await list(mine)).orderItems.find((x) => x.findingId === item.finding_id)).toBeUndefined();
    // History: the withdrawal on the duplicate's order, the settlement on the kept item's.
    const hist = (await a.app.inject({ method: 'GET', url: `/api/bureau/orders/${item.order_id}/history`, headers: mine.headers })).json().items as { action: string; note: string | null }[];
    expect(hist.filter((h) => h.action === 'legacy_kept')).toEqual([expect.objectContaining({ note: '以先下发的通知为准' })]);
    const [w] = await a.t.db.query<{ action: string }>(`select action from history where entity_type = 'disposal_order_item' and entity_id = $1`, [dupId]);
    expect(w!.action).toBe('withdraw');
    // The rule holds for every writer: a second open item for the finding is refused.
    await expect(a.t.db.query(`insert into disposal_order_items (order_id, finding_id, status) values ($1, $2, 'open')`, [item.order_id, item.finding_id]))
      .rejects.toMatchObject({ code: '23505' });
    // Settled: nothing to settle any more.
    expect((await post(`/api/bureau/legacy-duplicates/order-items/${item.id}/keep`, mine, { reason: '再次' })).json().code).toBe('not_a_legacy_duplicate');
  });

  it('an iOS pair across two provinces: neither bureau settles it alone (403); the ministry keeps the later (marked) filing, the other is revoked with its reason, both unmarked, the index holds', async () => {
    const gd = await signIn(a.app, 'gd.reviewer');
    const refused = await post(`/api/bureau/legacy-duplicates/ios-filings/${upperId}/keep`, gd, { reason: '保留本省' });
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'action_not_allowed']);
    expect(await a.t.db.query(`select status from services where id = $1`, [ledger.service_id])).toEqual([{ status: 'filed' }]);
    const bureau = admin;
    const r = await post(`/api/bureau/legacy-duplicates/ios-filings/${upperId}/keep`, bureau, { reason: '经核实，大写包名为开发者在苹果注册的包', category: 'other' });
    expect(r.statusCode).toBe(200);
    const rows = await a.t.db.query<{ id: string; active: boolean; legacy_case_duplicate: boolean; status: string; revocation_category: string | null }>(
      `select p.id, p.active, p.legacy_case_duplicate, s.status, s.revocation_category from app_platforms p join services s on s.id = p.service_id where p.id = any($1::uuid[])`,
      [[ledger.id, upperId]]);
    expect(rows.find((x) => x.id === upperId)).toMatchObject({ active: true, legacy_case_duplicate: false, status: 'filed' });
    expect(rows.find((x) => x.id === ledger.id)).toMatchObject({ active: false, legacy_case_duplicate: false, status: 'revoked', revocation_category: 'other' });
    expect((await list(bureau)).iosFilings).toEqual([]);
    const hist = await a.t.db.query<{ entity_id: string; action: string; reason: { reason?: string } }>(
      `select entity_id, action, reason from history where entity_type = 'service' and entity_id = any($1::uuid[]) and action in ('revoke', 'legacy_case_kept') order by at, id`,
      [[ledger.service_id, upperService]]);
    expect(hist.map((h) => [h.entity_id, h.action])).toEqual([[ledger.service_id, 'revoke'], [upperService, 'legacy_case_kept']]);
    expect(hist[1]!.reason.reason).toBe('经核实，大写包名为开发者在苹果注册的包');
    // The kept filing is under the rule now: no new case variant can be filed beside it.
    await expect(a.t.db.query(`insert into app_platforms (service_id, platform, package_name, cert_sha1) values ($1, 'ios', 'Com.Example.Ledger', $2)`,
      [ledger.service_id, 'd'.repeat(40)])).rejects.toThrow(/duplicate key|unique/);
  });
});

// The path no demo data reaches: a pair wholly within one province, which its own bureau settles alone
// (the pairs above span two bureaus, or are order items).
describe('legacy duplicates: an iOS case pair within one province, settled by its own bureau', () => {
  let a: AuthTestApp;
  let pair: Awaited<ReturnType<typeof writeLegacyIosPairWithin>>;
  beforeAll(async () => {
    a = await authTestApp({ supervisionDemo: true });
    // The demo files one APP in 广东: a second one, filed the ordinary way, to hold the pair's other half.
    const [host, provider, gd] = await Promise.all(['host@demo.beian.test', 'provider.demo', 'gd.reviewer'].map((l) => signIn(a.app, l)));
    const cloud = await orgId(a.t.db, CLOUD);
    const id = await fileToProvider(a.app, host!, { serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud) });
    await throughSms(a, host!, provider!, id);
    await call(a.app, gd!, 'POST', `/api/bureau/applications/${id}/approve`);
    pair = await writeLegacyIosPairWithin(a.t.db, '440000');
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('the bureau keeps the earlier filing: the later (marked) one is revoked with its reason, both unmarked, the index holds; another bureau sees nothing', async () => {
    const [gd, zj] = await Promise.all([signIn(a.app, 'gd.reviewer'), signIn(a.app, 'zj.reviewer')]);
    const listed = async (s: Signed) => ((await a.app.inject({ method: 'GET', url: '/api/bureau/legacy-duplicates', headers: s.headers })).json() as Listed)
      .iosFilings.find((g) => g.bundleId === pair.lower.package_name.toLowerCase());
    const group = (await listed(gd))!;
    expect(group.filings.map((f) => [f.platformId, f.packageName, f.legacyCaseDuplicate, (f as { mine?: boolean }).mine]))
      .toEqual([[pair.lower.id, pair.lower.package_name, false, true], [pair.upper.id, pair.lower.package_name.toUpperCase(), true, true]]);
    expect(await listed(zj)).toBeUndefined();
    const url = `/api/bureau/legacy-duplicates/ios-filings/${pair.lower.id}/keep`;
    expect((await a.app.inject({ method: 'POST', url, headers: zj.headers, payload: { reason: '保留' } })).statusCode).toBe(404);
    const r = await a.app.inject({ method: 'POST', url, headers: gd.headers, payload: { reason: '先备案者为开发者本人，后者包名仅大小写不同', category: 'other' } });
    expect(r.statusCode).toBe(200);
    const rows = await a.t.db.query<{ id: string; active: boolean; legacy_case_duplicate: boolean; status: string }>(
      `select p.id, p.active, p.legacy_case_duplicate, s.status from app_platforms p join services s on s.id = p.service_id where p.id = any($1::uuid[])`,
      [[pair.lower.id, pair.upper.id]]);
    expect(rows.find((x) => x.id === pair.lower.id)).toMatchObject({ active: true, legacy_case_duplicate: false, status: 'filed' });
    expect(rows.find((x) => x.id === pair.upper.id)).toMatchObject({ active: false, legacy_case_duplicate: false, status: 'revoked' });
    expect(await listed(gd)).toBeUndefined();
    const hist = await a.t.db.query<{ entity_id: string; action: string; actor_role: string }>(
      `select entity_id, action, actor_role from history where entity_type = 'service' and entity_id = any($1::uuid[]) and action in ('revoke', 'legacy_case_kept') order by at, id`,
      [[pair.lower.service_id, pair.upper.service_id]]);
    expect(hist.map((h) => [h.entity_id, h.action, h.actor_role])).toEqual([[pair.upper.service_id, 'revoke', 'bureau_reviewer'], [pair.lower.service_id, 'legacy_case_kept', 'bureau_reviewer']]);
    await expect(a.t.db.query(`insert into app_platforms (service_id, platform, package_name, cert_sha1) values ($1, 'ios', $2, $3)`,
      [pair.upper.service_id, pair.lower.package_name[0]!.toUpperCase() + pair.lower.package_name.slice(1), 'c'.repeat(40)])).rejects.toThrow(/duplicate key|unique/);
  });
});
