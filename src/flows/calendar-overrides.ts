// Calendar overrides (issue 2, item 5): a holiday or a make-up working day, national or for
// one province, entered without a release when the State Council (or a province) announces
// a schedule; `year_published` declares a year's schedule complete so deadlines may reach it.
// The ministry sets national rows; a bureau only its own province's. Adding or removing one
// recounts, in the same transaction, every running review deadline and open disposal order's due
// date whose count touches that year (history on each, a notice to each bureau and organisation
// concerned), as an imported schedule does (ADR 0011 addendum of session 13).
import type { Queryable } from '../db/connection.ts';
import type { Actor } from '../domain/actors.ts';
import { type CalendarOverride, createCalendar, FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR, PACKAGE_SCHEDULE } from '../domain/calendar.ts';
import { validateIsoDate, yearOf } from '../domain/dates.ts';
import { NamedError } from '../domain/errors.ts';
import { provinceByCode } from '../domain/provinces.ts';
import { loadCalendarOverrides } from '../db/calendar.ts';
import { noticeDeadlinesMoved } from '../notify/calendar-notices.ts';
import type { FlowContext } from './context.ts';
import { applyDeadlineMoves, calendarsFor, deadlineMoves } from './deadline-moves.ts';
import { recordHistory } from './history.ts';
import { applyOrderDueMoves, orderDueMoves } from './supervision/order-due-dates.ts';

export interface OverrideInput { day: string; kind: 'holiday' | 'workday' | 'year_published'; provinceCode?: string | null; note?: string | null }

const bad = (field: string, code: string, message: string) => new NamedError(code, 'invalid', message, [{ field, code, message }]);

function authorise(actor: Actor, provinceCode: string | null) {
  if (actor.role === 'ministry_admin') return;
  if (actor.role === 'bureau_reviewer' && provinceCode && provinceCode === actor.provinceCode) return;
  throw new NamedError('action_not_allowed', 'forbidden', 'the ministry sets national days; a bureau only its own province\'s');
}

export async function addCalendarOverride(ctx: FlowContext, actor: Actor, input: OverrideInput) {
  const day = validateIsoDate(input.day);
  if (!day.ok) throw bad('day', day.error.code, day.error.message);
  const provinceCode = input.provinceCode ?? null;
  if (provinceCode && !provinceByCode(provinceCode)) throw bad('provinceCode', 'province_unknown', `no province ${provinceCode}`);
  if (input.kind === 'year_published' && (provinceCode || !day.value.endsWith('-01-01'))) {
    throw bad('day', 'year_published_day', 'a published year is national and dated 1 January of that year');
  }
  const year = yearOf(day.value);
  if (year < FIRST_SUPPORTED_YEAR || year > LAST_SUPPORTED_YEAR) {
    throw bad('day', 'calendar_out_of_range', `the calendar covers ${FIRST_SUPPORTED_YEAR}–${LAST_SUPPORTED_YEAR}`);
  }
  // A published year counts its overrides alone (src/domain/calendar.ts): declared by hand over a year the installed
  // schedule covers, it would drop that year's holidays. Such a year is official already; `beian calendar import` replaces it whole.
  if (input.kind === 'year_published' && year >= PACKAGE_SCHEDULE.years.first && year <= PACKAGE_SCHEDULE.years.last) {
    throw bad('day', 'year_already_official', `${year} is official already (the installed schedule covers it); import a schedule file to replace it`);
  }
  authorise(actor, provinceCode);
  return ctx.db.transaction(async (tx) => {
    const current = await loadCalendarOverrides(tx);
    // Published with no holiday entered, a year would count New Year and the Spring Festival as working days, officially.
    if (input.kind === 'year_published' && !current.some((o) => o.kind === 'holiday' && o.provinceCode === undefined && yearOf(o.date) === year)) {
      throw bad('day', 'year_has_no_holidays', `enter ${year}'s national holidays first (or import the schedule file): published with none, its statutory holidays would count as working days`);
    }
    const proposed = [...current, input.kind === 'year_published'
      ? { kind: 'year_published' as const, year }
      : { kind: input.kind, date: day.value, ...(provinceCode ? { provinceCode } : {}) }];
    try { createCalendar({ overrides: proposed }); } catch (e) {
      throw bad('day', (e as { code?: string }).code ?? 'calendar_invalid_argument', (e as Error).message);
    }
    const rows = await tx.query<{ id: string }>(
      `insert into calendar_overrides (day, kind, province_code, note, created_by, created_at) values ($1,$2,$3,$4,$5,$6)
       on conflict do nothing returning id`,
      [day.value, input.kind, provinceCode, input.note ?? null, actor.userId, ctx.now()]);
    if (!rows[0]) throw new NamedError('calendar_override_exists', 'conflict', `${day.value} already has an override${provinceCode ? ` for ${provinceCode}` : ''}`);
    await recordHistory(tx, actor, { entityType: 'calendar', entityId: rows[0].id, action: 'add_override', reason: { day: day.value, kind: input.kind, provinceCode } }, ctx.now());
    const recounted = await recount(ctx, tx, actor, proposed, { overrideId: rows[0].id, change: 'added', day: day.value, kind: input.kind, provinceCode });
    return { id: rows[0].id, day: day.value, kind: input.kind, provinceCode, note: input.note ?? null, ...recounted };
  });
}

