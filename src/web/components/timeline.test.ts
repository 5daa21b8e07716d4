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

describe('review helpers', () => {
  it('orders a change\'s diff as the form does, and offers only the fields the service type has', async () => {
    const { inFormOrder } = await import('./ChangeDiff.tsx');
    const { fieldPaths } = await import('./Materials.tsx');
    const rows = ['access.0.ips', 'platforms.1.certSha1', 'service.name', 'platforms.0.packageName', 'subject.address', 'service.categories']
      .map((field) => ({ field, old: null, new: null }));
    expect(inFormOrder(rows).map((r) => r.field)).toEqual(['subject.address', 'service.name', 'service.categories', 'platforms.0.packageName', 'platforms.1.certSha1', 'access.0.ips']);
    expect(fieldPaths({ service: { serviceType: 'app', name: 'x' } })).not.toContain('service.homeUrl');
    expect(fieldPaths({ service: { serviceType: 'website', name: 'x' } })).toContain('service.homeUrl');
    expect(fieldPaths({ service: { serviceType: 'mini_program', name: 'x' } })).not.toContain('service.domains');
  });
});

describe('a step\'s target status', () => {
  it('is not repeated when the step already names it ("管局退回 → 管局退回", review issue item 8)', async () => {
    const { arrowTarget } = await import('./Timeline.tsx');
    const { makeI18n } = await import('../i18n/index.tsx');
    const { LIFECYCLE } = await import('../../domain/lifecycle.ts');
    for (const lang of ['zh-CN', 'en'] as const) {
      const i18n = makeI18n(lang);
      const label = (action: string, to: string) => arrowTarget(i18n.t(`action.${action}` as never), i18n.t(`status.${to}` as never), 'bureau_review', to);
      expect(label('bureau_reject', 'bureau_rejected')).toBeNull();
      // Every move of the lifecycle: an arrow only when it adds words the step does not have.
      for (const m of LIFECYCLE) {
        if (!m.to) continue;
        const t = label(m.action, m.to);
        if (t) expect(i18n.t(`action.${m.action}` as never) as string).not.toContain(t);
      }
    }
    const zh = makeI18n('zh-CN');
    expect(arrowTarget(zh.t('action.bureau_approve'), zh.t('status.approved'), 'bureau_review', 'approved')).toBe('已备案');
    expect(arrowTarget(zh.t('action.bureau_approve'), zh.t('status.approved'), 'approved', 'approved')).toBeNull();
  });
});
