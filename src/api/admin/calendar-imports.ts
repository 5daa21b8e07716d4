// Importing a year's official holiday schedule (issue 12 part 1; ADR 0011): the ministry
// uploads chinese-days' ICS or a small JSON, sees what changes (days, and the running deadlines
// that move, old → new), then confirms with the same body. The check compares imported years
// with the installed chinese-days, so an upgrade that disagrees is visible here and in the log.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkImportedYears } from '../../db/calendar.ts';
import { importCalendar, planCalendarImport } from '../../flows/import-calendar.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { BODY_LIMITS } from '../body-limits.ts';
import { fieldsAt } from '../problem.ts';
import { problems, problemSchema } from '../auth/presenters.ts';

const tags = ['calendar'];
const ministry = { onRequest: requireActor('ministry_admin'), bodyLimit: BODY_LIMITS.calendarImport };
const body = z.strictObject({
  content: z.string().min(1).max(2_000_000).describe('the file: chinese-days ICS (BEGIN:VCALENDAR…) or JSON {year, holidays, workdays}'),
  source: z.string().min(1).max(200).default('upload').describe('the file name, kept in history'),
  year: z.number().int().min(2004).max(2099).optional().describe('the year to take from a file that holds several'),
});

const dayKind = z.enum(['working', 'off']);
const planView = z.object({
  year: z.number().int(), format: z.enum(['ics', 'json']), holidays: z.array(z.string()), workdays: z.array(z.string()),
  days: z.array(z.object({ date: z.string(), before: dayKind, after: dayKind })).describe('days whose national working status changes'),
  replacedOverrides: z.number().int().describe('national overrides of the year entered by hand that the file replaces'),
  deadlines: z.array(z.object({
    applicationId: z.string(), serviceName: z.string().nullable(), provinceCode: z.string(), receivedOn: z.string(),
    old: z.object({ deadlineOn: z.string().nullable(), provisional: z.boolean() }), new: z.object({ deadlineOn: z.string(), provisional: z.boolean() }),
  })).describe('running review deadlines that move'),
  orders: z.array(z.object({ orderId: z.string(), organisationId: z.string(), measure: z.string(), old: z.string(), new: z.string() })).describe('disposal orders with an item open whose due date moves'),
});
const refused = { ...problems(400, 401, 403, 409), 413: problemSchema.describe('body_too_large'), 415: problemSchema.describe('unsupported_media_type: the body is not application/json') };

/** The schedule file is the body's `content`: what it holds (its days, its years) is named there; the year asked for is `body.year`. */
const fileField = (field: string) => (field === 'year' ? 'body.year' : 'body.content');

export const calendarImportRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.post('/api/admin/calendar-imports/preview', { ...ministry, schema: { tags, summary: 'What importing a holiday schedule would change (nothing written)', body, response: { 200: planView, ...refused } } },
    async (req) => fieldsAt(planCalendarImport(ctx, actorOf(req), req.body), fileField));

  app.post('/api/admin/calendar-imports', { ...ministry, schema: { tags, summary: 'Import a year\'s official holiday schedule: recompute running deadlines, notify the bureaus', body, response: { 201: planView.extend({ importId: z.string() }), ...refused } } },
    async (req, reply) => reply.code(201).send(await fieldsAt(importCalendar(ctx, actorOf(req), req.body), fileField)));

  app.get('/api/admin/calendar-imports', { ...ministry, schema: {
    tags, summary: 'Imported schedules, newest first',
    response: { 200: z.object({ items: z.array(z.object({ id: z.string(), year: z.number().int(), source: z.string(), format: z.string(), holidays: z.number().int(), workdays: z.number().int(), deadlinesMoved: z.number().int(), importedAt: z.string() })) }), ...problems(401, 403) },
  } }, async () => {
    const rows = await ctx.db.query<{ id: string; year: number; source: string; format: string; holidays: string[]; workdays: string[]; deadlines_moved: number; imported_at: Date }>(
      'select id, year, source, format, holidays, workdays, deadlines_moved, imported_at from calendar_imports order by imported_at desc, id limit 200');
    return { items: rows.map((r) => ({ id: r.id, year: r.year, source: r.source, format: r.format, holidays: r.holidays.length, workdays: r.workdays.length, deadlinesMoved: r.deadlines_moved, importedAt: r.imported_at.toISOString() })) };
  });

  app.get('/api/admin/calendar-check', { onRequest: requireActor('ministry_admin', 'bureau_reviewer'), schema: {
    tags, summary: 'Imported years compared with the installed chinese-days',
    response: {
      200: z.object({
        packageYears: z.object({ first: z.number().int(), last: z.number().int() }).describe('the years the installed chinese-days covers'),
        years: z.array(z.object({
          year: z.number().int(), importId: z.string(), source: z.string(), importedAt: z.string(), coveredByPackage: z.boolean().describe('false while the installed chinese-days does not cover the year yet'),
          differences: z.array(z.object({ date: z.string(), imported: dayKind, library: dayKind })),
        })),
        agrees: z.boolean(),
      }),
      ...problems(401, 403),
    },
  } },
    async () => checkImportedYears(ctx.db));
};
