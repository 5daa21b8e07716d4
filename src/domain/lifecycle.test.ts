// The lifecycle table (house rule 3): every move allowed exactly where the table says, and
// refused everywhere else with the named error — by status and by role.
import { describe, expect, it } from 'vitest';
import type { Role } from './actors.ts';
import {
  ActionNotAllowedError, type ApplicationAction, ApplicationStatusConflictError, APPLICATION_STATUSES, type ApplicationStatus,
  availableActions, isEditable, LIFECYCLE, transition,
} from './lifecycle.ts';

/** Every role; `satisfies` makes the compiler fail when a role is added to or removed from Role. */
const ROLES = Object.keys({
  host: true, provider_staff: true, platform_staff: true, device_maker_staff: true, bureau_reviewer: true, ministry_admin: true, system: true,
} satisfies Record<Role, true>) as Role[];

/** Every action, likewise complete by construction. */
const ACTIONS = Object.keys({
  edit: true, verify_identity: true, submit: true, withdraw: true, provider_approve: true, provider_return: true,
  sms_verify: true, sms_resend: true, sms_fail: true, bureau_approve: true, bureau_reject: true, close: true,
} satisfies Record<ApplicationAction, true>) as ApplicationAction[];

function refusal(status: ApplicationStatus, action: ApplicationAction, role: Role): unknown {
  try {
    transition(status, action, { role });
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('application lifecycle', () => {
  it('has exactly one row per action, each from at least one status, for at least one role', () => {
    expect(LIFECYCLE.map((m) => m.action).sort()).toEqual([...ACTIONS].sort());
    for (const m of LIFECYCLE) {
      expect(m.from.length, m.action).toBeGreaterThan(0);
      expect(m.roles.length, m.action).toBeGreaterThan(0);
      for (const s of m.from) expect(APPLICATION_STATUSES).toContain(s);
      if (m.to !== null) expect(APPLICATION_STATUSES).toContain(m.to);
    }
  });

  for (const move of LIFECYCLE) {
    describe(move.action, () => {
      it(`is allowed from ${move.from.join(', ')} for ${move.roles.join(', ')}`, () => {
        for (const status of move.from) {
          for (const role of move.roles) {
            const t = transition(status, move.action, { role });
            expect(t).toMatchObject({ action: move.action, from: status, to: move.to ?? status });
          }
        }
      });

      const otherStatuses = APPLICATION_STATUSES.filter((s) => !move.from.includes(s));
      it(`is refused with application_status_conflict from ${otherStatuses.join(', ') || '(no other status)'}`, () => {
        for (const status of otherStatuses) {
          for (const role of move.roles) {
            const err = refusal(status, move.action, role);
            expect(err, `${move.action} from ${status} as ${role}`).toBeInstanceOf(ApplicationStatusConflictError);
            expect(err).toMatchObject({ code: 'application_status_conflict', kind: 'conflict', action: move.action, status });
          }
        }
      });

      const otherRoles = ROLES.filter((r) => !move.roles.includes(r));
      it(`is refused with action_not_allowed for ${otherRoles.join(', ')}`, () => {
        expect(otherRoles.length).toBeGreaterThan(0);
        // In every status, including the ones the move starts from: the role alone decides.
        for (const status of APPLICATION_STATUSES) {
          for (const role of otherRoles) {
            const err = refusal(status, move.action, role);
            expect(err, `${move.action} from ${status} as ${role}`).toBeInstanceOf(ActionNotAllowedError);
            expect(err).toMatchObject({ code: 'action_not_allowed', kind: 'forbidden', action: move.action, role });
          }
        }
      });
    });
  }

  it('follows the filing path: draft → provider_review → sms_pending → bureau_review → approved', () => {
    const path: [ApplicationStatus, ApplicationAction, Role, ApplicationStatus][] = [
      ['draft', 'submit', 'host', 'provider_review'],
      ['provider_review', 'provider_approve', 'platform_staff', 'sms_pending'],
      ['sms_pending', 'sms_verify', 'host', 'bureau_review'],
      ['bureau_review', 'bureau_approve', 'bureau_reviewer', 'approved'],
    ];
    for (const [from, action, role, to] of path) expect(transition(from, action, { role }).to).toBe(to);
    expect(transition('provider_review', 'provider_return', { role: 'provider_staff' }).to).toBe('returned');
    expect(transition('sms_pending', 'sms_fail', { role: 'system' }).to).toBe('returned');
    expect(transition('bureau_review', 'bureau_reject', { role: 'bureau_reviewer' }).to).toBe('bureau_rejected');
    expect(transition('returned', 'withdraw', { role: 'host' }).to).toBe('withdrawn');
    expect(transition('sms_pending', 'sms_resend', { role: 'host' }).to).toBe('sms_pending');
  });

  it('names the submit event by the status left: first submission or resubmission', () => {
    expect(transition('draft', 'submit', { role: 'host' }).event).toBe('application.submitted_to_provider');
    expect(transition('returned', 'submit', { role: 'host' }).event).toBe('application.resubmitted');
    expect(transition('bureau_rejected', 'submit', { role: 'host' }).event).toBe('application.resubmitted');
  });

  it('sends no notice for moves inside a status', () => {
    for (const action of ['edit', 'verify_identity'] as const) expect(transition('draft', action, { role: 'host' }).event).toBeNull();
    expect(transition('sms_pending', 'sms_resend', { role: 'host' }).event).toBeNull();
  });

  it('leaves approved and withdrawn applications with no move for anyone', () => {
    for (const status of ['approved', 'withdrawn'] as const) {
      for (const role of ROLES) expect(availableActions(status, role), `${status} ${role}`).toEqual([]);
    }
  });

  it('offers each role the actions of the table', () => {
    expect(availableActions('draft', 'host')).toEqual(['edit', 'verify_identity', 'submit', 'withdraw']);
    expect(availableActions('returned', 'host')).toEqual(['edit', 'verify_identity', 'submit', 'withdraw']);
    expect(availableActions('provider_review', 'host')).toEqual(['withdraw']);
    expect(availableActions('provider_review', 'provider_staff')).toEqual(['provider_approve', 'provider_return']);
    expect(availableActions('provider_review', 'platform_staff')).toEqual(['provider_approve', 'provider_return']);
    expect(availableActions('sms_pending', 'host')).toEqual(['sms_verify', 'sms_resend', 'sms_fail']);
    expect(availableActions('sms_pending', 'system')).toEqual(['sms_fail', 'close']);
    expect(availableActions('bureau_review', 'system')).toEqual(['close']); // the filing it acts on ended
    expect(availableActions('bureau_review', 'host')).toEqual([]);
    expect(availableActions('bureau_review', 'bureau_reviewer')).toEqual(['bureau_approve', 'bureau_reject']);
    expect(availableActions('bureau_rejected', 'host')).toEqual(['edit', 'verify_identity', 'submit', 'withdraw']);
    for (const status of APPLICATION_STATUSES) {
      expect(availableActions(status, 'ministry_admin')).toEqual([]);
      expect(availableActions(status, 'device_maker_staff')).toEqual([]);
    }
  });

  it('offers exactly the actions transition() accepts, in every status for every role', () => {
    for (const status of APPLICATION_STATUSES) {
      for (const role of ROLES) {
        const accepted = ACTIONS.filter((a) => refusal(status, a, role) === undefined);
        expect(new Set(availableActions(status, role)), `${status} ${role}`).toEqual(new Set(accepted));
      }
    }
  });

  it('calls draft, returned and bureau_rejected editable, and nothing else', () => {
    expect(APPLICATION_STATUSES.filter(isEditable)).toEqual(['draft', 'returned', 'bureau_rejected']);
  });

  it('rejects an action the table does not know', () => {
    expect(() => transition('draft', 'approve_everything' as ApplicationAction, { role: 'host' })).toThrow(/unknown action/);
  });
});
