// The blacklist (issue 14, contract 7): for false materials the bureau bars the subject's
// certificate (its keyed hash), the package names and the domains of a revoked service from new
// filings until a date; it may lift an entry early with a reason. A bureau acts on services of
// its province and lifts the entries it made; the ministry on all.
import type { Queryable } from '../../db/connection.ts';
import type { Actor } from '../../domain/actors.ts';
import { chinaDate } from '../../domain/china-time.ts';
import { addDays, isIsoDate } from '../../domain/dates.ts';
import { NamedError } from '../../domain/errors.ts';
import { type BlacklistKind, MAX_BLACKLIST_DAYS, normaliseBlacklistValue, type RevocationCategory } from '../../domain/supervision/blacklist.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { loadServiceForUpdate } from '../services.ts';
import { isSupervisor, isUuid, NotFoundError } from './scope.ts';

export interface BlacklistInput {
  serviceNumber: string;
  kinds: BlacklistKind[];
  untilOn: string;
  category: RevocationCategory;
  reason: string;
}

const invalid = (field: string, code: string, message: string) => new NamedError('blacklist_invalid', 'invalid', message, [{ field, code, message }]);

/** The values a service offers: its subject's certificate hash, its package names, its domains. */
async function valuesOf(tx: Queryable, serviceId: string, kinds: BlacklistKind[]): Promise<{ kind: BlacklistKind; value: string }[]> {
  const [s] = await tx.query<{ certificate_number_hash: string; domains: string[] }>(
    'select sub.certificate_number_hash, s.domains from services s join subjects sub on sub.id = s.subject_id where s.id = $1', [serviceId]);
  const platforms = await tx.query<{ package_name: string; domains: string[] }>('select package_name, domains from app_platforms where service_id = $1', [serviceId]);
  const out: { kind: BlacklistKind; value: string }[] = [];
  if (kinds.includes('certificate')) out.push({ kind: 'certificate', value: s!.certificate_number_hash });
  if (kinds.includes('package')) for (const p of new Set(platforms.map((x) => x.package_name))) out.push({ kind: 'package', value: p });
  if (kinds.includes('domain')) {
    for (const d of new Set([...s!.domains, ...platforms.flatMap((p) => p.domains)].map((x) => normaliseBlacklistValue('domain', x)))) out.push({ kind: 'domain', value: d });
  }
  return out;
}

export async function addToBlacklist(ctx: FlowContext, actor: Actor, input: BlacklistInput): Promise<{ ids: string[] }> {
  if (!isSupervisor(actor)) throw new NamedError('forbidden', 'forbidden', 'only a bureau or the ministry keeps the blacklist');
  const now = ctx.now();
  const today = chinaDate(now);
  if (!isIsoDate(input.untilOn) || input.untilOn <= today || input.untilOn > addDays(today, MAX_BLACKLIST_DAYS)) {
    throw invalid('untilOn', 'out_of_range', `a date after today and at most ${MAX_BLACKLIST_DAYS} days ahead`);
  }
  if (!input.reason.trim()) throw invalid('reason', 'required', 'a reason is required');
  return ctx.db.transaction(async (tx) => {
    const s = await loadServiceForUpdate(tx, input.serviceNumber, actor);
    const values = await valuesOf(tx, s.id, input.kinds);
    if (!values.length) throw invalid('kinds', 'nothing_to_blacklist', 'the service has nothing of these kinds');
    const ids: string[] = [];
    for (const v of values) {
      // One unlifted entry per value: a new decision extends the period, never shortens it.
      const [r] = await tx.query<{ id: string }>(
        `insert into blacklist_entries (kind, value, until_on, category, reason, source_service_id, province_code, created_by, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (kind, value) where lifted_at is null do update set until_on = greatest(blacklist_entries.until_on, excluded.until_on)
         returning id`,
        [v.kind, v.value, input.untilOn, input.category, input.reason.trim(), s.id, actor.role === 'bureau_reviewer' ? actor.provinceCode : s.province_code, actor.userId, now]);
      await recordHistory(tx, actor, { entityType: 'blacklist_entry', entityId: r!.id, action: 'add', to: 'active', reason: { kind: v.kind, untilOn: input.untilOn, category: input.category, reason: input.reason.trim(), serviceId: s.id } }, now);
      ids.push(r!.id);
    }
    return { ids };
  });
}

export async function liftBlacklistEntry(ctx: FlowContext, actor: Actor, id: string, reason: string): Promise<{ id: string; liftedAt: Date }> {
  if (!reason.trim()) throw invalid('reason', 'required', 'say why the entry is lifted early');
  if (!isSupervisor(actor) || !isUuid(id)) throw new NotFoundError('blacklist_entry', id);
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const [e] = await tx.query<{ id: string; lifted_at: Date | null }>(
      `select id, lifted_at from blacklist_entries where id = $1 and ($2::char(6) is null or province_code = $2) for update`,
      [id, actor.role === 'ministry_admin' ? null : actor.provinceCode]);
    if (!e) throw new NotFoundError('blacklist_entry', id);
    if (e.lifted_at) throw new NamedError('blacklist_entry_lifted', 'conflict', 'the entry was already lifted');
    await tx.query('update blacklist_entries set lifted_at = $2, lifted_by = $3, lift_reason = $4 where id = $1', [id, now, actor.userId, reason.trim()]);
    await recordHistory(tx, actor, { entityType: 'blacklist_entry', entityId: id, action: 'lift', from: 'active', to: 'lifted', reason: { reason: reason.trim() } }, now);
    return { id, liftedAt: now };
  });
}
