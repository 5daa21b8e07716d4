// Route guards. Use as `onRequest: requireActor('bureau_reviewer')`, then `actorOf(request)`
// in the handler. No actor → 401 `unauthenticated`; a role not listed → 403 `forbidden`.
// They work as onRequest, preValidation or preHandler hooks; onRequest (or preValidation) is
// preferred, so an anonymous caller learns nothing of the body schema (401 comes before 400).
import type { FastifyRequest } from 'fastify';
import type { Actor, Role } from '../../domain/actors.ts';
import { NamedError } from '../../domain/errors.ts';

export class UnauthenticatedError extends NamedError {
  constructor() { super('unauthenticated', 'unauthenticated', 'sign in, or send an organisation API key as "Authorization: Bearer <key>"'); }
}

export class ForbiddenError extends NamedError {
  constructor(message = 'your role may not do this') { super('forbidden', 'forbidden', message); }
}

export class SessionRequiredError extends NamedError {
  constructor() { super('session_required', 'forbidden', 'a person must do this while signed in; API keys cannot'); }
}

/** Any signed-in person or API key when no role is given; otherwise one of the roles. */
export function requireActor(...roles: Role[]) {
  return async (request: FastifyRequest): Promise<void> => { checkActor(request, roles); };
}

/** requireActor's check, synchronous (throws): for hooks in callback style. */
export function checkActor(request: FastifyRequest, roles: readonly Role[]): void {
  const actor = request.actor;
  if (!actor) throw new UnauthenticatedError();
  if (roles.length > 0 && !roles.includes(actor.role)) throw new ForbiddenError();
}

/** As requireActor, but only a person's session: managing keys and accounts needs a person. */
export function requirePerson(...roles: Role[]) {
  const roleCheck = requireActor(...roles);
  return async (request: FastifyRequest): Promise<void> => {
    await roleCheck(request);
    if (!request.authSession) throw new SessionRequiredError();
  };
}

/** The actor of a guarded route (throws 401 if a route forgot its guard). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new UnauthenticatedError();
  return request.actor;
}
