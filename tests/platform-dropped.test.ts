// A change (变更) that drops one platform of a filed APP: the platform is no longer filed, and every
// answer says so alike. The verification API answered not_filed for it, but the public record and the
// search still listed the dropped package among the filing's platforms — a journalist or an app store
// reading the record saw an Android package as filed that a verification calls not filed — and the
// filing.changed webhook to the store that listed the Android package named it among the platforms, `filed`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT } from './auth.ts';
import { approvedDemoChange } from './filing.ts';
import { KEY, serviceId, verify } from './verify.ts';

const LEDGER = '浙ICP备2024000001号-1A'; // demo: android + ios com.example.ledger (src/db/seed/demo.ts)
const ANDROID_MD5 = '0123456789abcdef0123456789abcdef';

describe('a platform dropped from a filed APP by a change', () => {
  let h: AuthTestApp;
  beforeAll(async () => { h = await authTestApp(); }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); });

  it('is not listed on the public record, in search answers or on the subject; verification says not_filed; the other platform stays', async () => {
    const ledger = await serviceId(h.t.db, 'com.example.ledger');
    // An app store lists the Android APP: it subscribed a webhook, then checked it (filed).
    expect((await h.app.inject({ method: 'POST', url: '/api/verify/v1/webhooks', headers: KEY, payload: { url: 'https://hooks.example.cn/store' } })).statusCode).toBe(201);
    expect((await verify(h.app, [{ platform: 'android', packageName: 'com.example.ledger', fingerprint: ANDROID_MD5 }])).json().results[0].status).toBe('filed');
    await approvedDemoChange(h, ledger, (m) => { m.platforms = m.platforms.filter((p) => p.platform !== 'android'); });

    // Verification: the Android package is no longer filed; the iOS one is.
    const results = (await verify(h.app, [
      { platform: 'android', packageName: 'com.example.ledger', fingerprint: ANDROID_MD5 },
      { platform: 'ios', packageName: 'com.example.ledger', fingerprint: 'fedcba9876543210fedcba9876543210fedcba98' },
    ])).json().results as { status: string }[];
    expect(results.map((r) => r.status)).toEqual(['not_filed', 'filed']);

    // Its webhook: filing.changed, naming the platforms filed now — not the Android package it listed.
    const hooks = await h.t.db.query<{ payload: { body: { event: string; filing: { platforms: unknown[]; verificationStatus: string } } } }>(`select payload from outbox where channel = 'webhook' order by id`);
    const changed = hooks.map((x) => x.payload.body).filter((b) => b?.event === 'filing.changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]!.filing).toMatchObject({ verificationStatus: 'filed', platforms: [{ platform: 'ios', packageName: 'com.example.ledger' }] });

    // The public record, a search answer and the subject list the platforms filed now.
    const get = (url: string) => h.app.inject({ method: 'GET', url, remoteAddress: '10.9.9.9' }).then((r) => r.json());
    const record = await get(`/api/public/v1/services/${encodeURIComponent(LEDGER)}`);
    expect(record.platforms).toEqual([{ platform: 'ios', packageName: 'com.example.ledger' }]);
    const search = await get(`/api/public/v1/services?q=${encodeURIComponent('示例记账')}`);
    expect(search.items.find((i: { serviceNumber: string }) => i.serviceNumber === LEDGER).platforms).toEqual([{ platform: 'ios', packageName: 'com.example.ledger' }]);
    const subject = await get(`/api/public/v1/subjects/${encodeURIComponent('浙ICP备2024000001号')}`);
    expect(subject.services.find((s: { serviceNumber: string }) => s.serviceNumber === LEDGER).platforms).toEqual([{ platform: 'ios', packageName: 'com.example.ledger' }]);
    // The revoked APP of the same subject still names its package (its platform was filed when it ended).
    const revoked = await get(`/api/public/v1/services/${encodeURIComponent('浙ICP备2024000001号-2A')}`);
    expect(revoked.platforms).toEqual([{ platform: 'android', packageName: 'com.example.minigame' }]);
  });
});
