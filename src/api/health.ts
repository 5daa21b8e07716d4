import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { latestMigration } from '../db/migrate.ts';
import type { AppContext } from './app.ts';

export const healthRoutes = (ctx: AppContext): FastifyPluginAsync => async (app) => {
  app.withTypeProvider<ZodTypeProvider>().get('/api/health', {
    schema: {
      tags: ['system'],
      summary: 'Liveness and database status',
      response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgresql']), migration: z.string().nullable() }) },
    },
  }, async () => ({ status: 'ok' as const, database: ctx.db.kind, migration: await latestMigration(ctx.db) }));
};
