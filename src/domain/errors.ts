// Base class for the domain's named errors (ARCHITECTURE.md house rule 6: errors are named
// facts with stable codes). The API maps `code` to problem+json unchanged.
export abstract class DomainError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
