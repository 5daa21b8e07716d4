// Orders followed up (ADR 0018 addendum "Objections, withdrawals and re-dated orders"): an
// organisation objects to an item, the bureau upholds it (moving the order's date) or withdraws
// the item; an order past its date is followed up once per date; a re-dated order is recounted
// from the day it was re-dated when the calendar changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { KEY } from '../../../tests/verify.ts';
import { createCalendar } from '../../domain/calendar.ts';
import { orderDueMoves } from '../../flows/supervision/order-due-dates.ts';
import { TIMED_WORK } from '../../flows/timed-work.ts';

const ndjson = (lines: unknown[]) => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';

describe('disposal orders followed up: objections, withdrawals, new dates, overdue notices', () => {
  let a: AuthTestApp;
  let gd: Signed; let zj: Signed;
  let campaignId: string; let orderId: string;
  let items: { id: string; findingId: string; packageName: string }[];
  const post = (url: string, headers: Record<string, string>, payload?: unknown) => a.app.inject({ method: 'POST', url, headers, payload: payload as object });
  const get = (url: string, headers: Record<string, string>) => a.app.inject({ method: 'GET', url, headers });
  const itemUrl = (i: number, action: string) => `/api/${action === 'objection' ? 'org' : 'bureau'}/orders/${orderId}/items/${items[i]!.id}/${action}`;
  const signInAll = async () => { [gd, zj] = await Promise.all(['gd.reviewer', 'zj.reviewer'].map((l) => signIn(a.app, l))) as [Signed, Signed]; };
  const notices = async (headers: Record<string, string>, audience: 'org' | 'bureau') =>
    (await get(`/api/${audience}/notifications?pageSize=50`, headers)).json().items as { event: string; title: string; body: string }[];
  const overdueJob = TIMED_WORK.find((w) => w.name === 'order_overdue')!;
  const flowCtx = () => ({ db: a.t.db, sealer: a.t.sealer, now: a.clock.now, publicUrl: 'http://127.0.0.1:3000' }) as never;

  beforeAll(async () => {
    a = await authTestApp();
    a.clock.set('2026-03-02T02:00:00Z'); // Monday 2 March, 10:00 in Beijing
    await signInAll();
    const c = await post('/api/bureau/campaigns', gd.headers, { name: '处置跟进', kind: 'inspection', orgKinds: ['platform'], startsOn: '2026-03-01', catalogueDueOn: '2026-03-20', endsOn: '2026-06-30' });
    campaignId = c.json().id;
    const up = await a.app.inject({
      method: 'POST', url: `/api/org/campaigns/${campaignId}/catalogue`, headers: { ...KEY, 'content-type': 'application/x-ndjson' },
      payload: ndjson([
        { platform: 'android', packageName: 'com.unfiled.one', fingerprint: 'ab'.repeat(32) },
        { platform: 'android', packageName: 'com.unfiled.two', fingerprint: 'cd'.repeat(32) },
      ]),
    });
    expect(up.json().findings.not_filed).toBe(2);
    const f = (await get(`/api/bureau/campaigns/${campaignId}/findings`, gd.headers)).json().items as { id: string; packageName: string }[];
    const order = await post('/api/bureau/orders', gd.headers, { findingIds: f.map((x) => x.id), measure: 'take_down', dueInWorkingDays: 5, reason: '未备案应用仍在分发' });
    expect(order.json().orders[0]).toMatchObject({ dueOn: '2026-03-09', items: 2 });
    orderId = order.json().orders[0].id;
    const listed = (await get('/api/org/orders', KEY)).json().items[0].items as typeof items;
    items = [...listed].sort((x, y) => x.packageName.localeCompare(y.packageName)); // 0: com.unfiled.one, 1: com.unfiled.two
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('an organisation objects to an item: checked, the bureau is told, the item waits and holds its finding', async () => {
    const bad = async (body: object, field: string, code: string) => {
      const r = await post(itemUrl(0, 'objection'), KEY, body);
      expect(r.statusCode).toBe(400);
      expect(r.json().errors).toEqual([expect.objectContaining({ field, code })]);
    };
    await bad({ ground: 'more_time', note: '需要协调开发者' }, 'body.requestedDueOn', 'required');
    await bad({ ground: 'not_ours', note: '非本平台应用', requestedDueOn: '2026-03-20' }, 'body.requestedDueOn', 'not_applicable');
    await bad({ ground: 'more_time', note: '需要协调开发者', requestedDueOn: '2026-03-09' }, 'body.requestedDueOn', 'not_later');
    await bad({ ground: 'more_time', note: '需要协调开发者', requestedDueOn: '2027-06-01' }, 'body.requestedDueOn', 'too_far');
    expect((await post(itemUrl(0, 'objection'), KEY, { ground: 'bored', note: 'x' })).statusCode).toBe(400);
    // The bureau does not object to its own order; another organisation does not see it.
    expect((await post(itemUrl(0, 'objection'), gd.headers, { ground: 'other', note: 'x' })).statusCode).toBe(403);
    const provider = await signIn(a.app, 'provider.demo');
    expect((await post(itemUrl(0, 'objection'), provider.headers, { ground: 'other', note: 'x' })).statusCode).toBe(404);

    const ok = await post(itemUrl(0, 'objection'), KEY, { ground: 'more_time', note: '开发者已承诺 3 月 20 日前完成备案', requestedDueOn: '2026-03-20' });
    expect(ok.json()).toMatchObject({ status: 'objected' });
    expect((await post(itemUrl(0, 'objection'), KEY, { ground: 'other', note: 'again' })).json().code).toBe('order_item_status_conflict');
    const [told] = await notices(gd.headers, 'bureau');
    expect(told).toMatchObject({ event: 'order.objected' });
    expect(told!.body).toContain('com.unfiled.one');
    expect(told!.body).toContain('2026-03-20');
    const item = (await get('/api/bureau/orders', gd.headers)).json().items[0].items.find((i: { id: string }) => i.id === items[0]!.id);
    expect(item).toMatchObject({ status: 'objected', overdue: false, objection: { ground: 'more_time', note: '开发者已承诺 3 月 20 日前完成备案', requestedDueOn: '2026-03-20' } });
    // Its finding is still ordered: neither the flow nor the database lets a second order in.
    const again = await post('/api/bureau/orders', gd.headers, { findingIds: [items[0]!.findingId], measure: 'take_down', dueInWorkingDays: 5, reason: 'x' });
    expect(again.json().code).toBe('finding_already_ordered');
    await expect(a.t.db.query(
      `insert into disposal_order_items (order_id, finding_id, platform, package_name) select order_id, finding_id, platform, package_name from disposal_order_items where id = $1`,
      [items[0]!.id])).rejects.toMatchObject({ code: '23505' });
  });

  it('past the date, the open item is overdue and followed up once (the objected one waits for the bureau)', async () => {
    a.clock.set('2026-03-10T01:00:00Z'); // Tuesday, 09:00 in Beijing: 9 March has passed
    await signInAll();
    const order = (await get('/api/org/orders', KEY)).json().items[0];
    expect(order.items.map((i: { status: string; overdue: boolean }) => [i.status, i.overdue]).sort()).toEqual([['objected', false], ['open', true]]);
    expect(await overdueJob.run(flowCtx())).toBe(1);
    expect(await overdueJob.run(flowCtx())).toBe(0); // once a day
    const [org] = await notices(KEY, 'org');
    expect(org).toMatchObject({ event: 'order.overdue' });
    expect(org!.body).toContain('com.unfiled.two');
    expect(org!.body).not.toContain('com.unfiled.one');
    expect((await notices(gd.headers, 'bureau'))[0]).toMatchObject({ event: 'order.overdue' });
    // The next day the same date is not followed up again.
    a.clock.set('2026-03-11T01:00:00Z');
    expect(await overdueJob.run(flowCtx())).toBe(0);
  });

  it('the bureau upholds the objection and grants time: the order moves, counted from that day', async () => {
    await signInAll();
    expect((await post(itemUrl(0, 'uphold'), zj.headers, { reason: 'x' })).statusCode).toBe(404);
    expect((await post(itemUrl(0, 'uphold'), gd.headers, { reason: ' ' })).statusCode).toBe(400);
    expect((await post(itemUrl(1, 'uphold'), gd.headers, { reason: '维持' })).json().code).toBe('order_item_status_conflict');
    const r = await post(itemUrl(0, 'uphold'), gd.headers, { reason: '同意延期至 3 月 18 日，逾期将移送处理', dueInWorkingDays: 5 });
    expect(r.json()).toMatchObject({ status: 'open', dueOn: '2026-03-18' }); // Wed 11 March + 5 working days
    const told = (await notices(KEY, 'org')).slice(0, 2).map((n) => n.event).sort();
    expect(told).toEqual(['order.objection_upheld', 'order.redated']);
    const item = (await get('/api/org/orders', KEY)).json().items[0].items.find((i: { id: string }) => i.id === items[0]!.id);
    expect(item).toMatchObject({ status: 'open', overdue: false, answerNote: '同意延期至 3 月 18 日，逾期将移送处理', objection: { ground: 'more_time' } });
    // A holiday entered later recounts from the day of the move (11 March), not from the order's first day.
    const moves = await orderDueMoves(a.t.db, () => createCalendar({ overrides: [{ kind: 'holiday', date: '2026-03-16' }] }), null, { forUpdate: false });
    expect(moves).toEqual([expect.objectContaining({ orderId, old: '2026-03-18', new: '2026-03-19' })]);
    const history = await a.t.db.query<{ action: string }>(`select action from history where entity_type = 'disposal_order' and entity_id = $1 order by id`, [orderId]);
    expect(history.map((h) => h.action)).toEqual(['issue', 'overdue_noticed', 'redated']);
  });

  it('the bureau withdraws an item: final, not overdue, its finding free for another order', async () => {
    expect((await post(itemUrl(1, 'withdraw'), KEY, { reason: 'x' })).statusCode).toBe(403);
    expect((await post(itemUrl(1, 'withdraw'), gd.headers, { reason: '该应用已于 3 月 10 日完成备案' })).json()).toMatchObject({ status: 'withdrawn' });
    expect((await post(itemUrl(1, 'withdraw'), gd.headers, { reason: 'again' })).json().code).toBe('order_item_status_conflict');
    expect((await post(`/api/org/orders/${orderId}/items/${items[1]!.id}/done`, KEY, { evidence: '已下架' })).json().code).toBe('order_item_status_conflict');
    expect((await notices(KEY, 'org'))[0]).toMatchObject({ event: 'order.item_withdrawn' });
    const again = await post('/api/bureau/orders', gd.headers, { findingIds: [items[1]!.findingId], measure: 'restrict_updates', dueInWorkingDays: 3, reason: '限制更新' });
    expect(again.statusCode).toBe(201);
    const progress = (await get(`/api/bureau/campaigns/${campaignId}`, gd.headers)).json();
    expect(progress.orders).toMatchObject({ items: 3, open: 2, objected: 0, withdrawn: 1, overdue: 0 });
    expect(progress.timeline.at(-1)).toMatchObject({ day: '2026-03-11', ordered: 3, overdue: 0 });
  });

  it('an order moves only while something of it is pending, to another date, by its bureau', async () => {
    const due = `/api/bureau/orders/${orderId}/due`;
    expect((await post(due, KEY, { dueInWorkingDays: 3, reason: 'x' })).statusCode).toBe(403);
    expect((await post(due, zj.headers, { dueInWorkingDays: 3, reason: 'x' })).statusCode).toBe(404);
    const same = await post(due, gd.headers, { dueInWorkingDays: 5, reason: '重复' });
    expect(same.json()).toMatchObject({ code: 'due_unchanged', errors: [{ field: 'body.dueInWorkingDays' }] });
    expect((await post(due, gd.headers, { dueInWorkingDays: 2, reason: '提前' })).json()).toMatchObject({ dueOn: '2026-03-13', previousDueOn: '2026-03-18' });
    // Past the new date the order is followed up again (a new date, a new follow-up).
    a.clock.set('2026-03-16T01:00:00Z');
    expect(await overdueJob.run(flowCtx())).toBe(1); // this order, moved to the 13th (the re-order of the 11th is due the 16th: not past)
    // The day's figures (by each order's current date): com.unfiled.one is overdue; com.unfiled.two of the same order is not, withdrawn on the 11th.
    await signInAll();
    expect((await get(`/api/bureau/campaigns/${campaignId}`, gd.headers)).json().timeline.at(-1)).toMatchObject({ day: '2026-03-16', ordered: 3, overdue: 1 });
    // Done and accepted: nothing left to move.
    await signInAll();
    await post(`/api/org/orders/${orderId}/items/${items[0]!.id}/done`, KEY, { evidence: '已下架' });
    await post(itemUrl(0, 'accept'), gd.headers);
    expect((await post(due, gd.headers, { dueInWorkingDays: 9, reason: '延期' })).json().code).toBe('order_settled');
  });

  it('both parties read the order\'s history: each step with its date, role and words; others do not', async () => {
    const steps = (await get(`/api/org/orders/${orderId}/history`, KEY)).json().items as { action: string; item: string | null; actorRole: string; note: string | null; ground: string | null; dueOn: string | null; previousDueOn: string | null }[];
    expect((await get(`/api/bureau/orders/${orderId}/history`, gd.headers)).json().items).toEqual(steps);
    expect(steps.map((s) => s.action)).toEqual(['issue', 'object', 'overdue_noticed', 'uphold', 'redated', 'withdraw', 'redated', 'overdue_noticed', 'confirm', 'accept']);
    expect(steps.find((s) => s.action === 'object')).toMatchObject({ item: 'com.unfiled.one', actorRole: 'platform_staff', ground: 'more_time', dueOn: '2026-03-20', note: '开发者已承诺 3 月 20 日前完成备案' });
    expect(steps.find((s) => s.action === 'redated')).toMatchObject({ item: null, actorRole: 'bureau_reviewer', previousDueOn: '2026-03-09', dueOn: '2026-03-18' });
    expect(steps.find((s) => s.action === 'withdraw')).toMatchObject({ item: 'com.unfiled.two', note: '该应用已于 3 月 10 日完成备案' });
    expect((await get(`/api/bureau/orders/${orderId}/history`, zj.headers)).statusCode).toBe(404);
    expect((await get(`/api/org/orders/${orderId}/history`, (await signIn(a.app, 'provider.demo')).headers)).statusCode).toBe(404);
  });
});
