// The organisations every deployment has from its first migration (issue 12, part 2; ADR 0012):
// the ministry (工业和信息化部, which runs the national registry) and the 31 provincial
// communications administrations (DOMAIN.md §1), one per province, named from provinces.ts.
// The database holds them as organisations rows keyed by `key`; the migration runner syncs
// this list into them, so a rename here renames the row (same id) on the next migrate.
import type { OrganisationKind } from './actors.ts';
import { PROVINCES } from './provinces.ts';

export interface ReferenceOrganisation {
  /** Stable key of the row: 'ministry' or 'bureau:<province code>'. */
  readonly key: string;
  readonly kind: Extract<OrganisationKind, 'ministry' | 'bureau'>;
  readonly name: string;
  readonly provinceCode: string | null;
}

export const MINISTRY_NAME = '中华人民共和国工业和信息化部';

/** The authorities' own English names: the ministry's, and `<Province> Communications Administration` for a bureau. */
const ENGLISH_NAMES = new Map<string, string>([
  [MINISTRY_NAME, 'Ministry of Industry and Information Technology'],
  ...PROVINCES.map((p) => [p.bureauName, `${p.nameEn} Communications Administration`] as const),
]);

/**
 * The English name of the ministry or a bureau, given its Chinese name (广东省通信管理局 → Guangdong
 * Communications Administration, as the English lines of notifications already say); undefined for any
 * other organisation, whose name is data and stays as registered.
 */
export function authorityNameEn(name: string): string | undefined {
  return ENGLISH_NAMES.get(name);
}

export const bureauKey = (provinceCode: string) => `bureau:${provinceCode}`;

export const REFERENCE_ORGANISATIONS: readonly ReferenceOrganisation[] = Object.freeze([
  { key: 'ministry', kind: 'ministry', name: MINISTRY_NAME, provinceCode: null },
  ...PROVINCES.map((p) => ({ key: bureauKey(p.code), kind: 'bureau' as const, name: p.bureauName, provinceCode: p.code })),
]);
