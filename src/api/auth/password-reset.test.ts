// Password reset by code (POST /api/auth/password-reset, …/confirm): a registered host by SMS, a
// staff member by email, a host account brought in by `beian import` (no usable password) setting
// its first one; the same answer for unknown logins; wrong, exhausted, expired and superseded codes;
// sessions ended; the per-hour cap.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, signIn } from '../../../tests/auth.ts';
import { memorySource, residentIdOf, usccOf } from '../../../tests/import-records.ts';
import { importFilings } from '../../flows/import-filings.ts';
import { RESET_MAX_ATTEMPTS, RESET_MAX_ATTEMPTS_ALL, RESET_MAX_PER_CLIENT_HOUR, RESET_MAX_PER_HOUR, RESET_VALIDITY_MS, RESET_WINDOW_MS } from '../../flows/reset-password.ts';
import { type EmailPayload, openEmail, openSms, type SmsPayload } from '../../notify/outbox.ts';

const NEW_PASSWORD = 'Reset@2026-new';

describe('password reset by code', () => {
  let a: AuthTestApp;
  let address = 0;
  beforeAll(async () => {
    a = await authTestApp();
    // Staff with a contact email, as `beian admin create --email` and POST /api/admin/users give them (the demo's have none).
    for (const login of ['gd.reviewer', 'zj.reviewer', 'bj.reviewer']) {
      const email = `${login}@bureau.example.gov.cn`;
      await a.t.db.query('update users set email_enc = $2, email_hash = $3 where login = $1', [login, a.t.sealer.seal(email), a.t.sealer.hash('email', email)]);
    }
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });
  // Each test from an address of its own: the per-address quota is tested on its own.
  let ip = '';
  beforeEach(() => { ip = `198.51.100.${++address}`; });

  const post = (url: string, payload: unknown) => a.app.inject({ method: 'POST', url, payload: payload as object, remoteAddress: ip });
  const ask = (login: string) => post('/api/auth/password-reset', { login });
  const confirm = (login: string, code: string, newPassword = NEW_PASSWORD) => post('/api/auth/password-reset/confirm', { login, code, newPassword });
  const queued = async () => (await a.t.db.query<{ id: number; channel: string; payload: SmsPayload & EmailPayload }>(
    `select id, channel, payload from outbox where payload->>'tag' = 'password_reset' order by id`));
  /** The code of the newest reset message, and where it went. */
  const lastCode = async () => {
    const m = (await queued()).at(-1)!;
    if (m.channel === 'sms') {
      const sms = openSms(a.t.sealer, m.payload);
      expect(sms.template).toEqual({ kind: 'password_reset_code', params: { code: expect.stringMatching(/^\d{6}$/) } });
      return { to: sms.mobile, code: sms.template!.params.code!, channel: 'sms' };
    }
    const mail = openEmail(a.t.sealer, m.payload);
    return { to: mail.to, code: /验证码：(\d{6})/.exec(mail.text)![1]!, channel: 'email' };
  };

  it('a registered host gets a code by SMS, sets a new password with it, is signed in, and its other sessions end', async () => {
    const old = await signIn(a.app, 'host@demo.beian.test');
    const res = await ask('host@demo.beian.test');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ validForMinutes: RESET_VALIDITY_MS / 60_000 });
    const sent = await lastCode();
    expect(sent).toMatchObject({ channel: 'sms', to: '13800138000' });
    // A bad new password is named and spends no attempt.
    const weak = await confirm('host@demo.beian.test', sent.code, 'short');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0].field).toBe('body.newPassword');
    const ok = await confirm('host@demo.beian.test', sent.code);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ role: 'host', mustChangePassword: false });
    expect(ok.cookies.some((c) => c.name === 'beian_session')).toBe(true);
    expect((await a.app.inject({ method: 'GET', url: '/api/auth/session', headers: old.headers })).statusCode).toBe(401);
    expect((await a.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'host@demo.beian.test', password: 'Demo@2026' } })).statusCode).toBe(401);
    await signIn(a.app, 'host@demo.beian.test', NEW_PASSWORD);
    // Used: the same code works no more.
    expect((await confirm('host@demo.beian.test', sent.code, 'Another@2026-pw')).json().errors[0]).toMatchObject({ field: 'body.code', code: 'reset_code_invalid' });
    const [h] = await a.t.db.query<{ n: number }>(`select count(*)::int as n from history where action in ('password_reset_requested', 'password_reset')`);
    expect(h!.n).toBe(2);
    // Nothing in clear: neither the code nor the mobile is in the outbox row or the reset row.
    const raw = JSON.stringify(await a.t.db.query('select * from password_resets')) + JSON.stringify(await queued());
    expect(raw).not.toContain(sent.code);
    expect(raw).not.toContain('13800138000');
  });

  it('staff get the code by email', async () => {
    const [u] = await a.t.db.query<{ email_enc: string | null }>(`select email_enc from users where login = 'gd.reviewer'`);
    expect(u!.email_enc).not.toBeNull();
    expect((await ask('gd.reviewer')).statusCode).toBe(202);
    const sent = await lastCode();
    expect(sent.channel).toBe('email');
    expect(sent.to).toBe(a.t.sealer.open(u!.email_enc!));
    expect((await confirm('GD.Reviewer', sent.code)).statusCode).toBe(200);
  });

  it('the same answer for an unknown login or an account with nowhere to send to, and nothing is sent', async () => {
    const before = (await queued()).length;
    for (const login of ['nobody@example.com', '13999999999', 'no.such.staff', 'provider.demo']) {
      const res = await ask(login);
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({ validForMinutes: RESET_VALIDITY_MS / 60_000 });
      expect((await confirm(login, '123456')).json().errors[0]).toMatchObject({ field: 'body.code', code: 'reset_code_invalid' });
    }
    expect((await queued()).length).toBe(before);
    expect((await ask('')).statusCode).toBe(400);
  });

  it('a login with a NUL in it (PostgreSQL text cannot hold one) is refused before any lookup: the same 400 for every login, not a 500', async () => {
    // Found by the fuzz test: the lookup sent the NUL to PostgreSQL, which refused the query. Text
    // no field takes is refused at the edge (src/api/app.ts), whatever the account: nothing to enumerate.
    for (const login of ['gd.reviewer\u0000', 'nobody.here\u0000', '京ICP备2024012345号-2A\u0000']) {
      for (const res of [await ask(login), await confirm(login, '123456'), await post('/api/auth/login', { login, password: 'Demo@2026' })]) {
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ code: 'invalid_text', errors: [{ field: 'body.login', code: 'control_character' }] });
      }
    }
  });

  it(`a stranger who knows the login cannot burn the owner's code: ${RESET_MAX_ATTEMPTS} wrong tries per client`, async () => {
    await ask('bj.reviewer');
    const { code } = await lastCode();
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < RESET_MAX_ATTEMPTS; i++) expect((await confirm('bj.reviewer', wrong)).json().errors[0].code).toBe('reset_code_invalid');
    expect((await confirm('bj.reviewer', code)).statusCode).toBe(400); // that client is done with this code
    ip = '192.0.2.78'; // the owner, elsewhere
    expect((await confirm('bj.reviewer', code)).statusCode).toBe(200);
  });

  it(`wrong codes: ${RESET_MAX_ATTEMPTS_ALL} from all clients end the code; a new request supersedes the old code; a late code has expired`, async () => {
    await ask('zj.reviewer');
    const first = await lastCode();
    const wrong = first.code === '000000' ? '000001' : '000000';
    for (let c = 0; c < RESET_MAX_ATTEMPTS_ALL / RESET_MAX_ATTEMPTS; c++) {
      ip = `203.0.113.${210 + c}`;
      for (let i = 0; i < RESET_MAX_ATTEMPTS; i++) expect((await confirm('zj.reviewer', wrong)).json().errors[0].code).toBe('reset_code_invalid');
    }
    ip = '192.0.2.79';
    expect((await confirm('zj.reviewer', first.code)).statusCode).toBe(400); // exhausted
    ip = '192.0.2.77'; // beside the per-address quota (10 a minute)
    await ask('zj.reviewer');
    const second = await lastCode();
    await ask('zj.reviewer');
    const third = await lastCode();
    if (second.code !== third.code) expect((await confirm('zj.reviewer', second.code)).statusCode).toBe(400); // superseded
    a.clock.advance(RESET_VALIDITY_MS / 1000 + 1);
    expect((await confirm('zj.reviewer', third.code)).statusCode).toBe(400); // expired
    const states = await a.t.db.query<{ status: string }>(
      `select r.status from password_resets r join users u on u.id = r.user_id where u.login = 'zj.reviewer' order by r.created_at, r.status`);
    expect(states.map((s) => s.status).sort()).toEqual(['exhausted', 'expired', 'superseded']);
  });

  it(`a stranger cannot use up the owner's reset requests: ${RESET_MAX_PER_CLIENT_HOUR} an hour an account from one client, ${RESET_MAX_PER_HOUR} from all, answered alike`, async () => {
    const login = 'bj.reviewer';
    a.clock.advance(RESET_WINDOW_MS / 1000 + 1); // the earlier tests' requests out of the window
    const count = async () => (await a.t.db.query<{ n: number }>(
      `select count(*)::int as n from password_resets r join users u on u.id = r.user_id where u.login = $1`, [login]))[0]!.n;
    const before = await count();
    const sentBefore = (await queued()).length;
    // A stranger from one IPv6 /64 (rotating addresses inside it gains nothing) asks more than his share.
    for (let i = 0; i < RESET_MAX_PER_CLIENT_HOUR + 2; i++) {
      ip = `2001:db8:5:7::${i + 1}`;
      expect((await ask(login)).statusCode).toBe(202);
    }
    expect(await count()).toBe(before + RESET_MAX_PER_CLIENT_HOUR);
    expect((await queued()).length).toBe(sentBefore + RESET_MAX_PER_CLIENT_HOUR);
    // The owner, from elsewhere, still gets a code at once, and it works.
    ip = '192.0.2.90';
    expect((await ask(login)).statusCode).toBe(202);
    expect(await count()).toBe(before + RESET_MAX_PER_CLIENT_HOUR + 1);
    const { code } = await lastCode();
    expect((await confirm(login, code, 'Owner@2026-reset')).statusCode).toBe(200);
    // All clients together: at most RESET_MAX_PER_HOUR an hour; the rest answer the same 202 and send nothing.
    for (let c = 0; c < RESET_MAX_PER_HOUR; c++) {
      ip = `203.0.113.${120 + c}`;
      expect((await ask(login)).statusCode).toBe(202);
    }
    expect(await count()).toBe(before + RESET_MAX_PER_HOUR);
    // The same answer for a login that does not exist, from the same client.
    const unknown = await ask('nobody-here@example.com');
    expect(unknown.statusCode).toBe(202);
    expect(unknown.json()).toEqual((await ask(login)).json());
    // The row keeps the client only as a keyed hash.
    const rows = await a.t.db.query<{ client_hash: string | null }>(
      `select r.client_hash from password_resets r join users u on u.id = r.user_id where u.login = $1`, [login]);
    expect(rows.every((r) => r.client_hash !== null)).toBe(true); // every row since the change names its client
    expect(rows.map((r) => r.client_hash)).toContain(a.t.sealer.hash('client_address', '192.0.2.90'));
    expect(JSON.stringify(rows)).not.toContain('192.0.2.90');
    // An hour later the stranger's share is back.
    a.clock.advance(RESET_WINDOW_MS / 1000 + 1);
    ip = '2001:db8:5:7::99';
    await ask(login);
    expect(await count()).toBe(before + RESET_MAX_PER_HOUR + 1);
  });

  it('per address: 10 reset calls a minute, then 429', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) codes.push((await ask('nobody@example.com')).statusCode);
    expect(codes.slice(0, 10).every((c) => c === 202)).toBe(true);
    expect(codes[10]).toBe(429);
  });

  it('a host account brought in by beian import (no usable password) is claimed with a code to its email', async () => {
    const record = {
      serviceNumber: '粤ICP备2019777777号-1A', serviceType: 'app', serviceName: '导入认领测试', status: 'filed',
      approvedAt: '2019-06-01T10:00:00+08:00', hostName: '深圳市导入认领科技有限公司', hostType: 'unit', hostNature: 'enterprise',
      subject: {
        certificateType: 'uscc', certificateNumber: usccOf(777), address: '深圳市南山区科技园1号', cityCode: '440300', districtCode: '440305',
        principal: { name: '李认领', certificateType: 'resident_id', certificateNumber: residentIdOf(777), mobile: '13800138777', email: 'claim.me@example.com' },
      },
      platforms: [{ platform: 'android', packageName: 'com.imported.claim', certSha256: 'ab'.repeat(32) }],
    };
    const summary = await importFilings(a.t.db, a.t.sealer, memorySource('test:claim', [record]));
    expect(summary).toMatchObject({ rejected: 0 });
    // Not signed in to before a password is set: no password works.
    expect((await a.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'claim.me@example.com', password: '!' } })).statusCode).toBe(401);
    expect((await ask('claim.me@example.com')).statusCode).toBe(202);
    const sent = await lastCode();
    expect(sent).toMatchObject({ channel: 'email', to: 'claim.me@example.com' });
    const ok = await confirm('claim.me@example.com', sent.code);
    expect(ok.statusCode).toBe(200);
    // Signed in as the host that owns the imported subject.
    const cookie = ok.cookies.find((c) => c.name === 'beian_session')!;
    const subjects = await a.app.inject({ method: 'GET', url: '/api/host/subjects', headers: { cookie: `beian_session=${cookie.value}` } });
    expect(subjects.statusCode).toBe(200);
    expect(JSON.stringify(subjects.json())).toContain('粤ICP备2019777777号');
  });
});
