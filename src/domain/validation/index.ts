// Every validator of the filing form, in one import for the API layer. Each returns
// Validation<T> (result.ts) with stable snake_case codes; see each module for its codes.
export { type Validation, type ValidationIssue, invalid, valid } from './result.ts';
export { type IdIssuedTo, type ResidentIdNumber, idNumberCheckChar, validateResidentIdNumber } from './id-number.ts';
export { orgCodeCheckChar, usccCheckChar, validateOrganizationCode, validateUscc } from './uscc.ts';
export { MOBILE_SEGMENTS, validateMobile } from './mobile.ts';
export { validateEmail } from './email.ts';
export { domainForDisplay, validateDomainName } from './domain-name.ts';
export { type IpAddress, validateIpAddress, validateIpv4, validateIpv6 } from './ip.ts';
export { validateAndroidPackageName, validateHarmonyBundleName, validateIosBundleId } from './app-ids.ts';
export {
  type CertFingerprint, type FingerprintAlgorithm, type PublicKeyHex, validateCertFingerprint, validatePublicKeyHex,
} from './certificate.ts';
export {
  type ServiceNameOptions, validateAddress, validatePersonName, validateServiceContentTypes, validateServiceDescription,
  validateServiceName, validateUnitName,
} from './names.ts';
export { type NameRuleContext, checkServiceNameRules } from './name-rules.ts';
export {
  COMMERCIAL_WORDS, NATIONAL_WORDS, ORGANISATION_WORDS, PRE_APPROVAL_RULES, type PreApprovalRule, type PreApprovalType,
} from './name-keywords.ts';
export { type RegionCodes, validateCurrentDivisions, validateRegionCodes } from './region.ts';
export { validateIsoDate } from '../dates.ts';
