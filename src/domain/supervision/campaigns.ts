// Inspection campaigns (issue 14, item 1): the notice's transition period (2023-09 to 2024-03),
// inspection period (2024-04 to 2024-06) and routine supervision afterwards. A bureau runs a
// campaign in its province, the ministry nationally; the organisations in scope (by kind, and
// by the province their USCC was issued in) submit their catalogues by the due date. Pure.
import type { Actor, OrganisationKind } from '../actors.ts';
import { addDays, isIsoDate, type IsoDate } from '../dates.ts';
import type { FieldProblem } from '../errors.ts';
import { NamedError } from '../errors.ts';
import { provinceByCode } from '../provinces.ts';

export const CAMPAIGN_KINDS = ['transition', 'inspection', 'routine'] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];

/** The contract's names for the supervised organisation kinds. */
export const CAMPAIGN_ORG_KINDS = ['platform', 'provider', 'device_maker'] as const;
export type CampaignOrgKind = (typeof CAMPAIGN_ORG_KINDS)[number];

export const ORG_KIND_OF: Record<CampaignOrgKind, OrganisationKind> = {
  platform: 'distribution_platform', provider: 'access_provider', device_maker: 'device_maker',
};
export const CAMPAIGN_KIND_OF_ORG: Partial<Record<OrganisationKind, CampaignOrgKind>> = {
  distribution_platform: 'platform', access_provider: 'provider', device_maker: 'device_maker',
};

export interface CampaignInput {
  name: string;
  kind: CampaignKind;
  provinceCodes?: string[] | null;
  orgKinds: CampaignOrgKind[];
  startsOn: IsoDate;
  catalogueDueOn: IsoDate;
  endsOn: IsoDate;
}

export interface CampaignScope { provinceCodes: string[] | null; orgKinds: CampaignOrgKind[] }

/**
 * The province an organisation's USCC was issued in: characters 3–8 are the registering
 * authority's administrative division code (GB 32100-2015 §4), its first two digits the province.
 */
export function provinceOfUscc(uscc: string | null | undefined): string | null {
  if (!uscc || !/^[0-9A-Z]{2}[0-9]{6}/.test(uscc)) return null;
  const code = `${uscc.slice(2, 4)}0000`;
  return provinceByCode(code) ? code : null;
}

/** Whether a campaign covers an organisation of this kind and province. */
export function campaignCovers(scope: CampaignScope, org: { kind: OrganisationKind; provinceCode: string | null }): boolean {
  const k = CAMPAIGN_KIND_OF_ORG[org.kind];
  if (!k || !scope.orgKinds.includes(k)) return false;
  return scope.provinceCodes === null || (org.provinceCode !== null && scope.provinceCodes.includes(org.provinceCode));
}

/**
 * Checks a campaign's dates and scope and fixes its provinces for the creator: a bureau's
 * campaign covers its own province only; the ministry's covers the provinces named, or all.
 * A campaign ends today (China's calendar day) or later: one wholly in the past would be created
 * ended and still tell the organisations in scope to submit a catalogue they no longer can.
 */
/** The longest campaign, and how far back one may start (the transition campaign of 2023–24 ran seven months). */
export const CAMPAIGN_MAX_DAYS = 366;

export function validateCampaign(input: CampaignInput, actor: Pick<Actor, 'role' | 'provinceCode'>, today: IsoDate): CampaignScope {
  const problems: FieldProblem[] = [];
  for (const f of ['startsOn', 'catalogueDueOn', 'endsOn'] as const) {
    if (!isIsoDate(input[f])) problems.push({ field: f, code: 'date_invalid', message: 'a date YYYY-MM-DD' });
  }
  if (!problems.length) {
    if (input.catalogueDueOn < input.startsOn) problems.push({ field: 'catalogueDueOn', code: 'before_start', message: 'catalogues are due on or after the start' });
    if (input.endsOn < input.catalogueDueOn) problems.push({ field: 'endsOn', code: 'before_catalogue_due', message: 'the campaign ends on or after the catalogue due date' });
    else if (input.endsOn < today) problems.push({ field: 'endsOn', code: 'in_the_past', message: 'the campaign ends today or later' });
    // A campaign is a season's work, and its dashboard reads it day by day: a year typo (0026, 9999) made a
    // timeline of millions of days that held up the whole registry.
    if (input.startsOn < addDays(today, -CAMPAIGN_MAX_DAYS)) problems.push({ field: 'startsOn', code: 'too_far_back', message: `a campaign starts at most ${CAMPAIGN_MAX_DAYS} days ago` });
    if (input.endsOn > addDays(input.startsOn, CAMPAIGN_MAX_DAYS)) problems.push({ field: 'endsOn', code: 'range_too_long', message: `a campaign lasts at most ${CAMPAIGN_MAX_DAYS} days` });
  }
  const orgKinds = [...new Set(input.orgKinds)];
  if (!orgKinds.length) problems.push({ field: 'orgKinds', code: 'required', message: 'at least one kind of organisation' });
  let provinceCodes: string[] | null = input.provinceCodes?.length ? [...new Set(input.provinceCodes)] : null;
  provinceCodes?.forEach((c, i) => { if (!provinceByCode(c)) problems.push({ field: `provinceCodes.${i}`, code: 'province_unknown', message: `no province ${c}` }); });
  if (actor.role === 'bureau_reviewer') {
    if (provinceCodes && provinceCodes.some((c) => c !== actor.provinceCode)) {
      problems.push({ field: 'provinceCodes', code: 'outside_province', message: 'a bureau runs campaigns in its own province only' });
    }
    provinceCodes = [actor.provinceCode!];
  }
  if (problems.length) throw new NamedError('campaign_invalid', 'invalid', 'the campaign has problems to fix', problems);
  return { provinceCodes, orgKinds };
}

