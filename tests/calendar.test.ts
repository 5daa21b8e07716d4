// Calendar overrides through HTTP: who may enter them, and that deadlines honour them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from './auth.ts';
import { call } from './filing.ts';

describe('working-day calendar overrides', () => {
  let h: AuthTestApp; let admin: Signed; let gd: Signed; let bj: Signed; let host: Signed;
  beforeAll(async () => {
    h = await authTestApp();
    [admin, gd, bj, host] = await Promise.all(['admin', 'gd.reviewer', 'bj.reviewer', 'host@demo.beian.test'].map((l) => signIn(h.app, l))) as [Signed, Signed, Signed, Signed];
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  const deadline = async (province: string) =>
    (await call(h.app, host, 'GET', `/api/calendar/working-days?start=2026-03-02&n=20&province=${province}`)).date;

  it('a provincial holiday moves that province\'s deadline only', async () => {
    expect(await deadline('440000')).toBe('2026-03-30');
    const added = await call(h.app, gd, 'POST', '/api/admin/calendar-overrides', { day: '2026-03-10', kind: 'holiday', provinceCode: '440000', note: '测试假日' }, 201);
    expect(await deadline('440000')).toBe('2026-03-31');
    expect(await deadline('110000')).toBe('2026-03-30');
    const dup = await h.app.inject({ method: 'POST', url: '/api/admin/calendar-overrides', headers: gd.headers, payload: { day: '2026-03-10', kind: 'holiday', provinceCode: '440000' } });
    expect(dup.statusCode).toBe(409);
    const res = await h.app.inject({ method: 'DELETE', url: `/api/admin/calendar-overrides/${added.id}`, headers: gd.headers });
    expect(res.statusCode).toBe(204);
    expect(await deadline('440000')).toBe('2026-03-30');
    const history = await h.t.db.query<{ action: string }>(`select action from history where entity_type = 'calendar' order by id`);
    expect(history.map((r) => r.action)).toEqual(['add_override', 'remove_override']);
  });

  it('a bureau may not set another province\'s days or national ones; hosts may not set any', async () => {
    for (const [who, body, status] of [
      [bj, { day: '2026-03-11', kind: 'holiday', provinceCode: '440000' }, 403],
      [bj, { day: '2026-03-11', kind: 'holiday' }, 403],
      [host, { day: '2026-03-11', kind: 'holiday', provinceCode: '110000' }, 403],
      [admin, { day: '2026-02-30', kind: 'holiday' }, 400],
      [admin, { day: '2027-03-01', kind: 'year_published' }, 400],
    ] as const) {
      const res = await h.app.inject({ method: 'POST', url: '/api/admin/calendar-overrides', headers: who.headers, payload: body });
      expect(res.statusCode, res.body).toBe(status);
    }
  });

  it('counts past the published schedule provisionally until the ministry publishes the year (issue 12)', async () => {
    // 21–31 Dec: 9; 1 Jan 2027 (元旦, statutory) off; 4–15 Jan: 19; 18 Jan: 20.
    expect(await call(h.app, host, 'GET', '/api/calendar/working-days?start=2026-12-20&n=20'))
      .toMatchObject({ date: '2027-01-18', provisional: true, provisionalYears: [2027] });
    await call(h.app, admin, 'POST', '/api/admin/calendar-overrides', { day: '2027-01-01', kind: 'holiday', note: '元旦' }, 201);
    await call(h.app, admin, 'POST', '/api/admin/calendar-overrides', { day: '2027-01-01', kind: 'year_published' }, 201);
    expect(await call(h.app, host, 'GET', '/api/calendar/working-days?start=2026-12-20&n=20'))
      .toMatchObject({ date: '2027-01-18', provisional: false, provisionalYears: [], provisionalReason: null });
  });
});
