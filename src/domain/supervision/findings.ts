// Findings (issue 14, contract 3): every catalogue line that is not `filed` is one. The outcome
// is the verification API's judgement (same matcher), plus `shell` for a filing marked as a
// shell record (空壳备案) by the lifecycle work when it lands. Pure.
import type { VerificationStatus } from '../verification.ts';

export const LINE_OUTCOMES = ['filed', 'not_filed', 'fingerprint_mismatch', 'cancelled', 'revoked', 'shell'] as const;
export type LineOutcome = (typeof LINE_OUTCOMES)[number];
export const FINDING_OUTCOMES = ['not_filed', 'fingerprint_mismatch', 'cancelled', 'revoked', 'shell'] as const;
export type FindingOutcome = (typeof FINDING_OUTCOMES)[number];

export type OutcomeCounts = Record<LineOutcome, number>;

export const emptyCounts = (): OutcomeCounts => ({ filed: 0, not_filed: 0, fingerprint_mismatch: 0, cancelled: 0, revoked: 0, shell: 0 });

/**
 * A line's outcome from the verification judgement and the registered service's status. A
 * service whose status is `shell` (or an identity judged `shell`) is a shell finding even when
 * the certificate matches: a shell filing is no filing.
 */
export function lineOutcome(status: VerificationStatus | 'shell', serviceStatus: string | null): LineOutcome {
  if (serviceStatus === 'shell' || status === 'shell') return 'shell';
  return status;
}

export const isFinding = (o: LineOutcome): o is FindingOutcome => o !== 'filed';
