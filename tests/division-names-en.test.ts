// English names of the divisions (ADR 0046): generated from the Chinese with pinyin-pro and a
// suffix table into divisions.en.data.ts. Checked against official English names, polyphones
// (重庆 Chongqing, 长沙 Changsha, 厦门 Xiamen, 六安 Lu'an …) among them, and against regeneration.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderEnglishData } from '../scripts/division-names-en-data.ts';
import { englishName } from '../scripts/division-names-en.ts';
import { citiesOf, countiesOf, divisionLabel, divisionName, divisionNameEn } from '../src/domain/divisions.ts';
import { DIVISION_ROWS } from '../src/domain/divisions.data.ts';

/** Official English (Hanyu Pinyin, or the name in official use) of divisions across the provinces. */
const OFFICIAL: readonly (readonly [code: string, zh: string, en: string])[] = [
  ['110000', '北京市', 'Beijing'],
  ['110105', '朝阳区', 'Chaoyang District'],
  ['110108', '海淀区', 'Haidian District'],
  ['110100', '市辖区', '(municipal districts)'],
  ['120116', '滨海新区', 'Binhai New Area'],
  ['310115', '浦东新区', 'Pudong New Area'],
  ['440300', '深圳市', 'Shenzhen'],
  ['440305', '南山区', 'Nanshan District'],
  ['441900', '东莞市', 'Dongguan'],
  ['500000', '重庆市', 'Chongqing'], // 重 chóng, not zhòng
  ['500200', '县', '(counties)'],
  ['430100', '长沙市', 'Changsha'], // 长 cháng
  ['140400', '长治市', 'Changzhi'],
  ['350200', '厦门市', 'Xiamen'], // 厦 xià, not shà
  ['341500', '六安市', "Lu'an"], // 六 lù, with the syllable apostrophe
  ['340300', '蚌埠市', 'Bengbu'], // 蚌 bèng, not bàng
  ['340303', '蚌山区', 'Bengshan District'],
  ['131025', '大城县', 'Dacheng County'], // 大 dà, not dài
  ['140109', '万柏林区', 'Wanbailin District'], // 柏 bǎi
  ['511100', '乐山市', 'Leshan'],
  ['330382', '乐清市', 'Yueqing'], // 乐 yuè here
  ['130225', '乐亭县', 'Laoting County'], // 乐 lào here
  ['331100', '丽水市', 'Lishui'], // 丽 lí
  ['361124', '铅山县', 'Yanshan County'], // 铅 yán
  ['440113', '番禺区', 'Panyu District'], // 番 pān
  ['441422', '大埔县', 'Dapu County'],
  ['420116', '黄陂区', 'Huangpi District'], // 陂 pí
  ['141024', '洪洞县', 'Hongtong County'], // 洞 tóng
  ['371722', '单县', 'Shan County'], // 单 shàn
  ['130726', '蔚县', 'Yu County'], // 蔚 yù
  ['341021', '歙县', 'She County'],
  ['371325', '费县', 'Bi County'],
  ['320116', '六合区', 'Luhe District'],
  ['341621', '涡阳县', 'Guoyang County'],
  ['510117', '郫都区', 'Pidu District'], // 都 dū in place names
  ['522732', '三都水族自治县', 'Sandu Sui Autonomous County'],
  ['610100', '西安市', "Xi'an"],
  ['210100', '沈阳市', 'Shenyang'],
  ['230100', '哈尔滨市', 'Harbin'],
  ['150100', '呼和浩特市', 'Hohhot'],
  ['540100', '拉萨市', 'Lhasa'],
  ['650100', '乌鲁木齐市', 'Urumqi'],
  ['653101', '喀什市', 'Kashgar'],
  ['341600', '亳州市', 'Bozhou'],
  ['420528', '长阳土家族自治县', 'Changyang Tujia Autonomous County'],
  ['422800', '恩施土家族苗族自治州', 'Enshi Tujia and Miao Autonomous Prefecture'],
  ['222400', '延边朝鲜族自治州', 'Yanbian Korean Autonomous Prefecture'],
  ['532800', '西双版纳傣族自治州', 'Xishuangbanna Dai Autonomous Prefecture'],
  ['150723', '鄂伦春自治旗', 'Oroqen Autonomous Banner'],
  ['152921', '阿拉善左旗', 'Alxa Left Banner'],
  ['152200', '兴安盟', "Xing'an League"],
  ['232700', '大兴安岭地区', "Daxing'anling Prefecture"],
  ['429021', '神农架林区', 'Shennongjia Forestry District'],
  ['610103', '碑林区', 'Beilin District'], // 林区 here is 碑林 + 区, not a forestry district
  ['441803', '清新区', 'Qingxin District'], // 清新 + 区, not a new area
  ['130107', '井陉矿区', 'Jingxing Mining District'],
  ['520203', '六枝特区', 'Liuzhi Special District'],
  ['460321', '西沙群岛', 'Xisha Islands'],
  ['320576', '苏州工业园区', 'Suzhou Industrial Park'],
  ['130272', '唐山市汉沽管理区', 'Tangshan Hangu Administrative Zone'],
];

const CJK = /[\u3400-\u9fff]/;

describe('English names of the divisions (ADR 0046)', () => {
  it.each(OFFICIAL)('%s %s → %s', (code, zh, en) => {
    expect(divisionName(code)).toBe(zh);
    expect(divisionNameEn(code)).toBe(en);
  });

  it('every row of the table has an English name with no Chinese in it', () => {
    const codes = DIVISION_ROWS.split('|').map((r) => r.slice(0, 6));
    for (const code of codes) {
      const en = divisionNameEn(code);
      expect(en, code).toBeTruthy();
      expect(CJK.test(en!), `${code} ${en}`).toBe(false);
    }
    expect(countiesOf('440300').map((d) => d.nameEn)).toEqual(['Luohu District', 'Futian District', 'Nanshan District', 'Bao\'an District', 'Longgang District', 'Yantian District', 'Longhua District', 'Pingshan District', 'Guangming District']);
    expect(citiesOf('110000')).toEqual([{ code: '110100', name: '市辖区', nameEn: '(municipal districts)' }]);
  });

  it('labels a division in the UI language and knows nothing of codes outside the table', () => {
    expect(divisionLabel('440300', 'en')).toBe('Shenzhen');
    expect(divisionLabel('440300', 'zh-CN')).toBe('深圳市');
    expect(divisionLabel('440183', 'en')).toBeUndefined(); // 增城市, abolished in 2014
  });

  it('the suffix table gives the generic in English and lists the peoples of an autonomous division', () => {
    expect(englishName('双江拉祜族佤族布朗族傣族自治县')).toBe('Shuangjiang Lahu, Va, Blang and Dai Autonomous County');
    expect(englishName('科尔沁左翼中旗')).toBe("Ke'erqin Left Wing Middle Banner");
    expect(englishName('喀喇沁左翼蒙古族自治县')).toBe('Kalaqin Left Wing Mongolian Autonomous County');
    expect(englishName('东乡族自治县')).toBe('Dongxiang Autonomous County');
  });

  it('the committed divisions.en.data.ts is what the generator writes now', () => {
    // If this fails: npx tsx scripts/generate-division-names-en.ts, review the diff, commit it.
    expect(readFileSync(new URL('../src/domain/divisions.en.data.ts', import.meta.url), 'utf8')).toBe(renderEnglishData());
  });
});
