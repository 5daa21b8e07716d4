// Webhooks for relying parties: subscription management, and delivery to a real HTTP server on
// 127.0.0.1 when a filing the organisation verified is revoked or cancelled — signed with
// HMAC-SHA-256, retried through the outbox after a failure, and only to organisations that
// checked the filing.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startReceiver } from '../../../tests/webhook-receiver.ts';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, signIn } from '../../../tests/auth.ts';
import { a2dp, expectNoPersonalData, KEY, serviceId, verify } from '../../../tests/verify.ts';
import { cancelConfirmed } from '../../../tests/filing.ts';
import { createDevSmsProvider, createUnconfiguredEmailSender, drainOutbox } from '../../notify/index.ts';
import { enqueueFilingWebhooks } from '../../notify/filing-webhooks.ts';
import { ADDRESS_REFUSED, createWebhookSender } from '../../notify/webhook.ts';
import { DeliveryError } from '../../notify/errors.ts';

/** What a receiver does: recompute the HMAC of the raw body and compare in constant time. */
function signatureValid(secret: string, body: string, header: string | string[] | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(typeof header === 'string' ? header : '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('webhooks', () => {
  let a: AuthTestApp;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let deviceKey: string;
  const hooks = (headers: Record<string, string> = KEY) => a.app.inject({ method: 'GET', url: '/api/verify/v1/webhooks', headers });
  const subscribe = (url: string, headers: Record<string, string> = KEY) => a.app.inject({ method: 'POST', url: '/api/verify/v1/webhooks', headers, payload: { url } });
  const drain = () => drainOutbox({
    db: a.t.db, sealer: a.t.sealer, email: createUnconfiguredEmailSender(), sms: createDevSmsProvider(a.t.db, a.t.sealer, a.clock.now),
    webhook: createWebhookSender({ timeoutMs: 5000, allowLoopback: true }), now: a.clock.now,
  });
  const outbox = () => a.t.db.query<{ id: number; status: string; attempts: number; last_error: string | null; payload: { url: string; secret?: string; tag?: string } }>(
    `select id, status, attempts, last_error, payload from outbox where channel = 'webhook' order by id`);

  beforeAll(async () => {
    a = await authTestApp({ env: { WEBHOOKS_ALLOW_LOOPBACK: 'true' } }); // the receiver is on 127.0.0.1
    rx = await startReceiver();
    const device = await signIn(a.app, 'device.demo');
    const key = await a.app.inject({ method: 'POST', url: '/api/org/api-keys', headers: device.headers, payload: { name: 'webhook test' } });
    deviceKey = key.json().secret;
  }, SETUP_TIMEOUT);
  afterAll(async () => { await rx?.close(); await a?.close(); });

  it('subscribes (secret once), lists without secrets, refuses bad URLs, deletes only its own', async () => {
    const created = await subscribe(rx.url('/market'));
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ url: rx.url('/market'), secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/) });
    expect(created.headers['cache-control']).toBe('no-store'); // the secret is in this answer only
    const twice = await subscribe(`${rx.url('/market')}#again`); // the same URL (fragments are dropped)
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'webhook_url_taken', errors: [{ field: 'body.url', code: 'webhook_url_taken' }] });
    const list = await hooks();
    expect(list.json().items).toEqual([{ id: created.json().id, url: rx.url('/market'), createdAt: expect.any(String) }]);
    expect(list.body).not.toContain(created.json().secret);
    const [stored] = await a.t.db.query<{ secret_enc: string }>('select secret_enc from webhook_subscriptions where id = $1', [created.json().id]);
    expect(stored!.secret_enc).not.toContain(created.json().secret);
    expect((await subscribe('http://hooks.example.cn/x')).json().code).toBe('webhook_url_scheme');
    expect((await subscribe('https://user:pw@hooks.example.cn/x')).statusCode).toBe(400);
    const other = { authorization: `Bearer ${deviceKey}` };
    const del = await a.app.inject({ method: 'DELETE', url: `/api/verify/v1/webhooks/${created.json().id}`, headers: other });
    expect(del.statusCode).toBe(404);
    expect((await a.app.inject({ method: 'DELETE', url: '/api/verify/v1/webhooks/not-a-uuid', headers: other })).statusCode).toBe(404);
    expect((await subscribe(rx.url('/x'), {})).statusCode).toBe(401);
  });

  it('allows at most ten webhooks per organisation', async () => {
    const other = { authorization: `Bearer ${deviceKey}` };
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await subscribe(rx.url(`/device/${i}`), other);
      expect(r.statusCode).toBe(201);
      ids.push(r.json().id);
    }
    const eleventh = await subscribe(rx.url('/device/10'), other);
    expect(eleventh.statusCode).toBe(409);
    expect(eleventh.json().code).toBe('webhook_limit_reached');
    for (const id of ids) expect((await a.app.inject({ method: 'DELETE', url: `/api/verify/v1/webhooks/${id}`, headers: other })).statusCode).toBe(204);
    expect((await hooks(other)).json().items).toEqual([]);
    // The device maker keeps one webhook, but it never verifies a2dp.Vol: it must hear nothing of it.
    expect((await subscribe(rx.url('/device'), other)).statusCode).toBe(201);
  });

  it('filing.shell gives shellSince as the China date (YYYY-MM-DD), as the public record does', async () => {
    const svc = { id: await serviceId(a.t.db, 'a2dp.Vol'), service_number: '粤ICP备2024000001号-2A' };
    const [market] = await a.t.db.query<{ id: string }>(`select id from organisations where name = '示例应用市场'`);
    await a.t.db.query(`insert into verification_watches (service_id, organisation_id, last_checked_at) values ($1, $2, now()) on conflict do nothing`, [svc.id, market!.id]);
    await a.t.db.query(`update services set shell_since = '2026-10-22T20:00:02.462Z' where id = $1`, [svc.id]);
    try {
      const at = new Date('2026-10-22T20:00:02.462Z');
      expect(await a.t.db.transaction((tx) => enqueueFilingWebhooks(tx, svc.id, 'filing.shell', at))).toBeGreaterThan(0);
      const rows = await a.t.db.query<{ payload: { body: { filing: { serviceNumber: string; shellSince: string } } } }>(
        `select payload from outbox where channel = 'webhook' and payload->>'tag' = 'filing.shell'`);
      // Its status stays the filing's (filed, a contract); verificationStatus is what a verification answers at that moment: shell.
      expect(rows.map((r) => r.payload.body.filing)).toContainEqual(expect.objectContaining({ serviceNumber: svc.service_number, status: 'filed', verificationStatus: 'shell', shellSince: '2026-10-23' }));
      await vi.waitFor(async () => expect((await verify(a.app, [a2dp()])).json().results[0]).toMatchObject({ status: 'shell', shellSince: '2026-10-23' }), { timeout: 5000 });
      const record = await a.app.inject({ method: 'GET', url: `/api/public/v1/services/${encodeURIComponent(svc.service_number)}` });
      expect(record.json().shellSince).toBe('2026-10-23');
    } finally {
      await a.t.db.query('update services set shell_since = null where id = $1', [svc.id]);
      await a.t.db.query(`delete from outbox where channel = 'webhook' and payload->>'tag' = 'filing.shell'`);
    }
  });

  it('tells an organisation that verified a filing of its revocation: signed, retried after a failure', async () => {
    // A second subscription of the market, whose secret this test keeps.
    const sub = await subscribe(rx.url('/market-signed'));
    const key = sub.json().secret as string;
    expect((await verify(a.app, [a2dp()])).json().results[0].status).toBe('filed');
    const gd = await signIn(a.app, 'gd.reviewer');
    const id = await serviceId(a.t.db, 'a2dp.Vol');
    const revoke = await a.app.inject({ method: 'POST', url: `/api/bureau/services/${id}/revoke`, headers: gd.headers, payload: { reason: '超范围经营（测试）' } });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json()).toMatchObject({ status: 'revoked', serviceNumber: '粤ICP备2024000001号-2A', webhooks: 2 });
    const rows = await outbox();
    expect(rows.map((r) => [r.payload.url, r.payload.tag]).sort()).toEqual([[rx.url('/market'), 'filing.revoked'], [rx.url('/market-signed'), 'filing.revoked']]);
    expect(JSON.stringify(rows)).not.toContain(key); // the secret is sealed in the outbox too

    rx.answers.push(500, 500);
    expect(await drain()).toBe(3); // the two webhooks, and the host's email telling it of the revocation
    expect((await outbox()).map((r) => [r.status, r.attempts, r.last_error])).toEqual([
      ['pending', 1, 'delivery_failed webhook endpoint answered 500'], ['pending', 1, 'delivery_failed webhook endpoint answered 500'],
    ]);
    a.clock.advance(31);
    expect(await drain()).toBe(2);
    expect((await outbox()).map((r) => r.status)).toEqual(['sent', 'sent']);

    const signed = rx.received.filter((r) => r.headers['x-beian-signature'] && signatureValid(key, r.body, r.headers['x-beian-signature']));
    expect(signed).toHaveLength(2); // the failed attempt and the retry, same body
    expect(signed[0]!.body).toBe(signed[1]!.body);
    const event = JSON.parse(signed[1]!.body);
    expect(signed[1]!.headers).toMatchObject({ 'x-beian-event': 'filing.revoked', 'x-beian-delivery': event.id, 'content-type': 'application/json; charset=utf-8' });
    expect(event).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/), event: 'filing.revoked', occurredAt: '2026-03-02T02:00:00.000Z',
      filing: {
        serviceNumber: '粤ICP备2024000001号-2A', mainNumber: '粤ICP备2024000001号', serviceName: 'A2DP Volume', serviceType: 'app',
        status: 'revoked', verificationStatus: 'revoked', statusChangedAt: '2026-03-02T02:00:00.000Z', shellSince: null, hostName: '深圳市示例网络科技有限公司', platforms: [{ platform: 'android', packageName: 'a2dp.Vol' }],
        removedIdentities: [],
      },
    });
    // Signed with the other subscription's secret, not this one's.
    expect(rx.received.filter((r) => !signatureValid(key, r.body, r.headers['x-beian-signature']))).toHaveLength(2);
    expect(rx.received.some((r) => r.headers['x-beian-signature'] === undefined)).toBe(false);
    expect(rx.received.every((r) => !r.body.includes('device'))).toBe(true);
    expect((await verify(a.app, [a2dp()])).json().results[0].status).toBe(event.filing.verificationStatus);
  });

  it('tells of a cancellation, with no personal data, and only organisations that checked it', async () => {
    const before = rx.received.length;
    const other = { authorization: `Bearer ${deviceKey}` };
    // The device maker checks the ledger app; the market does not.
    expect((await verify(a.app, [{ platform: 'ios', packageName: 'com.example.ledger', fingerprint: 'fedcba9876543210fedcba9876543210fedcba98' }], other)).json().results[0].status).toBe('filed');
    const host = await signIn(a.app, 'host@demo.beian.test');
    const cancel = await cancelConfirmed(a, host, `/api/host/services/${await serviceId(a.t.db, 'com.example.ledger', 'ios')}/cancel`);
    expect(cancel.status).toBe('confirmed');
    await drain(); // the code's SMS and the host's email go out too; one webhook (below)
    const got = rx.received.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]!.headers['x-beian-event']).toBe('filing.cancelled');
    expect(JSON.parse(got[0]!.body).filing).toMatchObject({ serviceNumber: '浙ICP备2024000001号-1A', status: 'cancelled', verificationStatus: 'cancelled' });
    for (const r of rx.received) expectNoPersonalData(r.body);
  });

  it('gives up on 410 Gone at once', async () => {
    const gone = await subscribe(rx.url('/gone'), { authorization: `Bearer ${deviceKey}` });
    expect(gone.statusCode).toBe(201);
    const admin = await signIn(a.app, 'admin');
    // The device maker looks a filed website up by number (a watch too), then the ministry revokes it.
    const other = { authorization: `Bearer ${deviceKey}` };
    const [site] = await a.t.db.query<{ id: string; service_number: string }>(
      `select id, service_number from services where service_type = 'website' and status = 'filed' order by service_number limit 1`);
    expect((await a.app.inject({ method: 'GET', url: `/api/verify/v1/numbers/${encodeURIComponent(site!.service_number)}`, headers: other })).statusCode).toBe(200);
    rx.answers.push(410, 410);
    const r = await a.app.inject({ method: 'POST', url: `/api/bureau/services/${site!.id}/revoke`, headers: admin.headers, payload: { reason: '空壳网站清理（测试）' } });
    expect(r.statusCode).toBe(200);
    expect(r.json().webhooks).toBe(2);
    await drain();
    const rows = (await outbox()).slice(-2);
    expect(rows.map((x) => [x.status, x.attempts])).toEqual([['dead', 1], ['dead', 1]]);
  });

  it('sends nothing to a webhook deleted after the event was queued (queue, delete, drain)', async () => {
    const other = { authorization: `Bearer ${deviceKey}` };
    const withdrawn = await subscribe(rx.url('/withdrawn'), other);
    expect(withdrawn.statusCode).toBe(201);
    const admin = await signIn(a.app, 'admin');
    const [site] = await a.t.db.query<{ id: string; service_number: string }>(
      `select id, service_number from services where service_type = 'website' and status = 'filed' order by service_number limit 1`);
    expect((await a.app.inject({ method: 'GET', url: `/api/verify/v1/numbers/${encodeURIComponent(site!.service_number)}`, headers: other })).statusCode).toBe(200);
    const r = await a.app.inject({ method: 'POST', url: `/api/bureau/services/${site!.id}/revoke`, headers: admin.headers, payload: { reason: '违法违规（测试）' } });
    expect(r.statusCode).toBe(200);
    expect((await a.app.inject({ method: 'DELETE', url: `/api/verify/v1/webhooks/${withdrawn.json().id}`, headers: other })).statusCode).toBe(204);
    const before = rx.received.length;
    await drain();
    expect(rx.received.slice(before).map((x) => x.path)).not.toContain('/withdrawn');
    expect(rx.received.slice(before).length).toBeGreaterThan(0); // the device maker's other webhooks still hear of it
    const [row] = await a.t.db.query<{ status: string; last_error_code: string }>(
      `select status, last_error_code from outbox where channel = 'webhook' and payload->>'url' = $1`, [rx.url('/withdrawn')]);
    expect(row).toEqual({ status: 'dropped', last_error_code: 'subscription_deleted' });
  });

  it('refuses internal and link-local addresses at subscription, naming body.url (loopback allowed here: WEBHOOKS_ALLOW_LOOPBACK)', async () => {
    for (const url of ['https://169.254.169.254/latest/meta-data', 'https://10.1.2.3/x', 'https://2852039166/', 'https://[::ffff:a9fe:a9fe]/x', 'https://[fd00::1]/x']) {
      const r = await subscribe(url);
      expect([url, r.statusCode]).toEqual([url, 400]);
      expect(r.json()).toMatchObject({ code: 'webhook_url_address', errors: [{ field: 'body.url', code: 'webhook_url_address' }] });
    }
    const local = await subscribe('http://[::1]:3202/x');
    expect(local.statusCode).toBe(201);
    expect((await a.app.inject({ method: 'DELETE', url: `/api/verify/v1/webhooks/${local.json().id}`, headers: KEY })).statusCode).toBe(204);
  });

  it('resolves the host at send time and never connects to a non-public address (DNS rebinding)', async () => {
    const rebound = createWebhookSender({ timeoutMs: 2000, resolve: async () => [{ address: '10.0.0.5', family: 4 }, { address: '203.119.1.1', family: 4 }] });
    const err = await rebound.send({ url: 'https://hooks.rebinding.example/x', secret: 's', body: { id: '1' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ remoteCode: ADDRESS_REFUSED, permanent: false, message: expect.stringContaining('10.0.0.5') });
    // Loopback only with the allowance; literal addresses are judged without a lookup.
    const before = rx.received.length;
    const strict = createWebhookSender({ timeoutMs: 2000 });
    await expect(strict.send({ url: rx.url('/strict'), body: {} })).rejects.toMatchObject({ remoteCode: ADDRESS_REFUSED });
    await expect(strict.send({ url: 'https://169.254.169.254/latest/meta-data', body: {} })).rejects.toMatchObject({ remoteCode: ADDRESS_REFUSED });
    const toLoopbackName = createWebhookSender({ timeoutMs: 2000, resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    await expect(toLoopbackName.send({ url: rx.url('/named').replace('127.0.0.1', 'hooks.rebinding.example'), body: {} })).rejects.toMatchObject({ remoteCode: ADDRESS_REFUSED });
    expect(rx.received.length).toBe(before);
    // The socket connects to the address the check resolved (here the local receiver, allowed).
    const allowed = createWebhookSender({ timeoutMs: 2000, allowLoopback: true, resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    await allowed.send({ url: rx.url('/named').replace('127.0.0.1', 'hooks.rebinding.example'), body: {} });
    expect(rx.received.at(-1)!.path).toBe('/named');
  });

});
