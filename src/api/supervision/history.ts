// The history of a campaign and of a blacklist entry as the bureau reads it (ADR 0018, addendum
// "Campaigns extended or ended early; legacy duplicates settled"): like an order's history
// (queries.ts orderHistory), the history rows allowlisted — the words the bureau wrote, the
// dates, who by role, never by name. Visibility is the lists' (404 otherwise, house rule 7).
import { z } from 'zod';
import type { Queryable } from '../../db/connection.ts';
import type { Actor } from '../../domain/actors.ts';
import { isUuid, loadCampaign, NotFoundError } from '../../flows/supervision/scope.ts';

export interface HistoryStep {
  at: string; action: string; from: string | null; to: string | null; actorRole: string; note: string | null;
  /** The dates a step set (a campaign's catalogue due date and end, a round's reply date, an entry's end), and those it replaced. */
  catalogueDueOn: string | null; endsOn: string | null; previousCatalogueDueOn: string | null; previousEndsOn: string | null;
  /** A round's number; the organisations told of an extension or an early end. */
  number: number | null; notified: number | null;
}

/** HistoryStep as the response schemas declare it (OpenAPI). */
export const historyStepView = z.object({
  at: z.string(), action: z.string(), from: z.string().nullable(), to: z.string().nullable(), actorRole: z.string().describe('who, by role, never by name'), note: z.string().nullable(),
  catalogueDueOn: z.string().nullable(), endsOn: z.string().nullable(), previousCatalogueDueOn: z.string().nullable(), previousEndsOn: z.string().nullable(),
  number: z.number().nullable().describe('a round\'s number'), notified: z.number().nullable().describe('the organisations told of an extension or an early end'),
});
export const historyView = z.object({ items: z.array(historyStepView) });

type Row = { entity_type: string; action: string; from_status: string | null; to_status: string | null; actor_role: string; at: Date; reason: Record<string, unknown> | null };
const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
const num = (v: unknown) => (typeof v === 'number' ? v : null);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? v as Record<string, unknown> : {});

function step(r: Row): HistoryStep {
  const x = r.reason ?? {};
  const next = obj(x.new); const old = obj(x.old);
  return {
    at: r.at.toISOString(), action: r.entity_type === 'campaign_round' ? 'round' : r.action, from: r.from_status, to: r.to_status, actorRole: r.actor_role,
    note: text(x.reason),
    catalogueDueOn: text(next.catalogueDueOn) ?? text(x.catalogueDueOn) ?? text(x.respondBy),
    endsOn: text(next.endsOn) ?? text(x.endsOn) ?? text(x.endedOn) ?? text(x.untilOn),
    previousCatalogueDueOn: text(old.catalogueDueOn), previousEndsOn: text(old.endsOn) ?? text(x.plannedEndsOn),
    number: r.entity_type === 'campaign_round' ? num(x.number) : null, notified: num(x.notified),
  };
}

/** A campaign's steps: opened, extended, ended, and its rounds of notice (their number and reply date). */
export async function campaignHistory(db: Queryable, actor: Actor, id: string): Promise<HistoryStep[]> {
  const c = await loadCampaign(db, actor, id, null);
  const rows = await db.query<Row>(
    `select h.entity_type, h.action, h.from_status, h.to_status, h.actor_role, h.at, h.reason
       from history h
      where (h.entity_type = 'campaign' and h.entity_id = $1)
         or (h.entity_type = 'campaign_round' and h.entity_id in (select r.id from campaign_rounds r where r.campaign_id = $1))
      order by h.at, h.id`, [c.id]);
  return rows.map(step);
}

/** A blacklist entry's steps (added, extended by a later decision, lifted) — the entries the bureau sees: its province's; all for the ministry. */
export async function blacklistHistory(db: Queryable, actor: Actor, id: string): Promise<HistoryStep[]> {
  if (!isUuid(id)) throw new NotFoundError('blacklist_entry', id);
  const [e] = await db.query<{ id: string }>('select id from blacklist_entries where id = $1 and ($2::char(6) is null or province_code = $2)',
    [id, actor.role === 'ministry_admin' ? null : actor.provinceCode]);
  if (!e) throw new NotFoundError('blacklist_entry', id);
  const rows = await db.query<Row>(
    `select h.entity_type, h.action, h.from_status, h.to_status, h.actor_role, h.at, h.reason
       from history h where h.entity_type = 'blacklist_entry' and h.entity_id = $1 order by h.at, h.id`, [id]);
  return rows.map(step);
}
