// Data for the naming rules (DOMAIN.md §0.3, §2.3, §7 [S14]): words that make bureaus reject a
// service name unless the subject qualifies or holds a pre-approval (前置审批). Kept as data so
// a bureau's practice can be followed without touching the checks in name-rules.ts.
//
// Keyword lists are this project's reading of the provider guidance (Tencent Cloud 网站命名要求
// and 前置审批 FAQ [S14]); they are hints that ask for a document up front, never refusals.

/** Only national-level units may use these in a service name (Tencent 网站命名要求 §1, rule 1). */
export const NATIONAL_WORDS: readonly string[] = Object.freeze(['中国', '中华', '国家', '全国']);

/** Words that make an individual's service look like an organisation's (rule 2). */
export const ORGANISATION_WORDS: readonly string[] = Object.freeze([
  '公司', '企业', '集团', '俱乐部', '团体', '社区', '协会', '联盟', '官方',
]);

/** Commercial words an individual's (non-commercial) service may not use (rule 5). */
export const COMMERCIAL_WORDS: readonly string[] = Object.freeze([
  '购买', '买卖', '交易', '优惠券', '电子商务', '电商', '商城', '团购',
]);

export type PreApprovalType =
  | 'news' | 'publishing' | 'drugs_medical_devices' | 'medical' | 'culture' | 'audiovisual'
  | 'ride_hailing' | 'finance' | 'game' | 'religion' | 'education';

export interface PreApprovalRule {
  readonly type: PreApprovalType;
  readonly name: string;
  /** The document the subject is asked for. */
  readonly document: string;
  /** False where the national requirement was abolished and only some bureaus still ask. */
  readonly nationallyRequired: boolean;
  readonly keywords: readonly string[];
}

// Categories and documents from DOMAIN.md §2.3 [S14]; 宗教 from the MIIT notice [S1][S2].
const RULES: readonly PreApprovalRule[] = [
  { type: 'news', name: '新闻', document: '互联网新闻信息服务许可证', nationallyRequired: true,
    keywords: ['新闻', '资讯', '时事', '头条', '快讯', '日报', '晚报', '早报'] },
  { type: 'publishing', name: '出版', document: '网络出版服务许可证', nationallyRequired: true,
    keywords: ['出版', '书城', '电子书', '期刊', '杂志', '小说'] },
  { type: 'drugs_medical_devices', name: '药品和医疗器械', document: '互联网药品信息服务资格证书', nationallyRequired: true,
    keywords: ['药品', '医药', '药店', '药房', '买药', '处方', '医疗器械'] },
  { type: 'medical', name: '医疗保健', document: '医疗保健信息服务审核同意书（按管局要求）', nationallyRequired: false,
    keywords: ['医院', '医疗', '诊所', '门诊', '问诊', '挂号', '健康咨询'] },
  { type: 'culture', name: '文化', document: '网络文化经营许可证', nationallyRequired: true,
    keywords: ['演出', '表演', '动漫', '艺术品', '音乐'] },
  { type: 'audiovisual', name: '广播电影电视节目', document: '信息网络传播视听节目许可证', nationallyRequired: true,
    keywords: ['视频', '影视', '电影', '电视', '直播', '视听', '广播', '短剧', '网剧'] },
  { type: 'ride_hailing', name: '网络预约出租汽车', document: '网络预约出租汽车经营许可证', nationallyRequired: true,
    keywords: ['网约车', '打车', '叫车', '专车', '出租车', '顺风车'] },
  { type: 'finance', name: '金融', document: '金融主管部门的专项审批文件', nationallyRequired: true,
    keywords: ['金融', '理财', '贷款', '借贷', '网贷', '信贷', '小贷', '支付', '银行', '证券', '基金', '保险', '期货',
      '股票', '炒股', '外汇', '融资', '众筹', '投资', '信托', '典当', '征信'] },
  { type: 'game', name: '游戏', document: '网络游戏出版审批（版号）', nationallyRequired: true,
    keywords: ['游戏', '手游', '棋牌'] },
  { type: 'religion', name: '宗教', document: '互联网宗教信息服务许可证', nationallyRequired: true,
    keywords: ['宗教', '佛教', '道教', '基督教', '天主教', '伊斯兰教', '佛学', '传教'] },
  { type: 'education', name: '教育', document: '教育主管部门审批（按管局要求）', nationallyRequired: false,
    keywords: ['教育', '培训', '网校', '学校'] },
];

export const PRE_APPROVAL_RULES: readonly PreApprovalRule[] = Object.freeze(
  RULES.map((r) => Object.freeze({ ...r, keywords: Object.freeze([...r.keywords]) })),
);
