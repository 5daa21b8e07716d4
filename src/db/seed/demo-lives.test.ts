// The demo's lives (issue 13 item 10): seeded with `lives`, every records queue and list shows
// something on first start — shells (one under publicity, one due for cleanup), notices, a
// cancelled and a revoked record with their timelines, an expiring certificate — and the
// state agrees with the lifecycle (a shell is filed with shell_since and no active access).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, signIn } from '../../../tests/auth.ts';
import { call } from '../../../tests/filing.ts';
import { expectPublicEventsCurrent } from '../../../tests/public-events.ts';
import { type FilingEvent, filingEventBody, filingOfEvent } from '../filing-event-body.ts';

/** Every key path of a JSON value (`a.b`, `a.list[].c`), sorted: its shape. */
function keyPaths(v: unknown, at = ''): string[] {
  if (Array.isArray(v)) return [...new Set(v.flatMap((x) => keyPaths(x, `${at}[]`)))].sort();
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => [`${at}${at ? '.' : ''}${k}`, ...keyPaths(x, `${at}${at ? '.' : ''}${k}`)]).sort();
}

describe('demo lives', () => {
  let a: AuthTestApp;
  beforeAll(async () => {
    a = await authTestApp({ demoLives: true });
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('gives every records list something to show', async () => {
    const gd = await signIn(a.app, 'gd.reviewer');
    const shells = (await call(a.app, gd, 'GET', '/api/bureau/shells')).items;
    expect(shells.map((s: { serviceName: string }) => s.serviceName)).toEqual(['云端活动页', '云端示例官网', '云端帮助中心', '云端开发者文档']);
    const notices = (await call(a.app, gd, 'GET', '/api/bureau/notices')).items;
    expect(notices.map((n: { status: string }) => n.status)).toEqual(['publicised', 'publicised', 'executed']);
    expect((await call(a.app, gd, 'GET', '/api/bureau/expiring')).items).toEqual([expect.objectContaining({ kind: 'subject_principal', expired: false })]);
    const pub = (await a.app.inject({ method: 'GET', url: '/api/public/v1/notices' })).json();
    expect(pub.items).toHaveLength(3);
    const host = await signIn(a.app, 'host@demo.beian.test');
    const mine = (await call(a.app, host, 'GET', '/api/host/records')).items.find((s: { name: string }) => s.name === '深圳市示例云端科技有限公司');
    expect(mine.services.map((s: { state: string }) => s.state).sort()).toEqual(['cancelled', 'cancelled', 'filed', 'revoked', 'shell', 'shell', 'shell', 'shell']);
    const provider = await signIn(a.app, 'provider.demo');
    expect((await call(a.app, provider, 'GET', '/api/provider/services')).items.some((i: { serviceName: string }) => i.serviceName === '云端笔记')).toBe(true);
    // The due notice can be carried out at once: its shell is cleaned up.
    const due = notices.find((n: { title: string }) => n.title.includes('待清理'));
    expect(await call(a.app, gd, 'POST', `/api/bureau/notices/${due.id}/execute`)).toMatchObject({ cleaned: [expect.any(String)] });
    const revoked = mine.services.find((s: { state: string }) => s.state === 'revoked');
    const rec = (await a.app.inject({ method: 'GET', url: `/api/public/v1/services/${encodeURIComponent(revoked.serviceNumber)}` })).json();
    expect(rec.events.map((e: { type: string }) => e.type)).toEqual(['filed', 'revoked']);
    const bad = await a.t.db.query(`select 1 from services s where s.shell_since is not null and exists (select 1 from access_records ar where ar.service_id = s.id and ar.active)`);
    expect(bad).toEqual([]);
  });

  it("gives the provider a webhook with deliveries (the console's 回调通知 page), none of them waiting to be sent", async () => {
    const provider = await signIn(a.app, 'provider.demo');
    const { items } = await call(a.app, provider, 'GET', '/api/org/webhooks');
    expect(items).toEqual([expect.objectContaining({
      url: 'https://hooks.demo-cloud.test/beian/filings', createdBy: { kind: 'user', name: '示例云初审员' },
      lastDelivery: expect.objectContaining({ event: 'filing.shell', state: 'failed', responseStatus: 503, attempts: 10 }), failuresInRow: 1,
    })]);
    const deliveries = await call(a.app, provider, 'GET', `/api/org/webhooks/${items[0].id}/deliveries`);
    expect(deliveries.items.map((d: { event: string; state: string }) => `${d.event} ${d.state}`))
      .toEqual(['filing.shell failed', 'filing.cancelled sent', 'filing.revoked sent', 'filing.shell sent', 'webhook.test sent']);
    // Each names a record of the lives' subject, in the state the event says.
    const numbers = deliveries.items.filter((d: { serviceNumber: string | null }) => d.serviceNumber).map((d: { serviceNumber: string }) => d.serviceNumber);
    const states = await a.t.db.query<{ service_number: string; status: string; shell: boolean }>(
      'select service_number, status, shell_since is not null as shell from services where service_number = any($1::text[]) order by service_number', [numbers]);
    expect(states.map((r) => (r.shell ? 'shell' : r.status)).sort()).toEqual(['cancelled', 'revoked', 'shell', 'shell']);
    // A first start sends nothing to the demo's URL (a `.test` name, which never resolves).
    expect(await a.t.db.query(`select id from outbox where channel = 'webhook' and status = 'pending'`)).toEqual([]);
    // The platform (another organisation) does not see it.
    expect((await call(a.app, await signIn(a.app, 'platform.demo'), 'GET', '/api/org/webhooks')).items).toEqual([]);
  });

  it('writes its filing deliveries with the body a real delivery of the event carries (filing.removedIdentities included; src/db/filing-event-body.ts)', async () => {
    const demo = await a.t.db.query<{ payload: { body: { event: FilingEvent; filing: Record<string, unknown> } } }>(
      `select payload from outbox where channel = 'webhook' and payload->'body'->>'event' like 'filing.%' order by id`);
    expect(demo.length).toBe(4);
    // The same events as the real writer (src/notify/filing-webhooks.ts) builds them now for the same filings.
    const real = await Promise.all(demo.map(async ({ payload: { body } }) => {
      const [svc] = await a.t.db.query<{ id: string }>('select id from services where service_number = $1', [body.filing.serviceNumber]);
      return filingEventBody(body.event, a.clock.now(), await filingOfEvent(a.t.db, svc!.id));
    }));
    demo.forEach(({ payload: { body } }, i) => {
      expect(keyPaths(body)).toEqual(keyPaths(real[i]));
      expect(body.filing).toEqual(real[i]!.filing); // the filing as it stands, field for field
      expect(body.filing.removedIdentities).toEqual([]); // none on a shell, revocation or cancellation
    });
  });

  it('gives every revoked record of the demo its public revocationCategory (never null), and the database refuses one without', async () => {
    const revoked = await a.t.db.query<{ service_number: string }>(`select service_number from services where status = 'revoked' order by service_number`);
    expect(revoked.length).toBeGreaterThanOrEqual(2); // the demo game and the lives' download site
    for (const { service_number } of revoked) {
      const rec = (await a.app.inject({ method: 'GET', url: `/api/public/v1/services/${encodeURIComponent(service_number)}` })).json();
      expect([service_number, rec.revocationCategory]).toEqual([service_number, expect.stringMatching(/^(false_materials|shell_cleanup|illegal|other)$/)]);
    }
    await expect(a.t.db.query(`update services set status = 'revoked' where status = 'filed' and shell_since is null and id = (select id from services where status = 'filed' limit 1)`))
      .rejects.toThrow(/services_revoked_has_category/);
  });

  it('keeps the stored public events of every record what history says, after the lives of the demo records (migration 0029)', async () => {
    await expectPublicEventsCurrent(a.t.db);
  });
});
