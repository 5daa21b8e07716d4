import { describe, expect, it } from 'vitest';
import type { HistoryItem } from '../lib/types.ts';
import { collapse } from './Timeline.tsx';
import { fingerprintFormats } from '../lib/fingerprints.ts';

const item = (id: number, action: string, userId = 'u1'): HistoryItem => ({
  id, action, from: null, to: null, actor: { role: 'host', userId, name: null, organisation: null }, reason: null, requestId: null, at: '2026-03-02T02:00:00Z',
});

describe('timeline', () => {
  it('shows consecutive saves by the same person as one step with a count', () => {
    const out = collapse([item(1, 'create'), item(2, 'edit'), item(3, 'edit'), item(4, 'edit', 'u2'), item(5, 'submit'), item(6, 'edit')]);
    expect(out.map((h) => [h.action, h.times])).toEqual([['create', 1], ['edit', 2], ['edit', 1], ['submit', 1], ['edit', 1]]);
    expect(out[1]!.id).toBe(3);
  });
});

describe('fingerprint formats', () => {
  it('prints a fingerprint the ways consoles and keytool do', () => {
    expect(fingerprintFormats('C1:ca:BE:8a')).toEqual(['c1cabe8a', 'C1CABE8A', 'C1:CA:BE:8A', 'C1 CA BE 8A']);
  });
});
