// Who sees what in supervision (issue 14, standards): only the organisations in scope see a
// campaign; an organisation sees its own catalogue, findings and orders; a bureau sees its
// province; the ministry sees all. Anything else is a 404 (house rule 7). SQL predicates, so
// lists and single loads apply the same rule.
import type { Queryable } from '../../db/connection.ts';
import type { Actor } from '../../domain/actors.ts';
import { NamedError } from '../../domain/errors.ts';
import { CAMPAIGN_KIND_OF_ORG, provinceOfUscc } from '../../domain/supervision/campaigns.ts';
import { isUuid } from '../../domain/ids.ts';

export const ORG_ROLES = ['provider_staff', 'platform_staff', 'device_maker_staff'] as const;
export const SUPERVISOR_ROLES = ['bureau_reviewer', 'ministry_admin'] as const;

export interface OrgFacts { id: string; kind: string; campaignKind: string | null; provinceCode: string | null; name: string }

/** The acting organisation's kind and USCC province. */
export async function orgFacts(db: Queryable, actor: Actor): Promise<OrgFacts | null> {
  if (!actor.orgId) return null;
  const [o] = await db.query<{ id: string; kind: string; uscc: string | null; name: string }>('select id, kind, uscc, name from organisations where id = $1', [actor.orgId]);
  if (!o) return null;
  return { id: o.id, kind: o.kind, name: o.name, campaignKind: CAMPAIGN_KIND_OF_ORG[o.kind as keyof typeof CAMPAIGN_KIND_OF_ORG] ?? null, provinceCode: provinceOfUscc(o.uscc) };
}

export const isSupervisor = (a: Actor) => a.role === 'bureau_reviewer' || a.role === 'ministry_admin';
export const isOrgStaff = (a: Actor) => (ORG_ROLES as readonly string[]).includes(a.role);

/** A predicate on `campaigns c` for the campaigns the actor may see; parameters numbered from `from`. */
export function campaignVisible(actor: Actor, org: OrgFacts | null, from: number): { sql: string; params: unknown[] } {
  if (actor.role === 'ministry_admin') return { sql: 'true', params: [] };
  if (actor.role === 'bureau_reviewer') return { sql: `(c.province_codes is null or $${from}::char(6) = any(c.province_codes))`, params: [actor.provinceCode] };
  if (isOrgStaff(actor) && org?.campaignKind) {
    return {
      sql: `($${from}::text = any(c.org_kinds) and (c.province_codes is null or $${from + 1}::char(6) = any(c.province_codes)))`,
      params: [org.campaignKind, org.provinceCode],
    };
  }
  return { sql: 'false', params: [] };
}

/** A predicate on `findings f` for the findings the actor may see (within visible campaigns). */
export function findingVisible(actor: Actor, from: number): { sql: string; params: unknown[] } {
  if (actor.role === 'ministry_admin') return { sql: 'true', params: [] };
  if (actor.role === 'bureau_reviewer') return { sql: `f.org_province_code = $${from}`, params: [actor.provinceCode] };
  if (isOrgStaff(actor)) return { sql: `f.organisation_id = $${from}`, params: [actor.orgId] };
  return { sql: 'false', params: [] };
}

/** A predicate on `disposal_orders o`: the organisation's own; a bureau's issued in its province; all for the ministry. */
export function orderVisible(actor: Actor, from: number): { sql: string; params: unknown[] } {
  if (actor.role === 'ministry_admin') return { sql: 'true', params: [] };
  if (actor.role === 'bureau_reviewer') return { sql: `o.province_code = $${from}`, params: [actor.provinceCode] };
  if (isOrgStaff(actor)) return { sql: `o.organisation_id = $${from}`, params: [actor.orgId] };
  return { sql: 'false', params: [] };
}

export class NotFoundError extends NamedError {
  constructor(what: string, id: string) { super(`${what}_not_found`, 'not_found', `no ${what.replace(/_/g, ' ')} ${id} that you can see`); }
}

export { isUuid };

export interface CampaignRow {
  id: string; name: string; kind: string; province_codes: string[] | null; org_kinds: string[];
  starts_on: string; catalogue_due_on: string; ends_on: string; owner_province_code: string | null; created_at: Date;
  /** Set when the bureau ended it early (migration 0046). */
  ended_on: string | null; end_reason: string | null;
}

/** The columns of a CampaignRow, on `campaigns c`. */
export const CAMPAIGN_COLUMNS = `c.id, c.name, c.kind, c.province_codes::text[] as province_codes, c.org_kinds, c.starts_on::text, c.catalogue_due_on::text, c.ends_on::text,
            c.owner_province_code, c.created_at, c.ended_on::text, c.end_reason`;

/**
 * A campaign ended early takes no new work (ADR 0018, addendum "Campaigns extended or ended early"):
 * no catalogue, no round of notice, no order for its findings. What was started before stands.
 */
export function refuseEnded(c: Pick<CampaignRow, 'id' | 'ended_on'>, field?: string): void {
  if (c.ended_on === null) return;
  const message = `the campaign was ended on ${c.ended_on}: it takes no new round of notice or order`;
  throw new NamedError('campaign_ended', 'conflict', message, field ? [{ field, code: 'campaign_ended', message }] : undefined);
}

/** A campaign the actor may see, else 404. */
export async function loadCampaign(db: Queryable, actor: Actor, id: string, org?: OrgFacts | null, forUpdate = false): Promise<CampaignRow> {
  if (!isUuid(id)) throw new NotFoundError('campaign', id);
  const facts = org === undefined ? await orgFacts(db, actor) : org;
  const v = campaignVisible(actor, facts, 2);
  const [c] = await db.query<CampaignRow>(
    `select ${CAMPAIGN_COLUMNS}
       from campaigns c where c.id = $1 and ${v.sql}${forUpdate ? ' for update of c' : ''}`, [id, ...v.params]);
  if (!c) throw new NotFoundError('campaign', id);
  return c;
}
