// Issue 12 part 1 through HTTP: a deadline received in January 2027 (no official schedule yet)
// is provisional and follows the statutory rules (春节 from its lunar date); the ministry
// previews and imports the 2027 schedule; the deadline becomes official and moves by the
// make-up days, with history and an email to the bureau; the package check compares imports
// with a (synthetic) newer chinese-days.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkImportedYears } from '../src/db/calendar.ts';
import { refreshProvisionalDeadlines } from '../src/flows/refresh-deadlines.ts';
import { openEmail, type EmailPayload } from '../src/notify/outbox.ts';
import { type AuthTestApp, SETUP_TIMEOUT, type Signed, signIn } from './auth.ts';
import { runningReviewAndOrder } from './calendar-fixture.ts';
import { call, CLOUD, fileToProvider, orgId, throughSms, websiteMaterials } from './filing.ts';

// A 2027 schedule as the State Council might announce it (test data): 春节 Friday 5 to Thursday
// 11 February, make-up working days Sunday 31 January and Saturday 20 February.
const SCHEDULE_2027 = {
  year: 2027,
  holidays: ['2027-01-01', '2027-01-02', '2027-01-03', ...[5, 6, 7, 8, 9, 10, 11].map((d) => `2027-02-${String(d).padStart(2, '0')}`)],
  workdays: ['2027-01-31', '2027-02-20'],
};

