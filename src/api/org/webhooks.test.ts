// The console's webhook page through HTTP (/api/org/webhooks): list with the latest delivery and
// failures in a row, subscribe (secret once; the API's URL rules, limit and one per URL), a signed
// test delivery to a real receiver on 127.0.0.1 with its result, the deliveries with paging, delete;
// only signed-in staff of the organisation, with CSRF; another organisation's webhook is 404.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../../../tests/webhook-receiver.ts';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { KEY } from '../../../tests/verify.ts';
import { createDevSmsProvider, createUnconfiguredEmailSender, drainOutbox } from '../../notify/index.ts';
import { enqueueFilingWebhooks } from '../../notify/filing-webhooks.ts';
import { createWebhookSender } from '../../notify/webhook.ts';

describe('the console webhook routes (/api/org/webhooks)', () => {
  let a: AuthTestApp;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let platform: Signed;
  let provider: Signed;
  let device: Signed;
  const get = (s: Signed | null, url: string) => a.app.inject({ method: 'GET', url, headers: s ? { cookie: s.cookie } : {} });
  const add = (s: Signed, url: string) => a.app.inject({ method: 'POST', url: '/api/org/webhooks', headers: s.headers, payload: { url } });
  const test = (s: Signed, id: string) => a.app.inject({ method: 'POST', url: `/api/org/webhooks/${id}/test`, headers: s.headers });
  const del = (s: Signed, id: string) => a.app.inject({ method: 'DELETE', url: `/api/org/webhooks/${id}`, headers: s.headers });

  beforeAll(async () => {
    a = await authTestApp({ env: { WEBHOOKS_ALLOW_LOOPBACK: 'true' } }); // the receiver is on 127.0.0.1
    rx = await startReceiver();
    [platform, provider, device] = [await signIn(a.app, 'platform.demo'), await signIn(a.app, 'provider.demo'), await signIn(a.app, 'device.demo')];
  }, SETUP_TIMEOUT);
  afterAll(async () => { await rx?.close(); await a?.close(); });

  it('subscribes (the secret once, not cached), lists who made it without the secret, and keeps the API contract', async () => {
    const res = await add(platform, rx.url('/market'));
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const w = res.json();
    expect(w).toEqual({ id: expect.any(String), url: rx.url('/market'), createdAt: a.clock.now().toISOString(), secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/) });
    const list = await get(platform, '/api/org/webhooks');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({
      limit: 10,
      items: [{ id: w.id, url: rx.url('/market'), createdAt: w.createdAt, createdBy: { kind: 'user', name: '应用市场初审员' }, lastDelivery: null, failuresInRow: 0 }],
    });
    expect(list.body).not.toContain(w.secret);
    // The same webhook through the verification API, whose answer is unchanged.
    expect((await a.app.inject({ method: 'GET', url: '/api/verify/v1/webhooks', headers: KEY })).json()).toEqual({ items: [{ id: w.id, url: w.url, createdAt: w.createdAt }] });
    // One made with a key names the key.
    a.clock.advance(1);
    const byKey = await a.app.inject({ method: 'POST', url: '/api/verify/v1/webhooks', headers: KEY, payload: { url: rx.url('/market/key') } });
    expect(byKey.statusCode).toBe(201);
    const listed = (await get(platform, '/api/org/webhooks')).json().items;
    expect(listed.map((i: { createdBy: unknown }) => i.createdBy)).toEqual([{ kind: 'user', name: '应用市场初审员' }, { kind: 'api_key', name: '演示密钥 demo key' }]);
    expect((await del(platform, byKey.json().id)).statusCode).toBe(204);
  });

  it('refuses what the API refuses, naming body.url: not https, credentials, a private address, a URL it already has (409)', async () => {
    const refused = async (url: string, status: number, code: string) => {
      const r = await add(platform, url);
      expect([url, r.statusCode]).toEqual([url, status]);
      expect(r.json()).toMatchObject({ code, errors: [expect.objectContaining({ field: 'body.url', code })] });
    };
    await refused('http://hooks.example.cn/x', 400, 'webhook_url_scheme');
    await refused('https://user:pw@hooks.example.cn/x', 400, 'webhook_url_credentials');
    await refused('https://10.0.0.7/x', 400, 'webhook_url_address');
    await refused('https://[::ffff:a9fe:a9fe]/x', 400, 'webhook_url_address');
    await refused('not a url', 400, 'webhook_url_invalid');
    await refused(`${rx.url('/market')}#again`, 409, 'webhook_url_taken');
    const empty = await add(platform, '');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0].field).toMatch(/url/);
    const [market] = (await get(platform, '/api/org/webhooks')).json().items;
    expect((await del(platform, market.id)).statusCode).toBe(204);
  });

  it('holds at most ten webhooks per organisation (409 webhook_limit_reached), counting those made through the API', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await add(device, rx.url(`/device/${i}`));
      expect(r.statusCode).toBe(201);
      ids.push(r.json().id);
    }
    const eleventh = await add(device, rx.url('/device/10'));
    expect(eleventh.statusCode).toBe(409);
    expect(eleventh.json().code).toBe('webhook_limit_reached');
    expect((await get(device, '/api/org/webhooks')).json().items).toHaveLength(10);
    for (const id of ids) expect((await del(device, id)).statusCode).toBe(204);
    expect((await get(device, '/api/org/webhooks')).json().items).toEqual([]);
  });

  it('sends a signed webhook.test now and answers its result; a failure is not retried; the list counts failures in a row', async () => {
    const w = (await add(provider, rx.url('/cloud'))).json();
    const ok = await test(provider, w.id);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ event: 'webhook.test', serviceNumber: null, state: 'sent', responseStatus: 204, attempts: 1, error: null, nextAttemptAt: null });
    const got = rx.received.at(-1)!;
    expect(got.headers['x-beian-event']).toBe('webhook.test');
    expect(got.headers['x-beian-signature']).toBe(`sha256=${createHmac('sha256', w.secret).update(got.body).digest('hex')}`);
    expect(JSON.parse(got.body)).toEqual({ id: got.headers['x-beian-delivery'], event: 'webhook.test', occurredAt: a.clock.now().toISOString(), webhook: { id: w.id } });

    rx.answers.push(500);
    const bad = await test(provider, w.id);
    expect(bad.json()).toMatchObject({ state: 'failed', responseStatus: 500, attempts: 1, error: expect.stringContaining('500'), errorKind: 'http_status', nextAttemptAt: null });
    expect(ok.json().errorKind).toBeNull();
    const before = rx.received.length;
    a.clock.advance(3600);
    await drainOutbox({
      db: a.t.db, sealer: a.t.sealer, email: createUnconfiguredEmailSender(), sms: createDevSmsProvider(a.t.db, a.t.sealer, a.clock.now),
      webhook: createWebhookSender({ allowLoopback: true }), now: a.clock.now,
    });
    expect(rx.received.length).toBe(before); // tried once

    // The latest delivery shows the failed test (its sender just asked), but a test is a check, not an outage:
    // it is no failure in a row (docs/notifications.md "Test deliveries").
    const item = (await get(provider, '/api/org/webhooks')).json().items.find((i: { id: string }) => i.id === w.id);
    expect(item).toMatchObject({ lastDelivery: { event: 'webhook.test', state: 'failed', responseStatus: 500 }, failuresInRow: 0 });
    rx.answers.push(503);
    await test(provider, w.id);
    expect((await get(provider, '/api/org/webhooks')).json().items.find((i: { id: string }) => i.id === w.id).failuresInRow).toBe(0);
    await del(provider, w.id);
  });

  it('counts real event deliveries only in failures in a row: a test neither adds to a run of failures nor ends it', async () => {
    const w = (await add(provider, rx.url('/cloud/real'))).json();
    const [a2dp] = await a.t.db.query<{ id: string }>(`select s.id from services s join app_platforms p on p.service_id = s.id where p.package_name = 'a2dp.Vol'`);
    await a.t.db.query(`insert into verification_watches (service_id, organisation_id, last_checked_at) select $1, organisation_id, $2 from webhook_subscriptions where id = $3
                        on conflict do nothing`, [a2dp!.id, a.clock.now(), w.id]);
    const drain = () => drainOutbox({
      db: a.t.db, sealer: a.t.sealer, email: createUnconfiguredEmailSender(), sms: createDevSmsProvider(a.t.db, a.t.sealer, a.clock.now),
      webhook: createWebhookSender({ allowLoopback: true }), now: a.clock.now,
    });
    const listed = async () => (await get(provider, '/api/org/webhooks')).json().items.find((i: { id: string }) => i.id === w.id);
    // Two real deliveries fail (each is retried later): two in a row.
    await a.t.db.transaction((tx) => enqueueFilingWebhooks(tx, a2dp!.id, 'filing.changed', a.clock.now()));
    await a.t.db.transaction((tx) => enqueueFilingWebhooks(tx, a2dp!.id, 'filing.shell', a.clock.now()));
    rx.answers.push(500, 502);
    await drain();
    expect(await listed()).toMatchObject({ lastDelivery: { event: 'filing.shell', state: 'retrying' }, failuresInRow: 2 });
    // A failed test adds none; a test that succeeds ends nothing: the real deliveries are still failing.
    rx.answers.push(503);
    expect((await test(provider, w.id)).json()).toMatchObject({ state: 'failed' });
    expect(await listed()).toMatchObject({ lastDelivery: { event: 'webhook.test', state: 'failed' }, failuresInRow: 2 });
    expect((await test(provider, w.id)).json()).toMatchObject({ state: 'sent' });
    expect(await listed()).toMatchObject({ lastDelivery: { event: 'webhook.test', state: 'sent' }, failuresInRow: 2 });
    // The real deliveries' retries succeed: none in a row.
    a.clock.advance(3600);
    await drain();
    expect(await listed()).toMatchObject({ lastDelivery: { state: 'sent' }, failuresInRow: 0 });
    expect((await listed()).lastDelivery.event).not.toBe('webhook.test');
    await del(provider, w.id);
  });

  it("lists a webhook's deliveries newest first with the filing's number, paging, and a retry's next attempt", async () => {
    const w = (await add(platform, rx.url('/market/deliveries'))).json();
    const [a2dp] = await a.t.db.query<{ id: string; service_number: string }>(`select s.id, s.service_number from services s join app_platforms p on p.service_id = s.id where p.package_name = 'a2dp.Vol'`);
    await a.t.db.query(`insert into verification_watches (service_id, organisation_id, last_checked_at) select $1, organisation_id, $2 from webhook_subscriptions where id = $3`, [a2dp!.id, a.clock.now(), w.id]);
    await a.t.db.transaction((tx) => enqueueFilingWebhooks(tx, a2dp!.id, 'filing.changed', a.clock.now()));
    rx.answers.push(502);
    await drainOutbox({
      db: a.t.db, sealer: a.t.sealer, email: createUnconfiguredEmailSender(), sms: createDevSmsProvider(a.t.db, a.t.sealer, a.clock.now),
      webhook: createWebhookSender({ allowLoopback: true }), now: a.clock.now,
    });
    await test(platform, w.id);
    const page1 = await get(platform, `/api/org/webhooks/${w.id}/deliveries?limit=1`);
    expect(page1.statusCode).toBe(200);
    expect(page1.json()).toMatchObject({ total: 2, items: [{ event: 'webhook.test', state: 'sent' }] });
    const page2 = (await get(platform, `/api/org/webhooks/${w.id}/deliveries?limit=1&offset=1`)).json();
    expect(page2).toEqual({
      total: 2,
      items: [{
        id: expect.any(Number), event: 'filing.changed', serviceNumber: a2dp!.service_number, state: 'retrying', responseStatus: 502, attempts: 1,
        error: expect.stringContaining('502'), errorKind: 'http_status', createdAt: expect.any(String), lastAttemptAt: a.clock.now().toISOString(),
        nextAttemptAt: new Date(a.clock.now().getTime() + 30_000).toISOString(),
      }],
    });
    expect((await get(platform, `/api/org/webhooks/${w.id}/deliveries?offset=5`)).json()).toEqual({ items: [], total: 2 });
    expect((await get(platform, `/api/org/webhooks/${w.id}/deliveries?limit=0`)).statusCode).toBe(400);
  });

  it("keeps a failed test out of the administrator's failure queue, which lists the real failures with their kind", async () => {
    // A test to an address nobody listens on: the sender sees it failed, and why (its kind).
    const closed = await startReceiver();
    const gone = closed.url('/gone');
    await closed.close();
    const w = (await add(provider, gone)).json();
    const failed = (await test(provider, w.id)).json();
    expect(failed).toMatchObject({ event: 'webhook.test', state: 'failed', responseStatus: null, error: expect.stringContaining('ECONNREFUSED'), errorKind: 'connection_refused' });
    // A real delivery to it fails too, and is retried.
    const [a2dp] = await a.t.db.query<{ id: string; service_number: string }>(`select s.id, s.service_number from services s join app_platforms p on p.service_id = s.id where p.package_name = 'a2dp.Vol'`);
    await a.t.db.query(`insert into verification_watches (service_id, organisation_id, last_checked_at) select $1, organisation_id, $2 from webhook_subscriptions where id = $3
                        on conflict do nothing`, [a2dp!.id, a.clock.now(), w.id]);
    await a.t.db.transaction((tx) => enqueueFilingWebhooks(tx, a2dp!.id, 'filing.cancelled', a.clock.now()));
    await drainOutbox({
      db: a.t.db, sealer: a.t.sealer, email: createUnconfiguredEmailSender(), sms: createDevSmsProvider(a.t.db, a.t.sealer, a.clock.now),
      webhook: createWebhookSender({ allowLoopback: true }), now: a.clock.now,
    });
    const admin = await signIn(a.app, 'admin');
    const queue = (await get(admin, '/api/admin/deliveries?channel=webhook')).json();
    const host = new URL(gone).host;
    const mine = queue.items.filter((i: { recipient: string }) => i.recipient === host);
    expect(mine).toEqual([expect.objectContaining({
      event: 'filing.cancelled', state: 'retrying', errorKind: 'connection_refused', httpStatus: null, error: expect.stringContaining('ECONNREFUSED'),
    })]);
    // No test delivery at all, though the failed ones of the tests above are dead rows of the outbox.
    const [dead] = await a.t.db.query<{ n: number }>(`select count(*)::int as n from outbox where status = 'dead' and payload ->> 'tag' = 'webhook.test'`);
    expect(dead!.n).toBeGreaterThanOrEqual(3);
    expect(queue.items.map((i: { event: string }) => i.event)).not.toContain('webhook.test');
    const all = (await get(admin, '/api/admin/deliveries?state=dead&limit=500')).json();
    expect(all.items.map((i: { event: string }) => i.event)).not.toContain('webhook.test');
    // The real 502 of the test above is read as an HTTP status.
    expect(queue.items).toContainEqual(expect.objectContaining({ event: 'filing.changed', errorKind: 'http_status', httpStatus: 502 }));
    await del(provider, w.id);
  });

  it("answers 404 for another organisation's webhook (deliveries, test, delete) and for one deleted; nothing is sent", async () => {
    const mine = (await add(platform, rx.url('/market/private'))).json();
    const before = rx.received.length;
    for (const other of [provider, device]) {
      for (const r of [await get(other, `/api/org/webhooks/${mine.id}/deliveries`), await test(other, mine.id), await del(other, mine.id)]) {
        expect(r.statusCode).toBe(404);
        expect(r.json().code).toBe('webhook_not_found');
      }
      expect(JSON.stringify((await get(other, '/api/org/webhooks')).json())).not.toContain(mine.id);
    }
    expect(rx.received.length).toBe(before);
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) expect((await test(platform, id)).statusCode).toBe(404);
    expect((await del(platform, mine.id)).statusCode).toBe(204);
    expect((await del(platform, mine.id)).statusCode).toBe(404);
    expect((await test(platform, mine.id)).statusCode).toBe(404);
    expect((await get(platform, `/api/org/webhooks/${mine.id}/deliveries`)).statusCode).toBe(404);
  });

  it('is for signed-in organisation staff, with the CSRF token: keys, hosts, bureaus and the anonymous are refused', async () => {
    expect((await get(null, '/api/org/webhooks')).statusCode).toBe(401);
    expect((await a.app.inject({ method: 'GET', url: '/api/org/webhooks', headers: KEY })).json().code).toBe('session_required');
    for (const login of ['host@demo.beian.test', 'gd.reviewer', 'admin']) {
      const s = await signIn(a.app, login);
      expect([login, (await get(s, '/api/org/webhooks')).statusCode]).toEqual([login, 403]);
      expect([login, (await add(s, rx.url('/nobody'))).statusCode]).toEqual([login, 403]);
    }
    const noCsrf = await a.app.inject({ method: 'POST', url: '/api/org/webhooks', headers: { cookie: platform.cookie }, payload: { url: rx.url('/csrf') } });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe('csrf_token_invalid');
    expect((await get(platform, '/api/org/webhooks')).json().items.map((i: { url: string }) => i.url)).not.toContain(rx.url('/csrf'));
  });
});

describe('the console webhook routes without WEBHOOKS_ALLOW_LOOPBACK', () => {
  let a: AuthTestApp;
  beforeAll(async () => { a = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('refuses this machine as a webhook address, naming body.url', async () => {
    const s = await signIn(a.app, 'platform.demo');
    for (const url of ['http://127.0.0.1:8080/x', 'https://localhost/x', 'https://[::1]/x']) {
      const r = await a.app.inject({ method: 'POST', url: '/api/org/webhooks', headers: s.headers, payload: { url } });
      expect([url, r.statusCode, r.json().errors?.[0]]).toEqual([url, 400, expect.objectContaining({ field: 'body.url', code: 'webhook_url_address' })]);
    }
  });
});
