// Organisation API keys through HTTP: create (secret once), use, last-used stamp, revoke,
// another organisation's key, and who may manage keys.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, SETUP_TIMEOUT, authTestApp, type Signed, signIn } from '../../../tests/auth.ts';
import { DEMO_API_KEY } from '../../db/seed/demo.ts';
import { appMaterials, CLOUD, fileToProvider, orgId } from '../../../tests/filing.ts';

describe('organisation API keys', () => {
  let h: AuthTestApp;
  let platform: Signed;
  let provider: Signed;
  beforeAll(async () => {
    h = await authTestApp();
    platform = await signIn(h.app, 'platform.demo');
    provider = await signIn(h.app, 'provider.demo');
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const whoAmI = (key: string) => h.app.inject({ method: 'GET', url: '/api/auth/session', headers: bearer(key) });
  const create = (s: Signed, name: string) => h.app.inject({ method: 'POST', url: '/api/org/api-keys', headers: s.headers, payload: { name } });
  const lastUsed = async (id: string) => (await h.t.db.query<{ last_used_at: Date | null }>('select last_used_at from api_keys where id = $1', [id]))[0]!.last_used_at;

  it('the demo key acts for 示例应用市场 as platform staff, stamping its last use at most once a minute', async () => {
    const res = await whoAmI(DEMO_API_KEY);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ role: 'platform_staff', user: null, csrfToken: null, organisation: { name: '示例应用市场', kind: 'distribution_platform', provinceCode: null } });
    const first = await lastUsed(body.apiKeyId);
    expect(first).toEqual(h.clock.now());
    h.clock.advance(30);
    await whoAmI(DEMO_API_KEY);
    expect(await lastUsed(body.apiKeyId)).toEqual(first);
    h.clock.advance(31);
    await whoAmI(DEMO_API_KEY);
    expect(await lastUsed(body.apiKeyId)).toEqual(h.clock.now());
  });

  it('creates a key: the secret once, its digest stored, a history row', async () => {
    const res = await create(platform, '  商店审核系统  ');
    expect(res.headers['cache-control']).toBe('no-store'); // the secret is in this answer only
    expect(res.statusCode).toBe(201);
    const key = res.json();
    expect(key).toMatchObject({ name: '商店审核系统', scope: 'verify', revokedAt: null, lastUsedAt: null, createdBy: { displayName: '应用市场初审员' } });
    expect(key.secret).toMatch(/^bk_[A-Za-z0-9_-]{43}$/);
    expect(key.prefix).toBe(key.secret.slice(0, 10));
    const [row] = await h.t.db.query<{ key_hash: string }>('select key_hash from api_keys where id = $1', [key.id]);
    expect(row!.key_hash).not.toContain(key.secret);

    const list = await h.app.inject({ method: 'GET', url: '/api/org/api-keys', headers: { cookie: platform.cookie } });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((k: { name: string }) => k.name).sort()).toEqual(['商店审核系统', '演示密钥 demo key'].sort());
    expect(list.body).not.toContain(key.secret);
    expect(list.body).not.toContain(row!.key_hash);
    expect(list.body).not.toContain(DEMO_API_KEY);

    expect((await whoAmI(key.secret)).json()).toMatchObject({ role: 'platform_staff', apiKeyId: key.id });
    const history = await h.t.db.query('select action, to_status, actor_role, reason from history where entity_type = $1 and entity_id = $2', ['api_key', key.id]);
    expect(history).toEqual([{ action: 'created', to_status: 'active', actor_role: 'platform_staff', reason: { name: '商店审核系统', scope: 'verify' } }]);
  });

  it("gives each kind of organisation its staff role; keys are for providers, platforms and device makers", async () => {
    const providerKey = (await create(provider, 'ci')).json().secret;
    expect((await whoAmI(providerKey)).json().role).toBe('provider_staff');
    const device = await signIn(h.app, 'device.demo');
    const deviceKey = (await create(device, 'preinstall check')).json().secret;
    expect((await whoAmI(deviceKey)).json().role).toBe('device_maker_staff');
    for (const login of ['gd.reviewer', 'host@demo.beian.test', 'admin']) {
      const s = await signIn(h.app, login);
      const res = await create(s, 'mine');
      expect(res.statusCode, login).toBe(403);
      expect(res.json().code).toBe('forbidden');
    }
    expect((await h.app.inject({ method: 'GET', url: '/api/org/api-keys' })).json().code).toBe('unauthenticated');
  });

  it('keys cannot manage keys', async () => {
    const list = await h.app.inject({ method: 'GET', url: '/api/org/api-keys', headers: bearer(DEMO_API_KEY) });
    expect(list.statusCode).toBe(403);
    expect(list.json().code).toBe('session_required');
    const post = await h.app.inject({ method: 'POST', url: '/api/org/api-keys', headers: bearer(DEMO_API_KEY), payload: { name: 'x' } });
    expect(post.json().code).toBe('session_required'); // not csrf_token_invalid: keys are exempt from CSRF
  });

  it("revokes: another organisation's key is 404; a revoked key gets 401 on its next request", async () => {
    const key = (await create(platform, 'to revoke')).json();
    expect((await whoAmI(key.secret)).statusCode).toBe(200);
    const foreign = await h.app.inject({ method: 'DELETE', url: `/api/org/api-keys/${key.id}`, headers: provider.headers });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('api_key_not_found');
    expect((await whoAmI(key.secret)).statusCode).toBe(200);

    const noCsrf = await h.app.inject({ method: 'DELETE', url: `/api/org/api-keys/${key.id}`, headers: { cookie: platform.cookie } });
    expect(noCsrf.json().code).toBe('csrf_token_invalid');
    const res = await h.app.inject({ method: 'DELETE', url: `/api/org/api-keys/${key.id}`, headers: platform.headers });
    expect(res.statusCode).toBe(204);
    const after = await whoAmI(key.secret);
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('api_key_invalid');
    expect(after.headers['www-authenticate']).toMatch(/^Bearer/);
    // Revoking again changes nothing and records nothing.
    expect((await h.app.inject({ method: 'DELETE', url: `/api/org/api-keys/${key.id}`, headers: platform.headers })).statusCode).toBe(204);
    const history = await h.t.db.query<{ action: string }>('select action from history where entity_id = $1 order by id', [key.id]);
    expect(history.map((r) => r.action)).toEqual(['created', 'revoked']);
    const listed = (await h.app.inject({ method: 'GET', url: '/api/org/api-keys', headers: { cookie: platform.cookie } })).json();
    expect(listed.items.find((k: { id: string }) => k.id === key.id).revokedAt).toBe(h.clock.now().toISOString());
  });

  it('refuses unknown keys and other schemes instead of treating the caller as anonymous', async () => {
    for (const authorization of ['Bearer bk_unknown', 'Basic YWRtaW46RGVtb0AyMDI2', 'Bearer']) {
      const res = await h.app.inject({ method: 'GET', url: '/api/health', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.json().code).toBe('api_key_invalid');
    }
    expect((await h.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  });

  it('judges each request of a keep-alive connection by its own key: another key, an unknown one, one revoked meanwhile', async () => {
    // The digest of a connection's last key is remembered with the connection (plugin.ts): it must
    // never answer for a different header, nor outlive a revocation.
    const key = (await create(provider, 'one connection')).json();
    const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const ports = new Set<number>();
    const ask = (authorization?: string) => new Promise<{ status: number; body: { organisation?: { name: string }; code?: string } }>((resolve, reject) => {
      const req = http.get(`${address}/api/auth/session`, { agent, headers: authorization ? { authorization } : {} }, (res) => {
        ports.add(res.socket.localPort!);
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => { text += d; }).on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      req.on('error', reject);
    });
    try {
      expect((await ask(`Bearer ${DEMO_API_KEY}`)).body.organisation?.name).toBe('示例应用市场');
      expect((await ask(`Bearer ${key.secret}`)).body.organisation?.name).not.toBe('示例应用市场');
      expect((await ask('Bearer bk_unknown')).body.code).toBe('api_key_invalid');
      expect((await ask(`Bearer ${DEMO_API_KEY}`)).body.organisation?.name).toBe('示例应用市场');
      expect((await ask()).status).toBe(401); // no key, no session: anonymous
      expect((await ask(`Bearer ${key.secret}`)).status).toBe(200);
      expect((await h.app.inject({ method: 'DELETE', url: `/api/org/api-keys/${key.id}`, headers: provider.headers })).statusCode).toBe(204);
      const revoked = await ask(`Bearer ${key.secret}`);
      expect([revoked.status, revoked.body.code]).toEqual([401, 'api_key_invalid']);
      expect(ports.size).toBe(1); // all on one connection
    } finally {
      agent.destroy();
    }
  });

  it('refuses a name one of the organisation\'s active keys has (409 naming body.name); a revoked key\'s name, or another organisation\'s, is free', async () => {
    const first = (await create(platform, '重名系统')).json();
    const again = await create(platform, '  重名系统 ');
    expect([again.statusCode, again.headers['content-type']]).toEqual([409, expect.stringMatching(/^application\/problem\+json/)]);
    expect(again.json()).toMatchObject({ code: 'api_key_name_taken', errors: [{ field: 'body.name', code: 'api_key_name_taken' }] });
    expect((await h.t.db.query<{ n: number }>(`select count(*)::int as n from api_keys where name = '重名系统'`))[0]!.n).toBe(1);
    // Another organisation may use it; after revoking, the name is free again.
    expect((await create(provider, '重名系统')).statusCode).toBe(201);
    expect((await h.app.inject({ method: 'DELETE', url: `/api/org/api-keys/${first.id}`, headers: platform.headers })).statusCode).toBe(204);
    expect((await create(platform, '重名系统')).statusCode).toBe(201);
    // The database holds the rule too (migration 0052): a second active key of that name is refused.
    const [org] = await h.t.db.query<{ organisation_id: string }>('select organisation_id from api_keys where id = $1', [first.id]);
    await expect(h.t.db.query(`insert into api_keys (organisation_id, name, key_prefix, key_hash, created_at) values ($1, '重名系统', 'bk_x', 'x-hash', now())`, [org!.organisation_id]))
      .rejects.toThrow(/api_keys_active_name/);
  });

  it('validates the name', async () => {
    const res = await create(platform, '   ');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('body.name');
  });
  // Audit: a key named for verification read applicants' full ID numbers and approved a first review.
  it('a new key may only verify (403 api_key_scope elsewhere); a `full` key acts as staff and history names the key', async () => {
    const verifyKey = (await create(platform, '核验系统')).json();
    expect(verifyKey.scope).toBe('verify');
    const as = (key: string, method: 'GET' | 'POST', url: string, payload?: object) => h.app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) });
    const check = await as(verifyKey.secret, 'POST', '/api/verify/v1/apps', { items: [{ platform: 'android', packageName: 'com.example.none', fingerprint: 'AB'.repeat(32) }] });
    expect(check.statusCode).toBe(200);
    expect((await as(verifyKey.secret, 'GET', '/api/auth/session')).statusCode).toBe(200);
    expect((await as(verifyKey.secret, 'GET', '/api/public/v1/services?q=示例')).statusCode).toBe(200);
    for (const url of ['/api/provider/applications', '/api/org/campaigns', '/api/org/api-keys']) {
      const res = await as(verifyKey.secret, 'GET', url);
      expect(res.statusCode, url).toBe(403);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json()).toMatchObject({ code: 'api_key_scope', detail: expect.stringContaining('"verify"') });
    }
    // A path that only looks like the verification API is judged by its route, not its text.
    expect((await as(verifyKey.secret, 'GET', '/api/verify/v1/../../provider/applications')).statusCode).not.toBe(200);

    // The provider's `full` key approves a first review: the history names the key, with no person.
    const providerKey = (await h.app.inject({ method: 'POST', url: '/api/org/api-keys', headers: provider.headers, payload: { name: '初审系统', scope: 'full' } })).json();
    expect(providerKey.scope).toBe('full');
    const host = await signIn(h.app, 'host@demo.beian.test');
    const cloud = await orgId(h.t.db, CLOUD);
    const id = await fileToProvider(h.app, host, { serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud) });
    expect((await as(providerKey.secret, 'POST', `/api/provider/applications/${id}/approve`, {})).statusCode).toBe(200);
    const history = (await h.app.inject({ method: 'GET', url: `/api/provider/applications/${id}/history`, headers: bearer(providerKey.secret) })).json().items;
    expect(history.at(-1)).toMatchObject({ action: 'provider_approve', actor: { role: 'provider_staff', userId: null, name: null, apiKey: { id: providerKey.id, name: '初审系统' } } });
    expect(history[0].actor.apiKey).toBeNull(); // the host's own steps: a person, no key
    const [row] = await h.t.db.query<{ actor_api_key_id: string }>('select actor_api_key_id from history where application_id = $1 order by id desc limit 1', [id]);
    expect(row!.actor_api_key_id).toBe(providerKey.id);

    // The scope is checked at the edge: an unknown one is a 400 naming the field.
    const bad = await h.app.inject({ method: 'POST', url: '/api/org/api-keys', headers: platform.headers, payload: { name: 'x', scope: 'admin' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('body.scope');
  });
});
