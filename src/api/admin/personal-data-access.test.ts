// The personal-data access log (issue 15 §2; ADR 0025): every full view of personal data — the
// host its own application and filed record, the provider's first review, the bureau's review,
// an administrator reading the development SMS inbox for a number — leaves a row naming who,
// which record, when, why and which kinds of data; masked views leave none. Administrators query
// it with filters and pages; it is append-only and each row is a private leaf of the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { logCaughtUp, testLogKeys } from '../../../tests/db.ts';
import { appMaterials, call, CLOUD, fileToProvider, orgId, throughSms } from '../../../tests/filing.ts';
import { auditLog } from '../../tlog/audit.ts';
import { ENTRY_VERSION } from '../../tlog/entry.ts';

interface Access {
  id: string; at: string; actor: { userId: string | null; role: string; name: string | null; organisation: string | null };
  recordType: string; recordId: string; recordLabel: string | null; purpose: string; fields: string[]; requestId: string | null;
}

describe('personal-data access log', () => {
  let a: AuthTestApp;
  let host: Signed; let provider: Signed; let gd: Signed; let admin: Signed; let cloud: string;
  let appId: string; let mobile: string;
  const log = async (query = '') => call(a.app, admin, 'GET', `/api/admin/personal-data-access${query}`) as Promise<{ items: Access[]; total: number; page: number; pageSize: number }>;
  const count = async () => Number((await a.t.db.query<{ n: number }>('select count(*)::int as n from personal_data_access'))[0]!.n);
  const userId = async (s: Signed) => (await call(a.app, s, 'GET', '/api/auth/session')).user.id as string;

  beforeAll(async () => {
    a = await authTestApp();
    [host, provider, gd, admin] = await Promise.all(['host@demo.beian.test', 'provider.demo', 'gd.reviewer', 'admin'].map((l) => signIn(a.app, l))) as [Signed, Signed, Signed, Signed];
    cloud = await orgId(a.t.db, CLOUD);
    const m = appMaterials(cloud);
    mobile = m.subject.principal.mobile;
    appId = await fileToProvider(a.app, host, { serviceType: 'app', submitterOrgId: cloud, materials: m });
    await throughSms(a, host, provider, appId);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('records each full view with who, which record, when, why and which kinds of data; a masked view records nothing', async () => {
    a.clock.advance(60);
    const since = a.clock.now().toISOString();
    const before = await count();
    const seen = await call(a.app, gd, 'GET', `/api/bureau/applications/${appId}`);
    expect(seen.materials.subject.principal.mobile).toBe(mobile); // shown in full to the reviewing bureau
    await call(a.app, provider, 'GET', `/api/provider/applications/${appId}`);
    await call(a.app, host, 'GET', `/api/host/applications/${appId}`);
    expect(await count()).toBe(before + 3);
    const { items } = await log(`?recordId=${appId}&from=${since}`);
    expect(items.map((i) => `${i.actor.role}:${i.purpose}`).sort()).toEqual(['bureau_reviewer:bureau_review', 'host:own_application', 'provider_staff:first_review']);
    for (const i of items) {
      expect(i).toMatchObject({ recordType: 'application', recordId: appId, at: since, requestId: expect.any(String) });
      expect(i.fields).toEqual(expect.arrayContaining(['certificateNumber', 'mobile', 'email']));
      expect(JSON.stringify(i)).not.toContain(mobile); // kinds of data, never values
    }
    expect(items.find((i) => i.purpose === 'bureau_review')!.actor).toMatchObject({ userId: await userId(gd), organisation: expect.stringContaining('广东') });

    // The ministry administrator sees the application masked: not an access.
    const masked = await call(a.app, admin, 'GET', `/api/bureau/applications/${appId}`).catch(() => null);
    if (masked) expect(masked.materials.subject.principal.mobile).not.toBe(mobile);
    expect(await count()).toBe(before + 3);
  });

  it('the host reading its filed materials and an administrator reading the SMS inbox for a number are recorded', async () => {
    const approved = await call(a.app, gd, 'POST', `/api/bureau/applications/${appId}/approve`); // its own service principal
    const [svc] = await a.t.db.query<{ id: string; service_number: string; subject_id: string; main_number: string }>(
      `select s.id, s.service_number, s.subject_id, su.main_number from services s join subjects su on su.id = s.subject_id where s.service_number = $1`, [approved.serviceNumber]);
    a.clock.advance(60);
    const since = a.clock.now().toISOString();
    await call(a.app, host, 'GET', `/api/host/services/${svc!.id}/materials`);
    await call(a.app, host, 'GET', `/api/host/subjects/${svc!.subject_id}/materials`);
    const own = (await log(`?purpose=own_filed_record&from=${since}`)).items;
    expect(own.map((i) => [i.recordType, i.recordId, i.recordLabel]).sort()).toEqual([
      ['service', svc!.id, svc!.service_number], ['subject', svc!.subject_id, svc!.main_number],
    ]);
    // Another host's record is a 404 and shows nothing: no access.
    const wang = await signIn(a.app, 'wang@demo.beian.test');
    const before = await count();
    expect((await a.app.inject({ method: 'GET', url: `/api/host/services/${svc!.id}/materials`, headers: wang.headers })).statusCode).toBe(404);
    await call(a.app, admin, 'GET', '/api/admin/dev-sms'); // every number masked: not an access
    expect(await count()).toBe(before);
    const inbox = await call(a.app, admin, 'GET', `/api/admin/dev-sms?mobile=${mobile}`);
    expect(inbox.items[0].mobile).toBe(mobile);
    const [row] = (await log('?purpose=administration')).items;
    expect(row).toMatchObject({ recordType: 'dev_sms', actor: { role: 'ministry_admin', userId: await userId(admin) }, fields: ['mobile'] });
    expect(row!.recordId).not.toContain(mobile.slice(-8)); // the number's keyed hash, not the number
  });

  it('a replayed creation (same Idempotency-Key) shows the materials again: recorded again', async () => {
    const body = { serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud) };
    const post = () => a.app.inject({ method: 'POST', url: '/api/host/applications', headers: { ...host.headers, 'idempotency-key': 'pda-replay-1' }, payload: body });
    const first = await post();
    expect(first.statusCode).toBe(201);
    const again = await post();
    expect(again.headers['idempotent-replayed']).toBe('true');
    const { items } = await log(`?recordType=application&recordId=${first.json().id}`);
    expect(items.map((i) => i.purpose)).toEqual(['own_application', 'own_application']);
  });

  it('filters (user, role, record type, purpose, time) and pages, newest first', async () => {
    const all = await log('?pageSize=200');
    expect(all.total).toBeGreaterThanOrEqual(6);
    const ats = all.items.map((i) => i.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    const gdId = await userId(gd);
    const byGd = await log(`?userId=${gdId}`);
    expect(byGd.total).toBeGreaterThan(0);
    expect(byGd.items.every((i) => i.actor.userId === gdId)).toBe(true);
    expect((await log('?role=provider_staff')).items.every((i) => i.actor.role === 'provider_staff')).toBe(true);
    expect((await log('?recordType=service')).items.every((i) => i.recordType === 'service')).toBe(true);
    expect((await log('?to=2026-01-01T00:00:00Z')).total).toBe(0);
    const p1 = await log('?pageSize=2&page=1'); const p2 = await log('?pageSize=2&page=2');
    expect(p1).toMatchObject({ page: 1, pageSize: 2, total: all.total });
    expect(p1.items).toHaveLength(2);
    expect(p2.items[0]!.id).toBe(all.items[2]!.id);
  });

  it('is for ministry administrators only; bad filters are a 400 naming the parameter', async () => {
    for (const who of [host, provider, gd]) {
      expect((await a.app.inject({ method: 'GET', url: '/api/admin/personal-data-access', headers: who.headers })).statusCode).toBe(403);
    }
    expect((await a.app.inject({ method: 'GET', url: '/api/admin/personal-data-access' })).statusCode).toBe(401);
    for (const [q, field] of [['userId=x', 'querystring.userId'], ['purpose=curiosity', 'querystring.purpose'], ['from=yesterday', 'querystring.from'],
      ['pageSize=0', 'querystring.pageSize'], ['recordType=person', 'querystring.recordType']] as const) {
      const res = await a.app.inject({ method: 'GET', url: `/api/admin/personal-data-access?${q}`, headers: admin.headers });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field), q).toContain(field);
    }
  });

  it('is append-only in the database, and each access is a private leaf of the transparency log', async () => {
    await expect(a.t.db.query('update personal_data_access set purpose = $1', ['administration'])).rejects.toThrow(/append-only/);
    await expect(a.t.db.query('delete from personal_data_access')).rejects.toThrow(/append-only/);
    const rows = await a.t.db.query<{ id: string }>('select id from personal_data_access');
    const history = await a.t.db.query<{ id: number; entity_id: string; reason: { recordType: string; purpose: string } }>(
      `select id, entity_id, reason from history where entity_type = 'personal_data_access' and action = 'personal_data_read'`);
    expect(history.map((h) => h.entity_id).sort()).toEqual(rows.map((r) => r.id).sort());
    await logCaughtUp(a.t.db, testLogKeys());
    const leaves = await a.t.db.query<{ entry: string }>('select entry from log_leaves where history_id = any($1::bigint[])', [history.map((h) => h.id)]);
    expect(leaves).toHaveLength(history.length);
    for (const l of leaves) expect(JSON.parse(l.entry)).toEqual({ v: ENTRY_VERSION, type: 'private', digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await auditLog(a.t.db, testLogKeys())).problems).toEqual([]);
  });

  it('beian audit verify names an access altered or removed behind the trigger (as the database owner)', async () => {
    const [first, second] = await a.t.db.query<{ id: string }>('select id from personal_data_access order by at, id limit 2');
    await a.t.db.exec('alter table personal_data_access disable trigger personal_data_access_append_only');
    try {
      await a.t.db.query(`update personal_data_access set purpose = 'administration' where id = $1`, [first!.id]);
      await a.t.db.query('delete from personal_data_access where id = $1', [second!.id]);
    } finally {
      await a.t.db.exec('alter table personal_data_access enable trigger personal_data_access_append_only');
    }
    const problems = (await auditLog(a.t.db, testLogKeys())).problems.join('\n');
    expect(problems).toContain(`personal-data access ${first!.id}: differs`);
    expect(problems).toContain(`personal-data access ${second!.id}: differs`);
  });
});
