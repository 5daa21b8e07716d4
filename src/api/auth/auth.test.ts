// Accounts through HTTP on a real database: registration, sign-in by email and mobile,
// sessions and their cookie, CSRF, sign-out, throttling, password change, history rows.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFailure } from '../../db/login-throttle.ts';
import { THROTTLE_POLICY } from '../../domain/accounts.ts';
import { type AuthTestApp, SETUP_TIMEOUT, authTestApp, registerWithCode, sessionCookie, signedFrom, signIn } from '../../../tests/auth.ts';

// Each sign-in runs argon2 (about 0.1 s alone, over 1 s on a busy 2-core machine).
const SLOW = 120_000;
const HOST = { displayName: '张三', mobile: '+86 139-0013-9999', email: 'Zhang.San@Example.cn', password: 'Filing2026!ok', locale: 'zh-CN' };

describe('accounts and sessions', () => {
  let h: AuthTestApp;
  beforeAll(async () => { h = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  const inject = (options: InjectOptions) => h.app.inject(options);
  const history = (entityId: string) => h.t.db.query<{ action: string; actor_role: string; actor_user_id: string | null; request_id: string | null }>(
    'select action, actor_role, actor_user_id, request_id from history where entity_id = $1 order by id', [entityId]);

  it('registers a host: session cookie, masked mobile and email, sealed storage, a history row', async () => {
    const res = await registerWithCode(h.app, h.t, HOST);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.user).toMatchObject({ role: 'host', displayName: '张三', login: null, mobile: '139****9999', email: 'z***@example.cn', organisation: null });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body).not.toMatch(/13900139999|zhang\.san|\$argon2|v1\.t1\./i);

    const cookie = res.headers['set-cookie'] as string;
    expect(cookie).toMatch(/^beian_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);

    const [row] = await h.t.db.query<{ login: string | null; mobile_enc: string; email_enc: string; password_hash: string }>(
      'select login, mobile_enc, email_enc, password_hash from users where id = $1', [body.user.id]);
    expect(row!.login).toBeNull(); // hosts are found by the keyed hash of their email or mobile
    expect(h.t.sealer.open(row!.email_enc)).toBe('zhang.san@example.cn');
    expect(row!.mobile_enc).not.toContain('13900139999');
    expect(h.t.sealer.open(row!.mobile_enc)).toBe('13900139999');
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    const [session] = await h.t.db.query<{ token_hash: string }>('select token_hash from sessions where user_id = $1', [body.user.id]);
    expect(sessionCookie(res)).not.toContain(session!.token_hash);
    expect(await history(body.user.id)).toEqual([{ action: 'registered', actor_role: 'host', actor_user_id: body.user.id, request_id: res.headers['x-request-id'] }]);
  });

  it('refuses a second account with the same mobile or email without saying which (registration.test.ts has the rest)', async () => {
    const res = await registerWithCode(h.app, h.t, { ...HOST, mobile: '13900139999', email: 'zhang.san@example.cn' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json().errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([['body.smsCode', 'sms_code_invalid']]);
    expect(res.body).not.toMatch(/taken|already_registered/);
  });

  it('reports every invalid field at once', async () => {
    const res = await inject({ method: 'POST', url: '/api/auth/register', payload: { displayName: ' ', mobile: '12345', email: 'not-an-email', password: 'short' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
      ['body.displayName', 'display_name_empty'], ['body.mobile', 'mobile_format'], ['body.email', 'email_format'], ['body.password', 'password_too_short'],
      ['body.smsCode', 'sms_code_required'],
    ]);
    const oneClass = await inject({ method: 'POST', url: '/api/auth/register', payload: { ...HOST, mobile: '13700137000', email: 'a@b.cn', password: '1234567890123', smsCode: '123456' } });
    expect(oneClass.json().errors).toEqual([expect.objectContaining({ field: 'body.password', code: 'password_one_class' })]);
    const mine = await inject({ method: 'POST', url: '/api/auth/register', payload: { ...HOST, mobile: '13700137000', email: 'a@b.cn', password: 'x13700137000', smsCode: '123456' } });
    expect(mine.json().errors).toEqual([expect.objectContaining({ field: 'body.password', code: 'password_contains_identity' })]);
  });

  it('signs in by email (any case) and by mobile; history records each sign-in', async () => {
    const byEmail = await inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'ZHANG.SAN@example.cn', password: HOST.password } });
    expect(byEmail.statusCode).toBe(200);
    const byMobile = await inject({ method: 'POST', url: '/api/auth/login', payload: { login: '139 0013 9999', password: HOST.password } });
    expect(byMobile.statusCode).toBe(200);
    const id = byMobile.json().user.id;
    expect(byEmail.json().user.id).toBe(id);
    expect(sessionCookie(byEmail)).not.toBe(sessionCookie(byMobile));
    // The code asked for the taken mobile above sent its owner a password-reset code instead.
    expect((await history(id)).map((r) => r.action)).toEqual(['registered', 'password_reset_requested', 'signed_in', 'signed_in']);
  });

  it('answers a wrong password and an unknown login alike', async () => {
    const wrong = await inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'zhang.san@example.cn', password: 'Wrong-password-1' } });
    const unknown = await inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'nobody@example.cn', password: 'Wrong-password-1' } });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'invalid_credentials', detail: 'the login or the password is wrong' });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('tells who is signed in, with the organisation and province of a bureau reviewer', async () => {
    expect((await inject({ method: 'GET', url: '/api/auth/session' })).json()).toMatchObject({ status: 401, code: 'unauthenticated' });
    const gd = await signIn(h.app, 'gd.reviewer');
    const res = await inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: gd.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      role: 'bureau_reviewer', csrfToken: gd.csrf, apiKeyId: null,
      user: { displayName: '广东审核员', login: 'gd.reviewer', mobile: null, email: null },
      organisation: { kind: 'bureau', provinceCode: '440000', name: '广东省通信管理局' },
    });
    const host = await signIn(h.app, 'host@demo.beian.test');
    const me = (await inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: host.cookie } })).json();
    expect(me.user).toMatchObject({ role: 'host', mobile: '138****8000', email: 'h***@demo.beian.test', organisation: null });
  });

  it('requires the CSRF token on unsafe requests made with the cookie', async () => {
    const s = await signIn(h.app, 'zhang.san@example.cn', HOST.password);
    const body = { currentPassword: 'irrelevant', newPassword: 'irrelevant' };
    const missing = await inject({ method: 'POST', url: '/api/auth/password', headers: { cookie: s.cookie }, payload: body });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().code).toBe('csrf_token_invalid');
    const wrong = await inject({ method: 'POST', url: '/api/auth/password', headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(43) }, payload: body });
    expect(wrong.json().code).toBe('csrf_token_invalid');
    const logout = await inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: s.cookie } });
    expect(logout.json().code).toBe('csrf_token_invalid');
    const present = await inject({ method: 'POST', url: '/api/auth/password', headers: s.headers, payload: body });
    expect(present.json().code).toBe('current_password_wrong'); // past the CSRF check
    const safe = await inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: s.cookie } });
    expect(safe.statusCode).toBe(200);
  });

  it('signs out: the cookie is cleared and the session no longer works', async () => {
    const s = await signIn(h.app, 'zhang.san@example.cn', HOST.password);
    const res = await inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers });
    expect(res.statusCode).toBe(204);
    expect(res.headers['set-cookie']).toMatch(/^beian_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: s.cookie } })).statusCode).toBe(401);
    const [revoked] = await h.t.db.query<{ n: number }>(
      `select count(*)::int as n from history where action = 'signed_out' and request_id = $1`, [res.headers['x-request-id']]);
    expect(revoked!.n).toBe(1);
  });

  it('ends sessions after 12 idle hours, slides while used, and ends after 7 days regardless', async () => {
    const s = await signIn(h.app, 'gd.reviewer');
    const me = () => inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: s.cookie } });
    const start = h.clock.now().toISOString();
    let hours = 0;
    while (hours + 11 < 7 * 24) {
      h.clock.advance(11 * 3600);
      hours += 11;
      expect((await me()).statusCode).toBe(200);
    }
    h.clock.advance(11 * 3600);
    expect((await me()).statusCode).toBe(401);
    h.clock.set(start);

    const idle = await signIn(h.app, 'gd.reviewer');
    h.clock.advance(12 * 3600 + 1);
    expect((await inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: idle.cookie } })).statusCode).toBe(401);
    h.clock.set(start);
  });

  it('locks a login after 5 failures for 15 minutes (429 + Retry-After), unknown logins too', { timeout: SLOW }, async () => {
    const addr = '198.51.100.1';
    const attempt = (login: string, password: string) =>
      inject({ method: 'POST', url: '/api/auth/login', payload: { login, password }, remoteAddress: addr });
    for (const login of ['bj.reviewer', 'no.such.user']) {
      for (let i = 1; i <= 4; i++) expect((await attempt(login, `Wrong-${i}-password`)).statusCode).toBe(401);
      const fifth = await attempt(login, 'Wrong-5-password');
      expect(fifth.statusCode).toBe(429);
      expect(fifth.json().code).toBe('sign_in_throttled');
      expect(fifth.headers['retry-after']).toBe('900');
    }
    h.clock.advance(600);
    const stillLocked = await attempt('bj.reviewer', 'Demo@2026');
    expect(stillLocked.statusCode).toBe(429);
    expect(stillLocked.headers['retry-after']).toBe('300');
    // Another login from elsewhere is not affected.
    expect((await inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'zj.reviewer', password: 'Demo@2026' } })).statusCode).toBe(200);
    h.clock.advance(301);
    expect((await attempt('bj.reviewer', 'Demo@2026')).statusCode).toBe(200);
    const [row] = await h.t.db.query<{ n: number }>(`select count(*)::int as n from login_throttle where key like 'user:%'`);
    expect(row!.n).toBe(0); // success forgets the login's failures
    const keys = await h.t.db.query<{ key: string }>('select key from login_throttle');
    expect(keys.map((k) => k.key).join(' ')).not.toMatch(/no\.such\.user|reviewer/);
  });

  it('locks an address after 20 failures, whatever the logins', { timeout: SLOW }, async () => {
    const addr = '198.51.100.2';
    for (let i = 0; i < 20; i++) {
      const res = await inject({ method: 'POST', url: '/api/auth/login', payload: { login: `guess${i}@example.cn`, password: 'Wrong-password-1' }, remoteAddress: addr });
      expect(res.statusCode).toBe(i < 19 ? 401 : 429);
    }
    const blocked = await inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'zj.reviewer', password: 'Demo@2026' }, remoteAddress: addr });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    const elsewhere = await inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'zj.reviewer', password: 'Demo@2026' }, remoteAddress: '198.51.100.3' });
    expect(elsewhere.statusCode).toBe(200);
    h.clock.advance(901);
  });

  it('changes a password: the rule applies, other sessions end, this one stays', async () => {
    const a = await signIn(h.app, 'zhang.san@example.cn', HOST.password);
    const b = await signIn(h.app, 'zhang.san@example.cn', HOST.password);
    const change = (newPassword: string) => inject({ method: 'POST', url: '/api/auth/password', headers: a.headers, payload: { currentPassword: HOST.password, newPassword } });
    expect((await change('tooshort')).json().errors).toEqual([expect.objectContaining({ field: 'body.newPassword', code: 'password_too_short' })]);
    const wrong = await inject({ method: 'POST', url: '/api/auth/password', headers: a.headers, payload: { currentPassword: 'Not-the-password-1', newPassword: 'New-filing-2026' } });
    expect(wrong.json()).toMatchObject({ code: 'current_password_wrong', errors: [{ field: 'body.currentPassword' }] });
    expect((await change('New-filing-2026')).statusCode).toBe(204);
    expect((await inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: a.cookie } })).statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: b.cookie } })).statusCode).toBe(401);
    expect((await inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'zhang.san@example.cn', password: HOST.password } })).statusCode).toBe(401);
    expect((await inject({ method: 'POST', url: '/api/auth/login', payload: { login: '13900139999', password: 'New-filing-2026' } })).statusCode).toBe(200);
  });

  it('publishes the routes in the OpenAPI document', async () => {
    const doc = (await inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const p of ['/api/auth/register', '/api/auth/register/code', '/api/auth/login', '/api/auth/logout', '/api/auth/session', '/api/auth/password',
      '/api/org/api-keys', '/api/org/api-keys/{id}', '/api/admin/organisations', '/api/admin/organisations/{id}',
      '/api/admin/users', '/api/admin/users/{id}/disable', '/api/admin/users/{id}/enable']) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(doc.paths['/api/auth/logout'].post.description).toMatch(/x-csrf-token/);
  });
});

