// The shape of application materials at the edge (house rule 9: shape at the edge, rules in
// the domain). Every field is optional so a draft can be saved half-filled; only types,
// enumerations, string lengths and array sizes are enforced here — the filing rules
// (required fields, formats, cross-field rules) are checkApplication's, which reports them
// all at once with field paths. Objects are strict: an unknown (e.g. misspelt) key is refused
// rather than silently dropped from the draft.
import { z } from 'zod';
import type { DeepPartial } from '../../domain/deep-partial.ts';
import {
  ACCESS_METHODS, type ApplicationMaterials, PERSON_CERTIFICATE_TYPES, PLATFORMS, SERVICE_TYPES, SUBJECT_NATURES,
  SUBJECT_TYPES, UNIT_CERTIFICATE_TYPES,
} from '../../domain/materials.ts';

/** Bounds of the draft's shape; generous against the rules, tight against abuse. */
export const DRAFT_LIMITS = Object.freeze({
  string: 500,
  /** RSA-16384 modulus: 4096 hex digits, ×3 when pasted with separators ("AB:CD:…"). */
  publicKey: 13_000,
  array: 50,
  /** Apps embed many third-party SDKs; privacy-policy SDK lists of 60+ entries are common. */
  sdks: 100,
  platforms: 10,
  domains: 100,
  ips: 200,
});

const str = (max: number = DRAFT_LIMITS.string) => z.string().max(max).optional();
const nullableStr = (max: number = DRAFT_LIMITS.string) => z.string().max(max).nullable().optional();
const list = <T extends z.ZodType>(item: T, max: number = DRAFT_LIMITS.array) => z.array(item).max(max).optional();

export const personDraftSchema = z.strictObject({
  name: str(),
  certificateType: z.enum(PERSON_CERTIFICATE_TYPES).optional(),
  certificateNumber: str(),
  certificateValidFrom: nullableStr().describe('YYYY-MM-DD'),
  certificateValidTo: nullableStr().describe('YYYY-MM-DD; null = 长期 (long-term)'),
  mobile: str(),
  emergencyPhone: nullableStr(),
  email: str(),
});

export const legalPersonDraftSchema = z.strictObject({
  name: str(),
  certificateType: z.enum(PERSON_CERTIFICATE_TYPES).optional(),
  certificateNumber: str(),
});

export const subjectDraftSchema = z.strictObject({
  subjectType: z.enum(SUBJECT_TYPES).optional(),
  nature: z.enum(SUBJECT_NATURES).optional(),
  name: str(),
  certificateType: z.enum([...UNIT_CERTIFICATE_TYPES, ...PERSON_CERTIFICATE_TYPES]).optional(),
  certificateNumber: str(),
  certificateAddress: nullableStr(),
  address: str(),
  provinceCode: str(),
  cityCode: str(),
  districtCode: str(),
  principal: personDraftSchema.optional(),
  principalIsLegalRepresentative: z.boolean().optional(),
  legalPerson: legalPersonDraftSchema.nullable().optional(),
  comment: nullableStr(),
});

const sameAsSubjectPrincipal = z.strictObject({ sameAsSubjectPrincipal: z.literal(true) })
  .describe('the service principal is the subject principal');

export const serviceDraftSchema = z.strictObject({
  serviceType: z.enum(SERVICE_TYPES).optional(),
  name: str(),
  categories: list(z.string().max(DRAFT_LIMITS.string)),
  languages: list(z.string().max(DRAFT_LIMITS.string)),
  preApprovals: list(z.strictObject({ type: str(), number: str() })).describe('empty = 以上都不涉及 (none applies)'),
  description: str(),
  sdks: list(z.strictObject({ vendor: str(), type: str() }), DRAFT_LIMITS.sdks),
  homeUrl: nullableStr(),
  domains: list(z.string().max(DRAFT_LIMITS.string), DRAFT_LIMITS.domains),
  principal: z.union([sameAsSubjectPrincipal, personDraftSchema]).optional(),
});

export const platformDraftSchema = z.strictObject({
  platform: z.enum(PLATFORMS).optional(),
  packageName: str(),
  publicKey: str(DRAFT_LIMITS.publicKey).describe('RSA modulus or EC point, hex'),
  certMd5: nullableStr().describe('signing certificate MD5 (the Android filing fingerprint)'),
  certSha1: nullableStr().describe('signing certificate SHA-1 (the iOS filing fingerprint)'),
  certSha256: nullableStr().describe('signing certificate SHA-256 (the HarmonyOS filing fingerprint)'),
  domains: list(z.string().max(DRAFT_LIMITS.string), DRAFT_LIMITS.domains),
});

export const accessDraftSchema = z.strictObject({
  providerOrgId: str().describe('id of the access provider organisation'),
  accessMethod: z.enum(ACCESS_METHODS).optional(),
  serverLocation: str(),
  ips: list(z.string().max(DRAFT_LIMITS.string), DRAFT_LIMITS.ips),
  domains: list(z.string().max(DRAFT_LIMITS.string), DRAFT_LIMITS.domains),
});

/** Application materials as a draft (DOMAIN.md §2): the four groups, every field optional. */
export const materialsDraftSchema = z.strictObject({
  subject: subjectDraftSchema.optional(),
  service: serviceDraftSchema.optional(),
  platforms: list(platformDraftSchema, DRAFT_LIMITS.platforms),
  access: list(accessDraftSchema),
});

export type MaterialsDraft = z.infer<typeof materialsDraftSchema>;

// Compile-time proof that a parsed draft is what checkApplication takes.
export const asDeepPartialMaterials = (draft: MaterialsDraft): DeepPartial<ApplicationMaterials> => draft;
