// A change (变更) that drops a platform, re-signs one or renames a package: the identities a relying party
// checked stop answering `filed`, and the `filing.changed` webhook it receives names them
// (`filing.removedIdentities`, with what a verification answers for each now) — a receiver that keyed its
// cache by (platform, package, fingerprint) learns that its old keys are no longer filed. Before, the body
// named only the platforms filed now: the old keys silently answered not_filed / fingerprint_mismatch.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT } from './auth.ts';
import { approvedDemoChange } from './filing.ts';
import { createDevSmsProvider, createUnconfiguredEmailSender, drainOutbox } from '../src/notify/index.ts';
import { createWebhookSender } from '../src/notify/webhook.ts';
import { serviceId, verify } from './verify.ts';

// The demo's com.example.ledger (src/db/seed/demo.ts): Android with all three fingerprints, iOS with its SHA-1.
const ANDROID_MD5 = '0123456789abcdef0123456789abcdef';
const ANDROID_SHA1 = '0123456789abcdef0123456789abcdef01234567';
const ANDROID_SHA256 = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const IOS_SHA1 = 'fedcba9876543210fedcba9876543210fedcba98';
const NEW_SHA1 = '00112233445566778899aabbccddeeff00112233';

interface Platform { platform: string; packageName: string; certSha1?: string | null }

describe('identities a change stops answering filed', () => {
  let h: AuthTestApp;
  let server: http.Server;
  let url = '';
  const bodies: { event: string; filing: Record<string, unknown> }[] = [];
  beforeAll(async () => {
    h = await authTestApp({ env: { WEBHOOKS_ALLOW_LOOPBACK: 'true' } }); // the receiver is on 127.0.0.1
    server = http.createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => { b += c.toString('utf8'); });
      req.on('end', () => { bodies.push(JSON.parse(b)); res.statusCode = 204; res.end(); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/store`;
  }, SETUP_TIMEOUT);
  afterAll(async () => { await h?.close(); await new Promise<void>((r) => (server ? server.close(() => r()) : r())); });

  const drain = () => drainOutbox({
    db: h.t.db, sealer: h.t.sealer, email: createUnconfiguredEmailSender(), sms: createDevSmsProvider(h.t.db, h.t.sealer, h.clock.now),
    webhook: createWebhookSender({ timeoutMs: 5000, allowLoopback: true }), now: h.clock.now,
  });

  /** The host files a change of the ledger's platforms; the provider, the SMS codes and the bureau approve it. */
  async function change(edit: (platforms: Platform[]) => Platform[]) {
    const ledger = await serviceId(h.t.db, 'com.example.ledger', 'ios');
    await approvedDemoChange(h, ledger, (m) => { m.platforms = edit(m.platforms as Platform[]); });
    const before = bodies.length;
    await drain();
    return bodies.slice(before).filter((b) => b.event === 'filing.changed');
  }

  it('names the dropped platform and the re-signed certificate in the delivered body, as verification answers them', async () => {
    // An app store lists both platforms: it subscribed a webhook, then checked them (filed).
    const headers = { authorization: 'Bearer demo-platform-key' };
    expect((await h.app.inject({ method: 'POST', url: '/api/verify/v1/webhooks', headers, payload: { url } })).statusCode).toBe(201);
    const old = [{ platform: 'android', packageName: 'com.example.ledger', fingerprint: ANDROID_MD5 }, { platform: 'ios', packageName: 'com.example.ledger', fingerprint: IOS_SHA1 }];
    expect((await verify(h.app, old)).json().results.map((r: { status: string }) => r.status)).toEqual(['filed', 'filed']);

    // One change drops Android and re-signs iOS (a new certificate).
    const changed = await change((ps) => ps.filter((p) => p.platform !== 'android').map((p) => ({ ...p, certSha1: NEW_SHA1 })));
    expect(changed).toHaveLength(1);
    const filing = changed[0]!.filing;
    // Every existing field is as it was (a contract): the filing filed now, with its platforms filed now.
    expect(filing).toMatchObject({ serviceNumber: '浙ICP备2024000001号-1A', status: 'filed', verificationStatus: 'filed', shellSince: null, platforms: [{ platform: 'ios', packageName: 'com.example.ledger' }] });
    expect(filing.removedIdentities).toEqual([
      { platform: 'android', packageName: 'com.example.ledger', certMd5: ANDROID_MD5, certSha1: ANDROID_SHA1, certSha256: ANDROID_SHA256, verificationStatus: 'not_filed' },
      { platform: 'ios', packageName: 'com.example.ledger', certMd5: null, certSha1: IOS_SHA1, certSha256: null, verificationStatus: 'fingerprint_mismatch' },
    ]);
    // What the body says each old key answers is what a verification answers.
    expect((await verify(h.app, old)).json().results.map((r: { status: string }) => r.status)).toEqual(['not_filed', 'fingerprint_mismatch']);

    // A second change renames the iOS bundle ID: the old package (with the certificate filed now) is not filed.
    const renamed = await change((ps) => ps.map((p) => ({ ...p, packageName: 'com.example.ledger2' })));
    expect(renamed).toHaveLength(1);
    expect(renamed[0]!.filing).toMatchObject({ platforms: [{ platform: 'ios', packageName: 'com.example.ledger2' }] });
    expect(renamed[0]!.filing.removedIdentities).toEqual([
      { platform: 'ios', packageName: 'com.example.ledger', certMd5: null, certSha1: NEW_SHA1, certSha256: null, verificationStatus: 'not_filed' },
    ]);
    expect((await verify(h.app, [{ platform: 'ios', packageName: 'com.example.ledger', fingerprint: NEW_SHA1 }])).json().results[0].status).toBe('not_filed');
    expect((await verify(h.app, [{ platform: 'ios', packageName: 'com.example.ledger2', fingerprint: NEW_SHA1 }])).json().results[0].status).toBe('filed');
  });
});
