// Numbers under concurrent approvals in one province, and the approval email arriving at a
// real SMTP server (issue 3, item 11).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilingNumber } from '../src/domain/filing-number.ts';
import { createSmtpSender } from '../src/notify/index.ts';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from './auth.ts';
import { appMaterials, call, CLOUD, deliver, fileToProvider, orgId, throughSms, websiteMaterials } from './filing.ts';
import { startTestSmtp, type TestSmtp } from './smtp.ts';

describe('number allocation and the approval email', () => {
  let h: AuthTestApp; let smtp: TestSmtp;
  let host: Signed; let provider: Signed; let gd: Signed; let cloud: string;

  beforeAll(async () => {
    h = await authTestApp();
    smtp = await startTestSmtp();
    [host, provider, gd] = await Promise.all(['host@demo.beian.test', 'provider.demo', 'gd.reviewer'].map((l) => signIn(h.app, l))) as [Signed, Signed, Signed];
    cloud = await orgId(h.t.db, CLOUD);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); await smtp?.close(); });

  it('allocates distinct, sequential main and service numbers when a province approves at once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const body = i % 2 ? { serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud) } : { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) };
      const id = await fileToProvider(h.app, host, body);
      await throughSms(h, host, provider, id);
      ids.push(id);
    }
    const results = await Promise.all(ids.map((id) => call(h.app, gd, 'POST', `/api/bureau/applications/${id}/approve`)));
    const mains = results.map((r) => r.mainNumber as string);
    expect(new Set(mains).size).toBe(6);
    const serials = mains.map((m) => { const p = parseFilingNumber(m); if (!p.ok) throw new Error(m); return Number(p.value.serial.slice(-6)); }).sort((a, b) => a - b);
    expect(serials).toEqual([1, 2, 3, 4, 5, 6]);
    for (const r of results) {
      expect(r.mainNumber).toMatch(/^粤ICP备2026\d{6}号$/);
      expect(r.serviceNumber).toBe(`${r.mainNumber}-1${r.application.serviceType === 'app' ? 'A' : ''}`);
    }
    const again = await h.app.inject({ method: 'POST', url: `/api/bureau/applications/${ids[0]}/approve`, headers: gd.headers });
    expect(again.statusCode).toBe(409);
  });

  it('the database refuses a duplicate number or a second active filing of a package', async () => {
    const [svc] = await h.t.db.query<{ service_number: string; subject_id: string; principal_person_id: string }>(`select service_number, subject_id, principal_person_id from services limit 1`);
    await expect(h.t.db.query(
      `insert into services (subject_id, service_type, name, principal_person_id, sequence, service_number, filed_at, status_changed_at)
       values ($1, 'website', 'dup', $2, 999, $3, now(), now())`, [svc!.subject_id, svc!.principal_person_id, svc!.service_number])).rejects.toThrow(/unique|duplicate/i);
    const [p] = await h.t.db.query<{ service_id: string }>(`select service_id from app_platforms where package_name = 'a2dp.Vol'`);
    await expect(h.t.db.query(`insert into app_platforms (service_id, platform, package_name) values ($1, 'android', 'a2dp.Vol')`, [p!.service_id]))
      .rejects.toThrow(/unique|duplicate/i);
  });

  it('emails the host the number and the display rule through a real SMTP server', async () => {
    const id = await fileToProvider(h.app, host, { serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud) });
    await throughSms(h, host, provider, id);
    const approved = await call(h.app, gd, 'POST', `/api/bureau/applications/${id}/approve`);
    const before = smtp.messages.length;
    await deliver(h, createSmtpSender({ url: smtp.url, from: 'beian <noreply@beian.test>' }));
    const mails = await smtp.waitFor(before + 1);
    const approval = mails.find((m) => m.subject?.includes('已通过备案') && m.text?.includes(approved.serviceNumber));
    expect(approval, mails.map((m) => m.subject).join(' | ')).toBeDefined();
    expect((approval!.to as { text: string }).text).toContain('host@demo.beian.test');
    expect(approval!.text).toContain(`/record/${encodeURIComponent(approved.serviceNumber)}`);
  });
});
