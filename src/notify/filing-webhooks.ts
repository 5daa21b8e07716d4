// Webhooks for relying parties (issue 5, item 5; issue 13 item 8): when a filed service is cancelled,
// revoked, changed or left without access (a shell, `filing.shell`), every organisation that
// checked it (verification_watches) and subscribed a webhook gets one outbox row per subscription, written in the changing transaction (house rule 5) —
// a rolled-back change tells nobody. The body names the filing, never a person: an individual
// host's name is masked and no reason text is included (it may quote personal details).
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/connection.ts';
import { mask } from '../db/personal-data.ts';
import { chinaDate } from '../domain/china-time.ts';
import { type ServiceState, serviceState, type ServiceStatus } from '../domain/service-lifecycle.ts';
import type { RemovedIdentity } from '../domain/verification.ts';
import { enqueueWebhook } from './outbox.ts';

export const FILING_EVENTS = ['filing.cancelled', 'filing.revoked', 'filing.changed', 'filing.shell'] as const;
export type FilingEvent = (typeof FILING_EVENTS)[number];
/** A console user's test delivery (src/flows/send-webhook-test.ts): tried once, its sender waiting for the answer. */
export const TEST_EVENT = 'webhook.test';

export interface FilingEventBody {
  /** Unique per delivery; receivers deduplicate on it (delivery is at least once). */
  id: string;
  event: FilingEvent;
  occurredAt: string;
  filing: {
    serviceNumber: string;
    mainNumber: string;
    serviceName: string;
    serviceType: string;
    /** The filing's status column (a contract): a shell stays `filed`. */
    status: string;
    /**
     * What the verification API answers for the filing's identities (with its certificate) at the
     * moment of the event: `filed`, `shell`, `cancelled` or `revoked` — a shell's `status` is `filed`
     * while a verification of it answers `shell` (serviceState, the lifecycle's one mapping).
     */
    verificationStatus: ServiceState;
    statusChangedAt: string;
    /** The China date (YYYY-MM-DD) the service lost its last access record (a shell, 空壳), as the public record gives it; null otherwise. */
    shellSince: string | null;
    hostName: string;
    platforms: { platform: string; packageName: string }[];
    /**
     * The identities this event stopped answering `filed` while the filing stays filed: on `filing.changed`,
     * each (platform, packageName, certificate) a change dropped, renamed or re-signed — what a receiver
     * keyed by package and fingerprint must forget —, with what a verification of it answers now
     * (`not_filed` or `fingerprint_mismatch`). Empty on every other event (verificationStatus covers them).
     */
    removedIdentities: RemovedIdentity[];
  };
}

interface FilingRow {
  service_number: string; main_number: string; service_name: string; service_type: string; status: string;
  status_changed_at: Date; shell_since: Date | null; host_name: string; host_type: string; platforms: { platform: string; packageName: string }[];
}

interface SubscriptionRow { id: string; url: string }

/**
 * Queues the event for every live subscription of every organisation watching the service; returns how many.
 * `removed`: the identities a change stopped answering `filed` (removedIdentities in src/domain/verification.ts).
 */
export async function enqueueFilingWebhooks(tx: Queryable, serviceId: string, event: FilingEvent, at: Date, removed: RemovedIdentity[] = []): Promise<number> {
  const subs = await tx.query<SubscriptionRow>(
    `select ws.id, ws.url
       from verification_watches w
       join webhook_subscriptions ws on ws.organisation_id = w.organisation_id and ws.deleted_at is null
      where w.service_id = $1
      order by ws.created_at, ws.id`,
    [serviceId],
  );
  if (subs.length === 0) return 0;
  const [f] = await tx.query<FilingRow>(
    `select s.service_number, sub.main_number, s.name as service_name, s.service_type, s.status, s.status_changed_at, s.shell_since,
            sub.name as host_name, sub.subject_type as host_type,
            coalesce((select json_agg(json_build_object('platform', p.platform, 'packageName', p.package_name) order by p.platform)
                        -- the platforms filed now: one a change dropped is not (an ended filing names those it had)
                        from app_platforms p where p.service_id = s.id and (p.active or s.status <> 'filed')), '[]'::json) as platforms
       from services s join subjects sub on sub.id = s.subject_id where s.id = $1`,
    [serviceId],
  );
  if (!f) throw new Error(`service ${serviceId} not found for webhooks`);
  const filing: FilingEventBody['filing'] = {
    serviceNumber: f.service_number, mainNumber: f.main_number, serviceName: f.service_name, serviceType: f.service_type,
    status: f.status, verificationStatus: serviceState(f.status as ServiceStatus, f.shell_since), statusChangedAt: f.status_changed_at.toISOString(), shellSince: f.shell_since ? chinaDate(f.shell_since) : null,
    hostName: f.host_type === 'individual' ? mask.personName(f.host_name) : f.host_name,
    platforms: f.platforms,
    removedIdentities: removed,
  };
  for (const s of subs) {
    const body: FilingEventBody = { id: randomUUID(), event, occurredAt: at.toISOString(), filing };
    // The subscription, not a copy of its secret: the worker signs with the subscription's secret
    // when the delivery is due, and drops it if the subscription was deleted meanwhile.
    await enqueueWebhook(tx, { subscriptionId: s.id, url: s.url, body }, { tag: event });
  }
  return subs.length;
}
