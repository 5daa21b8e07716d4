// The session cookie: HttpOnly (scripts cannot read it), SameSite=Lax (not sent on cross-site
// POSTs), Path=/, Secure whenever the public URL is https. No Max-Age: the server decides
// expiry (12 h idle, 7 days at most — SESSION_POLICY) and the browser drops it when closed.
import type { FastifyReply } from 'fastify';
import type { Config } from '../../config.ts';

export const SESSION_COOKIE = 'beian_session';
export const CSRF_HEADER = 'x-csrf-token';

const options = (config: Config) => ({
  httpOnly: true, sameSite: 'lax' as const, path: '/', secure: config.publicUrl.startsWith('https:'),
});

export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, options(config));
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, options(config));
}
