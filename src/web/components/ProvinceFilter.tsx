// The ministry's province select on its national read pages (queue, statistics, shells): all
// provinces (empty) or one, kept in the address (?province=) so a page can be linked and the
// back button returns to the same filter. A bureau never sees it (its reads are its province's).
import { useSearchParams } from 'react-router';
import { PROVINCES } from '../../domain/provinces.ts';
import { useI18n } from '../i18n/index.tsx';

/** The province in the address ('' for all provinces) and a setter that keeps the other parameters. */
export function useProvinceParam(): [string, (code: string) => void] {
  const [params, setParams] = useSearchParams();
  const province = params.get('province') ?? '';
  const set = (code: string) => setParams((p) => { const n = new URLSearchParams(p); if (code) n.set('province', code); else n.delete('province'); return n; }, { replace: true });
  return [province, set];
}

export function provinceName(code: string | null | undefined, lang: string): string {
  if (!code) return '—';
  const p = PROVINCES.find((x) => x.code === code);
  return p ? (lang === 'en' ? p.nameEn : p.name) : code;
}

/** `inline`: label and select side by side in a `.row` (the queue's filter line); else a form field. */
export function ProvinceFilter({ value, onChange, inline }: { value: string; onChange(code: string): void; inline?: boolean }) {
  const i18n = useI18n();
  const parts = (
    <>
      <label htmlFor="province-filter">{i18n.t('ministry.province')}</label>
      <select id="province-filter" data-testid="province-filter" value={value} onChange={(e) => onChange(e.target.value)} style={{ maxWidth: '16rem' }}>
        <option value="">{i18n.t('ministry.allProvinces')}</option>
        {PROVINCES.map((p) => <option key={p.code} value={p.code}>{i18n.lang === 'en' ? p.nameEn : p.name}</option>)}
      </select>
    </>
  );
  return inline ? parts : <div className="field" style={{ margin: 0 }}>{parts}</div>;
}
