// The bureau sends a round of notice for chosen findings (issue 14, contract 4): the platforms
// notify the hosts, in rounds, as the notice directs. Each organisation concerned is told
// (console notice and email: src/notify/supervision-notices.ts).
import type { Actor } from '../../domain/actors.ts';
import { NamedError } from '../../domain/errors.ts';
import { addDays, isIsoDate } from '../../domain/dates.ts';
import { CAMPAIGN_MAX_DAYS } from '../../domain/supervision/campaigns.ts';
import { chinaDate } from '../../domain/china-time.ts';
import type { FindingOutcome } from '../../domain/supervision/findings.ts';
import { noticeOrganisation } from '../../notify/record-notices.ts';
import { roundSentNotice } from '../../notify/supervision-notices.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { findingVisible, isSupervisor, loadCampaign, NotFoundError, refuseEnded } from './scope.ts';

export interface RoundInput { findingIds?: string[]; filter?: { outcome?: FindingOutcome; organisationId?: string; notified?: boolean }; respondBy: string }
export interface RoundSent { id: string; number: number; findings: number; organisations: number }

export async function sendRound(ctx: FlowContext, actor: Actor, campaignId: string, input: RoundInput): Promise<RoundSent> {
  if (!isSupervisor(actor)) throw new NotFoundError('campaign', campaignId);
  await loadCampaign(ctx.db, actor, campaignId, null); // 404 before any check of the body
  const now = ctx.now();
  if (!isIsoDate(input.respondBy) || input.respondBy < chinaDate(now)) {
    throw new NamedError('round_invalid', 'invalid', 'respondBy is a date from today on', [{ field: 'respondBy', code: 'date_invalid', message: 'a date YYYY-MM-DD, today or later' }]);
  }
  if (input.respondBy > addDays(chinaDate(now), CAMPAIGN_MAX_DAYS)) {
    throw new NamedError('round_invalid', 'invalid', `respondBy is at most ${CAMPAIGN_MAX_DAYS} days ahead`, [{ field: 'respondBy', code: 'range_too_long', message: `at most ${CAMPAIGN_MAX_DAYS} days ahead` }]);
  }
  if (!input.findingIds && !input.filter) throw new NamedError('round_invalid', 'invalid', 'name the findings or a filter', [{ field: 'findingIds', code: 'required', message: 'findingIds or filter' }]);
  const v = findingVisible(actor, 2);
  const params: unknown[] = [campaignId, ...v.params];
  const where = [`f.campaign_id = $1`, v.sql, `s.status = 'current'`, 'f.resolved_on is null'];
  if (input.findingIds) { params.push(input.findingIds); where.push(`f.id = any($${params.length}::uuid[])`); }
  if (input.filter?.outcome) { params.push(input.filter.outcome); where.push(`f.outcome = $${params.length}`); }
  if (input.filter?.organisationId) { params.push(input.filter.organisationId); where.push(`f.organisation_id = $${params.length}::uuid`); }
  if (input.filter?.notified !== undefined) where.push(input.filter.notified ? 'f.notified_at is not null' : 'f.notified_at is null');
  return ctx.db.transaction(async (tx) => {
    // Locked against the campaign's end: a campaign ended early starts no new round (ADR 0018, addendum
    // "Campaigns extended or ended early"); the rounds already sent stand, and the organisations still answer them.
    const campaign = await loadCampaign(tx, actor, campaignId, null, true);
    refuseEnded(campaign);
    const found = await tx.query<{ id: string; organisation_id: string }>(
      `select f.id, f.organisation_id from findings f join catalogue_submissions s on s.id = f.submission_id where ${where.join(' and ')}`, params);
    if (input.findingIds) {
      const seen = new Set(found.map((f) => f.id));
      const missing = input.findingIds.findIndex((x) => !seen.has(x));
      if (missing >= 0) throw new NamedError('finding_not_found', 'not_found', `no open finding ${input.findingIds[missing]} that you can see`, [{ field: `findingIds.${missing}`, code: 'not_found', message: 'no such open finding' }]);
    }
    if (!found.length) throw new NamedError('round_empty', 'invalid', 'no open finding matches', [{ field: 'filter', code: 'empty', message: 'no open finding matches' }]);
    const [r] = await tx.query<{ id: string; number: number }>(
      `insert into campaign_rounds (campaign_id, number, respond_by, created_by, created_at)
       select $1, coalesce(max(number), 0) + 1, $2, $3, $4 from campaign_rounds where campaign_id = $1 returning id, number`,
      [campaign.id, input.respondBy, actor.userId, now]);
    await tx.query('insert into round_findings (round_id, finding_id) select $1, unnest($2::uuid[])', [r!.id, found.map((f) => f.id)]);
    const perOrg = new Map<string, number>();
    for (const f of found) perOrg.set(f.organisation_id, (perOrg.get(f.organisation_id) ?? 0) + 1);
    for (const [org, n] of perOrg) {
      await noticeOrganisation(tx, ctx.sealer, org, roundSentNotice({ campaignName: campaign.name, number: r!.number, respondBy: input.respondBy, apps: n }, ctx.publicUrl, now));
    }
    await recordHistory(tx, actor, { entityType: 'campaign_round', entityId: r!.id, action: 'send', to: 'sent', reason: { campaignId: campaign.id, number: r!.number, respondBy: input.respondBy, findings: found.length } }, now);
    return { id: r!.id, number: r!.number, findings: found.length, organisations: perOrg.size };
  });
}
