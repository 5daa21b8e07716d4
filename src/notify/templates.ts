// Notice texts as data (issue 3, item 7): one entry per application event, Chinese first
// with an English line. Pure — no database, no clock — so every event renders in a unit test.
// Approval carries the filing number and the display rule (DOMAIN.md §1 "Display": the APP
// shows its number in a prominent place, linked to the filing system; 工信部信管〔2023〕105号).
// SMS notices also name a gateway template and its parameters (sms-templates.ts): gateways send
// only pre-approved templates, so the text here is what the development inbox shows.
import { FIELD_LABELS, fieldPattern } from '../web/i18n/vocabulary.ts';
import { APPLICATION_KINDS, type ApplicationType } from '../domain/lifecycle.ts';
import type { NoticeTexts } from './record-notices.ts';
import { type SmsKind, smsTemplate, type SmsTemplate } from './sms-templates.ts';

/** Stable event names; flows pass one of these to noticeApplicationEvent. */
export const APPLICATION_EVENTS = [
  'application.submitted_to_provider',
  'application.returned_by_provider',
  'application.withdrawn',
  'application.sent_to_bureau',
  'application.sms_failed',
  'application.sms_verified',
  'application.approved',
  'application.rejected_by_bureau',
  'application.resubmitted',
] as const;
export type ApplicationEvent = (typeof APPLICATION_EVENTS)[number];

/** Outcome events also reach the host's mobile by SMS (DOMAIN.md §4.1 6a: "SMS + email to host"). */
export const SMS_EVENTS: ReadonlySet<ApplicationEvent> = new Set<ApplicationEvent>([
  'application.approved', 'application.rejected_by_bureau', 'application.returned_by_provider', 'application.sms_failed',
]);

export type ServiceType = 'website' | 'app' | 'mini_program' | 'quick_app';
export type Audience = 'host' | 'organisation';

/** A field-level review reason (DOMAIN.md §4.2 `audit_data[]{key_name, error, suggest}`). */
export interface Reason { field: string; error: string; suggestion?: string }

/** What a flow knows about the event; each template reads the parts it needs. */
export interface NoticeData {
  serviceNumber?: string;
  mainNumber?: string;
  reasons?: Reason[];
  /** Bureau review deadline, YYYY-MM-DD (20 working days from receipt). */
  deadline?: string;
  /** When the SMS codes expire (ISO instant). */
  smsExpiresAt?: string | Date;
  /** Why the SMS check failed. */
  smsFailure?: 'expired' | 'exhausted';
  /** Withdrawn by the system because the filing it acts on ended (src/flows/applications.ts closeApplicationsOf). */
  closedBecause?: string;
}

/** Why the system withdrew an application: the filing it acted on ended. */
function closedWhy(d: NoticeData): { zh: string; en: string } | null {
  const n = d.serviceNumber ?? d.mainNumber ?? '';
  switch (d.closedBecause) {
    case 'subject_cancelled': return { zh: `主体备案${n}已注销，其下的申请由系统撤回。`, en: `The subject filing ${n} was cancelled; the system withdrew its open applications.` };
    case 'service_cancelled': return { zh: `服务备案${n}已注销，针对它的申请由系统撤回。`, en: `The service filing ${n} was cancelled; the system withdrew the applications acting on it.` };
    case 'service_revoked': return { zh: `服务备案${n}已被通信管理局撤销，针对它的申请由系统撤回。`, en: `The bureau revoked the service filing ${n}; the system withdrew the applications acting on it.` };
    default: return null;
  }
}

export interface NoticeContext {
  event: ApplicationEvent;
  audience: Audience;
  applicationId: string;
  /** What the application does (a first filing when absent): the texts say what happened per kind. */
  applicationType?: ApplicationType;
  serviceType: ServiceType;
  /** The name the application carries (a new filing's only name; a change's proposed one). */
  serviceName: string | null;
  /** A change's filed record as it is now — the service's name, or the subject's for a subject change. */
  filedName?: string | null;
  /** The submitting access provider or distribution platform. */
  organisationName?: string | null;
  bureauName?: string | null;
  /** The province's English name (provinces.name_en), for the English line. */
  provinceNameEn?: string | null;
  /** The system's public base URL, without a trailing slash. */
  publicUrl: string;
  data: NoticeData;
}

