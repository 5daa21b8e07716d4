// A record filed under a division abolished since (ADR 0036): it reads as filed, a change of one
// of its services (which carries no subject) is not held up by it, and a change of the subject is
// new input that must name a current division.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from './auth.ts';
import { call } from './filing.ts';

describe('a filed record whose district was abolished since', () => {
  let h: AuthTestApp; let host: Signed; let site: string; let subjectId: string;

  beforeAll(async () => {
    h = await authTestApp();
    host = await signIn(h.app, 'host@demo.beian.test');
    const [row] = await h.t.db.query<{ id: string; subject_id: string }>(`select id, subject_id from services where service_number = '粤ICP备2024000001号-1'`);
    site = row!.id; subjectId = row!.subject_id;
    // 增城市 440183 became 增城区 440118 in 2014: the record carries the code of its day.
    await h.t.db.query(`update subjects set city_code = '440100', district_code = '440183' where id = $1`, [subjectId]);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  it('reads as filed, does not hold up a service change and blocks only a change of the subject', async () => {
    const subject = await call(h.app, host, 'GET', `/api/host/subjects/${subjectId}/materials`);
    expect(subject.materials.subject).toMatchObject({ cityCode: '440100', districtCode: '440183' });
    const filed = await call(h.app, host, 'GET', `/api/host/services/${site}/materials`);

    const change = await call(h.app, host, 'POST', '/api/host/applications', {
      ...filed, materials: { ...filed.materials, service: { ...filed.materials.service, name: `${filed.materials.service.name}（新）` } },
    }, 201);
    expect(change.applicationType).toBe('change_service');
    expect(change.problems).toEqual([]);
    expect((await call(h.app, host, 'POST', `/api/host/applications/${change.id}/submit`, { submitterOrgId: filed.materials.access[0].providerOrgId })).status).toBe('provider_review');
    await call(h.app, host, 'POST', `/api/host/applications/${change.id}/withdraw`);

    const moved = await call(h.app, host, 'POST', '/api/host/applications', {
      ...subject, materials: { subject: { ...subject.materials.subject, address: `${subject.materials.subject.address}A座` } },
    }, 201);
    expect(moved.applicationType).toBe('change_subject');
    expect(moved.problems).toContainEqual(expect.objectContaining({ field: 'subject.districtCode', code: 'region_district_unknown' }));
    const fixed = await call(h.app, host, 'PUT', `/api/host/applications/${moved.id}`, {
      version: moved.version, materials: { subject: { ...subject.materials.subject, districtCode: '440118', address: `${subject.materials.subject.address}A座` } },
    });
    expect(fixed.problems.map((p: { field: string }) => p.field)).not.toContain('subject.districtCode');
  });
});