const KIND_WORDS: Record<string, { zh: string; en: string }> = {
  holiday: { zh: '节假日', en: 'a holiday' }, workday: { zh: '调休工作日', en: 'a make-up working day' }, year_published: { zh: '年度安排已公布', en: 'the year published' },
};

/**
 * The deadlines and due dates the changed overrides move (those whose count touches the day's year): written with
 * history, each bureau and organisation told. Answers how many moved.
 */
async function recount(
  ctx: FlowContext, tx: Queryable, actor: Actor, overrides: readonly CalendarOverride[],
  change: { overrideId: string; change: 'added' | 'removed'; day: string; kind: string; provinceCode: string | null },
): Promise<{ deadlinesMoved: number; ordersMoved: number }> {
  const year = yearOf(change.day);
  const after = calendarsFor(overrides);
  const deadlines = await deadlineMoves(tx, after, year, { forUpdate: true });
  const orders = await orderDueMoves(tx, after, year, { forUpdate: true });
  const now = ctx.now();
  const cause = { cause: 'calendar_override', ...change };
  await applyDeadlineMoves(tx, actor, deadlines, cause, now);
  const words = KIND_WORDS[change.kind] ?? { zh: change.kind, en: change.kind };
  const where = change.provinceCode ? { zh: `（${provinceByCode(change.provinceCode)?.name ?? change.provinceCode}）`, en: ` (${change.provinceCode})` } : { zh: '', en: '' };
  const detail = change.change === 'added'
    ? { zh: `${change.day}${where.zh}设为${words.zh}`, en: `${change.day}${where.en} is now ${words.en}` }
    : { zh: `取消 ${change.day}${where.zh}的“${words.zh}”调整`, en: `${change.day}${where.en} is no longer ${words.en}` };
  await noticeDeadlinesMoved(tx, ctx.sealer, { year, moves: deadlines, publicUrl: ctx.publicUrl, at: now, cause: 'override', detail });
  await applyOrderDueMoves(ctx, tx, actor, orders, cause, now);
  return { deadlinesMoved: deadlines.length, ordersMoved: orders.length };
}

export async function removeCalendarOverride(ctx: FlowContext, actor: Actor, id: string) {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string; day: string; kind: string; province_code: string | null }>(
      'select id, day, kind, province_code from calendar_overrides where id::text = $1 for update', [id]);
    if (!row) throw new NamedError('calendar_override_not_found', 'not_found', `no calendar override ${id}`);
    authorise(actor, row.province_code);
    await tx.query('delete from calendar_overrides where id = $1', [row.id]);
    await recordHistory(tx, actor, { entityType: 'calendar', entityId: row.id, action: 'remove_override', reason: { day: row.day, kind: row.kind, provinceCode: row.province_code } }, ctx.now());
    return recount(ctx, tx, actor, await loadCalendarOverrides(tx), { overrideId: row.id, change: 'removed', day: row.day, kind: row.kind, provinceCode: row.province_code });
  });
}