describe('provisional deadlines and importing a year\'s schedule (issue 12 part 1)', () => {
  let h: AuthTestApp;
  let host: Signed; let provider: Signed; let gd: Signed; let admin: Signed;
  let id: string;
  let orderId: string;

  beforeAll(async () => {
    let order;
    // Wednesday 20 January 2027, 10:00 in Beijing; the reviewer's address too, and the order's addressee (the provider).
    ({ h, host, provider, gd, admin, id, order } = await runningReviewAndOrder('2027-01-20T02:00:00Z', 20, async (r) => {
      await r.h.t.db.query(`update users set email_enc = $1 where login = 'gd.reviewer'`, [r.h.t.sealer.seal('reviewer@gd.example.test')]);
      await r.h.t.db.query('update organisations set contact_email_enc = $1 where id = $2', [r.h.t.sealer.seal('ops@cloud.example.test'), r.cloud]);
    }));
    // A disposal order due in 20 working days, issued the same day: counted into 2027 as well.
    orderId = order.id;
    expect(order).toMatchObject({ dueOn: '2027-02-19', dueProvisional: true });
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  it('a deadline counted into 2027 is provisional: 除夕 5 Feb and 初三 8 Feb are off, so 20 working days end on 19 Feb', async () => {
    const view = await call(h.app, host, 'GET', `/api/host/applications/${id}`);
    expect(view).toMatchObject({ receivedOn: '2027-01-20', deadlineOn: '2027-02-19', deadlineProvisional: true });
    expect(view.deadlineProvisionalReason).toMatch(/no official working-day schedule for 2027 yet/);
    const queue = await call(h.app, gd, 'GET', '/api/bureau/applications');
    const mine = queue.items.find((a: { id: string }) => a.id === id);
    expect(mine).toMatchObject({ deadlineOn: '2027-02-19', deadlineProvisional: true, remainingWorkingDays: 20, overdue: false });
    const deadlines = queue.items.map((a: { deadlineOn: string | null }) => a.deadlineOn ?? '9999');
    expect(deadlines).toEqual([...deadlines].sort());
    const [row] = await h.t.db.query<{ deadline_provisional: boolean }>('select deadline_provisional from applications where id = $1', [id]);
    expect(row!.deadline_provisional).toBe(true);
  });

  it('the working-day API answers for 2027 and 2028, provisionally', async () => {
    expect(await call(h.app, host, 'GET', '/api/calendar/working-days?start=2026-12-04&n=20'))
      .toMatchObject({ date: '2027-01-04', provisional: true, provisionalYears: [2027] });
    expect(await call(h.app, host, 'GET', '/api/calendar/working-days?start=2028-01-20&n=5'))
      .toMatchObject({ date: '2028-02-02', provisional: true, provisionalYears: [2028] });
    expect(await call(h.app, host, 'GET', '/api/calendar/working-days-between?a=2026-12-31&b=2028-01-03'))
      .toMatchObject({ days: 255, provisional: true, provisionalYears: [2027, 2028] });
    const span = await h.app.inject({ method: 'GET', url: '/api/calendar/working-days-between?a=2026-01-01&b=2030-01-01', headers: host.headers });
    expect([span.statusCode, span.json().code, span.json().errors?.[0]?.field]).toEqual([400, 'calendar_span_too_long', 'querystring.b']);
    expect(await call(h.app, host, 'GET', '/api/calendar/working-days?start=2025-09-25&n=20'))
      .toEqual({ start: '2025-09-25', n: 20, province: null, date: '2025-10-29', provisional: false, provisionalYears: [], provisionalReason: null });
    const far = await h.app.inject({ method: 'GET', url: '/api/calendar/working-days?start=2099-12-20&n=20', headers: host.headers });
    expect(far.statusCode).toBe(400);
    expect(far.json().code).toBe('calendar_out_of_range');
  });

  it('only the ministry imports; a bad file is a 400 naming the field', async () => {
    const body = { content: JSON.stringify(SCHEDULE_2027), source: '2027.json' };
    const bureau = await h.app.inject({ method: 'POST', url: '/api/admin/calendar-imports/preview', headers: gd.headers, payload: body });
    expect(bureau.statusCode).toBe(403);
    for (const [payload, field] of [
      // What the file holds is named at the body's `content` (the message says where in it); the year to take is `body.year`.
      [{ content: 'hello' }, 'body.content'],
      [{ content: JSON.stringify({ holidays: ['2027-02-30'] }) }, 'body.content'],
      [{ content: JSON.stringify({ holidays: ['2026-10-01', '2027-10-01'] }) }, 'body.year'],
      [{ content: JSON.stringify({ holidays: ['2027-10-01'], workdays: ['2027-10-01'] }) }, 'body.content'],
      [{ content: JSON.stringify({ year: 2027, holidays: ['2027-10-01', '2026-10-01'] }), year: 2027 }, 'body.content'],
    ] as const) {
      const res = await h.app.inject({ method: 'POST', url: '/api/admin/calendar-imports/preview', headers: admin.headers, payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: 'calendar_file_invalid', errors: [{ field }] });
    }
  });

  it('the preview lists the changed days and the deadline that would move, and writes nothing', async () => {
    const preview = await call(h.app, admin, 'POST', '/api/admin/calendar-imports/preview', { content: JSON.stringify(SCHEDULE_2027), source: '2027.json' });
    expect(preview.days).toEqual(expect.arrayContaining([
      { date: '2027-01-31', before: 'off', after: 'working' },
      { date: '2027-02-09', before: 'working', after: 'off' },
      { date: '2027-02-20', before: 'off', after: 'working' },
      { date: '2027-04-05', before: 'off', after: 'working' }, // 清明 is not in this test file
    ]));
    expect(preview.deadlines).toContainEqual(expect.objectContaining({
      applicationId: id, old: { deadlineOn: '2027-02-19', provisional: true }, new: { deadlineOn: '2027-02-22', provisional: false },
    }));
    expect(preview.orders).toContainEqual(expect.objectContaining({ orderId, old: '2027-02-19', new: '2027-02-22' }));
    const [{ n }] = await h.t.db.query<{ n: number }>(`select count(*)::int as n from calendar_overrides`) as [{ n: number }];
    expect(n).toBe(0);
    expect((await call(h.app, host, 'GET', `/api/host/applications/${id}`)).deadlineOn).toBe('2027-02-19');
  });

  it('importing makes 2027 official: the deadline moves by the make-up days, with history and an email to the bureau', async () => {
    const done = await call(h.app, admin, 'POST', '/api/admin/calendar-imports', { content: JSON.stringify(SCHEDULE_2027), source: '2027.json' }, 201);
    expect(done.importId).toMatch(/^[0-9a-f-]{36}$/);
    // 21–22, 25–29 Jan, Sunday 31 Jan (make-up), 1–4 Feb: 12; 5–11 Feb off; 12, 15–19 Feb: 18; Saturday 20 Feb: 19; Monday 22 Feb: 20.
    const view = await call(h.app, host, 'GET', `/api/host/applications/${id}`);
    expect(view).toMatchObject({ deadlineOn: '2027-02-22', deadlineProvisional: false, deadlineProvisionalReason: null });
    const history = await call(h.app, host, 'GET', `/api/host/applications/${id}/history`);
    expect(history.items.at(-1)).toMatchObject({
      action: 'deadline_recomputed', from: 'bureau_review', to: 'bureau_review',
      reason: { year: 2027, importId: done.importId, old: { deadlineOn: '2027-02-19', provisional: true }, new: { deadlineOn: '2027-02-22', provisional: false } },
    });
    const [cal] = await h.t.db.query<{ action: string; reason: { deadlinesMoved: number } }>(`select action, reason from history where entity_type = 'calendar' and entity_id = $1`, [done.importId]);
    expect(cal).toMatchObject({ action: 'import_schedule', reason: { deadlinesMoved: done.deadlines.length } });
    const emails = await h.t.db.query<{ payload: EmailPayload }>(`select payload from outbox where channel = 'email' and payload->>'tag' = 'calendar.deadlines_moved' order by id`);
    const opened = emails.map((e) => openEmail(h.t.sealer, e.payload));
    expect(opened.map((e) => e.to).sort()).toEqual(['bureau@gd.example.test', 'reviewer@gd.example.test']);
    expect(opened[0]!.subject).toContain('2027年节假日安排已导入');
    expect(opened[0]!.text).toContain('2027-02-19（暂定） → 2027-02-22');
    const [notice] = await h.t.db.query<{ title: string }>(`select title from notifications where event = 'calendar.deadlines_moved'`);
    expect(notice!.title).toMatch(/件备案申请的审核截止日期已调整/);
    expect(await call(h.app, host, 'GET', '/api/calendar/working-days?start=2027-01-20&n=20')).toMatchObject({ date: '2027-02-22', provisional: false });
    // The disposal order moves with it, official now; its history and the organisation say so.
    const order = (await call(h.app, gd, 'GET', '/api/bureau/orders')).items.find((o: { id: string }) => o.id === orderId);
    expect(order).toMatchObject({ dueOn: '2027-02-22', dueProvisional: false });
    const [oh] = await h.t.db.query<{ action: string; reason: { old: string; new: string; importId: string } }>(
      `select action, reason from history where entity_type = 'disposal_order' and entity_id = $1 order by id desc limit 1`, [orderId]);
    expect(oh).toMatchObject({ action: 'due_recomputed', reason: { old: '2027-02-19', new: '2027-02-22', importId: done.importId } });
    expect((await h.t.db.query(`select 1 from notifications where event = 'order.due_recomputed'`)).length).toBe(1);
    // The provider was emailed both: the order (its date provisional) and the date's move.
    const mails = (await h.t.db.query<{ payload: EmailPayload }>(`select payload from outbox where channel = 'email' and payload->>'tag' like 'order.%' order by id`))
      .map((e) => openEmail(h.t.sealer, e.payload));
    expect(mails.map((m) => m.to)).toEqual(['ops@cloud.example.test', 'ops@cloud.example.test']);
    expect(mails[0]!.text).toMatch(/完成期限：2027-02-19（暂按法定节假日推算/);
    expect(mails[0]!.text).toContain('停止接入');
    expect(mails[1]!.subject).toBe('处置通知期限调整：2027-02-19 → 2027-02-22 / Disposal order due date moved: 2027-02-19 → 2027-02-22');
    expect(mails[1]!.text).toContain('/org/supervision?tab=orders');
    expect(await call(h.app, host, 'GET', '/api/calendar/working-days?start=2027-12-20&n=20')).toMatchObject({ provisional: true, provisionalYears: [2028] });
  });

  it('importing the same schedule again moves nothing', async () => {
    h.clock.advance(60);
    const again = await call(h.app, admin, 'POST', '/api/admin/calendar-imports', { content: JSON.stringify(SCHEDULE_2027), source: '2027.json' }, 201);
    expect(again).toMatchObject({ days: [], deadlines: [], orders: [], replacedOverrides: SCHEDULE_2027.holidays.length + SCHEDULE_2027.workdays.length });
    const imports = await call(h.app, admin, 'GET', '/api/admin/calendar-imports');
    expect(imports.items.map((i: { year: number }) => i.year)).toEqual([2027, 2027]);
    expect(imports.items[0].deadlinesMoved).toBe(0);
    expect(imports.items[1].deadlinesMoved).toBeGreaterThanOrEqual(1);
  });

  it('the check flags a newer chinese-days that disagrees with the import, and agrees with one that matches', async () => {
    const check = await call(h.app, admin, 'GET', '/api/admin/calendar-check');
    expect(check).toMatchObject({ packageYears: { first: 2004, last: 2026 }, agrees: true, years: [{ year: 2027, coveredByPackage: false, differences: [] }] });
    const years = { first: 2004, last: 2027 };
    const same = { holidays: new Set(SCHEDULE_2027.holidays), workdays: new Set(SCHEDULE_2027.workdays), years };
    expect((await checkImportedYears(h.t.db, same)).agrees).toBe(true);
    // A later package release that moved 春节's last day and dropped the January make-up day:
    const other = { holidays: new Set(SCHEDULE_2027.holidays.filter((d) => d !== '2027-02-11')), workdays: new Set(['2027-02-20']), years };
    const differing = await checkImportedYears(h.t.db, other);
    expect(differing.agrees).toBe(false);
    expect(differing.years[0]!.differences).toEqual([
      { date: '2027-01-31', imported: 'working', library: 'off' },
      { date: '2027-02-11', imported: 'off', library: 'working' },
    ]);
  });

  it('a provisional deadline whose year becomes official otherwise (year published, package upgrade) is recomputed at start', async () => {
    h.clock.set('2027-12-20T02:00:00Z'); // Monday; 20 working days end on Monday 17 January 2028
    [host, provider] = await Promise.all(['host@demo.beian.test', 'provider.demo'].map((l) => signIn(h.app, l))) as [Signed, Signed];
    const cloud = await orgId(h.t.db, CLOUD);
    const late = await fileToProvider(h.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) });
    expect(await throughSms(h, host, provider, late)).toMatchObject({ deadlineOn: '2028-01-17', deadlineProvisional: true });
    const ctx = { db: h.t.db, sealer: h.t.sealer, now: h.clock.now, publicUrl: 'http://127.0.0.1' };
    expect(await refreshProvisionalDeadlines(ctx)).toEqual([]); // nothing official changed yet
    // As after a chinese-days upgrade covering 2028 (the package data is not a row; a published row stands in):
    await h.t.db.query(`insert into calendar_overrides (day, kind, note) values ('2028-01-01', 'year_published', 'test')`);
    const moved = await refreshProvisionalDeadlines(ctx);
    expect(moved).toEqual([expect.objectContaining({ applicationId: late, old: { deadlineOn: '2028-01-17', provisional: true }, new: { deadlineOn: '2028-01-17', provisional: false } })]);
    const view = await call(h.app, host, 'GET', `/api/host/applications/${late}`);
    expect(view).toMatchObject({ deadlineOn: '2028-01-17', deadlineProvisional: false });
    const history = await call(h.app, host, 'GET', `/api/host/applications/${late}/history`);
    expect(history.items.at(-1)).toMatchObject({ action: 'deadline_recomputed', reason: { cause: 'calendar_now_official' } });
    expect(await refreshProvisionalDeadlines(ctx)).toEqual([]);
  });

  it('declaring a year published through the overrides API makes its provisional deadlines official at once', async () => {
    h.clock.set('2028-12-20T02:00:00Z'); // Wednesday; 2029 is not published
    [host, provider] = await Promise.all(['host@demo.beian.test', 'provider.demo'].map((l) => signIn(h.app, l))) as [Signed, Signed];
    admin = await signIn(h.app, 'admin');
    const cloud = await orgId(h.t.db, CLOUD);
    const next = await fileToProvider(h.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) });
    const received = await throughSms(h, host, provider, next);
    expect(received).toMatchObject({ deadlineOn: '2029-01-18', deadlineProvisional: true }); // 元旦 (Monday) assumed off
    // Published with no holiday entered, 2029 would count 元旦 and 春节 as working days: refused until its days are in.
    const empty = await h.app.inject({ method: 'POST', url: '/api/admin/calendar-overrides', headers: admin.headers, payload: { day: '2029-01-01', kind: 'year_published' } });
    expect(empty.json()).toMatchObject({ code: 'year_has_no_holidays', errors: [{ field: 'body.day' }] });
    await call(h.app, admin, 'POST', '/api/admin/calendar-overrides', { day: '2029-01-01', kind: 'holiday' }, 201);
    await call(h.app, admin, 'POST', '/api/admin/calendar-overrides', { day: '2029-01-01', kind: 'year_published' }, 201);
    // 2029 published with 1 January off: the same date, official now.
    const after = await call(h.app, host, 'GET', `/api/host/applications/${next}`);
    expect(after).toMatchObject({ deadlineOn: '2029-01-18', deadlineProvisional: false });
    // A year the installed schedule covers is official already; declared published by hand it would drop its holidays.
    const refused = await call(h.app, admin, 'POST', '/api/admin/calendar-overrides', { day: '2026-01-01', kind: 'year_published' }, 400);
    expect(refused).toMatchObject({ code: 'year_already_official', errors: [{ field: 'body.day', code: 'year_already_official' }] });
  });

  it('the database refuses a provisional mark without a deadline and an import outside 2004–2099', async () => {
    await expect(h.t.db.query('update applications set deadline_on = null, deadline_provisional = true where id = $1', [id])).rejects.toThrow(/applications_deadline_provisional_has_deadline/);
    await expect(h.t.db.query(`insert into calendar_imports (year, source, format, holidays, workdays) values (2100, 'x', 'json', '[]', '[]')`)).rejects.toThrow(/calendar_imports_year_check/);
    await expect(h.t.db.query(`insert into calendar_imports (year, source, format, holidays, workdays) values (2027, 'x', 'json', '{}', '[]')`)).rejects.toThrow(/calendar_imports_holidays_check/);
  });
});
