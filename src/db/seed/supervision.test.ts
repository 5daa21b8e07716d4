// The supervision demo (issue 14, item 11) as the API shows it: a finished transition campaign,
// an inspection in progress with catalogues from the platform and the provider and a mix of
// outcomes, open and overdue orders (one item objected), reports in several states, active and lifted blacklist entries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, signIn } from '../../../tests/auth.ts';
import { KEY } from '../../../tests/verify.ts';

describe('supervision demo data', () => {
  let a: AuthTestApp;
  beforeAll(async () => { a = await authTestApp({ supervisionDemo: true }); a.clock.set('2026-12-04T02:00:00Z'); }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('is visible to the ministry, the bureaus and the organisations as each may see it', async () => {
    const admin = await signIn(a.app, 'admin');
    const campaigns = (await a.app.inject({ url: '/api/bureau/campaigns', headers: admin.headers })).json().items as { id: string; kind: string; status: string }[];
    expect(campaigns.map((c) => `${c.kind}:${c.status}`).sort()).toEqual(['inspection:open', 'transition:ended']);
    const inspection = campaigns.find((c) => c.kind === 'inspection')!;
    const p = (await a.app.inject({ url: `/api/bureau/campaigns/${inspection.id}`, headers: admin.headers })).json();
    expect(p.catalogues).toMatchObject({ received: 2 });
    expect(p.findings.filed).toBeGreaterThan(100);
    expect(p.findings.not_filed).toBeGreaterThan(200);
    expect(p.findings.fingerprint_mismatch).toBeGreaterThan(0);
    expect(p.findings.revoked).toBeGreaterThan(0);
    expect(p.orders.overdue).toBeGreaterThan(0);
    expect(p.orders.open).toBeGreaterThan(p.orders.overdue);
    expect(p.rounds).toEqual([expect.objectContaining({ number: 1, findings: 60 })]);
    const mine = (await a.app.inject({ url: `/api/org/campaigns/${inspection.id}/findings?pageSize=1`, headers: KEY })).json();
    expect(mine.total).toBeGreaterThan(150);
    const statuses = (await a.app.inject({ url: '/api/bureau/violations', headers: admin.headers })).json().items.map((v: { status: string }) => v.status).sort();
    expect(statuses).toEqual(['disposal_ordered', 'more_requested', 'received', 'revoked']);
    const zj = await signIn(a.app, 'zj.reviewer');
    // The game's package and download site are barred; a lifted entry is not active.
    expect((await a.app.inject({ url: '/api/bureau/blacklist?active=true', headers: zj.headers })).json().items.map((e: { kind: string; value: string }) => [e.kind, e.value]).sort())
      .toEqual([['domain', 'minigame-download.cn'], ['package', 'com.example.minigame']]);
  });
});
