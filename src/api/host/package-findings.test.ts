// DOMAIN.md §0.1 "refuse debug / ad-hoc / development certificates": what the analyzer found in an
// uploaded package is kept with the application (the package is not), shown to the host, the
// provider and the bureau as packageChecks, and a debug-signed, development-profile or expired
// package refuses submission with a problem at the platform's filing fingerprint.
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { appMaterials, call, CLOUD, orgId, throughSms } from '../../../tests/filing.ts';
import { ownUploadFolder } from '../../../tests/multipart.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures/packages');
const BUNDLE_ID = 'com.lesspainful.example.LPSimpleExample-cal';
const uploads = await ownUploadFolder('package-findings-test');

describe('the analyzer\'s findings travel with the application', () => {
  let a: AuthTestApp; let base: string; let host: Signed; let provider: Signed; let cloud: string;

  async function upload(applicationId: string, name: string) {
    const form = new FormData();
    form.append('applicationId', applicationId);
    form.append('file', new Blob([await readFile(path.join(fixtures, name))]), name);
    const res = await fetch(`${base}/api/host/packages`, { method: 'POST', headers: host.headers, body: form });
    expect(res.status).toBe(200);
  }
  /** An APP whose iOS platform is the development-signed, expired fixture IPA (by its bundle id and SHA-1). */
  async function draft() {
    const m = appMaterials(cloud);
    m.platforms[1]!.packageName = BUNDLE_ID;
    const created = await call(a.app, host, 'POST', '/api/host/applications', { serviceType: 'app', submitterOrgId: cloud, materials: m }, 201);
    expect(created.problems).toEqual([]);
    await call(a.app, host, 'POST', `/api/host/applications/${created.id}/identity-verification`);
    return created.id as string;
  }

  beforeAll(async () => {
    a = await authTestApp();
    await a.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}`;
    [host, provider] = await Promise.all([signIn(a.app, 'host@demo.beian.test'), signIn(a.app, 'provider.demo')]);
    cloud = await orgId(a.t.db, CLOUD);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); await uploads.remove(); });

  it('refuses submission of a platform whose package is development-signed with an expired certificate, naming platforms.1.certSha1', async () => {
    const id = await draft();
    await upload(id, 'LPSimpleExample-cal.ipa');
    const view = await call(a.app, host, 'GET', `/api/host/applications/${id}`);
    expect(view.packageChecks).toEqual([expect.objectContaining({ field: 'platforms.1', platform: 'ios', packageName: BUNDLE_ID, kind: 'package', profileType: 'development' })]);
    const findings = view.packageChecks[0].findings as { code: string; refuses: boolean }[];
    expect(findings.filter((f) => f.refuses).map((f) => f.code).sort()).toEqual(['certificate_expired', 'development_profile']);
    expect(findings.find((f) => f.code === 'profile_expired')).toMatchObject({ refuses: false });
    // The host's wizard hears it before submitting (the view's problems), and submission is refused.
    expect(view.problems.filter((p: { field: string }) => p.field.startsWith('platforms.')).map((p: { field: string; code: string }) => [p.field, p.code]).sort())
      .toEqual([['platforms.1.certSha1', 'package_certificate_expired'], ['platforms.1.certSha1', 'package_development_profile']]);
    const refused = await a.app.inject({ method: 'POST', url: `/api/host/applications/${id}/submit`, headers: host.headers, payload: {} });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('materials_invalid');
    expect(refused.json().errors.map((e: { field: string; code: string }) => `${e.field} ${e.code}`).sort())
      .toEqual(['platforms.1.certSha1 package_certificate_expired', 'platforms.1.certSha1 package_development_profile']);
  });

  it('warns host, provider and bureau of a signing certificate that expires within 30 days, judged when read (GROUND-TRUTH.md: the IPA\'s leaf is valid to 2016-02-06T01:10:40Z)', async () => {
    const id = await draft();
    await call(a.app, host, 'POST', `/api/host/applications/${id}/submit`, {});
    await throughSms(a, host, provider, id);
    const gd = await signIn(a.app, 'gd.reviewer');
    const now = a.clock.now();
    try {
      a.clock.set('2016-01-20T00:00:00Z'); // 17 days and an hour before the certificate lapses
      await upload(id, 'LPSimpleExample-cal.ipa');
      const expiring = { code: 'certificate_expiring', refuses: false, params: { notAfter: '2016-02-06T01:10:40Z', daysLeft: 18 }, message: expect.stringContaining('2016-02-06') };
      for (const [who, url] of [[host, `/api/host/applications/${id}`], [provider, `/api/provider/applications/${id}`], [gd, `/api/bureau/applications/${id}`]] as const) {
        const findings = (await call(a.app, who, 'GET', url)).packageChecks[0].findings as { code: string }[];
        expect(findings.filter((f) => f.code.startsWith('certificate_')), url).toEqual([expiring]);
      }
      // The same kept analysis, read later: expired (refuses), or read earlier: nothing about the certificate.
      a.clock.set('2016-02-07T00:00:00Z');
      const later = (await call(a.app, gd, 'GET', `/api/bureau/applications/${id}`)).packageChecks[0].findings as { code: string; refuses: boolean }[];
      expect(later.filter((f) => f.code.startsWith('certificate_')).map((f) => [f.code, f.refuses])).toEqual([['certificate_expired', true]]);
      a.clock.set('2015-12-01T00:00:00Z');
      const earlier = (await call(a.app, gd, 'GET', `/api/bureau/applications/${id}`)).packageChecks[0].findings as { code: string }[];
      expect(earlier.filter((f) => f.code.startsWith('certificate_'))).toEqual([]);
    } finally {
      a.clock.set(now.toISOString());
    }
  });

  it('shows the findings to the reviewer (the presenter the bureau shares), matched by platform, not by position', async () => {
    const id = await draft();
    await call(a.app, host, 'POST', `/api/host/applications/${id}/submit`, {}); // nothing uploaded: nothing to refuse
    // An upload while under review (or a package of another APP) is matched to the platform it is, or to none.
    await upload(id, 'LPSimpleExample-cal.ipa');
    await upload(id, 'phone-default-signed.hap');
    const seen = await call(a.app, provider, 'GET', `/api/provider/applications/${id}`);
    expect(seen.packageChecks.map((c: { field: string }) => c.field)).toEqual(['platforms.1']);
    expect(seen.packageChecks[0].findings.map((f: { code: string }) => f.code)).toEqual(expect.arrayContaining(['development_profile', 'certificate_expired']));
    // Nothing is kept for someone else's application.
    const wang = await signIn(a.app, 'wang@demo.beian.test');
    const form = new FormData();
    form.append('applicationId', id);
    form.append('file', new Blob([await readFile(path.join(fixtures, 'a2dp.Vol_137.apk'))]), 'a.apk');
    await fetch(`${base}/api/host/packages`, { method: 'POST', headers: wang.headers, body: form });
    expect((await a.t.db.query('select 1 from package_analyses where application_id = $1', [id])).length).toBe(2);
  });
});
