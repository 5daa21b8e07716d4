// Host self-registration proves the mobile by an SMS code (security audit; ADR 0005 addendum
// 2026-12-07): nobody can register someone else's mobile (locking its owner out), the owner of a
// mobile that has an account gets a way in, and no answer tells whether a mobile or email has an
// account — at the code step or at registration. Codes expire, have limited attempts, and the code
// step is limited per mobile and per address.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, registrationCode, registerWithCode, SETUP_TIMEOUT, signIn } from '../../../tests/auth.ts';
import {
  REGISTRATION_CODE_MAX_ATTEMPTS, REGISTRATION_CODE_MAX_ATTEMPTS_ALL, REGISTRATION_CODE_VALIDITY_MS, REGISTRATION_CODES_PER_CLIENT_HOUR, REGISTRATION_CODES_PER_HOUR,
} from '../../flows/request-registration-code.ts';
import { openEmail, openSms, type EmailPayload, type SmsPayload } from '../../notify/outbox.ts';
import { SMS_TEMPLATE_TEXT } from '../../notify/sms-templates.ts';

const SLOW = 120_000;
const PASSWORD = 'Filing2026!ok';
const person = (n: number, more: Record<string, unknown> = {}) =>
  ({ displayName: `主办者${n}`, mobile: `1370013${String(n).padStart(4, '0')}`, email: `host${n}@example.cn`, password: PASSWORD, ...more });

