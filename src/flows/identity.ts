// Identity (face / video) verification of the principals (DOMAIN.md §4.1 step 2) is done by
// an external identity service; beian records the task, who, when and the result.
export interface IdentityCheckRequest {
  taskId: string;
  personName: string;
  certificateType: string;
  certificateNumber: string;
  expiresAt: Date;
}

export type IdentityCheckStart =
  | { status: 'pending'; url: string }          // the person completes it at `url`; the service calls back
  | { status: 'passed' | 'failed'; detail: string };

export interface IdentityVerifier {
  readonly name: string;
  start(request: IdentityCheckRequest): Promise<IdentityCheckStart>;
}

/** Development verifier: passes at once, so the demo and tests need no identity service. */
export const developmentVerifier: IdentityVerifier = {
  name: 'development',
  async start() { return { status: 'passed', detail: 'development verifier: no real check was made' }; },
};

/** How long a started task, and a passed result, stays usable for submission (WeChat: 3 days, DOMAIN.md §4.1 2a). */
export const IDENTITY_TASK_VALIDITY_MS = 3 * 24 * 60 * 60 * 1000;
