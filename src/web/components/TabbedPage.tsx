// A page whose sections are tabs kept in the address (`?tab=…`, so a tab can be linked and the
// back button returns to it): the supervision consoles of the bureau and of organisations.
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { Button, Page } from './ui.tsx';

export interface Tab<K extends string> { key: K; label: string; render(): ReactNode }

export function TabbedPage<K extends string>({ title, label, tabs }: { title: string; label: string; tabs: readonly Tab<K>[] }) {
  const [params, setParams] = useSearchParams();
  const current = tabs.find((t) => t.key === params.get('tab')) ?? tabs[0]!;
  return (
    <Page title={title} wide>
      <nav className="row tabs" aria-label={label} style={{ marginBottom: '1rem', flexWrap: 'wrap' }}>
        {tabs.map((t) => (
          <Button key={t.key} variant={t.key === current.key ? 'primary' : 'secondary'} aria-current={t.key === current.key ? 'page' : undefined}
            onClick={() => setParams({ tab: t.key })} data-testid={`tab-${t.key}`}>{t.label}</Button>
        ))}
      </nav>
      {current.render()}
    </Page>
  );
}
