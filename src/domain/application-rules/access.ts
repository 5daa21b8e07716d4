// Access info (APP接入信息, DOMAIN.md §2.5): one record per access provider, with the way of
// access, where the servers are, their IP addresses and the domains they serve. That the
// provider exists and is an access provider is the flow's check against the database.
import type { DeepPartial } from '../deep-partial.ts';
import { ACCESS_METHODS, type AccessMaterials } from '../materials.ts';
import { validateIpAddress } from '../validation/ip.ts';
import { type ServiceDomains, checkDomainList, checkSubset } from './domains.ts';
import { type Report, duplicateIndexes, nonEmpty, path, requireText, text } from './report.ts';
import { isUuid } from '../ids.ts';

type AccessDraft = DeepPartial<AccessMaterials>;

const MAX_SERVER_LOCATION = 100;

/** Every access record, then coverage: each service domain is served by some record. */
export function checkAccessList(report: Report, list: readonly AccessDraft[], domains: ServiceDomains): AccessDraft[] {
  const out = list.map((a, i) => checkAccess(report, path('access', i), a, domains.valid));
  if (out.length === 0) return out;
  const served = new Set(out.flatMap((a) => a.domains ?? []));
  domains.out.forEach((d, i) => {
    if (domains.valid.has(d) && !served.has(d)) {
      report.error(path('service.domains', i), 'domain_without_access', `no access record serves ${d}; add it to the provider's record`);
    }
  });
  return out;
}

function checkAccess(report: Report, base: string, a: AccessDraft, serviceDomains: ReadonlySet<string>): AccessDraft {
  const out: AccessDraft = { ...a };
  const provider = requireText(report, path(base, 'providerOrgId'), a.providerOrgId, 'the access provider');
  if (provider !== undefined) {
    out.providerOrgId = provider.toLowerCase();
    if (!isUuid(provider)) report.error(path(base, 'providerOrgId'), 'uuid_format', 'choose the access provider from the list');
  }
  const method = requireText(report, path(base, 'accessMethod'), a.accessMethod, 'the access method');
  if (method !== undefined && !(ACCESS_METHODS as readonly string[]).includes(method)) {
    report.error(path(base, 'accessMethod'), 'invalid_option', `${method} is not one of ${ACCESS_METHODS.join(', ')}`);
  }
  const location = requireText(report, path(base, 'serverLocation'), a.serverLocation, 'where the servers are');
  if (location !== undefined) {
    out.serverLocation = location;
    if ([...location].length > MAX_SERVER_LOCATION) report.error(path(base, 'serverLocation'), 'too_long', `at most ${MAX_SERVER_LOCATION} characters`);
  }
  out.ips = checkIps(report, path(base, 'ips'), a.ips);
  if (a.ips === undefined) delete out.ips;
  if (a.domains !== undefined) {
    out.domains = checkDomainList(report, path(base, 'domains'), a.domains).out;
    checkSubset(report, path(base, 'domains'), out.domains, serviceDomains, 'access_domain_not_in_service');
  }
  return out;
}

/** At least one IP; IPv4 or IPv6 (normalised, RFC 5952 for IPv6); no duplicates. */
function checkIps(report: Report, base: string, ips: readonly (string | undefined)[] | undefined): string[] {
  const list = nonEmpty(ips);
  if (!list) {
    report.required(base, 'at least one IP address');
    return [];
  }
  const out = list.map((raw, i) => {
    const typed = text(raw);
    if (typed === undefined) {
      report.required(path(base, i), 'the IP address');
      return raw ?? '';
    }
    return report.take(path(base, i), validateIpAddress(typed))?.address ?? typed;
  });
  for (const i of duplicateIndexes(out, (ip) => ip || undefined)) report.error(path(base, i), 'ip_duplicate', 'this address is listed twice');
  return out;
}
