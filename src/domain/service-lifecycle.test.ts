import { describe, expect, it } from 'vitest';
import { SERVICE_LIFECYCLE, serviceTransition, ServiceActionNotAllowedError, ServiceStatusConflictError } from './service-lifecycle.ts';

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
  it('cancelled and revoked are final', () => {
    for (const m of SERVICE_LIFECYCLE) {
      for (const status of ['cancelled', 'revoked'] as const) {
        expect(() => serviceTransition(status, m.action, { role: m.roles[0]! })).toThrow(ServiceStatusConflictError);
      }
    }
  });
});
