// The four material groups of a filing (DOMAIN.md §2): subject identity, service basic
// info, APP feature info per platform, access info. Types only; shape is checked at the
// edge (Zod, src/api/schemas/materials.ts) and rules in src/domain/application-rules.ts.
// The enumerations are const arrays so the Zod schema and the rules share one list.
import type { ServiceType } from './filing-number.ts';

export const SERVICE_TYPES = ['website', 'app', 'mini_program', 'quick_app'] as const satisfies readonly ServiceType[];
export const SUBJECT_TYPES = ['unit', 'individual'] as const;
export const SUBJECT_NATURES = ['government', 'public_institution', 'enterprise', 'social_organisation',
  'private_non_enterprise', 'foundation', 'law_firm', 'individual'] as const;
export const PERSON_CERTIFICATE_TYPES = ['resident_id', 'hk_macao_permit', 'taiwan_permit', 'passport', 'foreigner_permanent_residence'] as const;
export const UNIT_CERTIFICATE_TYPES = ['uscc', 'organization_code', 'public_institution_certificate',
  'social_organisation_certificate', 'private_non_enterprise_certificate', 'foundation_certificate', 'law_firm_licence'] as const;
export const PLATFORMS = ['android', 'ios', 'harmonyos'] as const;
export const ACCESS_METHODS = ['dedicated', 'shared_hosting', 'virtual_host', 'cloud', 'other'] as const;

export type SubjectType = (typeof SUBJECT_TYPES)[number];
export type SubjectNature = (typeof SUBJECT_NATURES)[number];
export type PersonCertificateType = (typeof PERSON_CERTIFICATE_TYPES)[number];
export type UnitCertificateType = (typeof UNIT_CERTIFICATE_TYPES)[number];
export type Platform = (typeof PLATFORMS)[number];
export type AccessMethod = (typeof ACCESS_METHODS)[number];

export interface PersonMaterials {
  name: string;
  certificateType: PersonCertificateType;
  certificateNumber: string;
  /** YYYY-MM-DD */
  certificateValidFrom?: string | null;
  /** YYYY-MM-DD, or null for 长期 (long-term). */
  certificateValidTo?: string | null;
  mobile: string;
  emergencyPhone?: string | null;
  email: string;
}

export interface SubjectMaterials {
  subjectType: SubjectType;
  nature: SubjectNature;
  name: string;
  certificateType: UnitCertificateType | PersonCertificateType;
  certificateNumber: string;
  certificateAddress?: string | null;
  address: string;
  provinceCode: string;
  cityCode: string;
  districtCode: string;
  principal: PersonMaterials;
  /**
   * Units: is the principal (主体负责人) the legal representative? Most bureaus want that and
   * ask for an authorization letter otherwise (DOMAIN.md §2.2 [S16][S14]). Absent for individuals.
   */
  principalIsLegalRepresentative?: boolean;
  /** Units whose principal is not the legal representative (DOMAIN.md §2.2). */
  legalPerson?: { name: string; certificateType: PersonCertificateType; certificateNumber: string } | null;
  comment?: string | null;
}

export interface PreApproval { type: string; number: string }
export interface Sdk { vendor: string; type: string }

export interface ServiceMaterials {
  serviceType: ServiceType;
  name: string;
  categories: string[];
  languages: string[];
  /** Empty means "以上都不涉及" (none applies). */
  preApprovals: PreApproval[];
  description: string;
  sdks: Sdk[];
  /** Websites: home page URL. */
  homeUrl?: string | null;
  /** Websites and APPs: every domain the service uses. */
  domains: string[];
  /** Service principal (APP/服务负责人); `sameAsSubjectPrincipal` reuses the subject's. */
  principal: PersonMaterials | { sameAsSubjectPrincipal: true };
}

export interface PlatformMaterials {
  platform: Platform;
  packageName: string;
  publicKey: string;
  /** Fingerprints of the signing certificate, lowercase hex; at least the platform's filing one. */
  certMd5?: string | null;
  certSha1?: string | null;
  certSha256?: string | null;
  domains: string[];
}

export interface AccessMaterials {
  providerOrgId: string;
  accessMethod: AccessMethod;
  serverLocation: string;
  ips: string[];
  domains: string[];
}

export interface ApplicationMaterials {
  /** Absent when the host reuses its filed subject (the seed's rule: website filers only add the APP). */
  subject?: SubjectMaterials;
  service: ServiceMaterials;
  platforms: PlatformMaterials[];
  access: AccessMaterials[];
}
