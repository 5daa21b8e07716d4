// The 31 provincial-level regions of mainland China, each with its communications
// administration (省级通信管理局), which reviews filings of hosts resident there (DOMAIN.md §1)
// and issues numbers under its one-character prefix (DOMAIN.md §3).
//
// Admin codes are the province rows of GB/T 2260. Prefix variants: real numbers show both
// 川 and 蜀 for Sichuan and both 甘 and 陇 for Gansu (DOMAIN.md §3 [S26]); no official mapping
// table was found, so the first prefix is the one the registry issues and the others are
// accepted when parsing. The DB layer syncs this array into its provinces table.

export interface Province {
  /** GB/T 2260 six-digit code of the province row, e.g. "110000". */
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
  /** Prefix the registry issues in new filing numbers. */
  readonly prefix: string;
  /** Every prefix accepted when parsing, `prefix` first. */
  readonly prefixes: readonly string[];
  readonly bureauName: string;
}

type Row = readonly [code: string, name: string, nameEn: string, prefixes: readonly string[]];

const ROWS: readonly Row[] = [
  ['110000', '北京市', 'Beijing', ['京']],
  ['120000', '天津市', 'Tianjin', ['津']],
  ['130000', '河北省', 'Hebei', ['冀']],
  ['140000', '山西省', 'Shanxi', ['晋']],
  ['150000', '内蒙古自治区', 'Inner Mongolia', ['蒙']],
  ['210000', '辽宁省', 'Liaoning', ['辽']],
  ['220000', '吉林省', 'Jilin', ['吉']],
  ['230000', '黑龙江省', 'Heilongjiang', ['黑']],
  ['310000', '上海市', 'Shanghai', ['沪']],
  ['320000', '江苏省', 'Jiangsu', ['苏']],
  ['330000', '浙江省', 'Zhejiang', ['浙']],
  ['340000', '安徽省', 'Anhui', ['皖']],
  ['350000', '福建省', 'Fujian', ['闽']],
  ['360000', '江西省', 'Jiangxi', ['赣']],
  ['370000', '山东省', 'Shandong', ['鲁']],
  ['410000', '河南省', 'Henan', ['豫']],
  ['420000', '湖北省', 'Hubei', ['鄂']],
  ['430000', '湖南省', 'Hunan', ['湘']],
  ['440000', '广东省', 'Guangdong', ['粤']],
  ['450000', '广西壮族自治区', 'Guangxi', ['桂']],
  ['460000', '海南省', 'Hainan', ['琼']],
  ['500000', '重庆市', 'Chongqing', ['渝']],
  ['510000', '四川省', 'Sichuan', ['川', '蜀']],
  ['520000', '贵州省', 'Guizhou', ['黔']],
  ['530000', '云南省', 'Yunnan', ['滇']],
  ['540000', '西藏自治区', 'Xizang (Tibet)', ['藏']],
  ['610000', '陕西省', 'Shaanxi', ['陕']],
  ['620000', '甘肃省', 'Gansu', ['甘', '陇']],
  ['630000', '青海省', 'Qinghai', ['青']],
  ['640000', '宁夏回族自治区', 'Ningxia', ['宁']],
  ['650000', '新疆维吾尔自治区', 'Xinjiang', ['新']],
];

export const PROVINCES: readonly Province[] = Object.freeze(
  ROWS.map(([code, name, nameEn, prefixes]) => Object.freeze({
    code,
    name,
    nameEn,
    prefix: prefixes[0] as string,
    prefixes: Object.freeze([...prefixes]),
    bureauName: `${name}通信管理局`,
  })),
);

const BY_CODE = new Map(PROVINCES.map((p) => [p.code, p]));
const BY_PREFIX = new Map(PROVINCES.flatMap((p) => p.prefixes.map((x) => [x, p] as const)));

/**
 * Region codes that appear in resident-ID-format numbers but are not filing provinces:
 * residence permits for Hong Kong, Macao and Taiwan residents (港澳台居民居住证, issued
 * from 2018) carry 810000 / 820000 / 830000 as their address code.
 */
export const RESIDENCE_PERMIT_REGIONS: readonly ResidencePermitRegion[] = Object.freeze([
  { code: '810000', name: '香港特别行政区', residentsOf: 'hong_kong' },
  { code: '820000', name: '澳门特别行政区', residentsOf: 'macao' },
  { code: '830000', name: '台湾地区', residentsOf: 'taiwan' },
]);

export interface ResidencePermitRegion {
  readonly code: string;
  readonly name: string;
  readonly residentsOf: 'hong_kong' | 'macao' | 'taiwan';
}

/** Lookup by six-digit province code ("440000"); undefined if not one of the 31. */
export function provinceByCode(code: string): Province | undefined {
  return BY_CODE.get(code);
}

/** Lookup by filing-number prefix, any accepted variant ("蜀" → Sichuan). */
export function provinceByPrefix(prefix: string): Province | undefined {
  return BY_PREFIX.get(prefix);
}

/** Province that a six-digit region code (city, district) falls in, by its first two digits. */
export function provinceOfRegion(regionCode: string): Province | undefined {
  if (!/^\d{6}$/.test(regionCode)) return undefined;
  return BY_CODE.get(`${regionCode.slice(0, 2)}0000`);
}

/**
 * True if a six-digit city/district code belongs to the province. This is a prefix match on
 * the GB/T 2260 structure (2 digits province, 2 city, 2 county); the full list of cities and
 * districts is not bundled, so a well-formed but non-existent code such as "449999" passes.
 * Codes are compared as given: a province does not "belong to" a different province code.
 */
export function regionBelongsToProvince(regionCode: string, provinceCode: string): boolean {
  const province = provinceOfRegion(regionCode);
  return province !== undefined && province.code === provinceCode;
}
