// The in-app notices of a console (docs/notifications.md "The console's notices"): an organisation's
// (GET /api/org/notifications), a bureau's or a host's own, newest first; unread ones can be marked read.
import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { api, qs } from '../lib/api.ts';
import { Button, Card, ErrorNotice, Loading, Pager } from './ui.tsx';

interface Notice { id: number; title: string; body: string; createdAt: string; readAt: string | null }

const NOTICES_PAGE = 20;

/** `url`: the list route (…/notifications); its mark-read route is `${url}/read`. `pageSize` for a shorter list (a home page). */
export function NoticesCard({ url, pageSize = NOTICES_PAGE, className }: { url: string; pageSize?: number; className?: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [page, setPage] = useState(1);
  const [r, setR] = useState<{ items: Notice[]; total: number; unread: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => { api.get<{ items: Notice[]; total: number; unread: number }>(`${url}${qs({ page, pageSize })}`).then(setR).catch(setError); }, [url, page, pageSize]);
  useEffect(load, [load]);
  const read = async (id: number) => {
    setError(null);
    try { await api.post(`${url}/read`, { ids: [id] }); load(); } catch (e) { setError(e); }
  };
  return (
    <Card title={t('sv.notices')} className={className} actions={r && r.unread > 0 ? <span className="small" data-testid="notices-unread">{t('sv.noticesUnread', { n: r.unread })}</span> : undefined}>
      <ErrorNotice error={error} />
      {!r ? <Loading /> : r.items.length === 0 ? <p>{t('sv.noNotices')}</p> : (
        <>
          <ol className="timeline" data-testid="org-notices">
            {r.items.map((n) => (
              <li key={n.id} className={n.readAt ? 'done' : ''} data-testid="org-notice">
                <div className="when">{i18n.date(n.createdAt, true)}{n.readAt ? '' : ` · ${t('sv.unread')}`}</div>
                <div>{n.readAt ? n.title : <strong>{n.title}</strong>}</div>
                <p style={{ margin: '.15rem 0 0', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{n.body}</p>
                {!n.readAt && <Button className="btn-small" onClick={() => read(n.id)} data-testid="notice-read">{t('sv.markRead')}</Button>}
              </li>))}
          </ol>
          <Pager page={page} pageSize={pageSize} total={r.total} onPage={setPage} />
        </>
      )}
    </Card>
  );
}
