// One filed subject per certificate (issue 13, the defect found on PostgreSQL: 4 first filings of
// one company got 4 main numbers). Refused at creation, at submission and at approval with 409
// subject_already_filed naming the main number; an open first filing of a certificate blocks
// another; the database holds both rules; two approvals racing on two server processes make
// exactly one subject.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from './auth.ts';
import { backend } from './db.ts';
import { appMaterials, call, CLOUD, fileToProvider, orgId, throughSms } from './filing.ts';
import { loginOver, serveProcess, type ServerProcess } from './server-process.ts';

type Materials = ReturnType<typeof appMaterials>;
/** Another APP of the same company: same subject, its own package and service principal. */
const sameSubject = (cloud: string, m: Materials): Materials => ({ ...appMaterials(cloud), subject: m.subject });

describe('one filed subject per certificate', () => {
  let h: AuthTestApp;
  let host: Signed; let wang: Signed; let provider: Signed; let gd: Signed; let cloud: string;
  const first = (m: Materials) => ({ serviceType: 'app', submitterOrgId: cloud, materials: m });

  beforeAll(async () => {
    h = await authTestApp();
    [host, wang, provider, gd] = await Promise.all(['host@demo.beian.test', 'wang@demo.beian.test', 'provider.demo', 'gd.reviewer'].map((l) => signIn(h.app, l))) as [Signed, Signed, Signed, Signed];
    cloud = await orgId(h.t.db, CLOUD);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  it('a filed certificate: a second first filing is refused at creation, naming the main number and what to do', async () => {
    const m = appMaterials(cloud);
    const id = await fileToProvider(h.app, host, first(m));
    await throughSms(h, host, provider, id);
    const approved = await call(h.app, gd, 'POST', `/api/bureau/applications/${id}/approve`);

    // Same account: file a new service under the subject (with the subject's id to do it).
    const again = await h.app.inject({ method: 'POST', url: '/api/host/applications', headers: host.headers, payload: first(sameSubject(cloud, m)) });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toMatch(/problem\+json/);
    const p = again.json();
    expect(p).toMatchObject({ code: 'subject_already_filed', mainNumber: approved.mainNumber, subjectId: approved.application.subjectId });
    expect(p.detail).toContain(approved.mainNumber);
    expect(p.detail).toContain('new_service');
    expect(p.errors[0]).toMatchObject({ field: 'body.materials.subject.certificateNumber', code: 'subject_already_filed' });
    // Spaces and lower case are the same certificate.
    const spaced = sameSubject(cloud, m);
    spaced.subject = { ...m.subject, certificateNumber: ` ${m.subject.certificateNumber.toLowerCase().replace(/(.{6})/, '$1 ')}` };
    expect((await h.app.inject({ method: 'POST', url: '/api/host/applications', headers: host.headers, payload: first(spaced) })).json().code).toBe('subject_already_filed');

    // Another account: the bureau's procedure; it learns the public main number, not the subject's id.
    const other = await h.app.inject({ method: 'POST', url: '/api/host/applications', headers: wang.headers, payload: first(sameSubject(cloud, m)) });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'subject_already_filed', mainNumber: approved.mainNumber });
    expect(other.json().subjectId).toBeUndefined();
    expect(other.json().detail).toMatch(/another account.*bureau/);

    // The right way still works: a new service under the filed subject keeps the main number.
    const svc = await fileToProvider(h.app, host, { applicationType: 'new_service', serviceType: 'app', subjectId: approved.application.subjectId, submitterOrgId: cloud, materials: { ...appMaterials(cloud), subject: undefined } });
    await throughSms(h, host, provider, svc);
    const second = await call(h.app, gd, 'POST', `/api/bureau/applications/${svc}/approve`);
    expect(second.serviceNumber).toBe(`${approved.mainNumber}-2A`);
  });

  it('a draft written before the subject was filed is refused at submission', async () => {
    const m = appMaterials(cloud);
    const draft = await call(h.app, host, 'POST', '/api/host/applications', first(sameSubject(cloud, m)), 201);
    const id = await fileToProvider(h.app, host, first(m));
    await throughSms(h, host, provider, id);
    const approved = await call(h.app, gd, 'POST', `/api/bureau/applications/${id}/approve`);
    await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/identity-verification`);
    const res = await h.app.inject({ method: 'POST', url: `/api/host/applications/${draft.id}/submit`, headers: host.headers, payload: {} });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'subject_already_filed', mainNumber: approved.mainNumber });
    expect((await call(h.app, host, 'GET', `/api/host/applications/${draft.id}`)).status).toBe('draft');
  });

  it('an open first filing of a certificate blocks another until it is withdrawn', async () => {
    const m = appMaterials(cloud);
    const draft = await call(h.app, host, 'POST', '/api/host/applications', first(sameSubject(cloud, m)), 201); // drafts claim nothing
    const open = await fileToProvider(h.app, host, first(m));
    const created = await h.app.inject({ method: 'POST', url: '/api/host/applications', headers: host.headers, payload: first(sameSubject(cloud, m)) });
    expect(created.statusCode).toBe(409);
    expect(created.json()).toMatchObject({ code: 'application_already_open', applicationId: open });
    const byOther = await h.app.inject({ method: 'POST', url: '/api/host/applications', headers: wang.headers, payload: first(sameSubject(cloud, m)) });
    expect(byOther.json()).toMatchObject({ code: 'application_already_open' });
    expect(byOther.json().applicationId).toBeUndefined(); // nothing of another account's
    await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/identity-verification`);
    const submit = await h.app.inject({ method: 'POST', url: `/api/host/applications/${draft.id}/submit`, headers: host.headers, payload: {} });
    expect(submit.statusCode).toBe(409);
    expect(submit.json().code).toBe('application_already_open');
    // Returned to the host, it is still open; withdrawn, it is not.
    await call(h.app, provider, 'POST', `/api/provider/applications/${open}/return`, { reasons: [{ field: 'service.name', error: '名称不清' }] });
    expect((await h.app.inject({ method: 'POST', url: `/api/host/applications/${draft.id}/submit`, headers: host.headers, payload: {} })).statusCode).toBe(409);
    await call(h.app, host, 'POST', `/api/host/applications/${open}/withdraw`);
    expect((await call(h.app, host, 'POST', `/api/host/applications/${draft.id}/submit`, {})).status).toBe('provider_review');
  });

  it('the database refuses a second filed subject of a certificate and a second open first filing', async () => {
    const [s] = await h.t.db.query<Record<string, unknown>>(`select * from subjects where status = 'filed' and duplicate_of is null limit 1`);
    const copy: Record<string, unknown> = { ...s, id: undefined, main_number: null, main_number_serial: null, duplicate_of: undefined };
    const cols = Object.keys(copy).filter((k) => copy[k] !== undefined);
    const insert = (over: Record<string, unknown>) => h.t.db.query(
      `insert into subjects (${cols.join(', ')}) values (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
      cols.map((c) => { const v: unknown = { ...copy, ...over }[c]; return v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v; }));
    await expect(insert({})).rejects.toThrow(/unique|duplicate/i);
    await expect(insert({ status: 'cancelled' })).resolves.toBeDefined(); // a cancelled subject frees its certificate
    await expect(h.t.db.query(`update subjects set duplicate_of = $1::uuid where id = (select id from subjects where id <> $1::uuid limit 1)`, [s!.id]))
      .rejects.toThrow(/migration 0011/);
    const [open] = await h.t.db.query<{ id: string; subject_certificate_type: string; subject_certificate_hash: string }>(
      `select id, subject_certificate_type, subject_certificate_hash from applications where status = 'provider_review' and subject_certificate_hash is not null limit 1`);
    const [draft] = await h.t.db.query<{ id: string }>(`select id from applications where status = 'draft' and application_type = 'first_filing' limit 1`);
    await expect(h.t.db.query(`update applications set status = 'provider_review', subject_certificate_type = $2, subject_certificate_hash = $3 where id = $1`,
      [draft!.id, open!.subject_certificate_type, open!.subject_certificate_hash])).rejects.toThrow(/unique|duplicate/i);
  });

  it('an application submitted before the rule (no certificate stamp) is refused at approval once the subject is filed', async () => {
    const m = appMaterials(cloud);
    const legacy = await fileToProvider(h.app, host, first(m));
    await throughSms(h, host, provider, legacy);
    await h.t.db.query(`update applications set subject_certificate_type = null, subject_certificate_hash = null where id = $1`, [legacy]);
    const id = await fileToProvider(h.app, host, first(sameSubject(cloud, m)));
    await throughSms(h, host, provider, id);
    const approved = await call(h.app, gd, 'POST', `/api/bureau/applications/${id}/approve`);
    const res = await h.app.inject({ method: 'POST', url: `/api/bureau/applications/${legacy}/approve`, headers: gd.headers });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'subject_already_filed', mainNumber: approved.mainNumber });
    expect((await call(h.app, gd, 'GET', `/api/bureau/applications/${legacy}`)).status).toBe('bureau_review'); // the bureau rejects it with that reason
  });
});

// Two approvals of one certificate at once on two server processes — two real `beian serve`
// OS processes over the same PostgreSQL database, each with its own pool: exactly one subject.
if (backend() === 'postgresql') describe('two approvals of one certificate on two server processes (PostgreSQL)', () => {
  let a: AuthTestApp; let one: ServerProcess; let two: ServerProcess;
  const cwd = mkdtempSync(path.join(tmpdir(), 'beian-subject-race-'));
  beforeAll(async () => {
    a = await authTestApp();
    [one, two] = await Promise.all([serveProcess({ DATABASE_URL: a.t.url! }, cwd), serveProcess({ DATABASE_URL: a.t.url! }, cwd)]);
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await a?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('one approval files the subject, the other is a clean 409 subject_already_filed', { timeout: 300_000 }, async () => {
    const [host, provider] = await Promise.all([signIn(a.app, 'host@demo.beian.test'), signIn(a.app, 'provider.demo')]);
    const [gdOne, gdTwo] = await Promise.all([loginOver(one.base, 'gd.reviewer'), loginOver(two.base, 'gd.reviewer')]);
    const cloud = await orgId(a.t.db, CLOUD);
    const approve = (server: ServerProcess, headers: Record<string, string>, id: string) =>
      fetch(`${server.base}/api/bureau/applications/${id}/approve`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' })
        .then(async (r) => ({ status: r.status, body: await r.json() as Record<string, unknown> }));
    for (let round = 0; round < 4; round++) {
      const m = appMaterials(cloud);
      const first = await fileToProvider(a.app, host, { serviceType: 'app', submitterOrgId: cloud, materials: m });
      await throughSms(a, host, provider, first);
      // As if submitted before migration 0011: no stamp, so both reach the bureau.
      await a.t.db.query(`update applications set subject_certificate_type = null, subject_certificate_hash = null where id = $1`, [first]);
      const second = await fileToProvider(a.app, host, { serviceType: 'app', submitterOrgId: cloud, materials: sameSubject(cloud, m) });
      await throughSms(a, host, provider, second);
      const results = await Promise.all([approve(one, gdOne, first), approve(two, gdTwo, second)]);
      expect(results.map((r) => r.status).sort(), JSON.stringify(results)).toEqual([200, 409]);
      const won = results.find((r) => r.status === 200)!.body;
      expect(results.find((r) => r.status === 409)!.body).toMatchObject({ code: 'subject_already_filed', mainNumber: won.mainNumber });
      const subjects = await a.t.db.query<{ main_number: string }>(`select main_number from subjects where certificate_number = $1`, [m.subject.certificateNumber]);
      expect(subjects).toEqual([{ main_number: won.mainNumber }]);
      const states = await a.t.db.query<{ status: string }>('select status from applications where id = any($1::uuid[]) order by status', [[first, second]]);
      expect(states.map((s) => s.status)).toEqual(['approved', 'bureau_review']); // the loser is untouched, not half-moved
    }
    expect(one.output() + two.output()).not.toMatch(/"level":50|Error:/); // no 500 logged by either process
  });
});