/** Where a catalogue stands against its campaign's due date. */
export function catalogueState(dueOn: IsoDate, today: IsoDate, submitted: boolean): 'submitted' | 'due' | 'overdue' {
  if (submitted) return 'submitted';
  return today > dueOn ? 'overdue' : 'due';
}

/**
 * Where a campaign stands on a day: not started, running, or ended — by its planned end, or early
 * when the bureau ended it (`endedOn`, ADR 0018 addendum "Campaigns extended or ended early").
 */
export function campaignStatus(c: { startsOn: IsoDate | string; endsOn: IsoDate | string; endedOn: IsoDate | string | null }, today: IsoDate | string): 'upcoming' | 'open' | 'ended' {
  if (c.endedOn !== null || today > c.endsOn) return 'ended';
  return today < c.startsOn ? 'upcoming' : 'open';
}

/** The last day a campaign runs: its planned end, or the day it was ended early. */
export const campaignLastDay = (c: { endsOn: string; endedOn: string | null }): string => (c.endedOn !== null && c.endedOn < c.endsOn ? c.endedOn : c.endsOn);

export type CampaignMove = 'extend' | 'end';

/**
 * Who moves a campaign: the bureau that runs it (its own province's campaign), or the ministry
 * (any). A bureau sees the ministry's national campaigns but does not run them: 403, since it
 * knows the campaign exists (house rule 7 applies to those it cannot see: 404).
 */
export function checkCampaignMove(c: { ownerProvinceCode: string | null; endsOn: string; endedOn: string | null; startsOn: string }, move: CampaignMove,
  actor: Pick<Actor, 'role' | 'provinceCode'>, today: IsoDate): void {
  if (actor.role !== 'ministry_admin' && !(actor.role === 'bureau_reviewer' && c.ownerProvinceCode !== null && c.ownerProvinceCode === actor.provinceCode)) {
    throw new NamedError('action_not_allowed', 'forbidden', `the bureau that runs a campaign (or the ministry) may ${move} it`);
  }
  if (campaignStatus({ ...c }, today) === 'ended') {
    throw new NamedError('campaign_ended', 'conflict', c.endedOn ? `the campaign was ended on ${c.endedOn}` : `the campaign ended on ${c.endsOn}`);
  }
}

export interface CampaignExtension { catalogueDueOn?: string; endsOn?: string; reason: string }

/**
 * Checks an extension: at least one date, each later than the one it replaces (an extension never
 * shortens — ending early is its own move), catalogues due on or before the end, the end within
 * the longest campaign from its start. Answers the campaign's dates after the extension.
 */
export function validateExtension(c: { startsOn: string; catalogueDueOn: string; endsOn: string }, input: CampaignExtension): { catalogueDueOn: string; endsOn: string } {
  const problems: FieldProblem[] = [];
  if (input.catalogueDueOn === undefined && input.endsOn === undefined) problems.push({ field: 'endsOn', code: 'required', message: 'a later catalogue due date or end date' });
  for (const f of ['catalogueDueOn', 'endsOn'] as const) {
    const v = input[f];
    if (v === undefined) continue;
    if (!isIsoDate(v)) problems.push({ field: f, code: 'date_invalid', message: 'a date YYYY-MM-DD' });
    else if (v <= c[f]) problems.push({ field: f, code: 'not_later', message: `a date after ${c[f]}` });
  }
  if (!input.reason.trim()) problems.push({ field: 'reason', code: 'required', message: 'say why the campaign is extended' });
  const next = { catalogueDueOn: input.catalogueDueOn ?? c.catalogueDueOn, endsOn: input.endsOn ?? c.endsOn };
  if (!problems.length) {
    if (next.endsOn < next.catalogueDueOn) problems.push({ field: 'catalogueDueOn', code: 'after_end', message: `catalogues are due on or before the end (${next.endsOn})` });
    if (next.endsOn > addDays(c.startsOn as IsoDate, CAMPAIGN_MAX_DAYS)) problems.push({ field: 'endsOn', code: 'range_too_long', message: `a campaign lasts at most ${CAMPAIGN_MAX_DAYS} days` });
  }
  if (problems.length) throw new NamedError('campaign_invalid', 'invalid', 'the extension has problems to fix', problems);
  return next;
}
