// Working-day calendar: overrides managed by the ministry (national) and bureaus (their
// province), and a public deadline calculator using the same calendar as the review queue.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadCalendar } from '../../db/calendar.ts';
import { countWorkingDays, provisionalReason } from '../../domain/calendar.ts';
import { NamedError } from '../../domain/errors.ts';
import { addCalendarOverride, removeCalendarOverride } from '../../flows/calendar-overrides.ts';
import { refreshProvisionalDeadlines } from '../../flows/refresh-deadlines.ts';
import type { AppContext } from '../app.ts';
import { actorOf, requireActor } from '../auth/index.ts';
import { isoDay } from '../schemas/dates.ts';
import { fieldsInBody } from '../problem.ts';
import { problems, problemSchema } from '../auth/presenters.ts';

const tags = ['calendar'];
const managers = { onRequest: requireActor('ministry_admin', 'bureau_reviewer') };
const province = z.string().regex(/^\d{6}$/, 'a 6-digit province code such as 440000');
const date = isoDay;
const overrideView = z.object({
  id: z.string(), day: z.string(), kind: z.enum(['holiday', 'workday', 'year_published']), provinceCode: z.string().nullable().describe('null: national'), note: z.string().nullable(),
});
const recounted = { deadlinesMoved: z.number().int().describe('review deadlines the change moved'), ordersMoved: z.number().int().describe('disposal orders whose due date it moved') };
const provisionalView = {
  provisional: z.boolean().describe('the count reaches a year without an official schedule'), provisionalYears: z.array(z.number().int()),
  provisionalReason: z.string().nullable(),
};
const problem415 = { 415: problemSchema.describe('unsupported_media_type: the body is not application/json') };

export const calendarRoutes = (ctx: AppContext): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get('/api/admin/calendar-overrides', { ...managers, schema: {
    tags, summary: 'Holidays and make-up working days entered in beian',
    response: { 200: z.object({ items: z.array(overrideView.extend({ kind: z.string(), createdAt: z.string() })) }), ...problems(401, 403) },
  } }, async () => {
    const rows = await ctx.db.query<{ id: string; day: string; kind: string; province_code: string | null; note: string | null; created_at: Date }>(
      'select id, day, kind, province_code, note, created_at from calendar_overrides order by day, province_code nulls first');
    return { items: rows.map((r) => ({ id: r.id, day: r.day, kind: r.kind, provinceCode: r.province_code, note: r.note, createdAt: r.created_at.toISOString() })) };
  });

  app.post('/api/admin/calendar-overrides', {
    ...managers,
    schema: { tags, summary: 'Add a holiday, a make-up working day, or declare a year published', body: z.strictObject({ day: date, kind: z.enum(['holiday', 'workday', 'year_published']), provinceCode: province.nullable().optional(), note: z.string().max(200).nullable().optional() }),
      response: { 201: overrideView.extend(recounted), ...problems(400, 401, 403, 409), ...problem415 } },
  }, async (req, reply) => {
    const added = await fieldsInBody(addCalendarOverride(ctx, actorOf(req), req.body));
    // A year declared published by hand: its provisional deadlines become official now (ADR 0011).
    if (added.kind === 'year_published') await refreshProvisionalDeadlines(ctx);
    return reply.code(201).send(added);
  });

  app.delete('/api/admin/calendar-overrides/:id', { ...managers, schema: { tags, summary: 'Remove an override (the deadlines it moved are counted again)', params: z.object({ id: z.uuid() }), response: { 204: z.null(), ...problems(400, 401, 403, 404) } } },
    async (req, reply) => { await removeCalendarOverride(ctx, actorOf(req), req.params.id); return reply.code(204).send(null); });

  app.get('/api/calendar/working-days', {
    schema: { tags, summary: 'The date n working days after start (start not counted), with overrides; provisional past the official years', querystring: z.object({ start: date, n: z.coerce.number().int().min(-366).max(366), province: province.optional() }),
      response: { 200: z.object({ start: z.string(), n: z.number().int(), province: z.string().nullable(), date: z.string(), ...provisionalView }), ...problems(400) } },
  }, async (req) => {
    const cal = await loadCalendar(ctx.db, req.query.province);
    const counted = countWorkingDays(cal, req.query.start, req.query.n);
    return { start: req.query.start, n: req.query.n, province: req.query.province ?? null, date: counted.date, ...provisional(counted.provisionalYears) };
  });

  app.get('/api/calendar/working-days-between', {
    schema: { tags, summary: 'Working days d with a < d ≤ b (negative when b < a), with overrides; provisional past the official years', querystring: z.object({ a: date, b: date, province: province.optional() }),
      response: { 200: z.object({ a: z.string(), b: z.string(), province: z.string().nullable(), days: z.number().int(), ...provisionalView }), ...problems(400) } },
  }, async (req) => {
    const cal = await loadCalendar(ctx.db, req.query.province);
    const { a, b } = req.query;
    if (Math.abs(Date.parse(b) - Date.parse(a)) > 3 * 366 * 86_400_000) throw new NamedError('calendar_span_too_long', 'invalid', 'a and b may be at most three years apart', [{ field: 'querystring.b', code: 'calendar_span_too_long', message: 'at most three years after or before a' }]);
    return { a, b, province: req.query.province ?? null, days: cal.workingDaysBetween(a, b), ...provisional(cal.provisionalYears(a, b)) };
  });
};

/** Issue 12 part 1: a count that reaches a year without an official schedule says so and why. */
const provisional = (years: number[]) => ({ provisional: years.length > 0, provisionalYears: years, provisionalReason: provisionalReason(years) });
