// The history of an application, oldest first, with reviewers' reasons where a step had them.
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import type { HistoryItem, ReviewReason } from '../lib/types.ts';
import { DeadlineStep } from './ProvisionalBadge.tsx';

function reasonsOf(reason: unknown): ReviewReason[] {
  const r = reason as { reasons?: ReviewReason[] } | ReviewReason[] | null;
  if (Array.isArray(r)) return r;
  return Array.isArray(r?.reasons) ? r.reasons : [];
}

/** Consecutive saves of the draft by the same person are one step ("保存材料 ×5"). */
export function collapse(items: HistoryItem[]): (HistoryItem & { times: number })[] {
  const out: (HistoryItem & { times: number })[] = [];
  for (const h of items) {
    const last = out.at(-1);
    if (last && h.action === 'edit' && last.action === 'edit' && last.actor.userId === h.actor.userId) { out[out.length - 1] = { ...h, times: last.times + 1 }; continue; }
    out.push({ ...h, times: 1 });
  }
  return out;
}

/**
 * The status a step moved to, when it says more than the step's own name: "管局退回 → 管局退回" repeated
 * itself (the action bureau_reject and the status bureau_rejected have the same words), as would
 * any step named after the status it leads to. Null: show no arrow.
 */
export function arrowTarget(action: string, status: string, from: string | null, to: string | null): string | null {
  if (!to || to === from) return null;
  // Compared without case, spaces and English articles: "Rejected by the bureau" names "Rejected by bureau".
  const norm = (x: string) => x.toLowerCase().replace(/\b(the|a|an)\b/g, '').replace(/\s+/g, '');
  const a = norm(action); const s = norm(status);
  return a === s || a.includes(s) || s.includes(a) ? null : status;
}

export function Timeline({ items }: { items: HistoryItem[] }) {
  const i18n = useI18n();
  return (
    <ol className="timeline" data-testid="timeline">
      {collapse(items).map((h) => {
        const reasons = reasonsOf(h.reason);
        const numbers = h.reason as { serviceNumber?: string; note?: unknown; reason?: unknown; deadlineProvisional?: boolean; deadlineOn?: string } | null;
        // A reviewer's note (the first review's 备注, a bureau's note), as written; a provisional deadline's
        // note is the system's (src/domain/calendar.ts, English): said in the language shown.
        const note = numbers?.deadlineProvisional && typeof numbers.deadlineOn === 'string'
          ? i18n.t('calendar.provisionalWhy', { year: numbers.deadlineOn.slice(0, 4) })
          : typeof numbers?.note === 'string' && numbers.note.trim() ? numbers.note
          // A record's end (revocation, cancellation, access cancelled) says why in `reason`.
          : typeof numbers?.reason === 'string' && numbers.reason.trim() ? numbers.reason : null;
        const target = arrowTarget(i18n.t(`action.${h.action}` as MessageKey), i18n.t(`status.${h.to}` as MessageKey), h.from, h.to);
        return (
          <li key={h.id} className="done">
            <div><strong>{i18n.t(`action.${h.action}` as MessageKey)}{h.times > 1 ? ` ×${h.times}` : ''}</strong>{target ? <span className="muted" data-testid="timeline-to"> → {target}</span> : null}</div>
            <div className="when">{i18n.date(h.at, true)} · {i18n.orgName(h.actor.organisation) ?? h.actor.name ?? i18n.t(`role.${h.actor.role}` as MessageKey)}</div>
            <DeadlineStep reason={h.reason} />
            {h.serviceNumber ?? numbers?.serviceNumber ? <div className="number">{h.serviceNumber ?? numbers?.serviceNumber}</div> : null}
            {note ? <div className="small">{i18n.t('timeline.note')}{i18n.colon}{note}</div> : null}
            {reasons.length ? <ul className="reasons">{reasons.map((raw, i) => { const r = { ...raw, ...i18n.reason(raw) }; return <li key={i}>{i18n.field(r.field)}{i18n.colon}{r.error}{r.suggestion ? i18n.paren(r.suggestion) : ''}</li>; })}</ul> : null}
          </li>
        );
      })}
    </ol>
  );
}
