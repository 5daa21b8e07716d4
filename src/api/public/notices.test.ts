// Public shell cleanup notices (GET /api/public/v1/notices): their phase follows the clock. A notice
// whose publicity period ended read 公示中 (status publicised) until the bureau carried the cleanup
// out, while the bureau's own page said 公示期已满. `phase` is computed from endsAt and the clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, signIn } from '../../../tests/auth.ts';
import { call } from '../../../tests/filing.ts';
import { noticePhase } from '../../domain/service-lifecycle.ts';

interface Notice { id: string; title: string; endsAt: string; status: string; phase: string }

describe('GET /api/public/v1/notices: the phase by the clock', () => {
  let a: AuthTestApp;
  beforeAll(async () => {
    a = await authTestApp({ demoLives: true });
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  const notices = async () => {
    const res = await a.app.inject({ method: 'GET', url: '/api/public/v1/notices' });
    expect(res.statusCode, res.body).toBe(200);
    return { items: (res.json() as { items: Notice[] }).items, etag: res.headers.etag };
  };

  it('says publicity until the end, publicity_ended after it (the stored status unchanged), executed once carried out', async () => {
    const first = await notices();
    const byPhase = (items: Notice[]) => items.map((n) => [n.status, n.phase]).sort();
    // The demo: one under publicity, one whose period ended (due for cleanup), one carried out.
    expect(byPhase(first.items)).toEqual([['executed', 'executed'], ['publicised', 'publicity'], ['publicised', 'publicity_ended']].sort());
    const running = first.items.find((n) => n.phase === 'publicity')!;
    expect(Date.parse(running.endsAt)).toBeGreaterThan(a.clock.now().getTime());

    // One second before its end it is still under publicity; at its end it is over.
    a.clock.set(new Date(Date.parse(running.endsAt) - 1000).toISOString());
    expect((await notices()).items.find((n) => n.id === running.id)!.phase).toBe('publicity');
    a.clock.set(running.endsAt);
    const later = await notices();
    expect(later.items.find((n) => n.id === running.id)).toMatchObject({ status: 'publicised', phase: 'publicity_ended' });
    expect(later.etag).not.toBe(first.etag); // a cached copy is not current any more

    const gd = await signIn(a.app, 'gd.reviewer');
    await call(a.app, gd, 'POST', `/api/bureau/notices/${running.id}/execute`);
    expect((await notices()).items.find((n) => n.id === running.id)).toMatchObject({ status: 'executed', phase: 'executed' });
  });

  it('compares instants (the end is a China date and time, the same instant everywhere)', () => {
    const end = new Date('2026-12-07T16:00:00.000Z'); // 2026-12-08 00:00 China time
    expect(noticePhase('publicised', end, new Date('2026-12-07T15:59:59.999Z'))).toBe('publicity');
    expect(noticePhase('publicised', end, end)).toBe('publicity_ended');
    expect(noticePhase('executed', end, new Date('2026-12-01T00:00:00Z'))).toBe('executed');
  });
});
