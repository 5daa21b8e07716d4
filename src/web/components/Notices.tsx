// The in-app notices of a console (docs/notifications.md "The console's notices"): an organisation's
// (GET /api/org/notifications), a bureau's or a host's own, newest first; unread ones can be marked read.
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../i18n/index.tsx';
import { api, qs } from '../lib/api.ts';
import { Button, Card, ErrorNotice, Loading, Pager } from './ui.tsx';

interface Text { title: string; body: string }
interface Notice { id: number; title: string; body: string; texts?: { 'zh-CN': Text; en: Text } | null; applicationId?: string | null; createdAt: string; readAt: string | null }

/** The notice in the UI's language; a notice written before notices kept each language (texts null) in both, as stored. */
const textOf = (n: Notice, lang: 'zh-CN' | 'en'): Text => n.texts?.[lang] ?? n;

/** Where a notice's application opens, by whose notices they are (the list route's audience). */
const APPLICATION_PAGE: Record<string, string> = { '/api/org/notifications': '/provider/applications/', '/api/bureau/notifications': '/bureau/applications/', '/api/host/notifications': '/host/applications/' };

const NOTICES_PAGE = 20;

/** Told on window when notices were marked read: the navigation's unread count asks again. */
export const NOTICES_READ_EVENT = 'beian:notices-read';

/** `url`: the list route (…/notifications); its mark-read route is `${url}/read`. `pageSize` for a shorter list (a home page). */
export function NoticesCard({ url, pageSize = NOTICES_PAGE, className, id }: { url: string; pageSize?: number; className?: string; id?: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [page, setPage] = useState(1);
  const [r, setR] = useState<{ items: Notice[]; total: number; unread: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => { api.get<{ items: Notice[]; total: number; unread: number }>(`${url}${qs({ page, pageSize })}`).then(setR).catch(setError); }, [url, page, pageSize]);
  useEffect(load, [load]);
  const read = async (ids: number[]) => {
    setError(null);
    try { await api.post(`${url}/read`, { ids }); load(); window.dispatchEvent(new Event(NOTICES_READ_EVENT)); } catch (e) { setError(e); }
  };
  const unreadHere = r?.items.filter((n) => !n.readAt).map((n) => n.id) ?? [];
  const appPage = APPLICATION_PAGE[url];
  return (
    <Card title={t('sv.notices')} className={className} id={id} actions={r && r.unread > 0 ? (
      <span className="row small" style={{ alignItems: 'center', gap: '.5rem' }}>
        <span data-testid="notices-unread">{t('sv.noticesUnread', { n: r.unread })}</span>
        {unreadHere.length > 1 ? <Button className="btn-small" onClick={() => read(unreadHere)} data-testid="notices-read-page">{t('sv.markPageRead', { n: unreadHere.length })}</Button> : null}
      </span>) : undefined}>
      <ErrorNotice error={error} />
      {!r ? <Loading /> : r.items.length === 0 ? <p>{t('sv.noNotices')}</p> : (
        <>
          <ol className="timeline" data-testid="org-notices">
            {r.items.map((n) => { const text = textOf(n, i18n.lang); return (
              <li key={n.id} className={n.readAt ? 'done' : ''} data-testid="org-notice">
                <div className="when">{i18n.date(n.createdAt, true)}{n.readAt ? '' : ` · ${t('sv.unread')}`}</div>
                <div data-testid="notice-title">{n.readAt ? text.title : <strong>{text.title}</strong>}</div>
                <p style={{ margin: '.15rem 0 0', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="notice-body">{text.body}</p>
                <div className="row" style={{ gap: '.75rem', alignItems: 'center' }}>
                  {appPage && n.applicationId ? <Link to={`${appPage}${n.applicationId}`} data-testid="notice-application">{t('sv.openApplication')}</Link> : null}
                  {!n.readAt && <Button className="btn-small" onClick={() => read([n.id])} data-testid="notice-read">{t('sv.markRead')}</Button>}
                </div>
              </li>); })}
          </ol>
          <Pager page={page} pageSize={pageSize} total={r.total} onPage={setPage} />
        </>
      )}
    </Card>
  );
}
