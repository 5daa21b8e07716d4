// Calendar overrides (issue 2, item 5): a holiday or a make-up working day, national or for
// one province, entered without a release when the State Council (or a province) announces
// a schedule; `year_published` declares a year's schedule complete so deadlines may reach it.
// The ministry sets national rows; a bureau only its own province's.
import type { Actor } from '../domain/actors.ts';
import { createCalendar, PACKAGE_SCHEDULE } from '../domain/calendar.ts';
import { validateIsoDate } from '../domain/dates.ts';
import { NamedError } from '../domain/errors.ts';
import { provinceByCode } from '../domain/provinces.ts';
import { loadCalendarOverrides } from '../db/calendar.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';

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
  // A published year counts its overrides alone (src/domain/calendar.ts): declared by hand over a year the installed
  // schedule covers, it would drop that year's holidays. Such a year is official already; `beian calendar import` replaces it whole.
  const year = Number(day.value.slice(0, 4));
  if (input.kind === 'year_published' && year >= PACKAGE_SCHEDULE.years.first && year <= PACKAGE_SCHEDULE.years.last) {
    throw bad('day', 'year_already_official', `${year} is official already (the installed schedule covers it); import a schedule file to replace it`);
  }
  authorise(actor, provinceCode);
  return ctx.db.transaction(async (tx) => {
    const proposed = [...await loadCalendarOverrides(tx), input.kind === 'year_published'
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
    return { id: rows[0].id, day: day.value, kind: input.kind, provinceCode, note: input.note ?? null };
  });
}

export async function removeCalendarOverride(ctx: FlowContext, actor: Actor, id: string) {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string; day: string; kind: string; province_code: string | null }>(
      'select id, day, kind, province_code from calendar_overrides where id::text = $1 for update', [id]);
    if (!row) throw new NamedError('calendar_override_not_found', 'not_found', `no calendar override ${id}`);
    authorise(actor, row.province_code);
    await tx.query('delete from calendar_overrides where id = $1', [row.id]);
    await recordHistory(tx, actor, { entityType: 'calendar', entityId: row.id, action: 'remove_override', reason: { day: row.day, kind: row.kind, provinceCode: row.province_code } }, ctx.now());
  });
}
