// What an organisation under supervision is told (issue 14; docs/notifications.md "Supervision
// notices"): a campaign that covers it, a round of notice, a disposal order, an order's due date
// recounted. The flows send them with noticeOrganisation (a console notice and an email to the
// contact address, in the flow's transaction — house rule 5). Chinese first, English after; each
// carries its facts and the console page to act on. Email titles are `中文 / English`, as the application
// notices' are; the console shows each reader's language (texts).
import type { Measure, ObjectionGround } from '../domain/supervision/orders.ts';
import { MEASURE_ZH } from '../domain/supervision/orders.ts';
import { inBoth, type RecordNotice } from './record-notices.ts';

/** The email's title is `中文 / English`, as the application notices' are; the app shows each language's own. */
const BOTH = { sep: '\n\n' } as const;

const measureEn = (m: Measure) => m.replace(/_/g, ' ');

/** The organisation console's tab (src/web/pages/supervision/OrgSupervision.tsx). */
export function consoleUrl(publicUrl: string, tab: 'campaigns' | 'orders' | 'notices'): string {
  return `${publicUrl.replace(/\/$/, '')}/org/supervision?tab=${tab}`;
}

/** The bureau console's orders tab (src/web/pages/supervision/BureauSupervision.tsx). */
const bureauOrdersUrl = (publicUrl: string) => `${publicUrl.replace(/\/$/, '')}/bureau/supervision?tab=orders`;

const ITEMS_LISTED = 20;

export function campaignOpenedNotice(c: { id: string; name: string; catalogueDueOn: string; endsOn: string }, publicUrl: string, at: Date): RecordNotice {
  const url = consoleUrl(publicUrl, 'campaigns');
  return {
    event: 'campaign.opened', at,
    ...inBoth({ zh: `备案检查：${c.name}，请于 ${c.catalogueDueOn} 前提交应用目录`, en: `Inspection "${c.name}": submit your catalogue by ${c.catalogueDueOn}` }, {
      zh: `贵单位在备案检查“${c.name}”的范围内。请于 ${c.catalogueDueOn} 前提交所分发、接入或预置的应用目录（检查期至 ${c.endsOn}）。\n`
        + `提交与查看：${url}\n接口：POST /api/org/campaigns/${c.id}/catalogue（NDJSON 或 CSV）`,
      en: `Your organisation is in the scope of the inspection "${c.name}". Submit your catalogue by ${c.catalogueDueOn} (the campaign runs to ${c.endsOn}): ${url}`,
    }, BOTH),
  };
}

export function roundSentNotice(r: { campaignName: string; number: number; respondBy: string; apps: number }, publicUrl: string, at: Date): RecordNotice {
  const url = consoleUrl(publicUrl, 'campaigns');
  return {
    event: 'campaign.round', at,
    ...inBoth({ zh: `第${r.number}轮通知：${r.campaignName}，请于 ${r.respondBy} 前通知开发者`, en: `Round ${r.number} of "${r.campaignName}": notify the developers by ${r.respondBy}` }, {
      zh: `备案检查“${r.campaignName}”第 ${r.number} 轮通知：请在 ${r.respondBy} 前通知 ${r.apps} 个应用的主办者（开发者）完成备案，并在控制台逐一标记已通知。\n查看应用清单：${url}`,
      en: `Round ${r.number} of "${r.campaignName}": notify the hosts of ${r.apps} app(s) by ${r.respondBy} and mark them notified: ${url}`,
    }, BOTH),
  };
}

export function orderIssuedNotice(o: { measure: Measure; dueOn: string; dueProvisional: boolean; reason: string; items: string[] }, publicUrl: string, at: Date): RecordNotice {
  const url = consoleUrl(publicUrl, 'orders');
  const zh = MEASURE_ZH[o.measure];
  const listed = o.items.slice(0, ITEMS_LISTED).map((x) => `- ${x}`).join('\n');
  const more = o.items.length > ITEMS_LISTED ? `\n……另 ${o.items.length - ITEMS_LISTED} 项 / and ${o.items.length - ITEMS_LISTED} more` : '';
  const provisional = o.dueProvisional ? '（暂按法定节假日推算，官方安排公布后可能调整 / provisional until the official holiday schedule is published）' : '';
  return {
    event: 'order.issued', at,
    ...inBoth({ zh: `处置通知：${zh} ${o.items.length} 项，${o.dueOn} 前完成`, en: `Disposal order: ${measureEn(o.measure)} ${o.items.length} item(s) by ${o.dueOn}` }, {
      zh: `处置措施：${zh}\n完成期限：${o.dueOn}${provisional}\n原因：${o.reason}\n应用（${o.items.length} 项）：\n${listed}${more}\n`
        + `请按期处置，并在控制台逐项确认、上传处置证据：${url}`,
      en: `Disposal order: ${measureEn(o.measure)} ${o.items.length} item(s) by ${o.dueOn}. Reason: ${o.reason}. Confirm each item with evidence: ${url}`,
    }, BOTH),
  };
}

