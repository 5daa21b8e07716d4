// One holiday, make-up day or published year entered or removed by hand (工作日历调整) recounts the
// running review deadlines and open disposal orders' due dates it moves, with history and notices,
// as an imported schedule does (ADR 0011 addendum of session 13); days outside the calendar's
// years and a year published with no holiday in it are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmail, type EmailPayload } from '../src/notify/outbox.ts';
import { type AuthTestApp, SETUP_TIMEOUT, type Signed } from './auth.ts';
import { runningReviewAndOrder } from './calendar-fixture.ts';
import { call } from './filing.ts';

describe('calendar overrides move what they change', () => {
  let h: AuthTestApp;
  let host: Signed; let gd: Signed; let admin: Signed;
  let id: string;
  let orderId: string;

  beforeAll(async () => {
    let order;
    ({ h, host, gd, admin, id, order } = await runningReviewAndOrder('2026-11-02T02:00:00Z', 5)); // Monday 2 November 2026, 10:00 in Beijing
    orderId = order.id;
    expect(order).toMatchObject({ dueOn: '2026-11-09', dueProvisional: false });
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  const deadline = async () => (await call(h.app, host, 'GET', `/api/host/applications/${id}`)).deadlineOn as string;
  const due = async () => (await call(h.app, gd, 'GET', '/api/bureau/orders')).items.find((o: { id: string }) => o.id === orderId).dueOn as string;

  it('a national holiday entered by hand moves the deadline and the due date, with history and a notice; removing it moves them back', async () => {
    expect([await deadline(), await due()]).toEqual(['2026-11-30', '2026-11-09']);
    const added = await call(h.app, admin, 'POST', '/api/admin/calendar-overrides', { day: '2026-11-04', kind: 'holiday' }, 201);
    expect(added).toMatchObject({ deadlinesMoved: 1, ordersMoved: 1 });
    expect([await deadline(), await due()]).toEqual(['2026-12-01', '2026-11-10']);
    const history = await call(h.app, host, 'GET', `/api/host/applications/${id}/history`);
    expect(history.items.at(-1)).toMatchObject({
      action: 'deadline_recomputed',
      reason: { cause: 'calendar_override', change: 'added', day: '2026-11-04', kind: 'holiday', old: { deadlineOn: '2026-11-30' }, new: { deadlineOn: '2026-12-01' } },
    });
    const emails = await h.t.db.query<{ payload: EmailPayload }>(`select payload from outbox where channel = 'email' and payload->>'tag' = 'calendar.deadlines_moved' order by id`);
    const mail = openEmail(h.t.sealer, emails.at(-1)!.payload);
    expect(mail.to).toBe('bureau@gd.example.test');
    expect(mail.text).toContain('工作日历已调整：2026-11-04设为节假日');
    expect(mail.text).toContain('2026-11-30 → 2026-12-01');
    const [oh] = await h.t.db.query<{ action: string; reason: { old: string; new: string; cause: string } }>(
      `select action, reason from history where entity_type = 'disposal_order' and entity_id = $1 order by id desc limit 1`, [orderId]);
    expect(oh).toMatchObject({ action: 'due_recomputed', reason: { cause: 'calendar_override', old: '2026-11-09', new: '2026-11-10' } });

    expect((await h.app.inject({ method: 'DELETE', url: `/api/admin/calendar-overrides/${added.id}`, headers: admin.headers })).statusCode).toBe(204);
    expect([await deadline(), await due()]).toEqual(['2026-11-30', '2026-11-09']);
  });

  it('a province\'s day moves only that province\'s deadlines', async () => {
    const other = await call(h.app, admin, 'POST', '/api/admin/calendar-overrides', { day: '2026-11-05', kind: 'holiday', provinceCode: '110000' }, 201);
    expect(other).toMatchObject({ deadlinesMoved: 0 });
    expect(await deadline()).toBe('2026-11-30');
    const mine = await call(h.app, gd, 'POST', '/api/admin/calendar-overrides', { day: '2026-11-05', kind: 'holiday', provinceCode: '440000' }, 201);
    expect(mine).toMatchObject({ deadlinesMoved: 1 });
    expect(await deadline()).toBe('2026-12-01');
  });

  it('refuses days outside 2004–2099 and a year published with no holiday entered', async () => {
    for (const day of ['1999-05-01', '2150-01-01', '2003-01-01']) {
      const r = await h.app.inject({ method: 'POST', url: '/api/admin/calendar-overrides', headers: admin.headers, payload: { day, kind: day.endsWith('01-01') ? 'year_published' : 'holiday' } });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ errors: [{ field: 'body.day', code: 'calendar_out_of_range' }] });
    }
    const none = await h.app.inject({ method: 'POST', url: '/api/admin/calendar-overrides', headers: admin.headers, payload: { day: '2028-01-01', kind: 'year_published' } });
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ errors: [{ field: 'body.day', code: 'year_has_no_holidays' }] });
    const nowhere = await h.app.inject({ method: 'POST', url: '/api/admin/calendar-overrides', headers: admin.headers, payload: { day: '2028-05-02', kind: 'holiday', provinceCode: '990000' } });
    expect(nowhere.json()).toMatchObject({ code: 'province_unknown', errors: [{ field: 'body.provinceCode' }] });
    await call(h.app, admin, 'POST', '/api/admin/calendar-overrides', { day: '2028-01-01', kind: 'holiday' }, 201);
    await call(h.app, admin, 'POST', '/api/admin/calendar-overrides', { day: '2028-01-01', kind: 'year_published' }, 201);
  });
});
