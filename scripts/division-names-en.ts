// English names of the GB/T 2260 divisions (ADR 0046): Hanyu Pinyin of the name's stem, from the
// npm package pinyin-pro, plus an English generic from a small suffix table (区 District, 县 County,
// 自治州 Autonomous Prefecture …). Used by scripts/generate-division-names-en.ts, which writes
// src/domain/divisions.en.data.ts, and by the test that checks that file is up to date.
//
// Limits (ADR 0046): pinyin-pro reads a place name as ordinary text, so a character whose reading
// in a place name differs from its everyday one (黄陂 Huangpi, not Huangbei) comes out wrong unless
// it is in READINGS below; the generic is translated, never the stem (海淀区 Haidian District, not
// "Sea Shallows"); names whose official English is not pinyin (ethnic-language names such as 阿坝
// Ngawa, 喀什 Kashgar) get pinyin all the same.
import { customPinyin, pinyin } from 'pinyin-pro';

import { PROVINCES } from '../src/domain/provinces.ts';

/**
 * Place-name readings pinyin-pro gets wrong (each seen wrong in its output), as words so that the
 * character keeps its everyday reading elsewhere. Tested in src/domain/divisions-en.test.ts.
 */
export const READINGS: Readonly<Record<string, string>> = {
  黄陂: 'huang pi', 洪洞: 'hong tong', 乐清: 'yue qing', 乐亭: 'lao ting', 涡阳: 'guo yang', 尉犁: 'yu li',
  筠连: 'jun lian', 泌阳: 'bi yang', 六合: 'lu he', 中牟: 'zhong mou', 召陵: 'shao ling', 繁峙: 'fan shi',
  // In place names 都 is dū (成都, 丰都, 三都), never the adverb dōu that pinyin-pro picks after some
  // characters, and 什 is shí (喀什, 克什克腾), never shén.
  都: 'du', 什: 'shi',
  万柏林: 'wan bai lin', 大城: 'da cheng', 蚌山: 'beng shan',
  // Names whose stem would otherwise be read as a word (长 cháng / zhǎng, 重 chóng / zhòng …) are right
  // in pinyin-pro's output; the test lists them so a new version cannot silently change them.
};

/** Counties named by one character, read alone (so without a word around them): 蔚县 Yu County, not Wei. */
export const SINGLE_READINGS: Readonly<Record<string, string>> = { 蔚: 'Yu', 歙: 'She', 单: 'Shan', 浚: 'Xun', 费: 'Bi' };

/** Whole names with an English of their own: rows that are groupings, not places, and names the rules get wrong. */
const WHOLE: Readonly<Record<string, string>> = {
  市辖区: '(municipal districts)',
  矿区: 'Mining District',
  神农架林区: 'Shennongjia Forestry District',
  中沙群岛的岛礁及其海域: 'Islands and Reefs of the Zhongsha Islands and their Waters',
  县: '(counties)',
  省直辖县级行政区划: '(county-level divisions under the province)',
  自治区直辖县级行政区划: '(county-level divisions under the autonomous region)',
};

/** Ethnic groups named in autonomous divisions, longest first; matched with or without 族. */
const ETHNIC: readonly (readonly [string, string])[] = ([
  ['柯尔克孜', 'Kirgiz'], ['哈萨克', 'Kazakh'], ['达斡尔', 'Daur'], ['鄂温克', 'Ewenki'], ['鄂伦春', 'Oroqen'],
  ['维吾尔', 'Uygur'], ['塔吉克', 'Tajik'], ['土家', 'Tujia'], ['蒙古', 'Mongolian'], ['朝鲜', 'Korean'],
  ['布依', 'Bouyei'], ['仡佬', 'Gelao'], ['仫佬', 'Mulao'], ['毛南', 'Maonan'], ['哈尼', 'Hani'], ['拉祜', 'Lahu'],
  ['傈僳', 'Lisu'], ['纳西', 'Naxi'], ['独龙', 'Derung'], ['普米', 'Pumi'], ['景颇', 'Jingpo'], ['布朗', 'Blang'],
  ['撒拉', 'Salar'], ['东乡', 'Dongxiang'], ['保安', 'Bonan'], ['裕固', 'Yugur'], ['锡伯', 'Xibe'],
  ['藏', 'Tibetan'], ['羌', 'Qiang'], ['彝', 'Yi'], ['苗', 'Miao'], ['回', 'Hui'], ['满', 'Manchu'], ['侗', 'Dong'],
  ['瑶', 'Yao'], ['壮', 'Zhuang'], ['水', 'Sui'], ['黎', 'Li'], ['畲', 'She'], ['傣', 'Dai'], ['白', 'Bai'],
  ['佤', 'Va'], ['怒', 'Nu'], ['土', 'Tu'], ['各', 'Various Ethnic Groups'],
] as const).slice().sort((a, b) => b[0].length - a[0].length);