// Audit: one address made 31 accounts (each with argon2 work). Counted before the body is read.
describe('registration quota per address', () => {
  it('allows 10 registrations an hour from one address, then 429 before reading the body; other addresses are not affected', { timeout: SLOW }, async () => {
    const h = await authTestApp({ seed: false });
    try {
      const register = (n: number, remoteAddress: string) =>
        registerWithCode(h.app, h.t, { ...HOST, mobile: `1390013${String(n).padStart(4, '0')}`, email: `host${n}@example.cn` }, remoteAddress);
      // Malformed bodies count too (the quota is taken before the body): 9 of them, then one real registration.
      for (let n = 0; n < 9; n++) expect((await h.app.inject({ method: 'POST', url: '/api/auth/register', remoteAddress: '203.0.113.7', headers: { 'content-type': 'application/json' }, payload: '{' })).statusCode).toBe(400);
      const ok = await register(1, '203.0.113.7');
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.headers['ratelimit-remaining']).toBe('0');
      expect(ok.headers['ratelimit-policy']).toBe('10;w=3600');
      const over = await h.app.inject({ method: 'POST', url: '/api/auth/register', remoteAddress: '203.0.113.7', headers: { 'content-type': 'application/json' }, payload: '{' });
      expect(over.statusCode).toBe(429); // not the 400 the body would get: refused before it is read
      expect(over.json()).toMatchObject({ code: 'rate_limited' });
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(3000);
      expect((await register(2, '198.51.100.9')).statusCode).toBe(201);
    } finally {
      await h.close();
    }
  });
});

