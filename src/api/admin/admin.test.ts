// Ministry administration through HTTP: organisations and staff accounts, and what
// suspension and disabling do to sign-in, sessions and API keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, SETUP_TIMEOUT, authTestApp, type Signed, signIn } from '../../../tests/auth.ts';
import { DEMO_API_KEY } from '../../db/seed/demo.ts';
import { MINISTRY_NAME } from '../../domain/reference-organisations.ts';

describe('administration', () => {
  let h: AuthTestApp;
  let admin: Signed;
  beforeAll(async () => {
    h = await authTestApp();
    admin = await signIn(h.app, 'admin');
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  const as = (s: Signed | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    h.app.inject({ method, url, headers: s ? s.headers : {}, ...(payload ? { payload } : {}) });
  const fields = (res: { json(): { errors?: { field: string; code: string }[] } }) => res.json().errors?.map((e) => [e.field, e.code]);
  const session = (s: Signed) => h.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: s.cookie } });
  const orgId = async (name: string) => (await h.t.db.query<{ id: string }>('select id from organisations where name = $1', [name]))[0]!.id;

  it('is for ministry administrators only', { timeout: SETUP_TIMEOUT }, async () => {
    const others = await Promise.all(['gd.reviewer', 'provider.demo', 'host@demo.beian.test'].map((l) => signIn(h.app, l)));
    for (const [method, url] of [['GET', '/api/admin/organisations'], ['POST', '/api/admin/organisations'], ['GET', '/api/admin/users'], ['POST', '/api/admin/users']] as const) {
      expect((await as(null, method, url, method === 'POST' ? {} : undefined)).statusCode, url).toBe(401);
      for (const s of others) {
        const res = await as(s, method, url, method === 'POST' ? {} : undefined);
        expect(res.statusCode, url).toBe(403);
        expect(res.json().code).toBe('forbidden');
      }
      const byKey = await h.app.inject({ method, url, headers: { authorization: `Bearer ${DEMO_API_KEY}` } });
      expect(byKey.statusCode).toBe(403);
    }
  });

  it('lists organisations by kind', async () => {
    const res = await as(admin, 'GET', '/api/admin/organisations?kind=bureau&limit=5');
    expect(res.statusCode).toBe(200);
    expect(res.json().total).toBe(31);
    expect(res.json().items).toHaveLength(5);
    expect(res.json().items[0]).toMatchObject({ kind: 'bureau', provinceCode: '110000', status: 'active' });
  });

  it('registers organisations: bureaus need their province, names and bureaus are unique, a USCC checksum is a warning', async () => {
    const res = await as(admin, 'POST', '/api/admin/organisations', {
      kind: 'access_provider', name: '远山云计算有限公司', uscc: '91330106MA2DEM01CX', contactEmail: 'Beian.Review@Yuanshan.example.cn',
    });
    expect(res.statusCode).toBe(201);
    const org = res.json().organisation;
    expect(org).toMatchObject({ kind: 'access_provider', status: 'active', provinceCode: null, contactEmail: 'b***@yuanshan.example.cn' });
    expect(res.json().warnings.map((w: { field: string; code: string }) => [w.field, w.code])).toEqual([['uscc', 'uscc_checksum']]);
    expect(res.body).not.toMatch(/beian\.review/i);
    const [row] = await h.t.db.query<{ contact_email_enc: string }>('select contact_email_enc from organisations where id = $1', [org.id]);
    expect(h.t.sealer.open(row!.contact_email_enc)).toBe('beian.review@yuanshan.example.cn');
    const history = await h.t.db.query('select action, to_status, actor_role, actor_org_id from history where entity_id = $1', [org.id]);
    expect(history).toEqual([{ action: 'created', to_status: 'active', actor_role: 'ministry_admin', actor_org_id: await orgId(MINISTRY_NAME) }]);

    expect(fields(await as(admin, 'POST', '/api/admin/organisations', { kind: 'bureau', name: '某某通信管理局' }))).toEqual([['body.provinceCode', 'province_required']]);
    expect(fields(await as(admin, 'POST', '/api/admin/organisations', { kind: 'device_maker', name: '某某终端', provinceCode: '440000' }))).toEqual([['body.provinceCode', 'province_not_allowed']]);
    expect(fields(await as(admin, 'POST', '/api/admin/organisations', { kind: 'bureau', name: '某某通信管理局', provinceCode: '990000' }))).toEqual([['body.provinceCode', 'province_unknown']]);
    const dup = await as(admin, 'POST', '/api/admin/organisations', { kind: 'bureau', name: '广东省通信管理局', provinceCode: '440000' });
    expect(dup.statusCode).toBe(409);
    expect(fields(dup)).toEqual([['body.name', 'organisation_name_taken'], ['body.provinceCode', 'bureau_exists']]);
    expect(fields(await as(admin, 'POST', '/api/admin/organisations', { kind: 'access_provider', name: '★', uscc: 'X', contactEmail: 'no' })))
      .toEqual([['body.name', 'unit_name_charset'], ['body.uscc', 'uscc_length'], ['body.contactEmail', 'email_format']]);
  });

  it('creates staff whose role fits the organisation; the generated password signs in', async () => {
    const cloud = await orgId('示例云计算有限公司');
    const mismatch = await as(admin, 'POST', '/api/admin/users', { organisationId: cloud, role: 'bureau_reviewer', displayName: '审核员', login: 'wrong.role' });
    expect(mismatch.statusCode).toBe(400);
    expect(fields(mismatch)).toEqual([['body.role', 'role_organisation_mismatch']]);
    expect(fields(await as(admin, 'POST', '/api/admin/users', { organisationId: cloud, role: 'provider_staff', displayName: '审核员', login: '13800138000' })))
      .toEqual([['body.login', 'login_format']]);

    const res = await as(admin, 'POST', '/api/admin/users', {
      organisationId: cloud, role: 'provider_staff', displayName: '示例云复审员', login: 'Cloud.Second', email: 'second@cloud.example.cn',
    });
    expect(res.statusCode).toBe(201);
    const { user, initialPassword } = res.json();
    expect(user).toMatchObject({ role: 'provider_staff', login: 'cloud.second', email: 's***@cloud.example.cn', organisation: { id: cloud, kind: 'access_provider' } });
    expect(initialPassword).toHaveLength(20);
    const s = await signIn(h.app, 'cloud.second', initialPassword);
    // The administrator has seen that password: nothing but changing it is allowed first.
    expect((await session(s)).json()).toMatchObject({ role: 'provider_staff', mustChangePassword: true });
    const refused = await as(s, 'GET', '/api/provider/applications');
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'password_change_required']);
    const changed = await as(s, 'POST', '/api/auth/password', { currentPassword: initialPassword, newPassword: 'Staff-registry-2026!' });
    expect(changed.statusCode, changed.body).toBe(204);
    expect((await as(s, 'GET', '/api/provider/applications')).statusCode).toBe(200);
    expect((await h.t.db.query('select action, actor_role from history where entity_id = $1 order by id', [user.id]))[0])
      .toEqual({ action: 'created', actor_role: 'ministry_admin' });

    const again = await as(admin, 'POST', '/api/admin/users', { organisationId: cloud, role: 'provider_staff', displayName: 'x', login: 'cloud.second' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('login_taken');
    expect(fields(again)).toEqual([['body.login', 'login_taken']]);
    const nowhere = await as(admin, 'POST', '/api/admin/users', { organisationId: '00000000-0000-4000-8000-000000000000', role: 'provider_staff', displayName: 'x', login: 'nowhere.staff' });
    expect([nowhere.statusCode, fields(nowhere)]).toEqual([400, [['body.organisationId', 'organisation_not_found']]]);
    const gd = await orgId('广东省通信管理局');
    const reviewer = await as(admin, 'POST', '/api/admin/users', { organisationId: gd, role: 'bureau_reviewer', displayName: '广东复审员', login: 'gd.second' });
    expect(reviewer.json().user.organisation).toMatchObject({ kind: 'bureau', provinceCode: '440000' });
  });

  it('lists accounts with personal data masked', async () => {
    const res = await as(admin, 'GET', '/api/admin/users?role=host');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((u: { email: string }) => u.email).sort()).toEqual(['h***@demo.beian.test', 'w***@demo.beian.test']);
    expect(res.body).not.toMatch(/13800138000|host@demo|\$argon2|v1\.t1\./);
    const all = await as(admin, 'GET', '/api/admin/users?limit=500');
    expect(all.body).not.toMatch(/password|\$argon2|_enc|_hash/);
  });

  it('disables an account: sessions end, sign-in refused; enabling lets it sign in again', async () => {
    const victim = await signIn(h.app, 'zj.reviewer');
    const id = (await session(victim)).json().user.id;
    const res = await as(admin, 'POST', `/api/admin/users/${id}/disable`);
    expect(res.statusCode).toBe(200);
    expect(res.json().disabledAt).toBe(h.clock.now().toISOString());
    expect((await session(victim)).statusCode).toBe(401);
    const login = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'zj.reviewer', password: 'Demo@2026' } });
    expect(login.statusCode).toBe(403);
    expect(login.json().code).toBe('account_disabled');
    const wrong = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'zj.reviewer', password: 'Wrong-password-1' } });
    expect(wrong.json().code).toBe('invalid_credentials'); // nothing told without the password
    expect((await as(admin, 'POST', `/api/admin/users/${id}/disable`)).json().code).toBe('user_already_disabled');

    expect((await as(admin, 'POST', `/api/admin/users/${id}/enable`)).json().disabledAt).toBeNull();
    expect((await signIn(h.app, 'zj.reviewer')).csrf).toBeTruthy();
    const history = await h.t.db.query<{ action: string; from_status: string | null; to_status: string | null }>(
      `select action, from_status, to_status from history where entity_id = $1 and action in ('disabled', 'enabled') order by id`, [id]);
    expect(history).toEqual([{ action: 'disabled', from_status: 'active', to_status: 'disabled' }, { action: 'enabled', from_status: 'disabled', to_status: 'active' }]);

    const me = (await session(admin)).json().user.id;
    expect((await as(admin, 'POST', `/api/admin/users/${me}/disable`)).json().code).toBe('cannot_disable_self');
    expect((await as(admin, 'POST', '/api/admin/users/00000000-0000-4000-8000-000000000000/disable')).statusCode).toBe(404);
  });

  it("suspends an organisation: its people's sessions end and its keys stop at once; reactivation restores the keys, not the sessions", async () => {
    const market = await orgId('示例应用市场');
    const staff = await signIn(h.app, 'platform.demo');
    const key = () => h.app.inject({ method: 'GET', url: '/api/auth/session', headers: { authorization: `Bearer ${DEMO_API_KEY}` } });
    expect((await key()).statusCode).toBe(200);

    const res = await as(admin, 'PATCH', `/api/admin/organisations/${market}`, { status: 'suspended' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('suspended');
    expect((await session(staff)).statusCode).toBe(401);
    expect((await key()).statusCode).toBe(401);
    const login = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'platform.demo', password: 'Demo@2026' } });
    expect(login.json().code).toBe('organisation_suspended');

    expect((await as(admin, 'PATCH', `/api/admin/organisations/${market}`, { status: 'active' })).json().status).toBe('active');
    expect((await key()).statusCode).toBe(200);
    // The sessions ended with the suspension: the same cookie does not come back to life (ADR 0005).
    expect((await session(staff)).statusCode).toBe(401);
    expect((await h.t.db.query(`select count(*)::int as n from sessions s join users u on u.id = s.user_id
      where u.organisation_id = $1 and s.revoked_at is null`, [market]))[0]).toEqual({ n: 0 });
    expect((await signIn(h.app, 'platform.demo')).csrf).toBeTruthy();
    const history = await h.t.db.query('select action, from_status, to_status from history where entity_id = $1 and action <> $2 order by id', [market, 'seeded']);
    expect(history).toEqual([
      { action: 'suspended', from_status: 'active', to_status: 'suspended' },
      { action: 'reactivated', from_status: 'suspended', to_status: 'active' },
    ]);

    const own = await orgId(MINISTRY_NAME);
    expect((await as(admin, 'PATCH', `/api/admin/organisations/${own}`, { status: 'suspended' })).json().code).toBe('cannot_suspend_own_organisation');
    expect((await as(admin, 'PATCH', '/api/admin/organisations/00000000-0000-4000-8000-000000000000', { status: 'suspended' })).statusCode).toBe(404);
  });

  it('sets a one-time password on a staff account: sessions end, the lock lifts, the next sign-in must choose a password', async () => {
    const gd = await orgId('广东省通信管理局');
    const created = await as(admin, 'POST', '/api/admin/users', { organisationId: gd, role: 'bureau_reviewer', displayName: '无邮箱复审员', login: 'gd.noemail' });
    expect(created.statusCode).toBe(201);
    const id = created.json().user.id as string;
    const first = await signIn(h.app, 'gd.noemail', created.json().initialPassword);
    const changed = await h.app.inject({ method: 'POST', url: '/api/auth/password', headers: first.headers, payload: { currentPassword: created.json().initialPassword, newPassword: 'Forgotten#2026' } });
    expect(changed.statusCode).toBe(204);
    const before = await signIn(h.app, 'gd.noemail', 'Forgotten#2026');
    // Five wrong passwords lock the account (from another address, so this one stays usable).
    for (let i = 0; i < 5; i++) {
      await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'gd.noemail', password: `Wrong-guess-${i}` }, remoteAddress: '10.9.9.9' });
    }
    const locked = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'gd.noemail', password: 'Forgotten#2026' } });
    expect(locked.json().code).toBe('sign_in_throttled');

    const res = await as(admin, 'POST', `/api/admin/users/${id}/password`);
    expect(res.statusCode).toBe(200);
    const oneTime = res.json().oneTimePassword as string;
    expect(res.json().user).toMatchObject({ id, login: 'gd.noemail' });
    expect(oneTime).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect((await session(before)).statusCode).toBe(401); // its sessions ended
    const old = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'gd.noemail', password: 'Forgotten#2026' } });
    expect(old.json().code).toBe('invalid_credentials'); // not locked any more, and the old password is gone
    const next = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'gd.noemail', password: oneTime } });
    expect(next.statusCode).toBe(200);
    expect(next.json().mustChangePassword).toBe(true);
    const signed = await signIn(h.app, 'gd.noemail', oneTime);
    const blocked = await h.app.inject({ method: 'GET', url: '/api/bureau/applications', headers: signed.headers });
    expect(blocked.json().code).toBe('password_change_required');
    const own = await h.app.inject({ method: 'POST', url: '/api/auth/password', headers: signed.headers, payload: { currentPassword: oneTime, newPassword: 'Remembered#2026' } });
    expect(own.statusCode).toBe(204);
    const history = await h.t.db.query<{ action: string; actor_role: string; reason: unknown }>(
      `select action, actor_role, reason from history where entity_id = $1 and action = 'password_set_by_administrator'`, [id]);
    expect(history).toEqual([{ action: 'password_set_by_administrator', actor_role: 'ministry_admin', reason: { via: 'api', generated: true } }]);

    const [host] = await h.t.db.query<{ id: string }>(`select id from users where role = 'host' limit 1`);
    const refused = await as(admin, 'POST', `/api/admin/users/${host!.id}/password`);
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'host_password_self_service']);
    const me = (await session(admin)).json().user.id;
    expect((await as(admin, 'POST', `/api/admin/users/${me}/password`)).json().code).toBe('cannot_reset_own_password');
    expect((await as(admin, 'POST', '/api/admin/users/00000000-0000-4000-8000-000000000000/password')).statusCode).toBe(404);
    expect((await as(admin, 'POST', '/api/admin/users/not-a-uuid/password')).statusCode).toBe(400);
  });
});
