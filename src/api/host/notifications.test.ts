// A host's own notices (GET /api/host/notifications, POST …/read): what the registry told that account — newest
// first with the unread count — and never another host's (a 404 for another's id, as if it did not exist).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { call, CLOUD, fileToProvider, orgId, websiteMaterials } from '../../../tests/filing.ts';

describe('host notices', () => {
  let a: AuthTestApp;
  let host: Signed; let wang: Signed; let provider: Signed;
  const email = async (tag: string) => (await a.t.db.query<{ id: string }>(`select id from outbox where channel = 'email' and payload ->> 'tag' = $1 order by id desc limit 1`, [tag]))[0];
  beforeAll(async () => {
    a = await authTestApp();
    [host, wang, provider] = await Promise.all(['host@demo.beian.test', 'wang@demo.beian.test', 'provider.demo'].map((l) => signIn(a.app, l))) as [Signed, Signed, Signed];
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('lists the host\'s own notices, newest first, and marks them read; another host\'s is not found', async () => {
    const me = (await call(a.app, host, 'GET', '/api/auth/session')).user.id as string;
    const other = (await call(a.app, wang, 'GET', '/api/auth/session')).user.id as string;
    const rows = await a.t.db.query<{ id: string }>(
      `insert into notifications (user_id, event, title, body) values ($1, 'service.revoked', '备案已撤销', '…'), ($2, 'service.revoked', '王的通知', '…') returning id::text`, [me, other]);
    const mine = await call(a.app, host, 'GET', '/api/host/notifications?unread=true');
    expect(mine.items[0]).toMatchObject({ id: Number(rows[0]!.id), title: '备案已撤销', readAt: null });
    expect(mine.items.map((n: { title: string }) => n.title)).not.toContain('王的通知');
    expect(mine.unread).toBeGreaterThan(0);
    const theirs = await a.app.inject({ method: 'POST', url: '/api/host/notifications/read', headers: host.headers, payload: { ids: [Number(rows[1]!.id)] } });
    expect(theirs.statusCode).toBe(404);
    expect(await call(a.app, host, 'POST', '/api/host/notifications/read', { ids: [Number(rows[0]!.id)] })).toEqual({ read: 1, already: 0 });
    const after = await call(a.app, host, 'GET', '/api/host/notifications');
    expect(after.items.find((n: { id: number }) => n.id === Number(rows[0]!.id)).readAt).toEqual(expect.any(String));
    expect(after.unread).toBe(mine.unread - 1);
    expect((await a.app.inject({ method: 'GET', url: '/api/host/notifications', headers: provider.headers })).statusCode).toBe(403);
  });

  it('gives each notice in each language apart (texts) beside the bilingual title and body the email carries; a notice of before has none', async () => {
    const cloud = await orgId(a.t.db, CLOUD);
    const id = await fileToProvider(a.app, host, { serviceType: 'website', submitterOrgId: cloud, materials: websiteMaterials(cloud) });
    const reasons = [{ field: 'service.name', error: '网站名称与内容不符', suggestion: '使用能体现网站内容的名称' }];
    await call(a.app, provider, 'POST', `/api/provider/applications/${id}/return`, { reasons });
    const list = await call(a.app, host, 'GET', '/api/host/notifications?pageSize=50');
    const returned = list.items.find((n: { event: string; applicationId: string }) => n.event === 'application.returned_by_provider' && n.applicationId === id);
    // The stored title and body are the email's, in both languages.
    expect(returned.title).toMatch(/的备案申请被退回 \/ Returned by the first review$/);
    expect(returned.body).toContain('修改意见 / Reasons:');
    expect(returned.body).toContain('The first review returned the filing');
    const { 'zh-CN': zh, en } = returned.texts;
    expect(zh.title).toMatch(/^您的网站".+"的备案申请被退回$/);
    expect(zh.body).toContain('修改意见：\n1. [服务名称] 网站名称与内容不符；建议：使用能体现网站内容的名称');
    expect(zh.body).toContain(`申请编号：${id}`);
    expect(en).toEqual({ title: 'Returned by the first review', body: expect.stringContaining('The first review returned the filing; correct the fields below and resubmit.') });
    expect(en.body).toContain('Reasons:\n1. [Service name] 网站名称与内容不符; suggestion: 使用能体现网站内容的名称');
    expect(en.body).toContain(`Application: ${id}`);
    // Each language alone: no line of the other.
    expect(zh.body).not.toMatch(/Reasons|first review|Application:/);
    expect(`${en.title}\n${en.body}`).not.toMatch(/修改意见|退回|申请编号|备案系统/);
    // The organisation's copy too; the email stays bilingual.
    const org = (await call(a.app, provider, 'GET', '/api/org/notifications?pageSize=50')).items
      .find((n: { event: string; applicationId: string }) => n.event === 'application.returned_by_provider' && n.applicationId === id);
    expect(org.texts.en.title).toBe('Returned by the first review');
    expect(org.texts['zh-CN'].body).toContain('主办者');
    expect(await email('application.returned_by_provider')).toBeDefined();
    // A notice written before notices kept each language: its texts are null, its bilingual text as stored.
    const me = (await call(a.app, host, 'GET', '/api/auth/session')).user.id as string;
    const [old] = await a.t.db.query<{ id: string }>(`insert into notifications (user_id, event, title, body) values ($1, 'service.shell', '旧通知 / Old notice', '旧正文\nOld body') returning id::text`, [me]);
    const before = (await call(a.app, host, 'GET', '/api/host/notifications')).items.find((n: { id: number }) => n.id === Number(old!.id));
    expect(before).toMatchObject({ title: '旧通知 / Old notice', body: '旧正文\nOld body', texts: null });
  });
});
