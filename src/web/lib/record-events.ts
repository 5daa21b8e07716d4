// What the record page can truthfully say of a record's events and the transparency log. A record
// loaded by `beian import` came from another registry: its events before the import (its filing, a
// final status, dated by the record) are not in this registry's log — only its `imported` events and
// what happened after are (docs/api-public.md "Transparency log"; scripts/log-check.mjs lists them as
// "before the log"). The same rule as the checker's, so the page and the checker agree.
import type { PublicRecord } from './types.ts';

type Event = NonNullable<PublicRecord['events']>[number];

/**
 * The day the record was loaded into this registry (its earliest `imported` event), or null. Its leaf may
 * still be on its way (a few seconds after the import): the events before it are not in the log either way.
 */
export function loadedOn(events: readonly Event[]): string | null {
  return events.filter((e) => e.type === 'imported').map((e) => e.on).sort()[0] ?? null;
}

/** Whether an event happened before the record was loaded into this registry, so is not in its log. */
export function beforeTheLog(e: Event, loaded: string | null): boolean {
  return loaded !== null && e.type !== 'imported' && (e.logIndex === null || e.logIndex === undefined) && e.on <= loaded;
}
