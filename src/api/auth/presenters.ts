// What callers see of accounts, organisations and keys (house rule 10: fields are allowlisted
// here and again by the response schemas). Never password hashes, key hashes or sealed
// envelopes; mobiles and emails only masked.
import { z } from 'zod';
import type { AccountRow, ApiKeyListRow, OrganisationRow } from '../../db/accounts.ts';
import { mask, type Sealer } from '../../db/personal-data.ts';

const ROLES = ['host', 'provider_staff', 'platform_staff', 'device_maker_staff', 'bureau_reviewer', 'ministry_admin'] as const;
export const ORG_KINDS = ['access_provider', 'distribution_platform', 'device_maker', 'bureau', 'ministry'] as const;

export const organisationRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ORG_KINDS),
  provinceCode: z.string().nullable().describe('the province of a bureau; null for other organisations'),
});

export const accountSchema = z.object({
  id: z.string(),
  role: z.enum(ROLES),
  displayName: z.string(),
  login: z.string().nullable().describe("a staff login name; null for hosts, whose login is their email"),
  mobile: z.string().nullable().describe('masked, e.g. 138****0000'),
  email: z.string().nullable().describe('masked, e.g. h***@example.com'),
  locale: z.enum(['zh-CN', 'en']),
  organisation: organisationRefSchema.nullable(),
  createdAt: z.string(),
  disabledAt: z.string().nullable(),
});

export const organisationSchema = organisationRefSchema.extend({
  uscc: z.string().nullable(),
  status: z.enum(['active', 'suspended']),
  contactEmail: z.string().nullable().describe('masked'),
  createdAt: z.string(),
});

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('the first characters of the key, to tell keys apart'),
  scope: z.enum(['verify', 'full']).describe('`verify`: the verification API only (/api/verify/v1/…, plus the public API and GET /api/auth/session); '
    + '`full`: everything the organisation\'s staff role may do through the API (keys created before scopes existed)'),
  createdAt: z.string(),
  createdBy: z.object({ id: z.string(), displayName: z.string().nullable() }).nullable(),
  lastUsedAt: z.string().nullable().describe('updated at most once a minute'),
  revokedAt: z.string().nullable(),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const opened = (sealer: Sealer, envelope: string | null, how: (s: string) => string) => (envelope ? how(sealer.open(envelope)) : null);

export function presentAccount(row: AccountRow, sealer: Sealer): z.infer<typeof accountSchema> {
  return {
    id: row.id,
    role: row.role as z.infer<typeof accountSchema>['role'],
    displayName: row.display_name,
    login: row.role === 'host' ? null : row.login,
    mobile: opened(sealer, row.mobile_enc, mask.phone),
    email: opened(sealer, row.email_enc, mask.email),
    locale: row.locale,
    organisation: row.organisation_id && row.org_kind
      ? { id: row.organisation_id, name: row.org_name ?? '', kind: row.org_kind, provinceCode: row.org_province_code }
      : null,
    createdAt: row.created_at.toISOString(),
    disabledAt: iso(row.disabled_at),
  };
}

export function presentOrganisation(row: OrganisationRow, sealer: Sealer): z.infer<typeof organisationSchema> {
  return {
    id: row.id, name: row.name, kind: row.kind, provinceCode: row.province_code, uscc: row.uscc, status: row.status,
    contactEmail: opened(sealer, row.contact_email_enc, mask.email), createdAt: row.created_at.toISOString(),
  };
}

export function presentApiKey(row: ApiKeyListRow): z.infer<typeof apiKeySchema> {
  return {
    id: row.id, name: row.name, prefix: row.key_prefix, scope: row.scope, createdAt: row.created_at.toISOString(),
    createdBy: row.created_by ? { id: row.created_by, displayName: row.created_by_name } : null,
    lastUsedAt: iso(row.last_used_at), revokedAt: iso(row.revoked_at),
  };
}

/**
 * problem+json (RFC 9457) as src/api/problem.ts sends it, for the OpenAPI document. Open: the extension
 * members a problem carries (§3.2: `remainingAttempts` of a wrong code, the `applicationId` a conflict
 * names) pass through the response serializer — a closed object stripped them on every route using it.
 */
export const problemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe('stable machine code, e.g. invalid_credentials'),
  detail: z.string(),
  instance: z.string(),
  requestId: z.string(),
  errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string(), suggestion: z.string().optional() })).optional(),
});

/** Response entries for the problem statuses a route can answer. */
export const problems = (...statuses: (400 | 401 | 403 | 404 | 409 | 429)[]) =>
  Object.fromEntries(statuses.map((s) => [s, problemSchema])) as Record<number, typeof problemSchema>;
