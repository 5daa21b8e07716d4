// The development SMS inbox through HTTP: ministry administrators only, masked unless named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, type Signed, signIn } from '../../../tests/auth.ts';
import { loadConfig } from '../../config.ts';
import { buildApp } from '../app.ts';
import { enqueueSms } from '../../notify/outbox.ts';
import { smsTemplate } from '../../notify/sms-templates.ts';
import { createDevSmsProvider, createUnconfiguredEmailSender, drainOutbox } from '../../notify/index.ts';

describe('GET /api/admin/dev-sms', () => {
  let h: AuthTestApp;
  let admin: Signed;
  beforeAll(async () => {
    h = await authTestApp();
    admin = await signIn(h.app, 'admin');
    const { db, sealer } = h.t;
    await db.transaction(async (tx) => {
      await enqueueSms(tx, sealer, { mobile: '13900001111', text: '【备案核验】短信核验码：482913，24小时内有效', template: smsTemplate('verification_code', { code: '482913' }) });
      await enqueueSms(tx, sealer, { mobile: '13700002222', text: '【备案通知】您的APP"A2DP Volume"已通过备案', template: smsTemplate('filing_approved', { name: 'A2DP Volume', number: '粤ICP备2026000001号-1A' }) });
    });
    await drainOutbox({ db, sealer, email: createUnconfiguredEmailSender(), sms: createDevSmsProvider(db, sealer, h.clock.now), now: h.clock.now });
  });
  afterAll(async () => { await h?.close(); });

  it('lists every message, newest first, with masked mobiles', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/admin/dev-sms', headers: admin.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const { items } = res.json();
    expect(items.map((m: { mobile: string }) => m.mobile)).toEqual(['137****2222', '139****1111']);
    expect(items[1]).toMatchObject({ body: '【备案核验】短信核验码：482913，24小时内有效', createdAt: h.clock.now().toISOString() });
    expect(res.body).not.toMatch(/13900001111|13700002222/);
  });

  it('shows one mobile in full when the query names it (any common spelling)', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/api/admin/dev-sms?mobile=${encodeURIComponent('+86 139-0000-1111')}`, headers: admin.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([expect.objectContaining({ mobile: '13900001111', body: expect.stringContaining('482913') })]);
    const none = await h.app.inject({ method: 'GET', url: '/api/admin/dev-sms?mobile=13600000000', headers: admin.headers });
    expect(none.json().items).toEqual([]);
  });

  it('refuses anyone but a ministry administrator', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/api/admin/dev-sms' })).statusCode).toBe(401);
    for (const login of ['host@demo.beian.test', 'gd.reviewer', 'provider.demo']) {
      const who = await signIn(h.app, login);
      const res = await h.app.inject({ method: 'GET', url: '/api/admin/dev-sms', headers: who.headers });
      expect(res.statusCode, login).toBe(403);
      expect(res.body).not.toContain('482913');
    }
  });

  it('rejects a bad limit with problem+json', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/admin/dev-sms?limit=0', headers: admin.headers });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid_request');
  });

  it('exists only with the development SMS provider, and the session says so (the web app offers the inbox page then)', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/api/auth/session', headers: admin.headers })).json().devSmsInbox).toBe(true);
    const host = await signIn(h.app, 'host@demo.beian.test');
    expect((await h.app.inject({ method: 'GET', url: '/api/auth/session', headers: host.headers })).json().devSmsInbox).toBe(true);
    // A real gateway: no inbox route (404 like any unknown path), and no session offers it.
    const dev = loadConfig({ LOG_LEVEL: 'silent' });
    const live = await buildApp({ db: h.t.db, sealer: h.t.sealer, now: h.clock.now, config: { ...dev, sms: { ...dev.sms, provider: 'aliyun' } } });
    try {
      const liveAdmin = await signIn(live, 'admin');
      const res = await live.inject({ method: 'GET', url: '/api/admin/dev-sms', headers: liveAdmin.headers });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('482913');
      expect((await live.inject({ method: 'GET', url: '/api/auth/session', headers: liveAdmin.headers })).json().devSmsInbox).toBe(false);
    } finally { await live.close(); }
  });
});
