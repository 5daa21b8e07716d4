// Every event the lifecycle table emits has a notice template, and every template belongs to
// an event some move emits (lives in notify/: src/domain may not import notify).
import { describe, expect, it } from 'vitest';
import { LIFECYCLE } from '../domain/lifecycle.ts';
import { APPLICATION_EVENTS } from './templates.ts';

/** Each event a move can emit, over every status it can leave. */
function emitted(): Map<string, string> {
  const events = new Map<string, string>();
  for (const m of LIFECYCLE) {
    for (const from of m.from) {
      const event = typeof m.event === 'function' ? m.event(from) : m.event;
      if (event !== null) events.set(event, `${m.action} from ${from}`);
    }
  }
  return events;
}

describe('lifecycle events and notice templates', () => {
  it('every event a move emits is an APPLICATION_EVENT', () => {
    const events = emitted();
    expect(events.size).toBeGreaterThan(0);
    for (const [event, where] of events) expect(APPLICATION_EVENTS, where).toContain(event);
  });

  it('every APPLICATION_EVENT is emitted by some move', () => {
    expect([...emitted().keys()].sort()).toEqual([...APPLICATION_EVENTS].sort());
  });
});
