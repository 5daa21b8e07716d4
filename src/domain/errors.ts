// Base class for the domain's named errors (ARCHITECTURE.md house rule 6: errors are named
// facts with stable codes). The API maps `code` to problem+json unchanged.
export abstract class DomainError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** How a named error is answered over HTTP (the API maps kinds to status codes). */
export type ErrorKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'too_large' | 'rate_limited' | 'unavailable';

/** A problem with one field: `field` is a dotted path such as `subject.principal.mobile`. */
export interface FieldProblem { field: string; code: string; message: string; suggestion?: string }

/** A named error with its kind, optional field problems and response headers (e.g. Retry-After). */
export class NamedError extends DomainError {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    readonly errors: FieldProblem[] = [],
    readonly headers: Record<string, string> = {},
    /** Extra members of the problem (RFC 9457 extensions), e.g. the main number a conflict names. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
