// Domains of a service and a website's home URL (DOMAIN.md §2.1, §2.5). Domains are compared
// in their normalised (lowercase punycode) form everywhere.
import { validateDomainName } from '../validation/domain-name.ts';
import type { Report } from './report.ts';
import { duplicateIndexes, path, text } from './report.ts';

export interface ServiceDomains {
  /** The list as normalised, invalid entries kept as typed. */
  out: string[];
  /** The valid entries, normalised. */
  valid: Set<string>;
}

/**
 * Validate a list of domains at `base.i`; returns the normalised list, with each invalid entry
 * kept as typed (trimmed), and the set of valid normalised domains.
 */
export function checkDomainList(report: Report, base: string, list: readonly (string | undefined)[]): ServiceDomains {
  const valid = new Set<string>();
  const out = list.map((raw, i) => {
    const typed = text(raw);
    if (typed === undefined) {
      report.required(path(base, i), 'the domain');
      return raw ?? '';
    }
    const domain = report.take(path(base, i), validateDomainName(typed));
    if (domain !== undefined) valid.add(domain);
    return domain ?? typed;
  });
  for (const i of duplicateIndexes(out, (d) => d || undefined)) report.error(path(base, i), 'domain_duplicate', 'this domain is listed twice');
  return { out, valid };
}

/** Report each entry of a sub-list (platform or access domains) that the service does not list. */
export function checkSubset(report: Report, base: string, list: readonly string[], service: ReadonlySet<string>, code: string): void {
  list.forEach((d, i) => {
    if (d !== '' && validateDomainName(d).ok && !service.has(d)) {
      report.error(path(base, i), code, `${d} is not in the service's domain list; add it there first`);
    }
  });
}

/**
 * Website home page (首页网址, DOMAIN.md §2.1): an http(s) URL whose host is one of the
 * service's domains or a name under one (www.example.cn under example.cn: the registered
 * domain is what is filed). Codes `home_url_format`, `home_url_domain_not_listed`.
 * Normalised to the WHATWG serialisation (punycode host, lowercase scheme).
 */
export function checkHomeUrl(report: Report, input: string, domains: ReadonlySet<string>): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    report.error('service.homeUrl', 'home_url_format', 'a full address such as https://www.example.cn/');
    return input;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    report.error('service.homeUrl', 'home_url_format', 'the home page address starts with http:// or https://');
    return input;
  }
  const host = url.hostname.replace(/\.$/, '');
  if (![...domains].some((d) => host === d || host.endsWith(`.${d}`))) {
    report.error('service.homeUrl', 'home_url_domain_not_listed', `${host} is not under any of the service's domains`);
  }
  return url.href;
}
