// Working-day calendar overrides (issue 6 item 6): holidays, make-up working days and
// "year published", national (ministry) or provincial (a bureau, for its province).
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { PROVINCES } from '../../../domain/provinces.ts';
import { Button, Card, ErrorNotice, Loading, Notice, Page, TableWrap } from '../../components/ui.tsx';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import type { CalendarOverride } from '../../lib/types.ts';
import { CalendarImport } from './CalendarImport.tsx';

export default function CalendarAdmin() {
  const i18n = useI18n();
  const { session } = useSession();
  const bureau = session?.role === 'bureau_reviewer';
  const ownProvince = session?.organisation?.provinceCode ?? '';
  const [items, setItems] = useState<CalendarOverride[] | null>(null);
  const [form, setForm] = useState({ day: '', kind: 'holiday', provinceCode: bureau ? ownProvince : '', note: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // What the last change recounted (running review deadlines, open disposal orders' due dates).
  const [recounted, setRecounted] = useState<{ deadlinesMoved: number; ordersMoved: number } | null>(null);
  const load = useCallback(() => api.get<{ items: CalendarOverride[] }>('/api/admin/calendar-overrides').then((r) => setItems(r.items)).catch(setError), []);
  useEffect(() => { void load(); }, [load]);
  const province = (code: string | null) => {
    if (!code) return i18n.t('admin.calendar.national');
    const p = PROVINCES.find((x) => x.code === code);
    return p ? (i18n.lang === 'en' ? p.nameEn : p.name) : code;
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null); setRecounted(null);
    try {
      setRecounted(await api.post<{ deadlinesMoved: number; ordersMoved: number }>('/api/admin/calendar-overrides',
        { day: form.day, kind: form.kind, provinceCode: form.provinceCode || null, note: form.note.trim() || null }));
      setForm((f) => ({ ...f, day: '', note: '' }));
      await load();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const remove = async (o: CalendarOverride) => {
    try { await api.del(`/api/admin/calendar-overrides/${o.id}`); await load(); } catch (err) { setError(err); }
  };
  return (
    <Page title={i18n.t('admin.calendar.title')} lead={i18n.t('admin.calendar.lead')}>
      {bureau ? null : <CalendarImport onImported={() => void load()} />}
      <Card>
        <form className="grid-3" onSubmit={add}>
          <div className="field"><label htmlFor="cal-day">{i18n.t('admin.calendar.day')}</label><input id="cal-day" type="date" required value={form.day} onChange={(e) => setForm({ ...form, day: e.target.value })} /></div>
          <div className="field"><label htmlFor="cal-kind">{i18n.t('admin.calendar.kind')}</label>
            <select id="cal-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
              {['holiday', 'workday', ...(bureau ? [] : ['year_published'])].map((k) => <option key={k} value={k}>{i18n.t(`kind.${k}` as MessageKey)}</option>)}
            </select>
          </div>
          <div className="field"><label htmlFor="cal-province">{i18n.t('admin.calendar.province')}</label>
            <select id="cal-province" value={form.provinceCode} disabled={bureau || form.kind === 'year_published'} onChange={(e) => setForm({ ...form, provinceCode: e.target.value })}>
              <option value="">{i18n.t('admin.calendar.national')}</option>
              {PROVINCES.map((p) => <option key={p.code} value={p.code}>{i18n.lang === 'en' ? p.nameEn : p.name}</option>)}
            </select>
          </div>
          <div className="field span-2"><label htmlFor="cal-note">{i18n.t('admin.calendar.note')}</label><input id="cal-note" maxLength={200} value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} /></div>
          <div className="field" style={{ alignSelf: 'end' }}><Button type="submit" variant="primary" busy={busy} disabled={!form.day}>{i18n.t('admin.calendar.add')}</Button></div>
        </form>
      </Card>
      <ErrorNotice error={error} />
      {recounted ? <Notice kind="success"><span data-testid="calendar-recounted">{i18n.t('admin.calendar.recounted', { deadlines: recounted.deadlinesMoved, orders: recounted.ordersMoved })}</span></Notice> : null}
      {!items ? <Loading /> : items.length === 0 ? <Card><p>{i18n.t('admin.calendar.empty')}</p></Card> : (
        <TableWrap label={i18n.t('admin.calendar.title')}>
          <table>
            <thead><tr><th>{i18n.t('admin.calendar.day')}</th><th>{i18n.t('admin.calendar.kind')}</th><th>{i18n.t('admin.orgs.province')}</th><th>{i18n.t('admin.calendar.note')}</th><th><span className="sr-only">{i18n.t('common.actions')}</span></th></tr></thead>
            <tbody>
              {items.map((o) => (
                <tr key={o.id}>
                  <td>{o.day}</td><td>{i18n.t(`kind.${o.kind}` as MessageKey)}</td><td>{province(o.provinceCode)}</td><td>{o.note ?? ''}</td>
                  <td>{!bureau || o.provinceCode === ownProvince ? <Button className="btn-small" onClick={() => void remove(o)}>{i18n.t('admin.calendar.remove')}</Button> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Page>
  );
}
