// Bureau console (issue 13 items 6, 7, 9): the province's shells, oldest first; publishing a
// cleanup notice for chosen ones; notices with their publicity countdown and, once it is
// over, the batch cleanup; filings whose certificates end within 30 days. The ministry reads
// the shells nationwide (or one province's) without choosing or publishing anything. Each list
// shows 50 a page with a pager (every shell, notice and expiring certificate, however many); shells
// chosen for a notice stay chosen while other pages are read.
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { Button, Card, ErrorNotice, fieldProblems, Loading, Notice, Page, Pager, TableWrap } from '../../components/ui.tsx';
import { type MessageKey, useI18n } from '../../i18n/index.tsx';
import { api, type Paged, qs } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import { ProvinceFilter, provinceName, useProvinceParam } from '../../components/ProvinceFilter.tsx';

interface Shell { provinceCode: string; serviceId: string; serviceNumber: string; serviceName: string; serviceType: string; hostName: string; /** YYYY-MM-DD, China date */ shellSince: string; shellSinceAt: string; listableFrom: string; /** By the server's clock. */ listable: boolean; notice: { title: string; endsAt: string; phase: NoticePhase } | null }
interface NoticeItem { id: string; title: string; publicityDays: number; publishedAt: string; endsAt: string; status: 'publicised' | 'executed'; phase: NoticePhase; services: { serviceId: string; serviceNumber: string; serviceName: string; outcome: 'listed' | 'rescued' | 'cleaned' | 'dropped' }[] }
interface Expiring { kind: 'subject_certificate' | 'subject_principal' | 'service_principal'; validTo: string; expired: boolean; mainNumber: string; subjectName: string; serviceNumber: string | null }

const DAY = 86_400_000;
/** Shells (oldest first), cleanup notices (newest first) and expiring certificates (soonest first) a page. */
const LIST_PAGE = 50;

/** The server's phase of a notice (by its clock, as the public notices read it): 公示中 only while the publicity runs. */
type NoticePhase = 'publicity' | 'publicity_ended' | 'executed';
const LISTED_LABEL: Record<NoticePhase, MessageKey> = { publicity: 'pub.listed', publicity_ended: 'pub.listedEnded', executed: 'pub.listedEnded' };

