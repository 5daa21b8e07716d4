// Every word the server writes for the console to label — a history row's action, a public event's
// type, a webhook delivery's event, a status a step led to, an actor's role — has its Chinese and
// English label. The server's vocabularies are read from where they are defined (the lifecycle
// tables, the presenters, the flows that write history, the migrations' history triggers), so a new
// action without a label fails here instead of reaching a page as a raw word (`changed`) or a key
// (`action.imported`).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../api/public/presenter.ts';
import { APPLICATION_KINDS, APPLICATION_STATUSES, LIFECYCLE } from '../../domain/lifecycle.ts';
import { SERVICE_LIFECYCLE, SERVICE_STATUSES, SUBJECT_LIFECYCLE } from '../../domain/service-lifecycle.ts';
import { DEADLINES_MOVED_EVENT } from '../../notify/calendar-notices.ts';
import { FILING_EVENTS } from '../../db/filing-event-body.ts';
import { TEST_EVENT } from '../../notify/filing-webhooks.ts';
import { makeI18n } from './index.tsx';
import { MESSAGES } from './messages.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const src = path.join(root, 'src');
const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => {
  const p = path.join(dir, n);
  return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
});

/** Actions of the history rows the record, subject and application timelines show (entity application, subject or service). */
function timelineActions(): Map<string, string> {
  const actions = new Map<string, string>();
  const add = (a: string, from: string) => { if (!actions.has(a)) actions.set(a, from); };
  for (const m of LIFECYCLE) add(m.action, 'domain/lifecycle.ts LIFECYCLE');
  for (const k of Object.values(APPLICATION_KINDS)) add(k.recordAction, 'domain/lifecycle.ts recordAction');
  for (const m of SERVICE_LIFECYCLE) add(m.action, 'domain/service-lifecycle.ts SERVICE_LIFECYCLE');
  for (const m of SUBJECT_LIFECYCLE) add(m.action, 'domain/service-lifecycle.ts SUBJECT_LIFECYCLE');
  // The rows flows (and the bulk loaders, the demo seed) write with a literal action.
  const written = /entityType: '(?:application|subject|service)',[^}]*?action: '([a-z_]+)'/g;
  for (const f of [...files(path.join(src, 'flows')), ...files(path.join(src, 'db'))]) {
    for (const m of readFileSync(f, 'utf8').matchAll(written)) add(m[1]!, path.relative(src, f));
  }
  // The actions the migrations' history triggers name for a subject or a service (what the log and the public events see).
  const named = /new\.action\s*(?:=\s*'([a-z_]+)'|in\s*\(([^)]*)\))/g;
  for (const f of readdirSync(path.join(root, 'db/migrations')).filter((n) => n.endsWith('.sql'))) {
    const text = readFileSync(path.join(root, 'db/migrations', f), 'utf8');
    for (const m of text.matchAll(named)) {
      for (const a of (m[1] ? [m[1]] : m[2]!.match(/'([a-z_]+)'/g)!.map((q) => q.slice(1, -1)))) add(a, `db/migrations/${f}`);
    }
  }
  // The bulk import's own history rows (raw SQL: `select 'subject', subject_id, 'imported', …`).
  for (const m of readFileSync(path.join(src, 'db/bulk-import.ts'), 'utf8').matchAll(/select '(?:subject|service)', \w+, '([a-z_]+)'/g)) add(m[1]!, 'db/bulk-import.ts');
  for (const m of readFileSync(path.join(src, 'db/first-load.ts'), 'utf8').matchAll(/`(?:subject|service),\$\{[^}]+\},([a-z_]+),/g)) add(m[1]!, 'db/first-load.ts');
  return actions;
}

const both = (key: string) => {
  const e = (MESSAGES as Record<string, readonly [string, string] | undefined>)[key];
  return e !== undefined && /[\u4e00-\u9fff]/.test(e[0]) && e[1].trim() !== '' && !/[\u4e00-\u9fff]/.test(e[1]);
};

describe('labels of the server\'s vocabularies', () => {
  it('labels every history action a timeline can show, in Chinese and English', () => {
    const actions = timelineActions();
    // What the enumeration must find (else it is not reading the sources it should).
    for (const a of ['changed', 'filed', 'access_added', 'access_cancelled', 'become_shell', 'clean_up', 'imported', 'logged_imported', 'cleanup_listed', 'bureau_approve', 'close'])
      expect(actions.has(a), a).toBe(true);
    const missing = [...actions].filter(([a]) => !both(`action.${a}`)).map(([a, f]) => `${a} (${f})`);
    expect(missing).toEqual([]);
  });

  it('labels every public event type (a record\'s and a subject\'s events), in Chinese and English', () => {
    expect(EVENT_TYPES).toContain('changed');
    const missing = EVENT_TYPES.filter((t) => !both(`record.event.${t}`));
    expect(missing).toEqual([]);
  });

  it('labels every webhook event a delivery list shows, in Chinese and English', () => {
    const events = [...FILING_EVENTS, TEST_EVENT];
    const missing = events.filter((e) => !both(`hooks.event.${e}`));
    expect(missing).toEqual([]);
  });

  it('labels every event an email or SMS is tagged with (the administrator\'s 投递失败 names the message by it), in Chinese and English', () => {
    const tags = new Map<string, string>([[DEADLINES_MOVED_EVENT, 'notify/calendar-notices.ts']]);
    // A notice's event becomes its email's tag (record-notices, application-notices); other messages are tagged where queued.
    const written = [/\bevent: '([a-z_]+(?:\.[a-z_]+)+)'/g, /\{ tag: '([a-z_.]+)' \}/g];
    for (const f of [...files(path.join(src, 'notify')), ...files(path.join(src, 'flows')), path.join(src, 'domain/lifecycle.ts')]) {
      const text = readFileSync(f, 'utf8');
      for (const re of written) for (const m of text.matchAll(re)) tags.set(m[1]!, path.relative(src, f));
      // The application lifecycle's events (its notices), written as strings in its table.
      if (f.endsWith('lifecycle.ts')) for (const m of text.matchAll(/'(application\.[a-z_]+)'/g)) tags.set(m[1]!, 'domain/lifecycle.ts');
    }
    const webhooks = new Set<string>([...FILING_EVENTS, TEST_EVENT]);
    for (const t of ['application.approved', 'service.shell', 'order.issued', 'sms.verification_code', 'password_reset', 'registration_code', 'calendar.deadlines_moved'])
      expect(tags.has(t), t).toBe(true);
    const missing = [...tags].filter(([t]) => !webhooks.has(t) && !both(`deliveries.event.${t}`)).map(([t, f]) => `${t} (${f})`);
    expect(missing).toEqual([]);
  });

  it('labels every status a step can lead to and every role that acts, in Chinese and English', () => {
    const statuses = new Set<string>([...APPLICATION_STATUSES, ...SERVICE_STATUSES, 'shell', ...SERVICE_LIFECYCLE.map((m) => m.to), ...SUBJECT_LIFECYCLE.map((m) => m.to)]);
    expect([...statuses].filter((s) => !both(`status.${s}`))).toEqual([]);
    const roles = readFileSync(path.join(src, 'domain/actors.ts'), 'utf8').match(/export type Role =([^;]+);/)![1]!.match(/'([a-z_]+)'/g)!.map((q) => q.slice(1, -1));
    expect(roles).toContain('system');
    expect(roles.filter((r) => !both(`role.${r}`))).toEqual([]);
  });

  it('says a subject\'s change in words, never the raw action', () => {
    expect(makeI18n('zh-CN').t('action.changed')).toBe('变更已生效');
    expect(makeI18n('en').t('action.changed')).toBe('Change in effect');
    expect(makeI18n('zh-CN').t('record.event.changed')).toBe('变更');
    expect(makeI18n('zh-CN').t('hooks.event.filing.changed')).toBe('备案变更');
  });
});
