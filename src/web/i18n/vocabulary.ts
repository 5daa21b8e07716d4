// Names of the filing form's fields and options, [zh-CN, English]. Field labels are keyed by
// the dotted path the rules and the server use (`platforms.0.packageName` → `platforms.*.packageName`),
// so a problem, a reviewer's reason and an input all name the same field.
import type { Entry } from './messages.ts';

const PERSON: Record<string, Entry> = {
  name: ['姓名', 'Name'],
  certificateType: ['证件类型', 'Document type'],
  certificateNumber: ['证件号码', 'Document number'],
  certificateValidFrom: ['证件有效期起', 'Valid from'],
  certificateValidTo: ['证件有效期至', 'Valid to'],
  mobile: ['手机号码', 'Mobile'],
  emergencyPhone: ['应急联系电话', 'Emergency phone'],
  email: ['电子邮箱', 'Email'],
};
const person = (prefix: string, group: Entry) => Object.fromEntries([
  [prefix, group],
  ...Object.entries(PERSON).map(([k, v]) => [`${prefix}.${k}`, [`${group[0]}${v[0]}`, `${group[1]}: ${v[1].toLowerCase()}`] as Entry]),
]);

export const FIELD_LABELS: Record<string, Entry> = {
  // The SMS check (a return the system writes when codes were wrong or late)
  sms: ['短信核验', 'SMS check'],
  subject: ['备案主体', 'Subject'],
  'subject.subjectType': ['主体类型', 'Subject type'],
  'subject.nature': ['主办单位性质', 'Nature of the host'],
  'subject.name': ['主办单位名称', 'Host name'],
  'subject.certificateType': ['主体证件类型', 'Subject document type'],
  'subject.certificateNumber': ['主体证件号码', 'Subject document number'],
  'subject.certificateAddress': ['证件住所', 'Address on the document'],
  'subject.address': ['通讯地址（省市区之后的详细地址）', 'Postal address (after province/city/district)'],
  'subject.provinceCode': ['所在省份', 'Province'],
  'subject.cityCode': ['所在城市', 'City'],
  'subject.districtCode': ['所在区县', 'District'],
  'subject.principalIsLegalRepresentative': ['主体负责人是法定代表人', 'The principal is the legal representative'],
  'subject.comment': ['备注', 'Comment'],
  ...person('subject.principal', ['主体负责人', 'Subject principal']),
  'subject.legalPerson': ['法定代表人', 'Legal representative'],
  'subject.legalPerson.name': ['法定代表人姓名', 'Legal representative: name'],
  'subject.legalPerson.certificateType': ['法定代表人证件类型', 'Legal representative: document type'],
  'subject.legalPerson.certificateNumber': ['法定代表人证件号码', 'Legal representative: document number'],
  service: ['服务信息', 'Service'],
  'service.serviceType': ['服务类型', 'Service type'],
  'service.name': ['服务名称', 'Service name'],
  'service.categories': ['服务内容类目（最多 5 项）', 'Service-content categories (up to 5)'],
  'service.languages': ['语言', 'Language'],
  'service.preApprovals': ['前置审批', 'Pre-approvals'],
  'service.preApprovals.*.type': ['前置审批类型', 'Pre-approval type'],
  'service.preApprovals.*.number': ['审批文件编号', 'Document number'],
  'service.description': ['服务描述（20–200 字，说明实际业务）', 'Description (20–200 characters, the actual business)'],
  'service.sdks': ['使用的 SDK', 'SDKs used'],
  'service.sdks.*.vendor': ['SDK 服务商', 'SDK vendor'],
  'service.sdks.*.type': ['SDK 功能类型', 'SDK function'],
  'service.homeUrl': ['首页网址', 'Home page URL'],
  'service.domains': ['域名列表', 'Domains'],
  'service.domains.*': ['域名', 'Domain'],
  ...person('service.principal', ['服务负责人', 'Service principal']),
  platforms: ['APP 特征信息', 'APP feature info'],
  'platforms.*': ['运行平台', 'Platform'],
  'platforms.*.platform': ['运行平台', 'Platform'],
  'platforms.*.packageName': ['包名 / Bundle ID', 'Package name / Bundle ID'],
  // An RSA key is filed as its modulus, an EC key (HarmonyOS, newer Android) as its public point: the label says both.
  'platforms.*.publicKey': ['公钥（RSA 模数或 EC 公钥点）', 'Public key (RSA modulus or EC point)'],
  'platforms.*.certMd5': ['证书 MD5 指纹', 'Certificate MD5'],
  'platforms.*.certSha1': ['证书 SHA-1 指纹', 'Certificate SHA-1'],
  'platforms.*.certSha256': ['证书 SHA-256 指纹', 'Certificate SHA-256'],
  'platforms.*.domains': ['该平台使用的域名', 'Domains used on this platform'],
  'platforms.*.domains.*': ['域名', 'Domain'],
  access: ['接入信息', 'Access info'],
  'access.*': ['接入', 'Access'],
  'access.*.providerOrgId': ['接入服务单位', 'Access provider'],
  'access.*.accessMethod': ['接入方式', 'Access method'],
  'access.*.serverLocation': ['服务器放置地', 'Server location'],
  'access.*.ips': ['IP 地址列表', 'IP addresses'],
  'access.*.ips.*': ['IP 地址', 'IP address'],
  'access.*.domains': ['接入域名', 'Domains served'],
  'access.*.domains.*': ['域名', 'Domain'],
};

