// The four material groups of a filing (DOMAIN.md §2): subject identity, service basic
// info, APP feature info per platform, access info. Types only; shape is checked at the
// edge (Zod, src/api) and rules in src/domain/application-rules.ts.
import type { ServiceType } from './filing-number.ts';

export type SubjectType = 'unit' | 'individual';
export type SubjectNature = 'government' | 'public_institution' | 'enterprise' | 'social_organisation'
  | 'private_non_enterprise' | 'foundation' | 'law_firm' | 'individual';
export type PersonCertificateType = 'resident_id' | 'hk_macao_permit' | 'taiwan_permit' | 'passport' | 'foreigner_permanent_residence';
export type UnitCertificateType = 'uscc' | 'organization_code' | 'public_institution_certificate'
  | 'social_organisation_certificate' | 'private_non_enterprise_certificate' | 'foundation_certificate' | 'law_firm_licence';
export type Platform = 'android' | 'ios' | 'harmonyos';
export type AccessMethod = 'dedicated' | 'shared_hosting' | 'virtual_host' | 'cloud' | 'other';

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