export function orderDueMovedNotice(m: { measure: Measure; old: string; new: string }, publicUrl: string, at: Date): RecordNotice {
  const url = consoleUrl(publicUrl, 'orders');
  return {
    event: 'order.due_recomputed', at,
    ...inBoth({ zh: `处置通知期限调整：${m.old} → ${m.new}`, en: `Disposal order due date moved: ${m.old} → ${m.new}` }, {
      zh: `工作日历调整（节假日安排公布或调整），处置通知（${MEASURE_ZH[m.measure]}）的期限按工作日重新计算为 ${m.new}（原为 ${m.old}）。\n查看：${url}`,
      en: `The working-day calendar changed (a holiday schedule published or corrected): the disposal order (${measureEn(m.measure)}) is now due ${m.new} (was ${m.old}): ${url}`,
    }, BOTH),
  };
}

/** What an order item is called in a notice: its package or its service number. */
export interface NoticeItem { label: string; measure: Measure }

const GROUND_ZH: Record<ObjectionGround, string> = {
  not_ours: '非本单位分发、接入或预置', already_filed: '该应用已备案', more_time: '申请延期', other: '其他理由',
};

export function orderObjectedNotice(o: NoticeItem & { organisationName: string; ground: ObjectionGround; note: string; requestedDueOn: string | null }, publicUrl: string, at: Date): RecordNotice {
  const url = bureauOrdersUrl(publicUrl);
  const asked = o.requestedDueOn ? `，申请期限延至 ${o.requestedDueOn}` : '';
  return {
    event: 'order.objected', at,
    ...inBoth({ zh: `处置异议：${o.organisationName} 对 ${o.label}（${MEASURE_ZH[o.measure]}）提出异议`, en: `Objection: ${o.organisationName} objects to ${o.label} (${measureEn(o.measure)})` }, {
      zh: `${o.organisationName} 对处置通知项 ${o.label}（${MEASURE_ZH[o.measure]}）提出异议：${GROUND_ZH[o.ground]}${asked}。\n说明：${o.note}\n请维持处置（可调整期限）或撤回该项：${url}`,
      en: `${o.organisationName} objects to the order item ${o.label} (${measureEn(o.measure)}): ${o.ground.replace(/_/g, ' ')}${o.requestedDueOn ? `, asking for ${o.requestedDueOn}` : ''}. "${o.note}". Uphold it (moving the date if you grant time) or withdraw it: ${url}`,
    }, BOTH),
  };
}

export function objectionUpheldNotice(o: NoticeItem & { reason: string; dueOn: string; dueMoved: boolean }, publicUrl: string, at: Date): RecordNotice {
  const url = consoleUrl(publicUrl, 'orders');
  const due = o.dueMoved ? `期限调整为 ${o.dueOn}` : `期限仍为 ${o.dueOn}`;
  return {
    event: 'order.objection_upheld', at,
    ...inBoth({ zh: `异议未予采纳：${o.label}（${MEASURE_ZH[o.measure]}），${o.dueOn} 前完成`, en: `Objection not accepted: ${o.label} (${measureEn(o.measure)}) by ${o.dueOn}` }, {
      zh: `贵单位对处置通知项 ${o.label}（${MEASURE_ZH[o.measure]}）的异议未予采纳，请按通知处置，${due}。\n局方意见：${o.reason}\n确认处置：${url}`,
      en: `Your objection to ${o.label} (${measureEn(o.measure)}) was not accepted: carry the order out by ${o.dueOn}${o.dueMoved ? ' (new date)' : ''}. "${o.reason}": ${url}`,
    }, BOTH),
  };
}

export function itemWithdrawnNotice(o: NoticeItem & { reason: string }, publicUrl: string, at: Date): RecordNotice {
  const url = consoleUrl(publicUrl, 'orders');
  return {
    event: 'order.item_withdrawn', at,
    ...inBoth({ zh: `处置通知项已撤回：${o.label}（${MEASURE_ZH[o.measure]}）`, en: `Order item withdrawn: ${o.label} (${measureEn(o.measure)})` }, {
      zh: `处置通知项 ${o.label}（${MEASURE_ZH[o.measure]}）已由局方撤回，无需处置。\n原因：${o.reason}\n查看：${url}`,
      en: `The order item ${o.label} (${measureEn(o.measure)}) was withdrawn by the bureau: nothing to do. "${o.reason}": ${url}`,
    }, BOTH),
  };
}

