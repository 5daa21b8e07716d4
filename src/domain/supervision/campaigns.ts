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
