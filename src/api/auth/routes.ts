// /api/auth: host registration, sign-in, sign-out, "who am I", password change and reset.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findAccount, findOrganisation } from '../../db/accounts.ts';
import { digest } from '../../db/credentials.ts';
import type { NewSession } from '../../db/sessions.ts';
import { changePassword } from '../../flows/change-password.ts';
import { registerHost } from '../../flows/register-host.ts';
import {
  REGISTRATION_CODE_MAX_ATTEMPTS, REGISTRATION_CODE_MAX_ATTEMPTS_ALL, REGISTRATION_CODE_VALIDITY_MS, REGISTRATION_CODES_PER_CLIENT_HOUR, REGISTRATION_CODES_PER_HOUR, requestRegistrationCode,
} from '../../flows/request-registration-code.ts';
import { confirmPasswordReset, requestPasswordReset, RESET_MAX_ATTEMPTS, RESET_MAX_ATTEMPTS_ALL, RESET_MAX_PER_CLIENT_HOUR, RESET_MAX_PER_HOUR, RESET_VALIDITY_MS } from '../../flows/reset-password.ts';
import { assertAddressUnlocked, signIn } from '../../flows/sign-in.ts';
import { signOut } from '../../flows/sign-out.ts';
import { devSmsInbox } from '../admin/dev-sms.ts';
import { validityEn } from '../../notify/sms-templates.ts';
import type { AppContext } from '../app.ts';
import { clientOf, RATE_LIMITS, rateLimit, useRateLimitStore } from '../rate-limit.ts';
import { clearSessionCookie, setSessionCookie } from './cookie.ts';
import { actorOf, requireActor, requirePerson } from './guards.ts';
import { accountSchema, organisationRefSchema, presentAccount, problems } from './presenters.ts';
import { fieldsInBody } from '../problem.ts';

/** A one-time code's request (registration, password reset): the same 202 whatever happened. */
const codeSent = z.object({ validForMinutes: z.number().int().describe('how long a code sent now stays valid') });

export const CSRF_NOTE = 'With a session cookie, send the header `x-csrf-token` (the `csrfToken` of the session); '
  + 'otherwise 403 `csrf_token_invalid`. API-key callers need no CSRF token.';

const sessionSchema = z.object({
  role: accountSchema.shape.role,
  user: accountSchema.nullable().describe('null for an API-key caller'),
  organisation: organisationRefSchema.nullable(),
  apiKeyId: z.string().nullable().describe('set for an API-key caller'),
  csrfToken: z.string().nullable().describe(`send as x-csrf-token with every POST/PUT/PATCH/DELETE of this session`),
  expiresAt: z.string().nullable().describe('the session ends then unless used (12 h idle, 7 days at most)'),
  mustChangePassword: z.boolean().describe('true after signing in with a one-time password (`beian admin create`): every other call '
    + 'answers 403 `password_change_required` until POST /api/auth/password sets a new one'),
  devSmsInbox: z.boolean().describe('true when the development SMS provider is configured (SMS_PROVIDER=dev, a demo): messages reach no phone; '
    + 'a ministry administrator reads them at GET /api/admin/dev-sms (web: 开发短信收件箱). Never true with a real gateway'),
});
type SessionView = z.infer<typeof sessionSchema>;

const password = z.string().max(1024);
const registerBody = z.object({
  displayName: z.string().max(256),
  mobile: z.string().max(32).describe('mainland mobile, 11 digits, +86 allowed'),
  email: z.string().max(320),
  password: password.describe('10–128 characters, at least two of: lowercase, uppercase, digits, other; not containing the mobile or email'),
  locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
  smsCode: z.string().max(32).optional().describe('the 6-digit code POST /api/auth/register/code sent to the mobile; '
    + 'required (without it 400 `sms_code_required` on `body.smsCode`)'),
});

