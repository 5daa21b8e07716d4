// Request and response shapes of /api/verify/v1 (Zod; the OpenAPI document is generated from
// them). Shape only: whether a fingerprint or package name is well-formed is judged per item
// (an `invalid` result), so one bad row does not sink a 10,000-item batch.
import { z } from 'zod';
import { VERIFICATION_STATUSES } from '../../domain/verification.ts';

export const MAX_BATCH_ITEMS = 10_000;

const algorithm = z.enum(['md5', 'sha1', 'sha256']);

export const verifyItemSchema = z.strictObject({
  platform: z.string().max(32).describe('android | ios | harmonyos'),
  packageName: z.string().max(300).describe('applicationId / Bundle ID / bundleName, case-sensitive'),
  fingerprint: z.string().max(300).describe('MD5, SHA-1 or SHA-256 of the signing certificate: hex, with or without colons/spaces, any case'),
  ref: z.string().max(128).optional().describe('your own reference, echoed in the result'),
});

export const verifyBody = z.strictObject({ items: z.array(verifyItemSchema).min(1).max(MAX_BATCH_ITEMS) });

const ITEM_LIMITS: Record<string, number> = { platform: 32, packageName: 300, fingerprint: 300, ref: 128 };
/** True when `v` certainly matches verifyItemSchema (never when Zod would refuse it). */
export const isVerifyItem = (v: unknown): boolean => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  if (typeof o.platform !== 'string' || typeof o.packageName !== 'string' || typeof o.fingerprint !== 'string') return false;
  for (const k in o) {
    const max = ITEM_LIMITS[k];
    const x = o[k];
    if (max === undefined || typeof x !== 'string' || x.length > max) return false;
  }
  return true;
};

/**
 * True when `body` certainly matches verifyBody (never when Zod would refuse it): the batch
 * route accepts such a body as it is and asks Zod only about the others, for its field-by-field
 * problems — Zod's copy of 10,000 items costs more than the checks themselves.
 */
export function isVerifyBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const o = body as Record<string, unknown>;
  for (const k in o) if (k !== 'items') return false;
  const items = o.items;
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_BATCH_ITEMS) return false;
  for (let i = 0; i < items.length; i++) if (!isVerifyItem(items[i])) return false;
  return true;
}

export const verifyResultSchema = z.object({
  ref: z.string().optional(),
  status: z.enum([...VERIFICATION_STATUSES, 'invalid']).describe('filed | not_filed | fingerprint_mismatch | cancelled | revoked | shell (filed, but left without any access record: due for cleanup) | invalid (this item is malformed; see error)'),
  platform: z.string(),
  packageName: z.string(),
  matchedBy: algorithm.nullable().describe('the fingerprint algorithm that matched'),
  serviceNumber: z.string().nullable(),
  mainNumber: z.string().nullable(),
  serviceName: z.string().nullable(),
  hostName: z.string().nullable().describe("the host's name; an individual's is masked"),
  hostType: z.enum(['unit', 'individual']).nullable(),
  filedAt: z.string().nullable(),
  statusChangedAt: z.string().nullable(),
  shellSince: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().describe('only while status is shell: YYYY-MM-DD (China date) since when the filing has had no access record, as the public record gives it'),
  recordedAlgorithms: z.array(algorithm).optional().describe('on a mismatch that could not be judged: the fingerprints the filing records'),
  error: z.object({ field: z.string(), code: z.string(), message: z.string() }).optional(),
});

export const verifyResponse = z.object({ results: z.array(verifyResultSchema) });

const platformView = z.object({
  platform: z.string(), packageName: z.string(), active: z.boolean(),
  certMd5: z.string().nullable(), certSha1: z.string().nullable(), certSha256: z.string().nullable(),
});

export const serviceView = z.object({
  serviceNumber: z.string(), mainNumber: z.string(), serviceName: z.string(), serviceType: z.string(),
  status: z.enum(['filed', 'cancelled', 'revoked']), filedAt: z.string(), statusChangedAt: z.string(),
  shellSince: z.string().nullable().describe('YYYY-MM-DD (China date), set while the filing has no access left (a shell, 空壳): still filed, but due for cleanup; null otherwise'),
  hostName: z.string(), hostType: z.enum(['unit', 'individual']), hostNature: z.string(), platforms: z.array(platformView),
});

export const subjectView = z.object({
  mainNumber: z.string(), status: z.enum(['filed', 'cancelled', 'revoked']), hostName: z.string(),
  hostType: z.enum(['unit', 'individual']), hostNature: z.string(), filedAt: z.string().nullable(),
  statusChangedAt: z.string().nullable().describe('when the status was set: the cancellation or revocation; while filed, the filing'),
  services: z.array(serviceView.omit({ mainNumber: true, hostName: true, hostType: true, hostNature: true })),
});

export const numberView = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('service'), service: serviceView }),
  z.object({ kind: z.literal('subject'), subject: subjectView }),
]);

export const webhookView = z.object({ id: z.string(), url: z.string(), createdAt: z.string() });