/** Generic suffixes, longest first. `zone` marks names of development zones etc., whose stem runs several names together. */
const SUFFIXES: readonly (readonly [string, string, 'zone'?])[] = ([
  ['高新技术产业开发区', 'High-tech Industrial Development Zone', 'zone'],
  ['高技术产业开发区', 'High-tech Industrial Development Zone', 'zone'],
  ['高新技术产业园区', 'High-tech Industrial Park', 'zone'],
  ['高新技术开发区', 'High-tech Development Zone', 'zone'],
  ['经济技术开发区', 'Economic and Technological Development Zone', 'zone'],
  ['城乡一体化示范区', 'Urban-Rural Integration Demonstration Zone', 'zone'],
  ['综合改革示范区', 'Comprehensive Reform Demonstration Zone', 'zone'],
  ['经济综合实验区', 'Comprehensive Economic Experimental Zone', 'zone'],
  ['物流产业聚集区', 'Logistics Industry Cluster', 'zone'],
  ['风景名胜区', 'Scenic Area', 'zone'],
  ['经济开发区', 'Economic Development Zone', 'zone'],
  ['循环化工园区', 'Circular Chemical Industry Park', 'zone'],
  ['现代产业园区', 'Modern Industrial Park', 'zone'],
  ['旅游创意园区', 'Tourism and Creative Industry Park', 'zone'],
  ['工业园区', 'Industrial Park', 'zone'],
  ['临港开发区', 'Lingang Development Zone', 'zone'],
  ['管理区管委会', 'Administrative Zone', 'zone'],
  ['行政委员会', 'Administrative Committee', 'zone'],
  ['岛礁及其海域', 'Islands and Reefs and their Waters', 'zone'],
  ['开发区', 'Development Zone', 'zone'],
  ['示范区', 'Demonstration Zone', 'zone'],
  ['管理区', 'Administrative Zone', 'zone'],
  ['新城', 'New Town', 'zone'],
  ['食品区', 'Food Zone', 'zone'],
  ['自治州', 'Autonomous Prefecture'], ['自治县', 'Autonomous County'], ['自治旗', 'Autonomous Banner'],
  ['自治区', 'Autonomous Region'], ['特区', 'Special District'], ['联合旗', 'United Banner'],
  ['矿区', 'Mining District'], ['新区', 'New Area', 'zone'], ['地区', 'Prefecture'], ['区', 'District'],
  ['县', 'County'], ['旗', 'Banner'], ['盟', 'League'], ['市', ''], ['省', ''], ['群岛', 'Islands'], ['岛', 'Island'],
] as const).slice().sort((a, b) => b[0].length - a[0].length);

/**
 * Places whose English is not their pinyin but a name from their own language, in official and common
 * use (Harbin, not Ha'erbin). Matched against the stem, so 呼和浩特市 and 呼和浩特经济技术开发区 both use it.
 */
export const EXONYMS: Readonly<Record<string, string>> = {
  哈尔滨: 'Harbin', 呼和浩特: 'Hohhot', 乌鲁木齐: 'Urumqi', 拉萨: 'Lhasa', 鄂尔多斯: 'Ordos', 阿拉善: 'Alxa',
  锡林郭勒: 'Xilingol', 呼伦贝尔: 'Hulunbuir', 巴彦淖尔: 'Bayannur', 乌兰察布: 'Ulanqab', 喀什: 'Kashgar',
  和田: 'Hotan', 阿克苏: 'Aksu', 伊犁: 'Ili', 克拉玛依: 'Karamay', 吐鲁番: 'Turpan', 博尔塔拉: 'Bortala',
  巴音郭楞: 'Bayingolin', 克孜勒苏: 'Kizilsu', 阿勒泰: 'Altay', 日喀则: 'Shigatse', 林芝: 'Nyingchi', 昌都: 'Qamdo',
  那曲: 'Nagqu', 阿里: 'Ngari', 阿坝: 'Ngawa', 甘孜: 'Garze', 果洛: 'Golog', 格尔木: 'Golmud', 满洲里: 'Manzhouli',
};

/** 左翼中旗: the banner's wing and position, in the order English puts them (Left Wing Middle Banner). */
const BANNER = /(左翼|右翼)?(前|中|后|左|右)?$/;
const BANNER_EN: Readonly<Record<string, string>> = { 左翼: 'Left Wing', 右翼: 'Right Wing', 前: 'Front', 中: 'Middle', 后: 'Rear', 左: 'Left', 右: 'Right' };

let readingsSet = false;

/** Hanyu Pinyin of a stem as one capitalised word, with an apostrophe before a/o/e inside it (西安 Xi'an). */
export function romanise(stem: string): string {
  if (EXONYMS[stem]) return EXONYMS[stem];
  if (SINGLE_READINGS[stem]) return SINGLE_READINGS[stem];
  if (!readingsSet) { customPinyin(READINGS); readingsSet = true; }
  const syllables = pinyin(stem, { toneType: 'none', type: 'array', nonZh: 'consecutive' });
  const word = syllables.map((s, i) => (i > 0 && /^[aoe]/.test(s) ? `'${s}` : s)).join('');
  return word.charAt(0).toUpperCase() + word.slice(1);
}

