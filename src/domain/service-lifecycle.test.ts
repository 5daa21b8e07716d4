import { describe, expect, it } from 'vitest';
import {
  hasAccessSection, SERVICE_LIFECYCLE, serviceState, serviceTransition, ServiceActionNotAllowedError, ServiceStatusConflictError,
  shellCancellableAfter, shellListableFrom, storedState, subjectTransition, SubjectStatusConflictError,
} from './service-lifecycle.ts';

describe('service lifecycle', () => {
  it('a host cancels, a bureau reviewer or the ministry revokes, a filed service', () => {
    expect(serviceTransition('filed', 'cancel', { role: 'host' })).toEqual({ action: 'cancel', from: 'filed', to: 'cancelled', event: 'filing.cancelled' });
    expect(serviceTransition('filed', 'revoke', { role: 'bureau_reviewer' })).toMatchObject({ to: 'revoked', event: 'filing.revoked' });
    expect(serviceTransition('filed', 'revoke', { role: 'ministry_admin' }).to).toBe('revoked');
  });
  it('refuses other roles', () => {
    for (const role of ['provider_staff', 'platform_staff', 'device_maker_staff', 'bureau_reviewer', 'system'] as const) {
      expect(() => serviceTransition('filed', 'cancel', { role })).toThrow(ServiceActionNotAllowedError);
    }
    expect(() => serviceTransition('filed', 'revoke', { role: 'host' })).toThrow(ServiceActionNotAllowedError);
  });
  it('a website or APP left without access becomes a shell; access added clears it; the bureau cleans it up', () => {
    expect(serviceTransition('filed', 'become_shell', { role: 'provider_staff' })).toMatchObject({ to: 'shell', event: 'filing.shell' });
    expect(() => serviceTransition('shell', 'become_shell', { role: 'host' })).toThrow(ServiceStatusConflictError);
    expect(serviceTransition('shell', 'clear_shell', { role: 'bureau_reviewer' }).to).toBe('filed');
    expect(serviceTransition('shell', 'clear_shell', { role: 'system' }).to).toBe('filed');
    expect(serviceTransition('shell', 'clean_up', { role: 'bureau_reviewer' })).toMatchObject({ to: 'cancelled', event: 'filing.cancelled' });
    expect(() => serviceTransition('filed', 'clean_up', { role: 'bureau_reviewer' })).toThrow(ServiceStatusConflictError);
    expect(() => serviceTransition('shell', 'clean_up', { role: 'host' })).toThrow(ServiceActionNotAllowedError);
    expect(serviceTransition('shell', 'cancel', { role: 'host' }).to).toBe('cancelled');
    expect(serviceTransition('shell', 'revoke', { role: 'ministry_admin' }).to).toBe('revoked');
    expect(serviceState('filed', new Date())).toBe('shell');
    expect(serviceState('cancelled', null)).toBe('cancelled');
    expect(storedState('shell')).toEqual({ status: 'filed', shell: true });
    expect(hasAccessSection('mini_program')).toBe(false);
    expect(hasAccessSection('app')).toBe(true);
  });
  it('a shell may be listed after the grace period; the host is shown when it may be cancelled', () => {
    const since = new Date('2026-01-01T00:00:00Z');
    expect(shellListableFrom(since).toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(shellCancellableAfter(since, null, new Date('2026-01-02T00:00:00Z')).toISOString()).toBe('2026-02-07T00:00:00.000Z');
    expect(shellCancellableAfter(since, null, new Date('2026-03-01T00:00:00Z')).toISOString()).toBe('2026-03-08T00:00:00.000Z');
    expect(shellCancellableAfter(since, new Date('2026-02-10T00:00:00Z'), new Date()).toISOString()).toBe('2026-02-10T00:00:00.000Z');
  });
  it('a host cancels a filed subject once', () => {
    expect(subjectTransition('filed', 'cancel', { role: 'host' })).toEqual({ from: 'filed', to: 'cancelled' });
    expect(() => subjectTransition('cancelled', 'cancel', { role: 'host' })).toThrow(SubjectStatusConflictError);
    expect(() => subjectTransition('filed', 'cancel', { role: 'bureau_reviewer' })).toThrow(/may not/);
  });
  it('cancelled and revoked are final', () => {
    for (const m of SERVICE_LIFECYCLE) {
      for (const status of ['cancelled', 'revoked'] as const) {
        expect(() => serviceTransition(status, m.action, { role: m.roles[0]! })).toThrow(ServiceStatusConflictError);
      }
    }
  });
});