/** `platforms.0.packageName` → `platforms.*.packageName`. */
export const fieldPattern = (field: string) => field.replace(/\.\d+(?=\.|$)/g, '.*');

export const OPTIONS = {
  serviceType: { app: ['APP', 'APP'], mini_program: ['小程序', 'Mini program'], quick_app: ['快应用', 'Quick app'], website: ['网站', 'Website'] },
  subjectType: { unit: ['单位', 'Organisation'], individual: ['个人', 'Individual'] },
  nature: {
    government: ['政府机关', 'Government body'], public_institution: ['事业单位', 'Public institution'], enterprise: ['企业', 'Enterprise'],
    social_organisation: ['社会团体', 'Social organisation'], private_non_enterprise: ['民办非企业单位', 'Private non-enterprise unit'],
    foundation: ['基金会', 'Foundation'], law_firm: ['律师执业机构', 'Law firm'], individual: ['个人', 'Individual'],
  },
  certificateType: {
    uscc: ['统一社会信用代码证书 / 营业执照', 'USCC certificate / business licence'], organization_code: ['组织机构代码证', 'Organisation code certificate'],
    public_institution_certificate: ['事业单位法人证书', 'Public institution certificate'], social_organisation_certificate: ['社会团体法人登记证书', 'Social organisation certificate'],
    private_non_enterprise_certificate: ['民办非企业单位登记证书', 'Private non-enterprise certificate'], foundation_certificate: ['基金会法人登记证书', 'Foundation certificate'],
    law_firm_licence: ['律师事务所执业许可证', 'Law firm licence'],
    resident_id: ['居民身份证', 'Resident ID card'], hk_macao_permit: ['港澳居民来往内地通行证', 'Mainland travel permit (HK/Macao)'],
    taiwan_permit: ['台湾居民来往大陆通行证', 'Mainland travel permit (Taiwan)'], passport: ['护照', 'Passport'],
    foreigner_permanent_residence: ['外国人永久居留身份证', 'Foreigner permanent residence ID'],
  },
  platform: { android: ['Android 安卓', 'Android'], ios: ['iOS', 'iOS'], harmonyos: ['HarmonyOS 鸿蒙', 'HarmonyOS'] },
  accessMethod: {
    cloud: ['云服务器', 'Cloud server'], dedicated: ['专线接入 / 独立服务器', 'Dedicated server'], shared_hosting: ['共享主机', 'Shared hosting'],
    virtual_host: ['虚拟主机', 'Virtual host'], other: ['其他', 'Other'],
  },
  preApproval: {
    news: ['新闻', 'News'], publishing: ['出版', 'Publishing'], drugs_medical_devices: ['药品和医疗器械', 'Drugs and medical devices'],
    medical: ['医疗保健', 'Healthcare'], culture: ['文化', 'Culture'], audiovisual: ['广播电影电视节目', 'Audiovisual programmes'],
    ride_hailing: ['网络预约出租汽车', 'Ride hailing'], finance: ['金融', 'Finance'], game: ['游戏', 'Games'], religion: ['宗教', 'Religion'],
    education: ['教育', 'Education'],
  },
  category: {
    tools: ['实用工具', 'Tools'], finance_tools: ['理财记账', 'Finance tools'], social: ['社交通讯', 'Social'], shopping: ['网络购物', 'Shopping'],
    news_reading: ['新闻阅读', 'News and reading'], video: ['影音视频', 'Video'], music: ['音乐', 'Music'], games: ['游戏', 'Games'],
    education: ['教育学习', 'Education'], travel: ['出行旅游', 'Travel'], health: ['健康医疗', 'Health'], lifestyle: ['生活服务', 'Lifestyle'],
    office: ['办公商务', 'Office and business'], enterprise_site: ['企业官网', 'Company website'], personal_blog: ['个人博客', 'Personal blog'],
    government_services: ['政务服务', 'Government services'],
  },
  language: {
    'zh-CN': ['简体中文', 'Simplified Chinese'], 'zh-TW': ['繁体中文', 'Traditional Chinese'], en: ['英语', 'English'], ug: ['维吾尔语', 'Uyghur'],
    bo: ['藏语', 'Tibetan'], mn: ['蒙古语', 'Mongolian'], ja: ['日语', 'Japanese'], ko: ['韩语', 'Korean'],
  },
  // supervision (issue 14)
  findingOutcome: {
    filed: ['已备案', 'Filed'], not_filed: ['未备案', 'Not filed'], fingerprint_mismatch: ['签名不符', 'Fingerprint mismatch'],
    cancelled: ['已注销', 'Cancelled'], revoked: ['已撤销', 'Revoked'], shell: ['空壳', 'Shell'],
  },
  measure: {
    take_down: ['下架', 'Take down'], shut_down: ['关停', 'Shut down'], restrict_updates: ['限制更新', 'Restrict updates'],
    stop_access: ['停止接入', 'Stop access'], remove_preinstall: ['取消预置', 'Remove preinstall'],
  },
  orderItemStatus: { open: ['待处置', 'Open'], objected: ['有异议', 'Objected'], done: ['已处置', 'Done'], accepted: ['已验收', 'Accepted'], withdrawn: ['已撤回', 'Withdrawn'] },
  orderStep: {
    issue: ['下发处置通知', 'Order issued'], due_recomputed: ['期限按工作日历重算', 'Date recounted'], redated: ['调整期限', 'Date moved'],
    overdue_noticed: ['逾期督办通知', 'Overdue notice sent'], attach: ['上传证据文件', 'Evidence file'], confirm: ['确认已处置', 'Confirmed done'],
    object: ['提出异议', 'Objected'], uphold: ['维持处置', 'Upheld'], withdraw: ['撤回', 'Withdrawn'], accept: ['验收', 'Accepted'], reopen: ['退回', 'Reopened'],
    legacy_kept: ['保留（历史重复已处理）', 'Kept (legacy duplicate settled)'],
  },
  objectionGround: {
    not_ours: ['非本单位分发、接入或预置', 'Not ours (not distributed, hosted or preinstalled by us)'], already_filed: ['该应用已备案', 'The APP is filed now'],
    more_time: ['申请延期', 'More time needed'], other: ['其他理由', 'Another reason'],
  },
  violationStatus: {
    received: ['已受理', 'Received'], more_requested: ['待补充', 'More requested'], disposal_ordered: ['已责令处置', 'Disposal ordered'],
    revoked: ['已撤销备案', 'Revoked'], closed: ['已结案', 'Closed'],
  },
  violationCategory: {
    fraud: ['欺诈', 'Fraud'], illegal_content: ['违法内容', 'Illegal content'], beyond_filing: ['超范围经营', 'Beyond the filing'],
    false_materials: ['提供虚假材料', 'False materials'], privacy: ['侵犯个人信息', 'Privacy'], other: ['其他', 'Other'],
  },
  revocationCategory: {
    false_materials: ['提供虚假材料', 'False materials'], shell_cleanup: ['空壳清理', 'Shell clean-up'], illegal: ['违法违规', 'Illegal'], other: ['其他', 'Other'],
  },
  campaignKind: { transition: ['过渡期摸排', 'Transition'], inspection: ['专项检查', 'Inspection'], routine: ['日常监管', 'Routine'] },
  historyStep: {
    create: ['开启并通知', 'Opened'], extend: ['延期', 'Extended'], end: ['提前结束', 'Ended early'], round: ['发送通知轮次', 'Round of notice'],
    add: ['列入黑名单', 'Added'], lift: ['提前解除', 'Lifted'],
  },
  campaignStatus: { upcoming: ['未开始', 'Upcoming'], open: ['进行中', 'Open'], ended: ['已结束', 'Ended'] },
  campaignOrgKind: { platform: ['分发平台', 'Platforms'], provider: ['接入服务商', 'Access providers'], device_maker: ['终端厂商', 'Device makers'] },
  blacklistKind: { certificate: ['证件', 'Certificate'], package: ['包名', 'Package name'], domain: ['域名', 'Domain'] },
  catalogueState: { submitted: ['已提交', 'Submitted'], due: ['待提交', 'Due'], overdue: ['逾期未交', 'Overdue'] },
} satisfies Record<string, Record<string, Entry>>;

export type OptionSet = keyof typeof OPTIONS;
