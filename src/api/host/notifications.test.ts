// A host's own notices (GET /api/host/notifications, POST …/read): what the registry told that account — newest
// first with the unread count — and never another host's (a 404 for another's id, as if it did not exist).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { call } from '../../../tests/filing.ts';

describe('host notices', () => {
  let a: AuthTestApp;
  let host: Signed; let wang: Signed; let provider: Signed;
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
});
