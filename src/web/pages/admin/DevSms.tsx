// The development SMS inbox (demo only): what the development SMS provider "sent" — the MIIT
// verification codes a host enters at the SMS step (DOMAIN.md §4.1 step 4), outcome notices —
// read from GET /api/admin/dev-sms. Shown only when the session says the development provider is
// configured (`devSmsInbox`); with a real gateway the route does not exist. Mobiles arrive masked;
// typing one shows that number's messages in full (an access the server logs).
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Button, Card, ErrorNotice, Loading, Notice, Page, TableWrap } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api, qs } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';

interface DevSms { id: number; mobile: string; body: string; createdAt: string }

export default function DevSms() {
  const i18n = useI18n();
  const { session } = useSession();
  const [mobile, setMobile] = useState('');
  const [query, setQuery] = useState('');
  const [items, setItems] = useState<DevSms[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    return api.get<{ items: DevSms[] }>(`/api/admin/dev-sms${qs({ mobile: query, limit: 100 })}`).then((r) => setItems(r.items)).catch(setError);
  }, [query]);
  useEffect(() => { if (session?.devSmsInbox) void load(); }, [load, session?.devSmsInbox]);
  if (!session?.devSmsInbox) return <Page title={i18n.t('devSms.title')}><Notice>{i18n.t('devSms.off')}</Notice></Page>;
  const search = (e: FormEvent) => { e.preventDefault(); setQuery(mobile.trim()); };
  return (
    <Page title={i18n.t('devSms.title')} lead={i18n.t('devSms.lead')} wide>
      <Notice kind="warning">{i18n.t('devSms.demoOnly')}</Notice>
      <Card>
        <form className="row" onSubmit={search} style={{ flexWrap: 'wrap', gap: '.5rem', alignItems: 'flex-end' }}>
          <div className="field" style={{ margin: 0 }}>
            <label htmlFor="dev-sms-mobile">{i18n.t('devSms.mobile')}</label>
            <input id="dev-sms-mobile" inputMode="tel" value={mobile} onChange={(e) => setMobile(e.target.value)} placeholder="13800138000" aria-describedby="dev-sms-mobile-hint" />
          </div>
          <Button type="submit" variant="primary">{i18n.t('devSms.search')}</Button>
          <Button onClick={() => { if (query === mobile.trim()) void load(); else setQuery(mobile.trim()); }}>{i18n.t('devSms.refresh')}</Button>
        </form>
        <p className="hint" id="dev-sms-mobile-hint">{i18n.t('devSms.mobileHint')}</p>
      </Card>
      <ErrorNotice error={error} />
      {!items ? <Loading /> : items.length === 0 ? <Card className="mt"><p>{i18n.t('devSms.empty')}</p></Card> : (
        <TableWrap label={i18n.t('devSms.title')}>
          <table className="cards" data-testid="dev-sms">
            <thead><tr><th>{i18n.t('devSms.time')}</th><th>{i18n.t('devSms.mobile')}</th><th>{i18n.t('devSms.body')}</th></tr></thead>
            <tbody>
              {items.map((m) => (
                <tr key={m.id}>
                  <td data-label={i18n.t('devSms.time')} style={{ whiteSpace: 'nowrap' }}>{i18n.date(m.createdAt, true)}</td>
                  <td data-label={i18n.t('devSms.mobile')} className="mono">{m.mobile}</td>
                  <td data-label={i18n.t('devSms.body')}>{m.body}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Page>
  );
}
