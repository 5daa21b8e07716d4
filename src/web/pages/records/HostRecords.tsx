// 已备案 (the host's filed records) — filed subjects and services (issue 13 item 9): each with the actions it allows —
// change and add access (the change wizard's pages), cancel access and cancel (by SMS code);
// a shell says since when, how to fix it and the date after which it may be cancelled.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Button, Card, ErrorNotice, Loading, Notice, Page } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import { type Confirmed, ConfirmPanel } from './Confirm.tsx';

interface Access { id: string; providerName: string; accessMethod: string; serverLocation: string }
interface Service {
  id: string; serviceNumber: string; serviceName: string; serviceType: string; state: 'filed' | 'shell' | 'cancelled' | 'revoked';
  /** YYYY-MM-DD, the China date (as the verification API and the public record give it); i18n.date reads it as a China day. */
  shellSince: string | null; shellSinceAt?: string | null; cancellableAfter: string | null;
  /** `phase`: the server's, by its clock (never the browser's): publicity, publicity_ended, executed. */
  notice: { title: string; endsAt: string; phase: 'publicity' | 'publicity_ended' | 'executed' } | null; access: Access[]; hasAccessSection: boolean;
  actions: string[]; links: { change: string | null; addAccess: string | null; record: string };
}
interface Subject { id: string; mainNumber: string; name: string; status: string; actions: string[]; links: { change: string | null }; services: Service[] }

const STATE_BADGE: Record<string, string> = { filed: 'badge-success', shell: 'badge-warning', cancelled: 'badge-neutral', revoked: 'badge-danger' };