describe('a locked address', () => {
  it('is refused sign-in before its body is read', { timeout: SLOW }, async () => {
    const h = await authTestApp({ seed: false });
    try {
      for (let n = 0; n < THROTTLE_POLICY.address.limit; n++) await recordFailure(h.t.db, 'addr:203.0.113.8', THROTTLE_POLICY.address, h.clock.now());
      const res = await h.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '203.0.113.8', headers: { 'content-type': 'application/json' }, payload: '{' });
      expect(res.statusCode).toBe(429); // not the 400 the malformed body would get
      expect(res.json()).toMatchObject({ code: 'sign_in_throttled' });
      const other = await h.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '203.0.113.9', headers: { 'content-type': 'application/json' }, payload: '{' });
      expect(other.statusCode).toBe(400);
    } finally {
      await h.close();
    }
  });
});

describe('the session cookie over plain http', () => {
  it('is not Secure and no HSTS is sent, but framing is still denied', { timeout: SETUP_TIMEOUT }, async () => {
    const h = await authTestApp({ publicUrl: 'http://127.0.0.1:3000', seed: false });
    try {
      const res = await registerWithCode(h.app, h.t, HOST);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.headers['set-cookie']).toMatch(/HttpOnly/);
      expect(res.headers['set-cookie']).not.toMatch(/Secure/);
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBe("frame-ancestors 'none'");
    } finally {
      await h.close();
    }
  });
});

describe('the session cookie behind https', () => {
  it('is Secure when the public URL is https', { timeout: SETUP_TIMEOUT }, async () => {
    const h = await authTestApp({ publicUrl: 'https://beian.example.cn', seed: false });
    try {
      const res = await registerWithCode(h.app, h.t, HOST);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.headers['set-cookie']).toMatch(/; Secure/);
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toBe("frame-ancestors 'none'");
      const s = signedFrom(res);
      expect((await h.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    } finally {
      await h.close();
    }
  });
});
