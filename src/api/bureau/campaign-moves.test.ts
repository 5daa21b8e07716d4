// Campaigns extended or ended early, and the history of a campaign and of a blacklist entry (ADR
// 0018, addendum "Campaigns extended or ended early; legacy duplicates settled"): the bureau that
// runs a campaign moves its dates later with a reason (the organisations with something open are
// told), or ends it today (no more catalogues; open order items stay as they are); each step is in
// the campaign's history; another province's bureau gets 404, a bureau on the ministry's campaign 403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { KEY } from '../../../tests/verify.ts';

const ndjson = (lines: unknown[]) => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';

describe('campaigns extended and ended early; campaign and blacklist history', () => {
  let a: AuthTestApp;
  let gd: Signed; let zj: Signed; let admin: Signed;
  let campaignId: string;
  let orderItemId: string;
  let laterFindingId: string; // a finding of the campaign not yet ordered
  const post = (url: string, s: Signed | Record<string, string>, payload?: unknown) =>
    a.app.inject({ method: 'POST', url, headers: 'headers' in s ? (s as Signed).headers : s as Record<string, string>, payload: payload as object });
  const get = (url: string, s: Signed | Record<string, string>) => a.app.inject({ method: 'GET', url, headers: 'headers' in s ? (s as Signed).headers : s as Record<string, string> });
  const signInAll = async () => { [gd, zj, admin] = await Promise.all(['gd.reviewer', 'zj.reviewer', 'admin'].map((l) => signIn(a.app, l))) as [Signed, Signed, Signed]; };
  const orgNotices = async () => (await get('/api/org/notifications?pageSize=50', KEY)).json().items as { event: string; title: string; body: string }[];

  beforeAll(async () => {
    a = await authTestApp();
    a.clock.set('2026-03-02T02:00:00Z'); // Monday 2 March, 10:00 in Beijing
    await signInAll();
    const c = await post('/api/bureau/campaigns', gd, { name: '延期与结束', kind: 'inspection', orgKinds: ['platform'], startsOn: '2026-03-01', catalogueDueOn: '2026-03-20', endsOn: '2026-06-30' });
    campaignId = c.json().id;
    const up = await post(`/api/org/campaigns/${campaignId}/catalogue`, { ...KEY, 'content-type': 'application/x-ndjson' },
      ndjson([{ platform: 'android', packageName: 'com.unfiled.moves', fingerprint: 'ab'.repeat(32) },
        { platform: 'android', packageName: 'com.unfiled.later', fingerprint: 'ef'.repeat(32) }]));
    expect(up.json().findings.not_filed).toBe(2);
    const f = (await get(`/api/bureau/campaigns/${campaignId}/findings`, gd)).json().items as { id: string; packageName: string }[];
    laterFindingId = f.find((x) => x.packageName === 'com.unfiled.later')!.id;
    const order = await post('/api/bureau/orders', gd, { findingIds: f.filter((x) => x.id !== laterFindingId).map((x) => x.id), measure: 'take_down', dueInWorkingDays: 5, reason: '未备案应用仍在分发' });
    orderItemId = (await get('/api/org/orders', KEY)).json().items[0].items[0].id;
    expect(order.statusCode).toBe(201);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('extends: checked (later dates, a reason, within a year), the organisations with something open told, history kept', async () => {
    const url = `/api/bureau/campaigns/${campaignId}/extend`;
    const bad = async (body: object, field: string, code: string) => {
      const r = await post(url, gd, body);
      expect(r.statusCode).toBe(400);
      expect(r.json().errors).toEqual([expect.objectContaining({ field, code })]);
    };
    await bad({ catalogueDueOn: '2026-03-10', reason: '延期' }, 'body.catalogueDueOn', 'not_later');
    await bad({ reason: '延期' }, 'body.endsOn', 'required');
    await bad({ catalogueDueOn: '2026-07-10', reason: '延期' }, 'body.catalogueDueOn', 'after_end');
    await bad({ endsOn: '2027-06-30', reason: '延期' }, 'body.endsOn', 'range_too_long');
    expect((await post(url, gd, { endsOn: '2026-07-31' })).statusCode).toBe(400); // no reason
    expect((await post(url, zj, { endsOn: '2026-07-31', reason: '延期' })).statusCode).toBe(404); // 浙江 does not see 广东's campaign
    const before = (await orgNotices()).length;
    const r = await post(url, gd, { catalogueDueOn: '2026-03-31', endsOn: '2026-07-31', reason: '部分平台目录较大，延长提交期限' });
    expect(r.statusCode).toBe(200);
    // Both platforms of 广东 in scope: the one whose catalogue is in has an open order item, the other no catalogue yet.
    expect((await get(`/api/bureau/campaigns/${campaignId}`, gd)).json().catalogues).toMatchObject({ inScope: 2, received: 1 });
    expect(r.json()).toMatchObject({ catalogueDueOn: '2026-03-31', endsOn: '2026-07-31', endedOn: null, notified: 2 });
    const told = await orgNotices();
    expect(told.length).toBe(before + 1);
    expect(told[0]).toMatchObject({ event: 'campaign.extended' });
    expect(told[0]!.body).toContain('2026-03-20 → 2026-03-31');
    expect(told[0]!.body).toContain('部分平台目录较大');
    const c = (await get(`/api/bureau/campaigns/${campaignId}`, gd)).json().campaign;
    expect(c).toMatchObject({ catalogueDueOn: '2026-03-31', endsOn: '2026-07-31', status: 'open', endedOn: null, ownerProvinceCode: '440000' });
  });

  it('a bureau sees the ministry\'s national campaign but does not move it (403); the ministry does', async () => {
    const n = await post('/api/bureau/campaigns', admin, { name: '全国检查', kind: 'routine', orgKinds: ['provider'], startsOn: '2026-03-01', catalogueDueOn: '2026-03-20', endsOn: '2026-04-30' });
    const id = n.json().id as string;
    const r = await post(`/api/bureau/campaigns/${id}/end`, gd, { reason: '本省结束' });
    expect([r.statusCode, r.json().code]).toEqual([403, 'action_not_allowed']);
    expect((await post(`/api/bureau/campaigns/${id}/extend`, gd, { endsOn: '2026-05-30', reason: '延期' })).statusCode).toBe(403);
    expect((await post(`/api/bureau/campaigns/${id}/extend`, admin, { endsOn: '2026-05-30', reason: '全国延期' })).json()).toMatchObject({ endsOn: '2026-05-30' });
  });

  it('ends early: no more catalogues, open order items stay as they are, the campaign reads ended, history kept', async () => {
    a.clock.set('2026-03-05T02:00:00Z');
    await signInAll();
    const url = `/api/bureau/campaigns/${campaignId}/end`;
    expect((await post(url, zj, { reason: '结束' })).statusCode).toBe(404);
    expect((await post(url, gd, { reason: ' ' })).statusCode).toBe(400);
    const before = await post(`/api/bureau/campaigns/${campaignId}/rounds`, gd, { findingIds: [laterFindingId], respondBy: '2026-03-20' });
    expect(before.statusCode).toBe(201); // a round while the campaign runs
    const r = await post(url, gd, { reason: '专项整治任务提前完成' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ endedOn: '2026-03-05', notified: 2 });
    expect((await orgNotices())[0]).toMatchObject({ event: 'campaign.ended' });
    const c = (await get(`/api/bureau/campaigns/${campaignId}`, gd)).json();
    expect(c.campaign).toMatchObject({ status: 'ended', endedOn: '2026-03-05', endReason: '专项整治任务提前完成', endsOn: '2026-07-31' });
    expect(c.timeline.at(-1).day).toBe('2026-03-05');
    // The order stands: its item is still open, for the organisation to dispose of.
    const item = (await get('/api/org/orders', KEY)).json().items[0].items[0];
    expect(item).toMatchObject({ id: orderItemId, status: 'open' });
    const sub = await post(`/api/org/campaigns/${campaignId}/catalogue`, { ...KEY, 'content-type': 'application/x-ndjson' },
      ndjson([{ platform: 'android', packageName: 'com.unfiled.late', fingerprint: 'cd'.repeat(32) }]));
    expect([sub.statusCode, sub.json().code]).toEqual([409, 'campaign_ended']);
    // No new work under an ended campaign: no round of notice, no order for its findings (409, the field named).
    const round = await post(`/api/bureau/campaigns/${campaignId}/rounds`, gd, { findingIds: [laterFindingId], respondBy: '2026-03-20' });
    expect([round.statusCode, round.json().code]).toEqual([409, 'campaign_ended']);
    expect(round.headers['content-type']).toContain('application/problem+json');
    const late = await post('/api/bureau/orders', gd, { findingIds: [laterFindingId], measure: 'take_down', dueInWorkingDays: 5, reason: '结束后下令' });
    expect([late.statusCode, late.json().code]).toEqual([409, 'campaign_ended']);
    expect(late.json().errors).toEqual([expect.objectContaining({ field: 'body.findingIds.0', code: 'campaign_ended' })]);
    expect((await post('/api/bureau/campaigns/' + campaignId + '/rounds', admin, { filter: { notified: false }, respondBy: '2026-03-20' })).json().code).toBe('campaign_ended');
    expect((await get(`/api/bureau/campaigns/${campaignId}/rounds`, gd)).json().items).toHaveLength(1); // the round sent before the end stands
    // Ended is final: neither ended again nor extended.
    expect((await post(url, gd, { reason: '再次' })).json().code).toBe('campaign_ended');
    expect((await post(`/api/bureau/campaigns/${campaignId}/extend`, gd, { endsOn: '2026-08-31', reason: '延期' })).json().code).toBe('campaign_ended');
    expect((await get('/api/org/campaigns', KEY)).json().items.find((x: { id: string }) => x.id === campaignId)).toMatchObject({ status: 'ended' });
  });

  it('the campaign\'s history: opened, extended (old and new dates), ended — 404 for another province', async () => {
    await signInAll();
    expect((await get(`/api/bureau/campaigns/${campaignId}/history`, zj)).statusCode).toBe(404);
    const steps = (await get(`/api/bureau/campaigns/${campaignId}/history`, gd)).json().items as Record<string, unknown>[];
    expect(steps.map((s) => s.action)).toEqual(['create', 'extend', 'round', 'end']);
    expect(steps[1]).toMatchObject({ note: '部分平台目录较大，延长提交期限', catalogueDueOn: '2026-03-31', endsOn: '2026-07-31', previousCatalogueDueOn: '2026-03-20', previousEndsOn: '2026-06-30', notified: 2, actorRole: 'bureau_reviewer' });
    expect(steps[3]).toMatchObject({ note: '专项整治任务提前完成', endsOn: '2026-03-05', previousEndsOn: '2026-07-31', to: 'ended' });
    expect(JSON.stringify(steps)).not.toMatch(/userId|actorUserId/);
  });

  it('a blacklist entry\'s history: added, lifted — 404 for another province', async () => {
    await signInAll();
    const [svc] = await a.t.db.query<{ service_number: string }>(
      `select s.service_number from services s join subjects sub on sub.id = s.subject_id where sub.province_code = '440000' and s.status = 'filed' and s.service_type = 'app' limit 1`);
    const add = await post('/api/bureau/blacklist', gd, { serviceNumber: svc!.service_number, kinds: ['package'], untilOn: '2027-03-01', category: 'false_materials', reason: '提供虚假材料' });
    expect(add.statusCode).toBe(201);
    const id = add.json().ids[0] as string;
    expect((await post(`/api/bureau/blacklist/${id}/lift`, gd, { reason: '复核后解除' })).statusCode).toBe(200);
    expect((await get(`/api/bureau/blacklist/${id}/history`, zj)).statusCode).toBe(404);
    expect((await get('/api/bureau/blacklist/not-a-uuid/history', gd)).statusCode).toBe(404);
    const steps = (await get(`/api/bureau/blacklist/${id}/history`, gd)).json().items;
    expect(steps).toEqual([
      expect.objectContaining({ action: 'add', to: 'active', note: '提供虚假材料', endsOn: '2027-03-01' }),
      expect.objectContaining({ action: 'lift', from: 'active', to: 'lifted', note: '复核后解除' }),
    ]);
  });
});