export default function HostRecords() {
  const i18n = useI18n();
  const [items, setItems] = useState<Subject[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The confirming panel was far down the list (a phone shows a screen of it): the outcome, at the top, is brought into view.
  const doneRef = useRef<HTMLDivElement>(null);
  useEffect(() => { if (done) doneRef.current?.focus(); }, [done]);
  const load = useCallback(() => api.get<{ items: Subject[] }>('/api/host/records').then((r) => setItems(r.items)).catch(setError), []);
  useEffect(() => { void load(); }, [load]);
  const finished = (c: Confirmed) => {
    setOpen(null);
    setDone(c.subjectCancelled ? i18n.t('records.doneSubject', { number: c.subjectCancelled }) : c.access?.shell ? i18n.t('records.doneShell') : i18n.t('records.done'));
    void load();
  };
  const day = (iso: string) => i18n.date(iso);
  return (
    <Page title={i18n.t('records.title')} lead={i18n.t('records.lead')}>
      <ErrorNotice error={error} />
      {done ? <div ref={doneRef} tabIndex={-1} data-testid="records-done"><Notice kind="success" role="status">{done}</Notice></div> : null}
      {!items ? <Loading /> : items.length === 0 ? <Card><p>{i18n.t('records.empty')}</p></Card> : items.map((sub) => (
        <Card key={sub.id} className="mt record-subject" title={<>{sub.name} <span className="number small">{sub.mainNumber}</span></>}
          actions={<div className="row">
            {sub.links.change ? <Link className="btn btn-secondary" to={sub.links.change}>{i18n.t('records.change')}</Link> : null}
            {sub.actions.includes('cancel') ? <Button variant="link" data-testid={`cancel-subject-${sub.mainNumber}`} onClick={() => setOpen(open === sub.id ? null : sub.id)}>{i18n.t('records.cancelSubject')}</Button> : null}
          </div>}>
          {/* Irreversible for every live service under it: say which before the code is sent. */}
          {open === sub.id ? <ConfirmPanel testid="confirm-subject" url={`/api/host/subjects/${sub.id}/cancel`} onDone={finished}
            warn={(() => {
              const live = sub.services.filter((x) => x.state === 'filed' || x.state === 'shell');
              return i18n.t('records.cancelSubjectWarn', { n: live.length, names: live.map((x) => `${x.serviceName} ${x.serviceNumber}`).join(i18n.listSep) });
            })()} /> : null}
          <ul className="plain record-services">
            {sub.services.map((s) => (
              <li key={s.id} className="record-service" data-testid="record-service" data-number={s.serviceNumber}>
                <div className="row">
                  <strong>{s.serviceName}</strong>
                  <Link className="number small" to={s.links.record}>{s.serviceNumber}</Link>
                  <span className="muted small">{i18n.option('serviceType', s.serviceType)}</span>
                  <span className={`badge ${STATE_BADGE[s.state]}`}>{i18n.t(`records.state.${s.state}`)}</span>
                </div>
                {s.state === 'shell' && s.shellSince && s.cancellableAfter ? (
                  <Notice kind="warning">
                    {/* Once the date has passed (a notice whose publicity ended), "at the earliest after" no longer fits. Judged by the
                        server's phase of the notice, not the browser's clock (a computer's wrong date showed the wrong text). Without a
                        notice the date is at least a publicity period ahead (shellCancellableAfter). */}
                    {s.notice && s.notice.phase !== 'publicity'
                      ? i18n.t('records.shellNoticeDue', { since: day(s.shellSince), date: day(s.cancellableAfter) })
                      : i18n.t('records.shellNotice', { since: day(s.shellSince), date: day(s.cancellableAfter) })}
                    {s.notice ? <> <span data-testid="shell-notice-state">{i18n.t(s.notice.phase !== 'publicity' ? 'records.onNoticeEnded' : 'records.onNotice', { title: s.notice.title, date: day(s.notice.endsAt) })}</span></> : null}
                  </Notice>
                ) : null}
                {s.state === 'filed' || s.state === 'shell' ? (
                  <div className="small">
                    {i18n.t('records.access')}{i18n.colon}{!s.hasAccessSection ? <span className="muted">{i18n.t('records.noAccessSection')}</span>
                      : s.access.length === 0 ? <span className="muted">{i18n.t('records.noAccess')}</span>
                        : s.access.map((a) => (
                          <span key={a.id} className="access-item">
                            {a.providerName}{i18n.paren(`${i18n.option('accessMethod', a.accessMethod)}${i18n.comma}${a.serverLocation}`)}
                            <Button variant="link" data-testid={`cancel-access-${a.id}`} onClick={() => setOpen(open === a.id ? null : a.id)}>{i18n.t('records.cancelAccess')}</Button>
                          </span>
                        ))}
                  </div>
                ) : null}
                {/* Below the access line, not inside it (a panel inside the line pushed its label aside). */}
                {s.access.filter((a) => a.id === open).map((a) => (
                  <ConfirmPanel key={a.id} testid="confirm-access" url={`/api/host/services/${s.id}/access/${a.id}/cancel`} warn={s.access.length === 1 ? i18n.t('records.lastAccess') : undefined} onDone={finished} />
                ))}
                <div className="row mt-s">
                  {s.links.change ? <Link className="btn btn-secondary" to={s.links.change}>{i18n.t('records.change')}</Link> : null}
                  {s.links.addAccess ? <Link className={`btn ${s.state === 'shell' ? 'btn-primary' : 'btn-secondary'}`} to={s.links.addAccess} data-testid="add-access">{i18n.t('records.addAccess')}</Link> : null}
                  {s.actions.includes('cancel') ? <Button variant="link" data-testid={`cancel-service-${s.serviceNumber}`} onClick={() => setOpen(open === s.id ? null : s.id)}>{i18n.t('records.cancel')}</Button> : null}
                </div>
                {/* The subject's last live service: say before the code is sent that it cancels the subject too. */}
                {open === s.id ? <ConfirmPanel testid="confirm-service" url={`/api/host/services/${s.id}/cancel`} onDone={finished}
                  warn={sub.services.filter((x) => x.state === 'filed' || x.state === 'shell').length === 1 ? i18n.t('records.lastService') : undefined} /> : null}
              </li>
            ))}
          </ul>
        </Card>
      ))}
    </Page>
  );
}