describe('registration proves the mobile', () => {
  let h: AuthTestApp;
  let address = 0;
  let ip = '';
  beforeAll(async () => { h = await authTestApp({ seed: false }); }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });
  // Each test from an address of its own: the per-address quotas are tested on their own.
  beforeEach(() => { ip = `198.51.100.${++address}`; });

  const post = (url: string, payload: object, remoteAddress = ip) => h.app.inject({ method: 'POST', url, payload, remoteAddress });
  const askCode = (mobile: string) => post('/api/auth/register/code', { mobile });
  const register = (body: object) => post('/api/auth/register', body);
  /** Status, content type and body, without what differs between any two requests (the request id). */
  const shape = (res: LightMyRequestResponse) => ({
    status: res.statusCode, type: res.headers['content-type'],
    body: res.body.replaceAll(String(res.headers['x-request-id']), '<request>'),
  });
  const sms = async (mobile: string) => (await h.t.db.query<{ payload: SmsPayload }>(`select payload from outbox where channel = 'sms' order by id`))
    .map((r) => ({ tag: r.payload.tag, ...openSms(h.t.sealer, r.payload) })).filter((m) => m.mobile === mobile);
  const emails = async (to: string) => (await h.t.db.query<{ payload: EmailPayload }>(`select payload from outbox where channel = 'email' order by id`))
    .map((r) => ({ tag: r.payload.tag, ...openEmail(h.t.sealer, r.payload) })).filter((m) => m.to === to);
  const users = async () => (await h.t.db.query<{ n: number }>(`select count(*)::int as n from users where role = 'host'`))[0]!.n;

  it('without smsCode: 400 naming smsCode, saying to ask for a code first', async () => {
    const res = await register(person(1));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: 'body.smsCode', code: 'sms_code_required', message: expect.stringMatching(/POST \/api\/auth\/register\/code/) }]);
    expect(await users()).toBe(0);
  });

  it('sends a 6-digit code by the existing verification_code template; the right code registers and signs in', async () => {
    const res = await askCode('+86 137-0013-0002');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ validForMinutes: REGISTRATION_CODE_VALIDITY_MS / 60_000 });
    const [m] = await sms('13700130002');
    expect(m).toMatchObject({ tag: 'registration_code', template: { kind: 'verification_code', params: { code: expect.stringMatching(/^\d{6}$/) } } });
    expect(m!.text).toContain(m!.template!.params.code); // what the development inbox shows
    // Stored as a keyed hash only.
    const rows = await h.t.db.query<{ code_hash: string }>('select code_hash from registration_codes');
    expect(JSON.stringify(rows)).not.toContain(m!.template!.params.code);
    const ok = await register(person(2, { smsCode: m!.template!.params.code }));
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().user).toMatchObject({ role: 'host', mobile: '137****0002' });
    // Used once.
    const again = await register(person(2, { email: 'other2@example.cn', smsCode: m!.template!.params.code }));
    expect(again.json().errors).toEqual([expect.objectContaining({ field: 'body.smsCode', code: 'sms_code_invalid' })]);
  });

  it('someone else cannot register a mobile they do not read; its owner is not locked out', async () => {
    const victim = person(3);
    expect((await askCode(victim.mobile)).statusCode).toBe(202); // the attacker asks; the code goes to the victim's phone
    for (const guess of ['000000', '123456', '999999']) {
      const res = await register({ ...victim, email: 'attacker@example.cn', smsCode: guess });
      expect(res.json().errors).toEqual([expect.objectContaining({ field: 'body.smsCode', code: 'sms_code_invalid' })]);
    }
    expect(await users()).toBe(1); // only test 2's
    // The owner asks for a code of their own and registers.
    const res = await registerWithCode(h.app, h.t, victim, ip);
    expect(res.statusCode, res.body).toBe(201);
  });

  it('the owner of a mobile that has an account gets a password-reset code, and can use it', async () => {
    const owner = person(4);
    expect((await registerWithCode(h.app, h.t, owner, ip)).statusCode).toBe(201);
    const before = (await sms(owner.mobile)).length;
    expect((await askCode(owner.mobile)).statusCode).toBe(202);
    const sent = (await sms(owner.mobile)).slice(before);
    expect(sent).toEqual([expect.objectContaining({ tag: 'password_reset', template: { kind: 'password_reset_code', params: { code: expect.stringMatching(/^\d{6}$/) } } })]);
    const reset = await post('/api/auth/password-reset/confirm', { login: owner.mobile, code: sent[0]!.template!.params.code, newPassword: 'Another-2026-ok' });
    expect(reset.statusCode, reset.body).toBe(200);
    expect((await signIn(h.app, owner.email, 'Another-2026-ok', ip)).csrf).toBeTruthy();
  });

  it('no enumeration: the code step answers a taken and a free mobile identically', async () => {
    const taken = person(5);
    expect((await registerWithCode(h.app, h.t, taken, ip)).statusCode).toBe(201);
    const a = await askCode(taken.mobile);
    const b = await askCode(person(6).mobile);
    expect(shape(a)).toEqual(shape(b));
    expect(a.statusCode).toBe(202);
  });

  it('no enumeration: registration answers a taken and a free mobile, and a taken and a free email, identically', async () => {
    const taken = person(7);
    expect((await registerWithCode(h.app, h.t, taken, ip)).statusCode).toBe(201);
    await askCode(taken.mobile);
    await askCode(person(8).mobile);
    const takenMobile = await register(person(8, { mobile: taken.mobile, smsCode: '000000' }));
    const freeMobile = await register(person(8, { smsCode: '000000' }));
    expect(shape(takenMobile)).toEqual(shape(freeMobile));
    const takenEmail = await register(person(8, { email: taken.email, smsCode: '000001' }));
    const freeEmail = await register(person(8, { smsCode: '000002' }));
    expect(shape(takenEmail)).toEqual(shape(freeEmail));
    expect(takenEmail.statusCode).toBe(400);
    expect(takenEmail.body).not.toMatch(/taken|already_registered|exists/i);
    // Even with the right code (the prober reads the phone), a taken email gets the answer a wrong code gets,
    // the code is used up, and the email's owner is told by email.
    await askCode(person(9).mobile);
    const code = (await registrationCode(h.t.db, h.t.sealer, person(9).mobile))!;
    const right = await register(person(9, { email: taken.email, smsCode: code }));
    const wrong = await register(person(9, { email: taken.email, smsCode: code === '000000' ? '000001' : '000000' }));
    expect(shape(right)).toEqual(shape(wrong));
    expect(await emails(taken.email)).toEqual([expect.objectContaining({ tag: 'registration_email_taken', subject: expect.stringContaining('已有') })]);
    expect((await register(person(9, { smsCode: code }))).statusCode).toBe(400); // used up
  });

  it('a code lasts what its SMS says (the verification_code template: 24 hours), and expires then', async () => {
    const p = person(10);
    const res = await askCode(p.mobile);
    const code = (await registrationCode(h.t.db, h.t.sealer, p.mobile))!;
    // What the phone receives: the gateway's template for the kind queued (its fixed wording), the development text, the answer and the row agree.
    const [m] = await sms(p.mobile);
    const says = /(\d+)小时内有效/.exec(SMS_TEMPLATE_TEXT[m!.template!.kind].aliyun);
    expect(says && Number(says[1]) * 3_600_000).toBe(24 * 3_600_000);
    expect(m!.text).toContain('24小时内有效');
    expect(m!.text).toContain('valid 24 hours');
    expect(res.json()).toEqual({ validForMinutes: 24 * 60 });
    const [row] = await h.t.db.query<{ ms: number }>(`select (extract(epoch from expires_at - created_at) * 1000)::bigint as ms from registration_codes where mobile_hash = $1`, [h.t.sealer.hash('phone', p.mobile)]);
    expect(Number(row!.ms)).toBe(24 * 3_600_000);
    h.clock.advance(24 * 3600 - 1);
    expect(await h.t.db.query(`select 1 from registration_codes where mobile_hash = $1 and status = 'pending' and expires_at > $2`, [h.t.sealer.hash('phone', p.mobile), h.clock.now()])).toHaveLength(1);
    h.clock.advance(1);
    const late = await register({ ...p, smsCode: code });
    expect(late.json().errors).toEqual([expect.objectContaining({ field: 'body.smsCode', code: 'sms_code_invalid' })]);
    expect((await h.t.db.query<{ status: string }>('select status from registration_codes where mobile_hash = $1', [h.t.sealer.hash('phone', p.mobile)]))
      .map((r) => r.status)).toEqual(['expired']);
  });

  it(`a client's ${REGISTRATION_CODE_MAX_ATTEMPTS} wrong attempts end the code for that client; a new code supersedes the old`, async () => {
    const p = person(11);
    await askCode(p.mobile);
    const code = (await registrationCode(h.t.db, h.t.sealer, p.mobile))!;
    const wrong = code === '000000' ? '000001' : '000000';
    for (let n = 0; n < REGISTRATION_CODE_MAX_ATTEMPTS; n++) expect((await register({ ...p, smsCode: wrong })).statusCode).toBe(400);
    expect((await register({ ...p, smsCode: code })).json().errors).toEqual([expect.objectContaining({ code: 'sms_code_invalid' })]);
    // A new code works; asking again replaces a pending one.
    h.clock.advance(1);
    await askCode(p.mobile);
    const first = (await registrationCode(h.t.db, h.t.sealer, p.mobile))!;
    h.clock.advance(1);
    await askCode(p.mobile);
    const second = (await registrationCode(h.t.db, h.t.sealer, p.mobile))!;
    if (first !== second) expect((await register({ ...p, smsCode: first })).statusCode).toBe(400);
    expect((await register({ ...p, smsCode: second })).statusCode).toBe(201);
  });

  it(`a stranger who knows the mobile cannot burn the owner's code: ${REGISTRATION_CODE_MAX_ATTEMPTS} wrong tries per client (an IPv6 /64 is one)`, async () => {
    const p = person(15);
    const owner = '192.0.2.20';
    await post('/api/auth/register/code', { mobile: p.mobile }, owner);
    const code = (await registrationCode(h.t.db, h.t.sealer, p.mobile))!;
    const wrong = code === '000000' ? '000001' : '000000';
    const stranger = '198.51.100.201';
    for (let n = 0; n < REGISTRATION_CODE_MAX_ATTEMPTS; n++) expect((await post('/api/auth/register', { ...p, smsCode: wrong }, stranger)).statusCode).toBe(400);
    // That client is done with this code: even the right code is refused from there (no free guesses).
    expect((await post('/api/auth/register', { ...p, smsCode: code }, stranger)).json().errors).toEqual([expect.objectContaining({ field: 'body.smsCode', code: 'sms_code_invalid' })]);
    // The same stranger rotating IPv6 addresses inside one /64: one client.
    for (let n = 1; n <= REGISTRATION_CODE_MAX_ATTEMPTS; n++) await post('/api/auth/register', { ...p, smsCode: wrong }, `2001:db8:9:9::${n}`);
    expect((await post('/api/auth/register', { ...p, smsCode: code }, '2001:db8:9:9::77')).statusCode).toBe(400);
    // The owner, from another client: the code still works.
    expect((await post('/api/auth/register', { ...p, smsCode: code }, owner)).statusCode).toBe(201);
    // Counted per client as keyed hashes only, and in all on the code.
    const rows = await h.t.db.query<{ client_hash: string; attempts: number }>(
      `select a.client_hash, a.attempts from registration_code_attempts a join registration_codes c on c.id = a.code_id where c.mobile_hash = $1 order by a.client_hash`, [h.t.sealer.hash('phone', p.mobile)]);
    expect(rows.map((r) => r.attempts)).toEqual([5, 5]);
    expect(rows.map((r) => r.client_hash).sort()).toEqual([h.t.sealer.hash('client_address', stranger), h.t.sealer.hash('client_address', '2001:db8:9:9::/64')].sort());
  });

  it(`brute force stays bounded: ${REGISTRATION_CODE_MAX_ATTEMPTS_ALL} wrong tries from all clients together end the code for everyone`, async () => {
    const p = person(16);
    await post('/api/auth/register/code', { mobile: p.mobile }, '192.0.2.21');
    const code = (await registrationCode(h.t.db, h.t.sealer, p.mobile))!;
    const wrong = code === '000000' ? '000001' : '000000';
    const clients = REGISTRATION_CODE_MAX_ATTEMPTS_ALL / REGISTRATION_CODE_MAX_ATTEMPTS;
    for (let c = 0; c < clients; c++) {
      for (let n = 0; n < REGISTRATION_CODE_MAX_ATTEMPTS; n++) await post('/api/auth/register', { ...p, smsCode: wrong }, `203.0.113.${200 + c}`);
    }
    const [row] = await h.t.db.query<{ status: string; attempts: number }>('select status, attempts from registration_codes where mobile_hash = $1', [h.t.sealer.hash('phone', p.mobile)]);
    expect(row).toEqual({ status: 'exhausted', attempts: REGISTRATION_CODE_MAX_ATTEMPTS_ALL });
    expect((await post('/api/auth/register', { ...p, smsCode: code }, '192.0.2.21')).statusCode).toBe(400);
  });

  it(`at most ${REGISTRATION_CODES_PER_HOUR} code requests a mobile an hour send anything; the answer stays the same`, async () => {
    const p = person(12);
    const first = await askCode(p.mobile);
    for (let n = 1; n < REGISTRATION_CODES_PER_HOUR; n++) { ip = `203.0.113.${n}`; await askCode(p.mobile); }
    expect(await sms(p.mobile)).toHaveLength(REGISTRATION_CODES_PER_HOUR);
    ip = '203.0.113.99';
    const over = await askCode(p.mobile);
    expect(shape(over)).toEqual(shape(first));
    expect(await sms(p.mobile)).toHaveLength(REGISTRATION_CODES_PER_HOUR);
    h.clock.advance(3600);
    await askCode(p.mobile);
    expect(await sms(p.mobile)).toHaveLength(REGISTRATION_CODES_PER_HOUR + 1);
  });

  it(`a stranger cannot use up a mobile's codes: ${REGISTRATION_CODES_PER_CLIENT_HOUR} an hour from one client (an IPv6 /64 is one), its owner elsewhere still gets one and registers`, async () => {
    const p = person(13);
    const stranger = '198.51.100.66';
    const first = await post('/api/auth/register/code', { mobile: p.mobile }, stranger);
    for (let n = 1; n < 6; n++) expect(shape(await post('/api/auth/register/code', { mobile: p.mobile }, stranger))).toEqual(shape(first));
    expect(await sms(p.mobile)).toHaveLength(REGISTRATION_CODES_PER_CLIENT_HOUR);
    // The same stranger on IPv6, rotating addresses inside one /64: one client.
    for (let n = 1; n <= 5; n++) await post('/api/auth/register/code', { mobile: p.mobile }, `2001:db8:1:2::${n}`);
    expect(await sms(p.mobile)).toHaveLength(2 * REGISTRATION_CODES_PER_CLIENT_HOUR);
    // The owner, from home: a code, and it registers.
    expect((await post('/api/auth/register/code', { mobile: p.mobile }, '192.0.2.10')).statusCode).toBe(202);
    expect(await sms(p.mobile)).toHaveLength(2 * REGISTRATION_CODES_PER_CLIENT_HOUR + 1);
    const code = (await registrationCode(h.t.db, h.t.sealer, p.mobile))!;
    expect((await post('/api/auth/register', { ...p, smsCode: code }, '192.0.2.10')).statusCode).toBe(201);
  });

  it(`SMS bombing from many clients still stops at ${REGISTRATION_CODES_PER_HOUR} a mobile an hour`, async () => {
    const p = person(14);
    for (let n = 1; n <= 2 * REGISTRATION_CODES_PER_HOUR; n++) {
      expect((await post('/api/auth/register/code', { mobile: p.mobile }, `203.0.113.${100 + n}`)).statusCode).toBe(202);
      await post('/api/auth/register/code', { mobile: p.mobile }, `203.0.113.${100 + n}`);
    }
    expect(await sms(p.mobile)).toHaveLength(REGISTRATION_CODES_PER_HOUR);
    h.clock.advance(3600);
    await post('/api/auth/register/code', { mobile: p.mobile }, '203.0.113.101');
    expect(await sms(p.mobile)).toHaveLength(REGISTRATION_CODES_PER_HOUR + 1);
    // Each row keeps its client as a keyed hash only.
    const [row] = await h.t.db.query<{ client_hash: string }>('select client_hash from registration_codes where mobile_hash = $1 order by created_at desc limit 1', [h.t.sealer.hash('phone', p.mobile)]);
    expect(row!.client_hash).toBe(h.t.sealer.hash('client_address', '203.0.113.101'));
  });
});

describe('code requests per address', () => {
  it('allows 10 an hour from one address, then 429 before reading the body; other addresses are not affected', { timeout: SLOW }, async () => {
    const h = await authTestApp({ seed: false });
    try {
      const ask = (n: number, remoteAddress: string) => h.app.inject({ method: 'POST', url: '/api/auth/register/code', remoteAddress, payload: { mobile: `1360013${String(n).padStart(4, '0')}` } });
      for (let n = 0; n < 10; n++) expect((await ask(n, '203.0.113.7')).statusCode).toBe(202);
      const over = await h.app.inject({ method: 'POST', url: '/api/auth/register/code', remoteAddress: '203.0.113.7', headers: { 'content-type': 'application/json' }, payload: '{' });
      expect(over.statusCode).toBe(429);
      expect(over.json()).toMatchObject({ code: 'rate_limited' });
      expect(over.headers['ratelimit-policy']).toBe('10;w=3600');
      expect((await ask(11, '198.51.100.9')).statusCode).toBe(202);
    } finally {
      await h.close();
    }
  });
});