const listed = (xs: readonly string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/** Province stems (河北, 内蒙古 …) with their English, for the names of zones that start with one. */
const PROVINCE_STEMS: readonly (readonly [string, string])[] = PROVINCES.map((p) => [
  p.name.replace(/(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)$/, ''), p.nameEn.replace(/ \(.*\)$/, ''),
] as const);

/** A stem that runs names together (河北唐山芦台): known stems are split off as words, the rest is romanised in runs. */
function romaniseRun(stem: string, stems: ReadonlyMap<string, string>): string {
  const words: string[] = [];
  let rest = '';
  for (let i = 0; i < stem.length;) {
    let hit: string | undefined;
    for (let n = Math.min(5, stem.length - i); n >= 2 && !hit; n--) if (stems.has(stem.slice(i, i + n))) hit = stem.slice(i, i + n);
    if (hit) {
      if (rest) { words.push(romanise(rest)); rest = ''; }
      words.push(stems.get(hit)!);
      i += hit.length;
      if (stem[i] === '市') i += 1; // 唐山市汉沽: the city's generic is not part of the zone's name
    } else { rest += stem[i]; i += 1; }
  }
  if (rest) words.push(romanise(rest));
  return words.join(' ');
}

/** The English name of one division row. `stems` are the place stems of the table (see englishNames). */
export function englishName(name: string, stems: ReadonlyMap<string, string> = new Map()): string {
  const whole = WHOLE[name];
  if (whole) return whole;
  // 清新区 is the district 清新 (Qingxin), not a new area of 清: two-part generics need a stem of two characters.
  const suffix = SUFFIXES.find(([zh]) => name.endsWith(zh) && name.length - zh.length >= (zh === '新区' || zh === '矿区' ? 2 : 1));
  if (!suffix) return romanise(name);
  const [zh, en, zone] = suffix;
  let stem = name.slice(0, -zh.length);
  if (zone) {
    stem = stem.replace(/市$/, '');
    return `${romaniseRun(stem, stems)} ${en}`.trim();
  }
  const peoples: string[] = [];
  for (;;) {
    // 鄂伦春自治旗, 东乡族自治县: the division is named after the people alone.
    const alone = ETHNIC.find(([e]) => stem === e || stem === `${e}族`);
    if (alone && peoples.length === 0 && zh.startsWith('自治')) { peoples.push(alone[1]); stem = ''; break; }
    const hit = ETHNIC.find(([e]) => stem.endsWith(`${e}族`) && stem.length > e.length + 1)
      ?? ETHNIC.find(([e]) => e.length > 1 && e !== '各' && stem.endsWith(e) && stem.length > e.length);
    if (!hit) break;
    stem = stem.slice(0, stem.endsWith(`${hit[0]}族`) ? -(hit[0].length + 1) : -hit[0].length);
    peoples.unshift(hit[1]);
  }
  // Banners: 土默特左旗 Tumote Left Banner, 科尔沁右翼中旗 Horqin Right Wing Middle Banner; a wing also
  // stands before the people in 喀喇沁左翼蒙古族自治县 (Kalaqin Left Wing Mongolian Autonomous County).
  let wingEn = '';
  let generic: string = en;
  const [wing, pos] = BANNER.exec(stem)!.slice(1);
  const cut = (wing?.length ?? 0) + (zh === '旗' ? (pos?.length ?? 0) : 0);
  if (cut > 0 && stem.length - cut >= 2 && (zh === '旗' || (wing && !pos))) {
    stem = stem.slice(0, -cut);
    wingEn = wing ? BANNER_EN[wing]! : '';
    if (zh === '旗' && pos) generic = `${BANNER_EN[pos]!} ${en}`;
  }
  const parts = [stem && romanise(stem), wingEn, listed(peoples), generic].filter(Boolean);
  return parts.join(' ');
}

/** English names for every row of the table: code → name. Provinces take their English from provinces.ts. */
export function englishNames(rows: readonly (readonly [code: string, name: string])[]): Map<string, string> {
  const stems = new Map<string, string>(PROVINCE_STEMS);
  for (const [code, name] of rows) {
    if (code.endsWith('0000')) continue;
    const stem = /^(.{2,4})(市|地区|盟)$/.exec(name)?.[1];
    if (stem && !stems.has(stem)) stems.set(stem, romanise(stem));
  }
  const out = new Map<string, string>();
  for (const [code, name] of rows) {
    const province = PROVINCES.find((p) => p.code === code);
    out.set(code, province ? province.nameEn : englishName(name, stems));
  }
  return out;
}
