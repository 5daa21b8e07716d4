import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { latestMigration } from '../db/migrate.ts';
import type { AppContext } from './app.ts';

const standby = z.object({
  name: z.string().describe('host:port of the standby (DATABASE_READ_URL, without credentials)'),
  replayLagMs: z.number().nullable().describe('how far replay is behind what the standby received, in ms (0: caught up); null: the standby did not answer'),
  replayLsn: z.string().nullable().describe('the last WAL position the standby replayed; null: it did not answer (or is not a standby)'),
});

export const healthRoutes = (ctx: AppContext): FastifyPluginAsync => async (app) => {
  app.withTypeProvider<ZodTypeProvider>().get('/api/health', {
    schema: {
      tags: ['system'],
      summary: 'Liveness and database status; with DATABASE_READ_URL, each standby and its replay lag (ADR 0020)',
      response: {
        200: z.object({
          status: z.literal('ok'), database: z.enum(['pglite', 'postgresql']), migration: z.string().nullable(),
          standbys: z.array(standby).optional(),
        }),
      },
    },
  }, async () => {
    const [migration, standbys] = await Promise.all([latestMigration(ctx.db), ctx.reads.replicated ? ctx.reads.standbys() : undefined]);
    return { status: 'ok' as const, database: ctx.db.kind, migration, ...(standbys ? { standbys } : {}) };
  });
};
