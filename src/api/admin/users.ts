// /api/admin/users: the ministry administrator lists accounts, creates staff accounts,
// disables or enables accounts and sets a new one-time password on a staff account.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findAccount, listAccounts } from '../../db/accounts.ts';
import { STAFF_ROLES } from '../../domain/accounts.ts';
import { createUser } from '../../flows/create-user.ts';
import { disableUser } from '../../flows/disable-user.ts';
import { enableUser } from '../../flows/enable-user.ts';
import { resetUserPassword } from '../../flows/reset-user-password.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requirePerson } from '../auth/guards.ts';
import { accountSchema, presentAccount, problems } from '../auth/presenters.ts';
import { CSRF_NOTE } from '../auth/routes.ts';
import { fieldsInBody } from '../problem.ts';

const page = { limit: z.coerce.number().int().min(1).max(500).default(100), offset: z.coerce.number().int().min(0).default(0) };
const idParams = z.object({ id: z.uuid() });

export const adminUserRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const guard = requirePerson('ministry_admin');
  const present = async (id: string) => presentAccount((await findAccount(ctx.db, id))!, ctx.sealer);

  app.get('/api/admin/users', {
    onRequest: guard,
    schema: {
      tags: ['admin'], summary: 'List accounts (mobiles and emails masked)',
      querystring: z.object({ role: z.enum(['host', ...STAFF_ROLES]).optional(), organisationId: z.uuid().optional(), ...page }),
      response: { 200: z.object({ items: z.array(accountSchema), total: z.number().int() }), ...problems(400, 401, 403) },
    },
  }, async (request) => {
    const { rows, total } = await listAccounts(ctx.db, request.query);
    return { items: rows.map((r) => presentAccount(r, ctx.sealer)), total };
  });

  app.post('/api/admin/users', {
    onRequest: guard,
    schema: {
      tags: ['admin'], summary: 'Create a staff account',
      description: 'The role must be that of the organisation\'s kind (provider_staff ↔ access_provider, platform_staff ↔ '
        + 'distribution_platform, device_maker_staff ↔ device_maker, bureau_reviewer ↔ bureau, ministry_admin ↔ ministry). '
        + `The first password is generated and returned once; the person changes it with POST /api/auth/password. ${CSRF_NOTE}`,
      body: z.object({
        organisationId: z.uuid(), role: z.enum(STAFF_ROLES), displayName: z.string().max(256),
        login: z.string().max(64).describe('3–64 of a-z 0-9 . _ -, starting with a letter'),
        email: z.string().max(320).nullish(), locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
      }),
      response: { 201: z.object({ user: accountSchema, initialPassword: z.string() }), ...problems(400, 401, 403, 409) },
    },
  }, async (request, reply) => {
    const { id, initialPassword } = await fieldsInBody(createUser(ctx, actorOf(request), request.body));
    return reply.code(201).send({ user: await present(id), initialPassword });
  });

  app.post('/api/admin/users/:id/disable', {
    onRequest: guard,
    schema: {
      tags: ['admin'], summary: 'Disable an account (its sessions end now)',
      description: `Administrators cannot disable themselves. ${CSRF_NOTE}`,
      params: idParams, response: { 200: accountSchema, ...problems(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    await disableUser(ctx, actorOf(request), request.params.id);
    return present(request.params.id);
  });

  app.post('/api/admin/users/:id/enable', {
    onRequest: guard,
    schema: {
      tags: ['admin'], summary: 'Enable a disabled account',
      description: CSRF_NOTE, params: idParams, response: { 200: accountSchema, ...problems(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    await enableUser(ctx, actorOf(request), request.params.id);
    return present(request.params.id);
  });

  app.post('/api/admin/users/:id/password', {
    onRequest: guard,
    schema: {
      tags: ['admin'], summary: 'Set a new one-time password on a staff account (returned once)',
      description: 'For staff who forgot their password and have no email to receive a reset code, or an account thought '
        + 'compromised. The password is generated and returned once; the account must set its own (POST /api/auth/password) '
        + 'before anything else. Every session of the account ends, a pending reset code is superseded and a sign-in lock is '
        + 'lifted. 409 `host_password_self_service` for a host account (hosts reset by SMS: POST /api/auth/password-reset), '
        + `409 \`cannot_reset_own_password\` for your own account (POST /api/auth/password). ${CSRF_NOTE}`,
      params: idParams,
      response: { 200: z.object({ user: accountSchema, oneTimePassword: z.string() }), ...problems(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    const r = await resetUserPassword(ctx, actorOf(request), { id: request.params.id });
    return { user: await present(r.id), oneTimePassword: r.password };
  });
};
