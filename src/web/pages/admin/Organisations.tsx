// Organisations (issue 6 item 6): list by kind, register, suspend and reactivate.
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { PROVINCES } from '../../../domain/provinces.ts';
import { Button, Card, ErrorNotice, Loading, Notice, Page, TableWrap } from '../../components/ui.tsx';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { api, qs } from '../../lib/api.ts';
import type { Organisation } from '../../lib/types.ts';

const KINDS = ['access_provider', 'distribution_platform', 'device_maker', 'bureau', 'ministry'] as const;

export default function Organisations() {
  const i18n = useI18n();
  const [kind, setKind] = useState('');
  const [items, setItems] = useState<Organisation[] | null>(null);
  const [total, setTotal] = useState(0);
  const [form, setForm] = useState({ kind: 'access_provider', name: '', uscc: '', provinceCode: '', contactEmail: '' });
  const [warnings, setWarnings] = useState<{ field: string; code: string; message: string }[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => api.get<{ items: Organisation[]; total: number }>(`/api/admin/organisations${qs({ kind, limit: 500 })}`).then((r) => { setItems(r.items); setTotal(r.total); }).catch(setError), [kind]);
  useEffect(() => { void load(); }, [load]);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null); setWarnings([]);
    try {
      const r = await api.post<{ warnings: typeof warnings }>('/api/admin/organisations', {
        kind: form.kind, name: form.name.trim(), uscc: form.uscc.trim() || null, provinceCode: form.kind === 'bureau' ? form.provinceCode : null, contactEmail: form.contactEmail.trim() || null,
      });
      setWarnings(r.warnings); setForm({ ...form, name: '', uscc: '', contactEmail: '' });
      await load();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const toggle = async (o: Organisation) => {
    if (o.status === 'active' && !window.confirm(i18n.t('admin.orgs.confirmSuspend', { name: o.name }))) return;
    try { await api.patch(`/api/admin/organisations/${o.id}`, { status: o.status === 'active' ? 'suspended' : 'active' }); await load(); } catch (err) { setError(err); }
  };
  return (
    <Page title={i18n.t('admin.orgs.title')} wide>
      <Card title={i18n.t('admin.orgs.create')}>
        <form className="grid-3" onSubmit={create}>
          <div className="field"><label htmlFor="org-kind">{i18n.t('admin.orgs.kind')}</label>
            <select id="org-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>{KINDS.map((k) => <option key={k} value={k}>{i18n.t(`orgkind.${k}` as MessageKey)}</option>)}</select></div>
          <div className="field span-2"><label htmlFor="org-name">{i18n.t('admin.orgs.name')}</label><input id="org-name" required value={form.name} maxLength={100} onChange={(e) => setForm({ ...form, name: e.target.value })} /></div>
          <div className="field"><label htmlFor="org-uscc">{i18n.t('admin.orgs.uscc')}</label><input id="org-uscc" value={form.uscc} maxLength={18} onChange={(e) => setForm({ ...form, uscc: e.target.value })} /></div>
          {form.kind === 'bureau' ? (
            <div className="field"><label htmlFor="org-province">{i18n.t('admin.orgs.province')}</label>
              <select id="org-province" value={form.provinceCode} onChange={(e) => setForm({ ...form, provinceCode: e.target.value })}>
                <option value="">{i18n.t('common.select')}</option>{PROVINCES.map((p) => <option key={p.code} value={p.code}>{i18n.lang === 'en' ? p.nameEn : p.name}</option>)}
              </select></div>
          ) : null}
          <div className="field"><label htmlFor="org-email">{i18n.t('admin.orgs.contactEmail')}</label><input id="org-email" type="email" value={form.contactEmail} onChange={(e) => setForm({ ...form, contactEmail: e.target.value })} /></div>
          <div className="field" style={{ alignSelf: 'end' }}><Button type="submit" variant="primary" busy={busy} disabled={!form.name.trim()}>{i18n.t('admin.orgs.create')}</Button></div>
        </form>
        {warnings.map((w) => <Notice key={w.code} kind="warning">{i18n.problem(w)}</Notice>)}
      </Card>
      <ErrorNotice error={error} />
      <div className="row" style={{ marginBottom: '.75rem' }}>
        <label htmlFor="kind-filter">{i18n.t('admin.filterKind')}</label>
        <select id="kind-filter" value={kind} onChange={(e) => setKind(e.target.value)} style={{ maxWidth: '16rem' }}>
          <option value="">{i18n.t('review.all')}</option>{KINDS.map((k) => <option key={k} value={k}>{i18n.t(`orgkind.${k}` as MessageKey)}</option>)}
        </select>
        <span className="muted">{i18n.t('common.total', { n: total })}</span>
      </div>
      {!items ? <Loading /> : (
        <TableWrap label={i18n.t('admin.orgs.title')}>
          <table>
            <thead><tr><th>{i18n.t('admin.orgs.name')}</th><th>{i18n.t('admin.orgs.kind')}</th><th>{i18n.t('admin.orgs.uscc')}</th><th>{i18n.t('admin.orgs.province')}</th><th>{i18n.t('admin.orgs.status')}</th><th><span className="sr-only">{i18n.t('common.actions')}</span></th></tr></thead>
            <tbody>
              {items.map((o) => (
                <tr key={o.id}>
                  <td>{i18n.orgName(o.name)}</td><td>{i18n.t(`orgkind.${o.kind}` as MessageKey)}</td><td className="mono">{o.uscc ?? '—'}</td>
                  <td>{o.provinceCode ? (PROVINCES.find((p) => p.code === o.provinceCode)?.[i18n.lang === 'en' ? 'nameEn' : 'name'] ?? o.provinceCode) : '—'}</td>
                  <td><span className={`badge ${o.status === 'active' ? 'badge-success' : 'badge-danger'}`}>{o.status === 'active' ? i18n.t('admin.orgs.active') : i18n.t('admin.orgs.suspended')}</span></td>
                  <td>{o.kind !== 'ministry' ? <Button className="btn-small" variant={o.status === 'active' ? 'danger' : 'secondary'} onClick={() => void toggle(o)}>{o.status === 'active' ? i18n.t('admin.orgs.suspend') : i18n.t('admin.orgs.activate')}</Button> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Page>
  );
}
