// The body of a filing webhook (filing.cancelled, filing.revoked, filing.changed, filing.shell), built in one
// place from the filing as it stands in the caller's transaction: the outbox writer (src/notify/filing-webhooks.ts)
// and the demo's past deliveries (src/db/seed/demo-lives.ts) both use it, so a receiver reading the demo sees
// every field a real delivery carries. The body names the filing, never a person: an individual host's name is
// masked and no reason text is included (it may quote personal details).
import { randomUUID } from 'node:crypto';
import { chinaDate } from '../domain/china-time.ts';
import { type ServiceState, serviceState, type ServiceStatus } from '../domain/service-lifecycle.ts';
import type { RemovedIdentity } from '../domain/verification.ts';
import type { Queryable } from './connection.ts';
import { mask } from './personal-data.ts';

export const FILING_EVENTS = ['filing.cancelled', 'filing.revoked', 'filing.changed', 'filing.shell'] as const;
export type FilingEvent = (typeof FILING_EVENTS)[number];

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

/** The `filing` of an event body about the service, as it stands now; `removed` as removedIdentities (src/domain/verification.ts) gives them. */
export async function filingOfEvent(tx: Queryable, serviceId: string, removed: RemovedIdentity[] = []): Promise<FilingEventBody['filing']> {
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
  return {
    serviceNumber: f.service_number, mainNumber: f.main_number, serviceName: f.service_name, serviceType: f.service_type,
    status: f.status, verificationStatus: serviceState(f.status as ServiceStatus, f.shell_since), statusChangedAt: f.status_changed_at.toISOString(), shellSince: f.shell_since ? chinaDate(f.shell_since) : null,
    hostName: f.host_type === 'individual' ? mask.personName(f.host_name) : f.host_name,
    platforms: f.platforms,
    removedIdentities: removed,
  };
}

/** One delivery's body: a fresh id per delivery (receivers deduplicate on it). */
export const filingEventBody = (event: FilingEvent, at: Date, filing: FilingEventBody['filing']): FilingEventBody => ({ id: randomUUID(), event, occurredAt: at.toISOString(), filing });