export default function BureauShells() {
  const i18n = useI18n();
  const [shellPage, setShellPage] = useState(1);
  const [shellData, setShellData] = useState<Paged<Shell> | null>(null);
  const shells = shellData?.items ?? null;
  const [noticePage, setNoticePage] = useState(1);
  const [noticeData, setNoticeData] = useState<Paged<NoticeItem> | null>(null);
  const notices = noticeData?.items ?? [];
  const [expiringPage, setExpiringPage] = useState(1);
  const [expiringData, setExpiringData] = useState<Paged<Expiring> | null>(null);
  const expiring = expiringData?.items ?? [];
  const [chosen, setChosen] = useState<string[]>([]);
  // As typed (a number field that snaps back to 7 when cleared turned 7 ⌫ 10 into 710); the server checks 1–90.
  const [days, setDays] = useState('7');
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The ministry reads the shells nationwide or of one province; notices stay the bureau's (no
  // selection, no publishing, no notices or expiring lists, which are the bureau's own).
  const { session } = useSession();
  const ministry = session?.role === 'ministry_admin';
  const [province, setProvinceParam] = useProvinceParam();
  const setProvince = (p: string) => { setShellPage(1); setProvinceParam(p); };
  const scope = ministry ? province : '';
  // Each list read on its own, so turning one's page reads only that one. A page left empty (its last
  // shells cleaned up) shows the last page there is instead.
  const loadShells = useCallback(() => api.get<Paged<Shell>>(`/api/bureau/shells${qs({ ...(scope ? { province: scope } : {}), page: shellPage, pageSize: LIST_PAGE })}`)
    .then((r) => { if (r.items.length === 0 && shellPage > 1) setShellPage(Math.max(1, Math.ceil(r.total / LIST_PAGE))); else setShellData(r); }).catch(setError), [scope, shellPage]);
  const loadNotices = useCallback(() => (ministry ? Promise.resolve()
    : api.get<Paged<NoticeItem>>(`/api/bureau/notices${qs({ page: noticePage, pageSize: LIST_PAGE })}`).then(setNoticeData).catch(setError)), [ministry, noticePage]);
  const loadExpiring = useCallback(() => (ministry ? Promise.resolve()
    : api.get<Paged<Expiring>>(`/api/bureau/expiring${qs({ page: expiringPage, pageSize: LIST_PAGE })}`).then(setExpiringData).catch(setError)), [ministry, expiringPage]);
  useEffect(() => { void loadShells(); }, [loadShells]);
  useEffect(() => { void loadNotices(); }, [loadNotices]);
  useEffect(() => { void loadExpiring(); }, [loadExpiring]);
  const load = () => Promise.all([loadShells(), loadNotices(), loadExpiring()]);
  const now = Date.now();
  // Days outside 1–90 come back as the schema's too_small / too_big: said at the field, with the range.
  const daysProblem = fieldProblems(error, i18n).publicityDays;
  const run = async (fn: () => Promise<string>) => { setBusy(true); setError(null); try { setDone(await fn()); setChosen([]); await load(); } catch (e) { setError(e); } finally { setBusy(false); } };
  const publish = () => run(async () => {
    const r = await api.post<{ endsAt: string; services: string[] }>('/api/bureau/notices', { serviceIds: chosen, ...(days.trim() ? { publicityDays: Number(days) } : {}), ...(title.trim() ? { title: title.trim() } : {}) });
    setNoticePage(1); // the new notice is the newest: on the first page
    return `${i18n.t('shells.publish')}${i18n.colon}${r.services.join(i18n.listSep)}${i18n.paren(i18n.date(r.endsAt))}`;
  });
  const execute = (id: string) => run(async () => {
    const r = await api.post<{ cleaned: string[]; rescued: string[] }>(`/api/bureau/notices/${id}/execute`);
    return i18n.t('shells.executed', { cleaned: r.cleaned.length, rescued: r.rescued.length });
  });
  if (ministry) {
    return (
      <Page title={i18n.t('ministry.shellsTitle')} lead={i18n.t('ministry.shellsLead')} wide>
        <div className="row" style={{ marginBottom: '1rem' }}><ProvinceFilter inline value={province} onChange={setProvince} /></div>
        <ErrorNotice error={error} />
        {!shells ? <Loading /> : shells.length === 0 ? <Card><p>{i18n.t('ministry.shellsEmpty')}</p></Card> : (
          <TableWrap label={i18n.t('ministry.shellsTitle')}>
            <table className="cards" data-testid="ministry-shells">
              <thead><tr><th>{i18n.t('review.service')}</th><th>{i18n.t('ministry.province')}</th><th>{i18n.t('record.hostName')}</th><th>{i18n.t('shells.since')}</th><th>{i18n.t('shells.listable')}</th><th>{i18n.t('shells.notice')}</th></tr></thead>
              <tbody>
                {shells.map((s) => (
                  <tr key={s.serviceId} data-testid="shell-row">
                    <ShellCells s={s} province={<td data-label={i18n.t('ministry.province')} data-testid="shell-province">{provinceName(s.provinceCode, i18n.lang)}</td>} />
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        {shellData ? <div data-testid="shells-pager"><Pager page={shellData.page} pageSize={shellData.pageSize} total={shellData.total} onPage={setShellPage} /></div> : null}
      </Page>
    );
  }
  return (
    <Page title={i18n.t('shells.title')} lead={i18n.t('shells.lead')} wide>
      {daysProblem ? null : <ErrorNotice error={error} />}
      {done ? <Notice kind="success">{done}</Notice> : null}
      {!shells ? <Loading /> : shells.length === 0 ? <Card><p>{i18n.t('shells.empty')}</p></Card> : (
        <Card>
          <TableWrap label={i18n.t('shells.title')}>
            <table className="cards">
              <thead><tr><th><span className="sr-only">{i18n.t('common.select')}</span></th><th>{i18n.t('review.service')}</th><th>{i18n.t('record.hostName')}</th><th>{i18n.t('shells.since')}</th><th>{i18n.t('shells.listable')}</th><th>{i18n.t('shells.notice')}</th></tr></thead>
              <tbody>
                {shells.map((s) => {
                  const listable = s.listable; // the server's answer, not the browser's clock
                  return (
                    <tr key={s.serviceId} data-testid="shell-row">
                      <td><input type="checkbox" aria-label={s.serviceNumber} disabled={!listable} checked={chosen.includes(s.serviceId)}
                        onChange={(e) => setChosen(e.target.checked ? [...chosen, s.serviceId] : chosen.filter((x) => x !== s.serviceId))} /></td>
                      <ShellCells s={s} />
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
          <div data-testid="shells-pager"><Pager page={shellData!.page} pageSize={shellData!.pageSize} total={shellData!.total} onPage={setShellPage} /></div>
          <div className="row mt">
            <div className={`field ${daysProblem ? 'has-error' : ''}`}><label htmlFor="notice-days">{i18n.t('shells.days')}{i18n.paren(i18n.t('shells.daysRange'))}</label>
              <input id="notice-days" type="number" min={1} max={90} value={days} onChange={(e) => setDays(e.target.value)} style={{ width: '6rem' }}
                aria-invalid={daysProblem ? true : undefined} aria-describedby={daysProblem ? 'notice-days-error' : undefined} />
              {daysProblem ? <ul className="field-errors" id="notice-days-error" data-testid="notice-days-error"><li>{i18n.t('shells.daysInvalid')}</li></ul> : null}</div>
            <div className="field"><label htmlFor="notice-title">{i18n.t('shells.noticeTitle')}</label>
              <input id="notice-title" maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} /></div>
            <Button variant="primary" busy={busy} disabled={chosen.length === 0} onClick={() => void publish()} data-testid="publish-notice">{i18n.t('shells.publish')}</Button>
          </div>
        </Card>
      )}
      <Card title={i18n.t('shells.notices')} className="mt" id="notices">
        {notices.length === 0 ? <p className="muted">—</p> : (
          <ul className="plain">
            {notices.map((n) => {
              const left = Math.ceil((Date.parse(n.endsAt) - now) / DAY);
              return (
                <li key={n.id} className="notice-item" data-testid="cleanup-notice">
                  <div className="row">
                    <strong>{n.title}</strong>
                    <span className="small muted">{i18n.date(n.publishedAt)} – {i18n.date(n.endsAt)}</span>
                    {n.phase === 'executed' ? <span className="badge badge-neutral">{i18n.t('shells.executedBadge')}</span>
                      : n.phase === 'publicity' ? <span className="badge badge-info" data-testid="countdown">{i18n.t('shells.daysLeft', { n: Math.max(left, 1) })}</span>
                        : <><span className="badge badge-warning">{i18n.t('shells.over')}</span>
                          <Button variant="danger" busy={busy} onClick={() => void execute(n.id)} data-testid="execute-notice">{i18n.t('shells.execute')}</Button></>}
                  </div>
                  <ul className="small">{n.services.map((s) => <li key={s.serviceId}><span className="number">{s.serviceNumber}</span> {s.serviceName} · <span data-testid="notice-service-outcome">{i18n.t(s.outcome === 'listed' ? LISTED_LABEL[n.phase] : `shells.outcome.${s.outcome}`)}</span></li>)}</ul>
                </li>
              );
            })}
          </ul>
        )}
        {noticeData ? <div data-testid="notices-pager"><Pager page={noticeData.page} pageSize={noticeData.pageSize} total={noticeData.total} onPage={setNoticePage} /></div> : null}
      </Card>
      <Card title={i18n.t('shells.expiring')} className="mt" id="expiring">
        {expiring.length === 0 ? <p className="muted">{i18n.t('shells.expiringEmpty')}</p> : (
          <ul className="plain small">{expiring.map((e) => (
            <li key={`${e.kind} ${e.serviceNumber ?? e.mainNumber}`} data-testid="expiring-item">{e.expired ? <span className="badge badge-danger">{i18n.date(e.validTo)}</span> : <span className="badge badge-warning">{i18n.date(e.validTo)}</span>} {i18n.t(`shells.kind.${e.kind}`)} · {e.subjectName} <span className="number">{e.serviceNumber ?? e.mainNumber}</span></li>
          ))}</ul>
        )}
        {expiringData ? <div data-testid="expiring-pager"><Pager page={expiringData.page} pageSize={expiringData.pageSize} total={expiringData.total} onPage={setExpiringPage} /></div> : null}
      </Card>
    </Page>
  );
}

/** A shell's cells, in the bureau's table and the ministry's (which names the province after the service). */
function ShellCells({ s, province }: { s: Shell; province?: ReactNode }) {
  const i18n = useI18n();
  return (
    <>
      <td data-label={i18n.t('review.service')}>{s.serviceName}<div className="number small">{s.serviceNumber}</div></td>
      {province}
      <td data-label={i18n.t('record.hostName')}>{s.hostName}</td>
      <td data-label={i18n.t('shells.since')}>{i18n.date(s.shellSince)}</td>
      <td data-label={i18n.t('shells.listable')}>{i18n.date(s.listableFrom)}</td>
      <td data-label={i18n.t('shells.notice')}>{s.notice ? <>{s.notice.title}<div className="small muted">{i18n.date(s.notice.endsAt)}{' '}
        <span className={`badge ${s.notice.phase === 'publicity' ? 'badge-info' : 'badge-warning'}`} data-testid="shell-notice-phase">{i18n.t(LISTED_LABEL[s.notice.phase])}</span></div></> : '—'}</td>
    </>
  );
}
