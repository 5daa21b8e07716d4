// Revocation categories and the blacklist (issue 14, contract 7). Revoking names a public
// category (提供虚假材料, 空壳清理, 违法违规 …) and a private text. For false materials the bureau
// may blacklist the subject's certificate (held as the keyed hash personal data uses), the
// package names and the domains for a period; a new application matching an active entry is
// refused at submission, saying which kind of entry and until when — never whose. Pure.
import type { IsoDate } from '../dates.ts';
import { NamedError, type FieldProblem } from '../errors.ts';

export const REVOCATION_CATEGORIES = ['false_materials', 'shell_cleanup', 'illegal', 'other'] as const;
export type RevocationCategory = (typeof REVOCATION_CATEGORIES)[number];
export const REVOCATION_CATEGORY_ZH: Record<RevocationCategory, string> = {
  false_materials: '提供虚假材料', shell_cleanup: '空壳清理', illegal: '违法违规', other: '其他',
};

export const BLACKLIST_KINDS = ['certificate', 'package', 'domain'] as const;
export type BlacklistKind = (typeof BLACKLIST_KINDS)[number];

export const MAX_BLACKLIST_DAYS = 3 * 366;

/**
 * Android and HarmonyOS package names are case-sensitive, iOS bundle IDs are not (Apple treats
 * `com.Bad.App` and `com.bad.app` as one app: an entry bars an iOS candidate in any case, see
 * `blacklistHits`); domains are not case-sensitive either, and trailing dots (and spaces between
 * them) are the same name — all of them, so normalising twice changes nothing (a single
 * `.$` left `a.com..` as `a.com.`, another name; found by src/domain/parsers.property.test.ts).
 */
export function normaliseBlacklistValue(kind: Exclude<BlacklistKind, 'certificate'>, value: string): string {
  const v = value.trim();
  return kind === 'domain' ? v.toLowerCase().replace(/[\s.]+$/u, '') : v;
}

export interface BlacklistEntry { id: string; kind: BlacklistKind; value: string; untilOn: IsoDate; liftedAt: Date | null }

/** An entry bars new filings through its last day, unless lifted. */
export const isActive = (e: Pick<BlacklistEntry, 'untilOn' | 'liftedAt'>, today: IsoDate) => e.liftedAt === null && today <= e.untilOn;

/** What an application offers to the blacklist: its subject's certificate hash, package names, domains (with the field each came from). */
export interface BlacklistCandidates {
  certificateHash: string | null;
  /** `ios` marks an iOS bundle ID, which an entry bars in any letter case. */
  packages: { value: string; field: string; ios?: boolean }[];
  domains: { value: string; field: string }[];
}

/**
 * The active entries an application's candidates hit, as field problems (kind and until, nothing else).
 * The message is English, as every API message (the UI's Chinese is its problem-text table): a Chinese half
 * here showed in the English UI.
 */
export function blacklistHits(c: BlacklistCandidates, entries: readonly BlacklistEntry[], today: IsoDate): FieldProblem[] {
  const active = entries.filter((e) => isActive(e, today));
  const out: FieldProblem[] = [];
  const hit = (kind: BlacklistKind, value: string, field: string, anyCase = false) => {
    const same = anyCase ? (x: string) => x.toLowerCase() === value.toLowerCase() : (x: string) => x === value;
    const e = active.filter((x) => x.kind === kind && same(x.value)).sort((a, b) => (a.untilOn < b.untilOn ? 1 : -1))[0];
    if (e) out.push({ field, code: 'blacklisted', message: `an active blacklist entry (${kind}) bars this until ${e.untilOn}` });
  };
  if (c.certificateHash) hit('certificate', c.certificateHash, 'subject.certificateNumber');
  for (const p of c.packages) hit('package', p.value, p.field, p.ios === true);
  for (const d of c.domains) hit('domain', normaliseBlacklistValue('domain', d.value), d.field);
  return out;
}

export class BlacklistedError extends NamedError {
  constructor(problems: FieldProblem[]) {
    super('blacklisted', 'conflict', `refused: ${problems.length} part(s) of this application match an active blacklist entry`, problems);
  }
}