export function orderRedatedNotice(o: { measure: Measure; old: string; new: string; reason: string }, publicUrl: string, at: Date): RecordNotice {
  const url = consoleUrl(publicUrl, 'orders');
  return {
    event: 'order.redated', at,
    ...inBoth({ zh: `处置通知期限调整：${o.old} → ${o.new}`, en: `Disposal order due date moved: ${o.old} → ${o.new}` }, {
      zh: `局方调整了处置通知（${MEASURE_ZH[o.measure]}）的期限：${o.new}（原为 ${o.old}）。\n原因：${o.reason}\n查看：${url}`,
      en: `The bureau moved the disposal order (${measureEn(o.measure)}) to ${o.new} (was ${o.old}). "${o.reason}": ${url}`,
    }, BOTH),
  };
}

/** To the organisation and to the issuer: the order's date passed with items still open. */
export function orderOverdueNotice(o: { measure: Measure; dueOn: string; open: string[]; organisationName: string }, publicUrl: string, forIssuer: boolean, at: Date): RecordNotice {
  const url = forIssuer ? bureauOrdersUrl(publicUrl) : consoleUrl(publicUrl, 'orders');
  const listed = o.open.slice(0, ITEMS_LISTED).map((x) => `- ${x}`).join('\n');
  const more = o.open.length > ITEMS_LISTED ? `\n……另 ${o.open.length - ITEMS_LISTED} 项 / and ${o.open.length - ITEMS_LISTED} more` : '';
  const who = forIssuer ? `${o.organisationName} 的` : '贵单位的';
  return {
    event: 'order.overdue', at,
    ...inBoth({
      zh: `处置逾期：${forIssuer ? `${o.organisationName} ` : ''}${MEASURE_ZH[o.measure]} ${o.open.length} 项未在 ${o.dueOn} 前完成`,
      en: `Disposal overdue: ${forIssuer ? `${o.organisationName}, ` : ''}${measureEn(o.measure)} ${o.open.length} item(s) open after ${o.dueOn}`,
    }, {
      zh: `${who}处置通知（${MEASURE_ZH[o.measure]}）已过期限 ${o.dueOn}，仍有 ${o.open.length} 项未确认处置：\n${listed}${more}\n`
        + `${forIssuer ? '请督办，或调整期限、撤回不应处置的项' : '请立即处置并在控制台确认；如有异议请提出'}：${url}`,
      en: `${forIssuer ? `${o.organisationName}'s` : 'Your'} disposal order (${measureEn(o.measure)}) passed its date ${o.dueOn} with ${o.open.length} item(s) open: ${url}`,
    }, BOTH),
  };
}

/** A campaign's dates moved later (ADR 0018 addendum "Campaigns extended or ended early"): to the organisations with something still open. */
export function campaignExtendedNotice(c: { name: string; catalogueDueOn: string; endsOn: string; previousCatalogueDueOn: string; previousEndsOn: string; reason: string }, publicUrl: string, at: Date): RecordNotice {
  const url = consoleUrl(publicUrl, 'campaigns');
  const due = c.catalogueDueOn !== c.previousCatalogueDueOn;
  return {
    event: 'campaign.extended', at,
    ...inBoth({
      zh: `备案检查延期：${c.name}，${due ? `目录提交截止 ${c.catalogueDueOn}` : `检查期至 ${c.endsOn}`}`,
      en: `Inspection "${c.name}" extended: ${due ? `catalogues due ${c.catalogueDueOn}` : `runs to ${c.endsOn}`}`,
    }, {
      zh: `备案检查“${c.name}”已延期：目录提交截止 ${c.previousCatalogueDueOn} → ${c.catalogueDueOn}，检查期至 ${c.previousEndsOn} → ${c.endsOn}。\n原因：${c.reason}\n`
        + `已下发的处置通知期限不变。查看：${url}`,
      en: `The inspection "${c.name}" is extended: catalogues due ${c.previousCatalogueDueOn} → ${c.catalogueDueOn}, runs to ${c.previousEndsOn} → ${c.endsOn}. Reason: ${c.reason}\n`
      + `Disposal orders keep their own dates. ${url}`,
    }, BOTH),
  };
}

/** A campaign ended early: no catalogue is received any more; orders already issued stand (ADR 0018 addendum). */
export function campaignEndedNotice(c: { name: string; endedOn: string; reason: string }, publicUrl: string, at: Date): RecordNotice {
  const url = consoleUrl(publicUrl, 'orders');
  return {
    event: 'campaign.ended', at,
    ...inBoth({ zh: `备案检查提前结束：${c.name}`, en: `Inspection "${c.name}" ended early` }, {
      zh: `备案检查“${c.name}”已于 ${c.endedOn} 提前结束，不再接收应用目录。\n原因：${c.reason}\n`
        + `已下发的处置通知仍然有效，请按期处置或提出异议：${url}`,
      en: `The inspection "${c.name}" was ended early on ${c.endedOn}; no catalogue is received any more. Reason: ${c.reason}\n`
      + `Disposal orders already issued stand: dispose of them by their dates or object: ${url}`,
    }, BOTH),
  };
}
