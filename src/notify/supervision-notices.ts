// What an organisation under supervision is told (issue 14; docs/notifications.md "Supervision
// notices"): a campaign that covers it, a round of notice, a disposal order, an order's due date
// recounted. The flows send them with noticeOrganisation (a console notice and an email to the
// contact address, in the flow's transaction — house rule 5). Chinese first, English after; each
// carries its facts and the console page to act on.
import type { Measure } from '../domain/supervision/orders.ts';
import { MEASURE_ZH } from '../domain/supervision/orders.ts';
import type { RecordNotice } from './record-notices.ts';

/** The organisation console's tab (src/web/pages/supervision/OrgSupervision.tsx). */
export function consoleUrl(publicUrl: string, tab: 'campaigns' | 'orders' | 'notices'): string {
  return `${publicUrl.replace(/\/$/, '')}/org/supervision?tab=${tab}`;
}

const ITEMS_LISTED = 20;

export function campaignOpenedNotice(c: { id: string; name: string; catalogueDueOn: string; endsOn: string }, publicUrl: string, at: Date): RecordNotice {
  const url = consoleUrl(publicUrl, 'campaigns');
  return {
    event: 'campaign.opened', at,
    title: `备案检查：${c.name}，请于 ${c.catalogueDueOn} 前提交应用目录`,
    body: `贵单位在备案检查“${c.name}”的范围内。请于 ${c.catalogueDueOn} 前提交所分发、接入或预置的应用目录（检查期至 ${c.endsOn}）。\n`
      + `提交与查看：${url}\n接口：POST /api/org/campaigns/${c.id}/catalogue（NDJSON 或 CSV）\n\n`
      + `Your organisation is in the scope of the inspection "${c.name}". Submit your catalogue by ${c.catalogueDueOn} (the campaign runs to ${c.endsOn}): ${url}`,
  };
}

export function roundSentNotice(r: { campaignName: string; number: number; respondBy: string; apps: number }, publicUrl: string, at: Date): RecordNotice {
  const url = consoleUrl(publicUrl, 'campaigns');
  return {
    event: 'campaign.round', at,
    title: `第${r.number}轮通知：${r.campaignName}，请于 ${r.respondBy} 前通知开发者`,
    body: `备案检查“${r.campaignName}”第 ${r.number} 轮通知：请在 ${r.respondBy} 前通知 ${r.apps} 个应用的主办者（开发者）完成备案，并在控制台逐一标记已通知。\n查看应用清单：${url}\n\n`
      + `Round ${r.number} of "${r.campaignName}": notify the hosts of ${r.apps} app(s) by ${r.respondBy} and mark them notified: ${url}`,
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
    title: `处置通知：${zh} ${o.items.length} 项，${o.dueOn} 前完成`,
    body: `处置措施：${zh}\n完成期限：${o.dueOn}${provisional}\n原因：${o.reason}\n应用（${o.items.length} 项）：\n${listed}${more}\n`
      + `请按期处置，并在控制台逐项确认、上传处置证据：${url}\n\n`
      + `Disposal order: ${o.measure.replace(/_/g, ' ')} ${o.items.length} item(s) by ${o.dueOn}. Reason: ${o.reason}. Confirm each item with evidence: ${url}`,
  };
}

export function orderDueMovedNotice(m: { measure: Measure; old: string; new: string }, publicUrl: string, at: Date): RecordNotice {
  const url = consoleUrl(publicUrl, 'orders');
  return {
    event: 'order.due_recomputed', at,
    title: `处置通知期限调整：${m.old} → ${m.new}`,
    body: `工作日历调整（节假日安排公布或调整），处置通知（${MEASURE_ZH[m.measure]}）的期限按工作日重新计算为 ${m.new}（原为 ${m.old}）。\n查看：${url}\n\n`
      + `The working-day calendar changed (a holiday schedule published or corrected): the disposal order (${m.measure.replace(/_/g, ' ')}) is now due ${m.new} (was ${m.old}): ${url}`,
  };
}