export interface RenderedNotice {
  /** In-app title. */
  title: string;
  /** Email subject: `【备案通知】` + title. */
  subject: string;
  /** In-app body (both languages, as stored); the email text is this plus a footer. */
  body: string;
  /** Title and body in each language apart: what the app shows in its language. */
  texts: NoticeTexts;
  /** Email text. */
  text: string;
  /** SMS text for SMS_EVENTS (host audience), otherwise null. */
  sms: string | null;
  /** The gateway template and parameters of that SMS (null when `sms` is). */
  smsTemplate: SmsTemplate | null;
}

/** The gateway template of each SMS event (SMS_EVENTS). */
export const SMS_KIND_OF_EVENT: Readonly<Partial<Record<ApplicationEvent, SmsKind>>> = {
  'application.approved': 'filing_approved',
  'application.rejected_by_bureau': 'filing_rejected',
  'application.returned_by_provider': 'filing_returned',
  'application.sms_failed': 'sms_check_failed',
};

const TYPE_ZH: Record<ServiceType, string> = { app: 'APP', mini_program: '小程序', quick_app: '快应用', website: '网站' };
const TYPE_EN: Record<ServiceType, string> = { app: 'APP', mini_program: 'mini program', quick_app: 'quick app', website: 'website' };

/** The public record page of a filing number. */
export function recordUrl(publicUrl: string, serviceNumber: string): string {
  return `${publicUrl.replace(/\/$/, '')}/record/${encodeURIComponent(serviceNumber)}`;
}

/**
 * Where the number must be shown, per service type. APPs, mini programs and quick apps: a
 * prominent place linked to the filing system (105号 notice, DOMAIN.md §1); websites: the
 * centre of the home page footer, linked to the filing system (the long-standing website rule).
 */
export function displayRule(serviceType: ServiceType, serviceNumber: string, link: string): { zh: string; en: string } {
  if (serviceType === 'website') {
    return {
      zh: `请在网站主页底部中央位置标明备案号“${serviceNumber}”，并将其链接至备案系统：${link}`,
      en: `Show the filing number ${serviceNumber} in the centre of the home page footer, linked to the filing system: ${link}`,
    };
  }
  const where = { app: '启动页、“关于”页或设置页', mini_program: '“关于”页或设置页', quick_app: '“关于”页或设置页' }[serviceType];
  return {
    zh: `依据《工业和信息化部关于开展移动互联网应用程序备案工作的通知》（工信部信管〔2023〕105号），请在${TYPE_ZH[serviceType]}显著位置（如${where}）展示备案号“${serviceNumber}”，并将其链接至备案系统：${link}`,
    en: `Show the filing number ${serviceNumber} in a prominent place in the ${TYPE_EN[serviceType]} (e.g. the launch, About or Settings screen), linked to the filing system: ${link}`,
  };
}

