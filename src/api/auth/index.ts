// What other routes use: `request.actor` (installed by authPlugin) and the guards.
export { authPlugin, type AuthSession, ApiKeyInvalidError, CsrfTokenInvalidError, PasswordChangeRequiredError } from './plugin.ts';
export { actorOf, checkActor, ForbiddenError, requireActor, requirePerson, SessionRequiredError, UnauthenticatedError } from './guards.ts';
export { CSRF_HEADER, SESSION_COOKIE } from './cookie.ts';
export { CSRF_NOTE } from './routes.ts';