export const authRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  async function sessionView(userId: string, session: { csrfToken: string; expiresAt: Date }): Promise<SessionView> {
    const account = await findAccount(ctx.db, userId);
    const user = presentAccount(account!, ctx.sealer);
    return {
      role: user.role, user, organisation: user.organisation, apiKeyId: null, csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(), mustChangePassword: account!.must_change_password,
      devSmsInbox: devSmsInbox(ctx.config),
    };
  }
  const startSession = (reply: FastifyReply, userId: string, session: NewSession) => {
    setSessionCookie(reply, ctx.config, session.token);
    return sessionView(userId, session);
  };

  // Per address, before the body is read (onRequest): a code request may send an SMS to someone's phone.
  const registerCodeQuota = rateLimit(RATE_LIMITS.registerCode, await useRateLimitStore(app, ctx.config, { prefix: 'beian:rl:register-code:' }));
  const codeMinutes = REGISTRATION_CODE_VALIDITY_MS / 60_000;
  app.post('/api/auth/register/code', {
    config: { csrf: false },
    onRequest: registerCodeQuota,
    schema: {
      tags: ['auth'], summary: 'Registration step 1: ask for a code by SMS that proves the mobile',
      description: `A mobile with no host account gets a 6-digit code by SMS, valid ${validityEn(REGISTRATION_CODE_VALIDITY_MS)} (as the SMS template says) and for ${REGISTRATION_CODE_MAX_ATTEMPTS} `
        + `wrong attempts from one client address (an IPv6 /64 counts as one), ${REGISTRATION_CODE_MAX_ATTEMPTS_ALL} from all; `
        + 'send it to POST /api/auth/register as `smsCode`. A mobile that already has an account gets a password-reset code '
        + 'instead (its owner can set a new password at POST /api/auth/password-reset/confirm); it cannot be registered again. '
        + 'The answer is the same 202 whether or not the mobile has an account or anything was sent (no account enumeration). '
        + `A new code replaces the previous one; a mobile's requests are acted on at most ${REGISTRATION_CODES_PER_CLIENT_HOUR} an hour from one client `
        + `address (an IPv6 /64 counts as one) and ${REGISTRATION_CODES_PER_HOUR} an hour from all. `
        + `${RATE_LIMITS.registerCode.anonymousPerMinute} calls an hour per client address (429 \`rate_limited\` with Retry-After). `
        + 'With SMS_PROVIDER=dev the message is in the development SMS inbox (GET /api/admin/dev-sms).',
      body: z.object({ mobile: registerBody.shape.mobile }),
      response: {
        202: codeSent,
        ...problems(400, 429),
      },
    },
  }, async (request, reply) => {
    await fieldsInBody(requestRegistrationCode(ctx, { mobile: request.body.mobile, client: clientOf(request.ip) }, request.id));
    return reply.code(202).send({ validForMinutes: codeMinutes });
  });

  // Per address, before the body is read (onRequest): registration costs argon2 work and makes an account.
  const registerQuota = rateLimit(RATE_LIMITS.register, await useRateLimitStore(app, ctx.config, { prefix: 'beian:rl:register:' }));
  app.post('/api/auth/register', {
    config: { csrf: false },
    onRequest: registerQuota,
    schema: {
      tags: ['auth'], summary: 'Register as a host (APP主办者) with the code sent to the mobile, and sign in',
      description: 'Step 2, after POST /api/auth/register/code. Mobile and email are validated, stored encrypted, and unique among hosts. '
        + 'Without `smsCode`: 400 `sms_code_required`. A wrong, expired or used-up code — and equally a mobile or email that already has an '
        + 'account — answers 400 `sms_code_invalid` on `body.smsCode` (no account enumeration; the code is checked first, and a right code with '
        + 'a taken email is used up and the email\'s owner is told by email). '
        + 'The login is the email; the mobile also signs in. Sets the `beian_session` cookie. '
        + `${RATE_LIMITS.register.anonymousPerMinute} registrations an hour per client address (429 \`rate_limited\` with Retry-After).`,
      body: registerBody, response: { 201: sessionSchema, ...problems(400, 429) },
    },
  }, async (request, reply) => {
    const { userId, session } = await fieldsInBody(registerHost(ctx, request.body, clientOf(request.ip), request.id));
    return reply.code(201).send(await startSession(reply, userId, session));
  });

  app.post('/api/auth/login', {
    config: { csrf: false },
    // A locked address is refused before its body is read; the account's lock needs the login (in the flow).
    onRequest: async (request) => { await assertAddressUnlocked(ctx, request.ip); },
    schema: {
      tags: ['auth'], summary: 'Sign in with a password',
      description: 'The login is an email or mobile (hosts) or a staff login name. Wrong login and wrong password get the same 401 '
        + '`invalid_credentials`. 5 failures for an account within 15 minutes, or 20 from one address, lock it for 15 minutes: '
        + '429 `sign_in_throttled` with Retry-After. Sets the `beian_session` cookie.',
      body: z.object({ login: z.string().min(1).max(320), password }),
      response: { 200: sessionSchema, ...problems(400, 401, 403, 429) },
    },
  }, async (request, reply) => {
    const { account, session } = await signIn(ctx, { ...request.body, address: request.ip }, request.id);
    return startSession(reply, account.id, session);
  });

  app.post('/api/auth/logout', {
    config: { beforePasswordChange: true },
    schema: { tags: ['auth'], summary: 'Sign out (ends the session)', description: CSRF_NOTE, response: { 204: z.null(), ...problems(403) } },
  }, async (request, reply) => {
    if (request.actor && request.authSession) await signOut(ctx, request.actor, request.authSession.token);
    clearSessionCookie(reply, ctx.config);
    return reply.code(204).send(null);
  });

  app.get('/api/auth/session', {
    config: { beforePasswordChange: true },
    onRequest: requireActor(),
    schema: { tags: ['auth'], summary: 'Who am I: the account, its organisation and the CSRF token', response: { 200: sessionSchema, ...problems(401) } },
  }, async (request: FastifyRequest) => {
    const actor = actorOf(request);
    if (request.authSession && actor.userId) return sessionView(actor.userId, request.authSession);
    const org = actor.orgId ? await findOrganisation(ctx.db, actor.orgId) : null;
    return {
      role: actor.role, user: null, apiKeyId: actor.apiKeyId ?? null, csrfToken: null, expiresAt: null, mustChangePassword: false, devSmsInbox: devSmsInbox(ctx.config),
      organisation: org ? { id: org.id, name: org.name, kind: org.kind, provinceCode: org.province_code } : null,
    };
  });

  app.post('/api/auth/password', {
    config: { beforePasswordChange: true },
    onRequest: requirePerson(),
    schema: {
      tags: ['auth'], summary: 'Change my password (other sessions end)',
      description: 'The new password follows the registration rule and differs from the current one. Wrong current passwords count '
        + 'towards sign-in throttling. After signing in with a one-time password (`mustChangePassword: true`) this is the only call '
        + `allowed besides GET /api/auth/session and logout; it clears the flag. ${CSRF_NOTE}`,
      body: z.object({ currentPassword: password, newPassword: password }),
      response: { 204: z.null(), ...problems(400, 401, 403, 429) },
    },
  }, async (request, reply) => {
    await fieldsInBody(changePassword(ctx, actorOf(request), { ...request.body, keepSessionHash: digest(request.authSession!.token) }));
    return reply.code(204).send(null);
  });

  const resetQuota = rateLimit(RATE_LIMITS.passwordReset, await useRateLimitStore(app, ctx.config));
  const validMinutes = RESET_VALIDITY_MS / 60_000;
  app.post('/api/auth/password-reset', {
    config: { csrf: false },
    onRequest: resetQuota,
    schema: {
      tags: ['auth'], summary: 'Ask for a code to set a new password (forgotten password; first password of an imported host account)',
      description: `The login is an email or mobile (hosts) or a staff login name. A host gets a 6-digit code by SMS on the account's mobile `
        + `(or by email when the account has no mobile, as accounts brought in by \`beian import\`); staff by email. The answer is the same 202 `
        + `whether or not the login exists or anything was sent (no account enumeration). A new code replaces the previous one; at most `
        + `${RESET_MAX_PER_CLIENT_HOUR} codes an account an hour at the request of one client address (an IPv6 /64 counts as one) and `
        + `${RESET_MAX_PER_HOUR} from all; further requests send nothing and get the same answer. ${RATE_LIMITS.passwordReset.anonymousPerMinute} calls a minute per address (both reset calls together).`,
      body: z.object({ login: z.string().trim().min(1).max(320) }),
      response: {
        202: codeSent,
        ...problems(400, 429),
      },
    },
  }, async (request, reply) => {
    await requestPasswordReset(ctx, { ...request.body, client: clientOf(request.ip) }, request.id);
    return reply.code(202).send({ validForMinutes: validMinutes });
  });

  app.post('/api/auth/password-reset/confirm', {
    config: { csrf: false },
    onRequest: resetQuota,
    schema: {
      tags: ['auth'], summary: 'Set a new password with the code, and sign in',
      description: `The code is valid ${validMinutes} minutes and for ${RESET_MAX_ATTEMPTS} wrong attempts from one client address (an IPv6 /64 counts as one), `
        + `${RESET_MAX_ATTEMPTS_ALL} from all; every reason it does not work answers `
        + '400 `reset_code_invalid` on `body.code`. The new password follows the registration rule (400 naming `body.newPassword`). '
        + 'Every other session of the account ends; this answer signs in (sets the `beian_session` cookie).',
      body: z.object({ login: z.string().trim().min(1).max(320), code: z.string().max(32), newPassword: password }),
      response: { 200: sessionSchema, ...problems(400, 429) },
    },
  }, async (request, reply) => {
    const { account, session } = await fieldsInBody(confirmPasswordReset(ctx, request.body, clientOf(request.ip), request.id));
    return startSession(reply, account.id, session);
  });
};
