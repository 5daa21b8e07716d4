import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from '../../tests/db.ts';
import { seedNoticeFixture } from '../../tests/notify-fixtures.ts';
import { startTestSmtp, type TestSmtp } from '../../tests/smtp.ts';
import { noticeApplicationEvent } from './application-notices.ts';
import { createSmtpSender } from './email.ts';
import { createDevSmsProvider, latestDevSms } from './sms.ts';
import { APPLICATION_EVENTS, SMS_EVENTS } from './templates.ts';
import { drainOutbox } from './worker.ts';

const PUBLIC_URL = 'https://beian.example.cn';
const AT = new Date('2026-03-20T08:00:00Z');
const approved = { serviceNumber: '粤ICP备2026000001号-1A', mainNumber: '粤ICP备2026000001号' };

describe('application notices', () => {
  let t: TestDb;
  let smtp: TestSmtp;

  beforeAll(async () => {
    t = await testDatabase();
    smtp = await startTestSmtp();
  });
  afterAll(async () => {
    await smtp.close();
    await t.close();
  });

  const drain = async () => {
    const email = createSmtpSender({ url: smtp.url, from: 'beian <noreply@beian.test>' });
    try {
      return await drainOutbox({ db: t.db, sealer: t.sealer, email, sms: createDevSmsProvider(t.db, t.sealer), now: () => new Date() });
    } finally {
      await email.close();
    }
  };

  it('approval: in-app notices for host and organisation, emails to both, SMS to the host — sent after commit', async () => {
    const f = await seedNoticeFixture(t.db, t.sealer);
    const counts = await t.db.transaction((tx) => noticeApplicationEvent(tx, t.sealer, {
      applicationId: f.applicationId, event: 'application.approved', data: approved, publicUrl: PUBLIC_URL, at: AT,
    }));
    expect(counts).toEqual({ notifications: 2, emails: 2, sms: 1 });

    const inApp = await t.db.query<{ user_id: string | null; organisation_id: string | null; event: string; title: string; body: string; created_at: Date }>(
      'select user_id, organisation_id, event, title, body, created_at from notifications where application_id = $1 order by id', [f.applicationId]);
    expect(inApp).toHaveLength(2);
    expect(inApp[0]).toMatchObject({ user_id: f.hostId, organisation_id: null, event: 'application.approved', title: '您的APP"A2DP Volume"已通过备案 / Filing approved' });
    expect(inApp[1]).toMatchObject({ user_id: null, organisation_id: f.orgId, title: 'APP"A2DP Volume"已通过备案 / Filing approved' });
    expect(new Date(inApp[0]!.created_at).toISOString()).toBe(AT.toISOString());
    expect(inApp[0]!.body).toContain('广东省通信管理局已审核通过，备案号：粤ICP备2026000001号-1A。');
    expect(inApp[0]!.body).toContain('The Guangdong Communications Administration approved the filing.');

    // nothing in the outbox is readable without the key
    const payloads = JSON.stringify(await t.db.query('select payload from outbox'));
    for (const s of [f.hostEmail, f.orgEmail, f.hostMobile, '粤ICP备', 'A2DP']) expect(payloads).not.toContain(s);

    expect(await drain()).toBe(3);
    const mails = await smtp.waitFor(2);
    const toHost = mails.find((m) => !Array.isArray(m.to) && m.to?.text === f.hostEmail)!;
    expect(toHost.subject).toBe('【备案通知】您的APP"A2DP Volume"已通过备案 / Filing approved');
    expect(toHost.text).toContain('备案号 / Filing number: 粤ICP备2026000001号-1A');
    expect(toHost.text).toContain(`${PUBLIC_URL}/record/${encodeURIComponent('粤ICP备2026000001号-1A')}`);
    expect(toHost.text).toContain('显著位置');
    const toOrg = mails.find((m) => !Array.isArray(m.to) && m.to?.text === f.orgEmail)!;
    expect(toOrg.subject).toBe('【备案通知】APP"A2DP Volume"已通过备案 / Filing approved');
    const sms = await latestDevSms(t.db, t.sealer, f.hostMobile);
    expect(sms?.body).toContain('已通过备案，备案号：粤ICP备2026000001号-1A');
  });

  it('a rolled-back change leaves no notice, email or SMS', async () => {
    const f = await seedNoticeFixture(t.db, t.sealer);
    const before = (await t.db.query<{ n: number }>('select count(*)::int as n from outbox'))[0]!.n;
    await expect(t.db.transaction(async (tx) => {
      await noticeApplicationEvent(tx, t.sealer, { applicationId: f.applicationId, event: 'application.rejected_by_bureau', publicUrl: PUBLIC_URL });
      throw new Error('approval failed');
    })).rejects.toThrow('approval failed');
    expect(await t.db.query('select 1 from notifications where application_id = $1', [f.applicationId])).toHaveLength(0);
    expect((await t.db.query<{ n: number }>('select count(*)::int as n from outbox'))[0]!.n).toBe(before);
  });

  it('every event notifies host and organisation; only outcomes reach the host by SMS', async () => {
    for (const event of APPLICATION_EVENTS) {
      const f = await seedNoticeFixture(t.db, t.sealer, { orgEmail: false });
      const counts = await t.db.transaction((tx) => noticeApplicationEvent(tx, t.sealer, {
        applicationId: f.applicationId, event, publicUrl: PUBLIC_URL,
        data: { ...approved, reasons: [{ field: 'app.name', error: '名称含有限制词', suggestion: '删除“官方”' }], deadline: '2026-04-17' },
      }));
      expect(counts, event).toEqual({ notifications: 2, emails: 1, sms: SMS_EVENTS.has(event) ? 1 : 0 });
      const [row] = await t.db.query<{ n: number }>('select count(*)::int as n from notifications where application_id = $1 and event = $2', [f.applicationId, event]);
      expect(row!.n).toBe(2);
    }
    expect([...SMS_EVENTS].sort()).toEqual(['application.approved', 'application.rejected_by_bureau', 'application.returned_by_provider', 'application.sms_failed']);
  });

  it('an application not yet addressed to an organisation notifies the host only', async () => {
    const f = await seedNoticeFixture(t.db, t.sealer);
    await t.db.query('update applications set submitter_org_id = null where id = $1', [f.applicationId]);
    const counts = await t.db.transaction((tx) => noticeApplicationEvent(tx, t.sealer, { applicationId: f.applicationId, event: 'application.withdrawn', publicUrl: PUBLIC_URL }));
    expect(counts).toEqual({ notifications: 1, emails: 1, sms: 0 });
  });

  it('an unknown application is a programming error', async () => {
    await expect(t.db.transaction((tx) => noticeApplicationEvent(tx, t.sealer, {
      applicationId: '00000000-0000-4000-8000-000000000000', event: 'application.approved', publicUrl: PUBLIC_URL,
    }))).rejects.toThrow(/not found/);
  });
});
