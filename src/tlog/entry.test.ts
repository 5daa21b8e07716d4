// Log entries: canonical JSON (RFC 8785 for the values used), the public/private table, and
// that a public entry carries only what the public record shows.
import { describe, expect, it } from 'vitest';
import { canonicalJson, ENTRY_VERSION, entryOf, entryVersion, type HistoryRow, publicEventOf } from './entry.ts';

const row = (over: Partial<HistoryRow>): HistoryRow => ({
  id: 7, entity_type: 'service', entity_id: '00000000-0000-4000-8000-000000000001', application_id: null, action: 'revoke',
  from_status: 'filed', to_status: 'revoked', actor_user_id: '00000000-0000-4000-8000-000000000002', actor_role: 'bureau_reviewer',
  actor_org_id: null, reason: { note: '违规 shell record' }, request_id: 'req-1', at: new Date('2026-01-02T03:04:05.678Z'), actor_api_key_id: null,
  service_number: '京ICP备2025000001号-1', main_number: '京ICP备2025000001号', ...over,
});
const key = Buffer.alloc(32, 1);

describe('log entries', () => {
  it('canonical JSON sorts keys at every depth, keeps array order, escapes as JSON and drops undefined', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: '\u2028"' }], a: null, c: undefined, d: true, e: 1.5 })).toBe('{"a":null,"b":[3,{"a":"\u2028\\"","z":1}],"d":true,"e":1.5}');
    expect(() => canonicalJson({ x: Number.NaN })).toThrow();
  });

  it('classifies by one table: approvals, revocations and cancellations are public; sign-ins, materials and reviews are not', () => {
    expect(publicEventOf('application', 'bureau_approve')).toBe('filed');
    expect(publicEventOf('service', 'revoke')).toBe('revoked');
    expect(publicEventOf('service', 'cancel')).toBe('cancelled');
    expect(publicEventOf('service', 'access_added')).toBe('access_added');
    for (const [t, a] of [['application', 'provider_approve'], ['application', 'bureau_reject'], ['user', 'signed_in'], ['application', 'update'], ['service', 'whatever']]) {
      expect(publicEventOf(t!, a!)).toBeNull();
    }
  });

  it('version 3: an approved change or access filing is private (the service\'s own row is the public event); versions 1–2 logged it as a filing', () => {
    const change = row({ entity_type: 'application', action: 'bureau_approve', from_status: 'bureau_review', to_status: 'approved',
      reason: { mainNumber: '京ICP备2025000001号', serviceNumber: '京ICP备2025000001号-1', fields: ['service.name'] } });
    const filing = { ...change, reason: { mainNumber: '京ICP备2025000001号', serviceNumber: '京ICP备2025000001号-1' } };
    expect(JSON.parse(entryOf(change, key, 3))).toEqual({ v: 3, type: 'private', digest: expect.any(String) });
    expect(JSON.parse(entryOf(change, key, 2))).toMatchObject({ v: 2, type: 'filed', serviceNumber: '京ICP备2025000001号-1' });
    expect(JSON.parse(entryOf(filing, key, 3))).toMatchObject({ v: 3, type: 'filed', serviceNumber: '京ICP备2025000001号-1', mainNumber: '京ICP备2025000001号' });
    expect(publicEventOf('application', 'bureau_approve', 'approved', 3, { fields: [] })).toBeNull();
    expect(publicEventOf('application', 'bureau_approve', 'approved', 2, { fields: [] })).toBe('filed');
  });

  it('version 4: the digest commits to the acting API key (or its absence); versions 1–3 did not, and their entries are unchanged', () => {
    expect(ENTRY_VERSION).toBe(4);
    const byKey = row({ actor_api_key_id: '00000000-0000-4000-8000-0000000000aa' });
    const otherKey = row({ actor_api_key_id: '00000000-0000-4000-8000-0000000000bb' });
    const noKey = row({});
    const digest = (r: HistoryRow, v?: number) => JSON.parse(entryOf(r, key, v)).digest as string;
    expect(new Set([digest(byKey), digest(otherKey), digest(noKey)]).size).toBe(3);
    for (const v of [1, 2, 3]) expect(new Set([digest(byKey, v), digest(otherKey, v), digest(noKey, v)]).size).toBe(1);
    // Same bytes as version 3 apart from the digest and `v`: nothing about the key is in clear.
    const v4 = JSON.parse(entryOf(byKey, key));
    expect(v4).toEqual({ ...JSON.parse(entryOf(byKey, key, 3)), v: 4, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(entryOf(byKey, key)).not.toMatch(/0000000000aa/);
    expect(entryVersion(entryOf(byKey, key))).toBe(4);
    // A reader that did not select the column cannot write a version-4 entry (it would commit to "no key").
    const { actor_api_key_id: _, ...unread } = byKey;
    expect(() => entryOf(unread as HistoryRow, key)).toThrow(/actor_api_key_id not read/);
    expect(() => entryOf(unread as HistoryRow, key, 3)).not.toThrow();
  });

  it('version 2: an imported record is a public event typed by the status it loaded; version 1 kept it private', () => {
    expect(publicEventOf('service', 'imported', 'filed')).toBe('filed');
    expect(publicEventOf('service', 'imported', 'revoked')).toBe('revoked');
    expect(publicEventOf('subject', 'logged_imported', 'cancelled')).toBe('cancelled');
    expect(publicEventOf('service', 'imported', null)).toBeNull();
    expect(publicEventOf('service', 'imported', 'filed', 1)).toBeNull();
    const imported = row({ action: 'imported', from_status: null, to_status: 'cancelled' });
    const v2 = entryOf(imported, key, 2);
    expect(JSON.parse(v2)).toMatchObject({ v: 2, type: 'cancelled', serviceNumber: '京ICP备2025000001号-1' });
    const v1 = entryOf(imported, key, 1);
    expect(JSON.parse(v1)).toEqual({ v: 1, type: 'private', digest: JSON.parse(v2).digest });
    expect([entryVersion(v1), entryVersion(v2)]).toEqual([1, 2]);
  });

  it('a public event shows its type, numbers and time in clear and commits to the rest through the digest', () => {
    const e = JSON.parse(entryOf(row({}), key));
    expect(Object.keys(e)).toEqual(['at', 'digest', 'mainNumber', 'serviceNumber', 'type', 'v']);
    expect(e).toMatchObject({ v: ENTRY_VERSION, type: 'revoked', serviceNumber: '京ICP备2025000001号-1', mainNumber: '京ICP备2025000001号', at: '2026-01-02T03:04:05.678Z' });
    expect(entryOf(row({ reason: { note: 'other' } }), key)).not.toBe(entryOf(row({}), key));
    expect(entryOf(row({}), Buffer.alloc(32, 2))).not.toBe(entryOf(row({}), key));
  });

  it('an approval takes its numbers from the history row; a private event is type and digest only', () => {
    const approve = row({ entity_type: 'application', action: 'bureau_approve', service_number: null, main_number: null, reason: { mainNumber: '京ICP备2025000001号', serviceNumber: '京ICP备2025000001号-1' } });
    expect(JSON.parse(entryOf(approve, key))).toMatchObject({ type: 'filed', serviceNumber: '京ICP备2025000001号-1' });
    const priv = entryOf(row({ entity_type: 'application', action: 'provider_approve', reason: { mobile: '13800000000' } }), key);
    expect(Object.keys(JSON.parse(priv))).toEqual(['digest', 'type', 'v']);
    expect(priv).not.toMatch(/1380|京ICP|req-1|2026/);
    // An approval whose row lacks the numbers is not published half-filled.
    expect(JSON.parse(entryOf(row({ entity_type: 'application', action: 'bureau_approve', reason: {} }), key)).type).toBe('private');
  });
});
