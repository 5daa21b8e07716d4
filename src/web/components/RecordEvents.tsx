// A public record's events (备案历程), oldest first, as the public API gives them (dates and types only):
// a service's on its record page, a subject's own on the subject's page — one list, one set of labels.
// What it says of the transparency log is only what is true (src/web/lib/record-events.ts).
import type { ReactNode } from 'react';
import { Card } from './ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { beforeTheLog, loadedOn } from '../lib/record-events.ts';
import type { PublicRecord } from '../lib/types.ts';

export type PublicEvent = NonNullable<PublicRecord['events']>[number];

/** `lead`: what follows the list, given the day the record was loaded into this registry (null: filed here). */
export function RecordEvents({ events, testId, lead }: { events: PublicEvent[]; testId: string; lead(loaded: string | null): ReactNode }) {
  const i18n = useI18n();
  if (!events.length) return null;
  const loaded = loadedOn(events);
  return (
    <Card title={i18n.t('record.events')} id="events">
      <ol className="timeline" data-testid={testId}>
        {/* A record loaded by an import has two `imported` events of one day (the service's and its subject's leaf): one line. */}
        {events.filter((e, i, all) => i === 0 || all[i - 1]!.type !== e.type || all[i - 1]!.on !== e.on).map((e, i) => (
          <li key={i} className="done">
            <strong>{i18n.t(`record.event.${e.type}`)}</strong> <span className="muted small">{i18n.date(e.on)}</span>
            {beforeTheLog(e, loaded) ? <span className="muted small">{i18n.t('record.beforeLog')}</span> : null}
          </li>
        ))}
      </ol>
      {lead(loaded)}
    </Card>
  );
}