/** Beijing time (UTC+8, no daylight saving) for a notice: `2026-03-02 14:05`. */
export function beijingTime(at: string | Date): string {
  const t = new Date(at).getTime() + 8 * 3600_000;
  return new Date(t).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * A field path as the form names it, in both languages (`证书 SHA-1 指纹（#2） / Certificate SHA-1 (#2)`), from the
 * web app's field vocabulary (pure data, one source for the form, the problems and these notices); the path when unknown.
 */
export function fieldLabel(path: string): string {
  const entry = FIELD_LABELS[path] ?? FIELD_LABELS[fieldPattern(path)];
  if (!entry) return path;
  const n = /^(?:platforms|access)\.(\d+)(?:\.|$)/.exec(path)?.[1];
  return n === undefined ? `${entry[0]} / ${entry[1]}` : `${entry[0]}（#${Number(n) + 1}） / ${entry[1]} (#${Number(n) + 1})`;
}

/** The same label in one language (the in-app notice's): `证书 SHA-1 指纹（#2）` or `Certificate SHA-1 (#2)`. */
function fieldLabelIn(path: string, lang: 'zh' | 'en'): string {
  const entry = FIELD_LABELS[path] ?? FIELD_LABELS[fieldPattern(path)];
  if (!entry) return path;
  const n = /^(?:platforms|access)\.(\d+)(?:\.|$)/.exec(path)?.[1];
  if (n === undefined) return lang === 'zh' ? entry[0] : entry[1];
  return lang === 'zh' ? `${entry[0]}（#${Number(n) + 1}）` : `${entry[1]} (#${Number(n) + 1})`;
}

/**
 * A detail line: the same in both languages (a string), or one per language — `both` is the email's bilingual
 * line, else the email has the Chinese line, then the English one.
 */
type Detail = string | { both?: string; zh: string; en: string };

function reasonLines(reasons: Reason[] | undefined): Detail[] {
  if (!reasons?.length) return [];
  return [
    { both: '修改意见 / Reasons:', zh: '修改意见：', en: 'Reasons:' },
    ...reasons.map((r, i) => ({
      both: `${i + 1}. [${fieldLabel(r.field)}] ${r.error}${r.suggestion ? `；建议 / suggestion: ${r.suggestion}` : ''}`,
      zh: `${i + 1}. [${fieldLabelIn(r.field, 'zh')}] ${r.error}${r.suggestion ? `；建议：${r.suggestion}` : ''}`,
      en: `${i + 1}. [${fieldLabelIn(r.field, 'en')}] ${r.error}${r.suggestion ? `; suggestion: ${r.suggestion}` : ''}`,
    })),
  ];
}

interface Parts { zh: string; en: string; title: string; titleEn: string; details?: Detail[]; sms?: string }
interface Names {
  zh: string; en: string; bureau: string; bureauEn: string; org: string; orgEn: string;
  /** What the application is, as the texts say it (备案 / 变更 …), and whether approval allocates a service number. */
  kind: ApplicationType; whatZh: string; whatEn: string; newNumber: boolean;
}

/** Each kind as a notice names it (DOMAIN.md §4.1, §4.3). */
const KIND_WORDS: Record<ApplicationType, { zh: string; en: string }> = {
  first_filing: { zh: '首次备案', en: 'first filing' },
  new_service: { zh: '新增服务备案', en: 'new-service filing' },
  change_service: { zh: '变更备案', en: 'change' },
  change_subject: { zh: '主体信息变更', en: 'subject change' },
  add_access: { zh: '新增接入', en: 'access filing' },
};

/** Who received the SMS check code, per kind (APPLICATION_KINDS[].sms; DOMAIN.md §4.1 "who gets the SMS"). */
function smsTo(kind: ApplicationType): { zh: string; en: string } {
  const roles = APPLICATION_KINDS[kind].sms;
  if (roles.length > 1) return { zh: '主体负责人和服务负责人的手机', en: 'the subject and service principals\' mobiles' };
  return roles[0] === 'subject_principal' ? { zh: '主体负责人的手机', en: 'the subject principal\'s mobile' } : { zh: '服务负责人的手机', en: 'the service principal\'s mobile' };
}
type Template = (c: NoticeContext, n: Names) => Parts;

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The templates: the only place notice wording lives. */
export const TEMPLATES: Record<ApplicationEvent, Template> = {
  'application.submitted_to_provider': (c, n) => c.audience === 'host'
    ? { title: `${n.zh}已提交初审`, titleEn: 'Submitted for first review',
        zh: `${n.zh}的备案申请已提交至${n.org}初审。`, en: `Your ${n.en} filing was submitted to ${n.orgEn} for first review.` }
    : { title: `${n.zh}的备案申请待初审`, titleEn: 'Filing awaiting first review',
        zh: `收到${n.zh}的备案申请，请完成初审。`, en: `A filing for ${n.en} awaits your first review.` },
  'application.returned_by_provider': (c, n) => ({
    title: `${n.zh}的备案申请被退回`, titleEn: 'Returned by the first review',
    // The organisation returned it itself: it waits for the host, it corrects nothing.
    ...(c.audience === 'host'
      ? { zh: `${n.org}初审未通过，申请已退回。请按修改意见修改后重新提交。`, en: 'The first review returned the filing; correct the fields below and resubmit.' }
      : { zh: '初审未通过，申请已退回主办者按以下意见修改；主办者重新提交后将再次进入本单位初审。', en: 'The first review returned the filing to its host with the reasons below; once resubmitted it comes back for your first review.' }),
    details: reasonLines(c.data.reasons),
    sms: `${n.zh}的备案申请已被初审退回，请登录备案系统查看修改意见。`,
  }),
  'application.withdrawn': (c, n) => {
    const why = closedWhy(c.data);
    return {
      title: `${n.zh}的备案申请已撤回`, titleEn: 'Filing withdrawn',
      zh: `${why ? why.zh : ''}该备案申请已撤回，不再审核。`, en: `${why ? `${why.en} ` : ''}The ${n.en} filing was withdrawn and will not be reviewed.`,
    };
  },
  'application.sent_to_bureau': (c, n) => {
    const until = c.data.smsExpiresAt ? `（北京时间${beijingTime(c.data.smsExpiresAt)}前）` : '';
    const untilEn = c.data.smsExpiresAt ? ` (before ${beijingTime(c.data.smsExpiresAt)} Beijing time)` : '';
    const to = smsTo(n.kind);
    if (c.audience === 'organisation') {
      // The code goes to the host's principals; the organisation can only wait for it.
      return {
        title: `${n.zh}已提交至${n.bureau}，待主办者短信核验`, titleEn: 'Sent to the bureau: awaiting the host\'s SMS check',
        zh: `初审已通过，${n.whatZh}申请已提交至${n.bureau}。系统已向${to.zh}发送6位短信核验码，主办者须在24小时内${until}完成核验；连续5次输入错误或超时未核验，申请将被退回。`,
        en: `First review passed and the ${n.whatEn} went to ${n.bureauEn}. A 6-digit code was sent by SMS to ${to.en}; the host must enter it within 24 hours${untilEn}. Five wrong entries or a timeout return the application.`,
      };
    }
    return {
      title: `${n.zh}已提交至${n.bureau}，请完成短信核验`, titleEn: 'Sent to the bureau: complete the SMS check',
      zh: `初审已通过，${n.whatZh}申请已提交至${n.bureau}。系统已向${to.zh}发送6位短信核验码，请在24小时内${until}完成核验；连续5次输入错误或超时未核验，申请将被退回。`,
      en: `First review passed and the ${n.whatEn} went to ${n.bureauEn}. A 6-digit code was sent by SMS to ${to.en}: enter it within 24 hours${untilEn}. Five wrong entries or a timeout return the application.`,
    };
  },
  'application.sms_failed': (c, n) => {
    const exhausted = c.data.smsFailure === 'exhausted';
    return {
      title: `${n.zh}短信核验未通过，申请已退回`, titleEn: 'SMS check failed: filing returned',
      zh: `${exhausted ? '短信核验码连续5次输入错误' : '短信核验码在24小时内未完成核验'}，申请已退回${c.audience === 'host' ? '。请确认负责人手机可以接收短信后重新提交。' : '主办者；主办者重新提交后将再次进入本单位初审。'}`,
      en: `${exhausted ? 'The SMS code was entered wrongly five times' : 'The SMS check was not completed within 24 hours'}, so the filing was returned${c.audience === 'host' ? '. Check that the principals\' mobiles can receive SMS, then resubmit.' : ' to its host; once resubmitted it comes back for your first review.'}`,
      sms: `${n.zh}短信核验未通过，申请已退回，请登录备案系统重新提交。`,
    };
  },
  'application.sms_verified': (c, n) => {
    const by = c.data.deadline ? `，审核截止日期为${c.data.deadline}` : '';
    const byEn = c.data.deadline ? ` (deadline ${c.data.deadline})` : '';
    return {
      title: `${n.zh}短信核验已完成，进入管局审核`, titleEn: 'SMS check passed: under bureau review',
      zh: `短信核验已完成，${n.bureau}将在20个工作日内完成审核${by}。审核期间备案信息不可修改。`,
      en: `The SMS check passed. ${cap(n.bureauEn)} reviews within 20 working days${byEn}; the filing cannot be edited meanwhile.`,
    };
  },
  'application.approved': (c, n) => {
    const number = c.data.serviceNumber ?? '';
    if (!n.newNumber) {
      // A change or an access filing: the record changed, its numbers stay — nothing new to display.
      const subjectChange = n.kind === 'change_subject';
      return {
        title: `${n.zh}的${n.whatZh}已通过审核`, titleEn: `${cap(n.whatEn)} approved`,
        zh: `${n.bureau}已审核通过${n.zh}的${n.whatZh}，备案信息已按申请更新，${subjectChange ? '主体备案号及其下各服务的备案号均' : '备案号'}不变：${number}。`,
        en: subjectChange
          ? `${cap(n.bureauEn)} approved the subject change of ${n.en}; the filed subject now reads as applied for, and its number ${number} and its services' numbers stay.`
          : `${cap(n.bureauEn)} approved the ${n.whatEn} of ${n.en}; the filed record now reads as applied for, and its number stays ${number}.`,
        details: [{
          both: `${subjectChange ? '主体备案号 / Subject number' : '备案号 / Filing number'}: ${number}（不变 / unchanged）`,
          zh: `${subjectChange ? '主体备案号' : '备案号'}：${number}（不变）`, en: `${subjectChange ? 'Subject number' : 'Filing number'}: ${number} (unchanged)`,
        }],
        sms: `${n.zh}的${n.whatZh}已通过审核，备案号不变：${number}。`,
      };
    }
    const rule = displayRule(c.serviceType, number, recordUrl(c.publicUrl, number));
    return {
      title: `${n.zh}已通过备案`, titleEn: 'Filing approved',
      zh: `${n.bureau}已审核通过${n.kind === 'new_service' ? n.whatZh : ''}，备案号：${number}。`,
      en: `${cap(n.bureauEn)} approved the ${n.kind === 'new_service' ? n.whatEn : 'filing'}. Filing number: ${number}.`,
      details: [
        { both: `备案号 / Filing number: ${number}`, zh: `备案号：${number}`, en: `Filing number: ${number}` },
        ...(c.data.mainNumber ? [{ both: `主体备案号 / Subject number: ${c.data.mainNumber}`, zh: `主体备案号：${c.data.mainNumber}`, en: `Subject number: ${c.data.mainNumber}` }] : []),
        '', { zh: rule.zh, en: rule.en },
      ],
      sms: `${n.zh}已通过备案，备案号：${number}。请在显著位置展示备案号并链接至备案系统：${recordUrl(c.publicUrl, number)}`,
    };
  },
  'application.rejected_by_bureau': (c, n) => {
    const change = !n.newNumber;
    return {
      title: change ? `${n.zh}的${n.whatZh}未通过管局审核` : `${n.zh}未通过管局审核`, titleEn: change ? `${cap(n.whatEn)} rejected by the bureau` : 'Rejected by the bureau',
      zh: `${n.bureau}审核未通过${change ? `${n.zh}的${n.whatZh}，已备案信息保持不变` : ''}。${c.audience === 'host' ? '请按修改意见修改后重新提交，其他信息无需重新填写。' : '主办者按以下意见修改并重新提交后，将再次进入本单位初审。'}`,
      en: `The bureau did not approve the ${n.whatEn}${change ? '; the filed record stays as it is' : ''}. ${c.audience === 'host' ? 'Correct the fields below and resubmit; nothing else needs retyping.' : 'Once the host corrects the fields below and resubmits, it comes back for your first review.'}`,
      details: reasonLines(c.data.reasons),
      sms: change ? `${n.zh}的${n.whatZh}未通过管局审核，请登录备案系统查看修改意见。` : `${n.zh}未通过管局审核，请登录备案系统查看修改意见。`,
    };
  },
  'application.resubmitted': (c, n) => c.audience === 'host'
    ? { title: `${n.zh}已重新提交`, titleEn: 'Filing resubmitted',
        zh: `备案申请已修改并重新提交至${n.org}初审。`, en: 'The corrected filing was resubmitted for first review.' }
    : { title: `${n.zh}已重新提交，待初审`, titleEn: 'Resubmitted: awaiting first review',
        zh: `${n.zh}的备案申请已修改并重新提交，请完成初审。`, en: `The corrected ${n.en} filing was resubmitted and awaits your first review.` },
};

const FOOTER = '—\n本邮件由备案系统自动发送，请勿直接回复。 / Sent automatically by the filing system; please do not reply.';

export function renderApplicationNotice(c: NoticeContext): RenderedNotice {
  const kind = c.applicationType ?? 'first_filing';
  const { change, target } = APPLICATION_KINDS[kind];
  // A change names the record as filed, not the name it proposes; a subject change names the subject.
  const name = (change ? c.filedName : null) ?? c.serviceName ?? '未命名';
  const subjectChange = change && target === 'subject';
  const n: Names = {
    zh: `${c.audience === 'host' ? '您的' : ''}${subjectChange ? '主体' : TYPE_ZH[c.serviceType]}"${name}"`,
    en: `${subjectChange ? 'subject' : TYPE_EN[c.serviceType]} "${name}"`,
    kind, whatZh: KIND_WORDS[kind].zh, whatEn: KIND_WORDS[kind].en, newNumber: !change,
    bureau: c.bureauName ?? '省通信管理局',
    org: c.organisationName ?? '接入服务商/分发平台',
    // English lines name no Chinese organisation: the province's English name, or a description.
    bureauEn: c.provinceNameEn ? `the ${c.provinceNameEn} Communications Administration` : 'the provincial communications administration',
    orgEn: 'the access provider / distribution platform',
  };
  const p = TEMPLATES[c.event](c, n);
  const title = `${p.title} / ${p.titleEn}`;
  const details = p.details ?? [];
  const body = [
    p.zh, p.en,
    ...(details.length ? ['', ...details.flatMap((d) => (typeof d === 'string' ? [d] : d.both !== undefined ? [d.both] : [d.zh, d.en]))] : []),
    '', `申请编号 / Application: ${c.applicationId}`, `备案系统 / Filing system: ${c.publicUrl}`,
  ].join('\n');
  // The app's notice in one language: the same text without the other language's lines.
  const inOne = (lang: 'zh' | 'en') => [
    lang === 'zh' ? p.zh : p.en,
    ...(details.length ? ['', ...details.map((d) => (typeof d === 'string' ? d : d[lang]))] : []),
    '', lang === 'zh' ? `申请编号：${c.applicationId}` : `Application: ${c.applicationId}`, lang === 'zh' ? `备案系统：${c.publicUrl}` : `Filing system: ${c.publicUrl}`,
  ].join('\n');
  const sms = c.audience === 'host' && SMS_EVENTS.has(c.event) && p.sms ? `【备案通知】${p.sms}` : null;
  const smsKind = SMS_KIND_OF_EVENT[c.event];
  return {
    title,
    subject: `【备案通知】${title}`,
    body,
    texts: { zh: { title: p.title, body: inOne('zh') }, en: { title: p.titleEn, body: inOne('en') } },
    text: `${body}\n\n${FOOTER}\n`,
    sms,
    smsTemplate: sms && smsKind ? smsTemplate(smsKind, smsKind === 'filing_approved' ? { name, number: c.data.serviceNumber ?? '' } : { name }) : null,
  };
}

/**
 * The SMS check message (DOMAIN.md §4.1 step 4: a 6-digit code, valid 24 h). Flows that
 * send the code enqueue this text with enqueueSms.
 */
export function renderSmsChallenge(a: SmsChallengeInput): string {
  const h = a.validHours ?? 24;
  // A subject change carries no service: the name is the subject's, and it is no website's or APP's filing.
  const what = a.subjectChange ? `主体"${a.serviceName}"的备案信息变更` : `${TYPE_ZH[a.serviceType]}"${a.serviceName}"的备案`;
  return `【备案核验】您正在办理${what}，短信核验码：${a.code}，${h}小时内有效，请勿告知他人。`
    + ` Filing verification code ${a.code}${a.subjectChange ? ' (subject change)' : ''}, valid ${h} h.`;
}

/** `subjectChange`: the application changes the subject only (变更主体); `serviceName` is then the subject's name. */
export interface SmsChallengeInput { code: string; serviceType: ServiceType; serviceName: string; subjectChange?: boolean; validHours?: number }

/** The SMS check message as the outbox queues it: the inbox text and the gateway template (code only). */
export function smsChallenge(a: SmsChallengeInput): { text: string; template: SmsTemplate } {
  return { text: renderSmsChallenge(a), template: smsTemplate('verification_code', { code: a.code }) };
}
