// Shared pieces of the supervision consoles (issue 14): bilingual labels (zh-CN first), the
// outcome / status vocabularies, the findings chart, tables with CSV links.
import type { ReactNode } from 'react';
import type { ChartOption } from '../../components/Chart.tsx';
import { useI18n } from '../../i18n/index.tsx';

export type Pair = readonly [zh: string, en: string];
export function useL() {
  const i18n = useI18n();
  return (p: Pair) => (i18n.lang === 'en' ? p[1] : p[0]);
}

export const OUTCOMES: Record<string, Pair> = {
  filed: ['已备案', 'Filed'], not_filed: ['未备案', 'Not filed'], fingerprint_mismatch: ['签名不符', 'Fingerprint mismatch'],
  cancelled: ['已注销', 'Cancelled'], revoked: ['已撤销', 'Revoked'], shell: ['空壳', 'Shell'],
};
export const MEASURES: Record<string, Pair> = {
  take_down: ['下架', 'Take down'], shut_down: ['关停', 'Shut down'], restrict_updates: ['限制更新', 'Restrict updates'],
  stop_access: ['停止接入', 'Stop access'], remove_preinstall: ['取消预置', 'Remove preinstall'],
};
export const ITEM_STATUS: Record<string, Pair> = { open: ['待处置', 'Open'], done: ['已处置', 'Done'], accepted: ['已验收', 'Accepted'] };
export const VIOLATION_STATUS: Record<string, Pair> = {
  received: ['已受理', 'Received'], more_requested: ['待补充', 'More requested'], disposal_ordered: ['已责令处置', 'Disposal ordered'], revoked: ['已撤销备案', 'Revoked'], closed: ['已结案', 'Closed'],
};
export const VIOLATION_CATEGORIES: Record<string, Pair> = {
  fraud: ['欺诈', 'Fraud'], illegal_content: ['违法内容', 'Illegal content'], beyond_filing: ['超范围经营', 'Beyond the filing'],
  false_materials: ['提供虚假材料', 'False materials'], privacy: ['侵犯个人信息', 'Privacy'], other: ['其他', 'Other'],
};
export const REVOCATION_CATEGORIES: Record<string, Pair> = {
  false_materials: ['提供虚假材料', 'False materials'], shell_cleanup: ['空壳清理', 'Shell clean-up'], illegal: ['违法违规', 'Illegal'], other: ['其他', 'Other'],
};
export const CAMPAIGN_KINDS: Record<string, Pair> = { transition: ['过渡期摸排', 'Transition'], inspection: ['专项检查', 'Inspection'], routine: ['日常监管', 'Routine'] };

export type Counts = Record<string, number>;

export function findingsChart(counts: Counts, l: (p: Pair) => string): ChartOption {
  const keys = Object.keys(OUTCOMES);
  return {
    color: ['#1d5bb8'], tooltip: { trigger: 'axis' }, grid: { left: 44, right: 16, top: 24, bottom: 48 },
    xAxis: { type: 'category', data: keys.map((k) => l(OUTCOMES[k]!)), axisLabel: { interval: 0, width: 60, overflow: 'break' } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', data: keys.map((k) => ({ value: counts[k] ?? 0, itemStyle: { color: k === 'filed' ? '#17723a' : k === 'not_filed' ? '#b3261e' : '#c47f00' } })) }],
  };
}

export function Kpis({ items }: { items: [string, ReactNode][] }) {
  return <div className="kpis">{items.map(([k, v]) => <div key={k} className="kpi"><div className="v">{v}</div><div className="k">{k}</div></div>)}</div>;
}

export const csvLink = (url: string) => `${url}${url.includes('?') ? '&' : '?'}format=csv`;
