// Which filed services each organisation has checked (verification_watches), so a webhook can
// tell it when one of them is cancelled, revoked or changed. Recorded by the verification
// endpoints before they answer, for organisations that have a webhook (watches serve nothing
// else, and an organisation without one costs no writes); a pair recorded by this process within
// `refreshMs` is not written again, so repeated checks of a catalogue cost no writes. Bounded:
// one row per (service, organisation), rows unchecked for RETENTION_DAYS are pruned.
import type { Db } from './connection.ts';
import { evictOldest } from './bounded-map.ts';

export const WATCH_RETENTION_DAYS = 400;

export interface WatchRecorder {
  record(orgId: string, serviceIds: Iterable<string>): Promise<void>;
  /** True when the organisation is known (recently) to have no webhook: record would do nothing. */
  ignores(orgId: string): boolean;
  /**
   * True when record(orgId, [serviceId]) is known, without a database round trip, to write nothing:
   * the organisation has no webhook, or this process recorded the pair within `refreshMs`. A single
   * check answers at once then, without a promise (it runs on every check of an organisation with a
   * webhook).
   */
  settled(orgId: string, serviceId: string): boolean;
  /** This process changed the organisation's webhooks: ask the database again on its next check. */
  forget(orgId: string): void;
}

export interface WatchRecorderOptions {
  now: () => Date;
  /** A pair is re-written (last_checked_at) at most this often per process. Default 6 h. */
  refreshMs?: number;
  /** Pairs remembered in memory. Default 200,000. */
  maxRemembered?: number;
}

const PRUNE_EVERY_MS = 3600_000;
/** How long "has a webhook" is believed; another process's new subscription is seen within this. */
export const SUBSCRIBED_TTL_MS = 10_000;

export function createWatchRecorder(db: Db, options: WatchRecorderOptions): WatchRecorder {
  const refreshMs = options.refreshMs ?? 6 * 3600_000;
  const max = options.maxRemembered ?? 200_000;
  const recorded = new Map<string, number>();
  // Wall-clock freshness of a cached answer (performance.now), not the flows' clock.
  const subscribed = new Map<string, { yes: boolean; until: number }>();
  let lastPrune = 0;

  const hasWebhook = async (orgId: string): Promise<boolean> => {
    const known = subscribed.get(orgId);
    if (known && known.until > performance.now()) return known.yes;
    const [row] = await db.query<{ yes: boolean }>(
      'select exists (select 1 from webhook_subscriptions where organisation_id = $1 and deleted_at is null) as yes', [orgId]);
    subscribed.set(orgId, { yes: row!.yes, until: performance.now() + SUBSCRIBED_TTL_MS });
    return row!.yes;
  };

  const prune = async (now: Date) => {
    if (now.getTime() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now.getTime();
    await db.query(`delete from verification_watches where last_checked_at < $1`, [new Date(now.getTime() - WATCH_RETENTION_DAYS * 86400_000)]);
  };

  const ignores = (orgId: string) => {
    const known = subscribed.get(orgId);
    return known !== undefined && !known.yes && known.until > performance.now();
  };

  return {
    forget(orgId) { subscribed.delete(orgId); },
    ignores,
    settled(orgId, serviceId) {
      const known = subscribed.get(orgId);
      if (known === undefined || known.until <= performance.now()) return false;
      if (!known.yes) return true;
      const seen = recorded.get(`${orgId}|${serviceId}`);
      return seen !== undefined && options.now().getTime() - seen < refreshMs;
    },
    async record(orgId, serviceIds) {
      if (ignores(orgId)) return;
      if (!(await hasWebhook(orgId))) return;
      const now = options.now();
      const t = now.getTime();
      const fresh = new Set<string>();
      for (const id of serviceIds) {
        const seen = recorded.get(`${orgId}|${id}`);
        if (seen === undefined || t - seen >= refreshMs) fresh.add(id);
      }
      if (fresh.size === 0) return;
      const ids = [...fresh];
      await db.query(
        `insert into verification_watches (service_id, organisation_id, last_checked_at)
         select s, $2::uuid, $3 from unnest($1::uuid[]) as s
         on conflict (service_id, organisation_id) do update set last_checked_at = excluded.last_checked_at`,
        [ids, orgId, now],
      );
      for (const id of ids) {
        const k = `${orgId}|${id}`;
        recorded.delete(k);
        recorded.set(k, t);
      }
      evictOldest(recorded, max);
      await prune(now);
    },
  };
}
