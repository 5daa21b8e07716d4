// The authorization matrix (issue 15, §2): every operation of the OpenAPI document × every
// identity, with the expected outcome in ONE table (MATRIX below). Path parameters are real ids
// of party B (host B's records, 广东's reviews, the platform's supervision things), so everyone
// else is asking about somebody else's record. Per row:
//   allow — these identities get through (any answer but 401, 403, 404, and never a 5xx);
//   hide  — these hold a role the route admits, but the record is not theirs: 404 (house rule 7);
//   everyone else: 401 without a live identity (anonymous, disabled, expired), else 403.
// The `verify` key (verifyKey) is judged as the platform's full key (apiKey) on the verification API, the
// public API, /api/health and GET /api/auth/session, and refused everywhere else with 403 `api_key_scope`
// (a key of scope `verify` read ID numbers and approved first reviews before scopes existed).
// A refused write leaves every table as it was. An operation without a row fails the suite.
// Identities with a session send its CSRF token, so this tests authorization, not CSRF.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedTables, databaseDigest, IDENTITIES, type Identity, type World, buildWorld } from './fixture.ts';

const ALL = IDENTITIES;
const UNAUTHENTICATED: readonly Identity[] = ['anonymous', 'disabled', 'expired'];
const SIGNED = ALL.filter((w) => !UNAUTHENTICATED.includes(w));
const PERSONS = SIGNED.filter((w) => w !== 'apiKey' && w !== 'verifyKey');
const HOSTS: Identity[] = ['host', 'otherHost'];
const BUREAUS: Identity[] = ['reviewer', 'otherReviewer'];
const SUPERVISORS: Identity[] = ['reviewer', 'otherReviewer', 'admin'];
/** Organisation staff; the API key is the platform's and acts with its staff role. */
const ORG: Identity[] = ['provider', 'platform', 'deviceMaker', 'apiKey'];
const SUBMITTERS: Identity[] = ['provider', 'platform', 'apiKey'];

type Ids = World['ids'];
interface Row {
  allow: readonly Identity[];
  hide?: readonly Identity[];
  /** Path parameter → name of a fixture id (a list: one per allowed caller, for writes that use it up). */
  at?: Record<string, string>;
  query?: string;
  body?: unknown | ((ids: Ids) => unknown);
  contentType?: string;
}

const own = (allow: readonly Identity[], hide: readonly Identity[], at: Record<string, string>, more: Partial<Row> = {}): Row => ({ allow, hide, at, ...more });
const reason = { reason: '矩阵测试 matrix' };
const reasons = { reasons: [{ field: 'service.name', error: '矩阵测试 matrix' }] };

/** THE table. Order is execution order (a write by an allowed caller really happens). */
const MATRIX: Record<string, Row> = {
  'GET /api/health': { allow: ALL },
  'POST /api/auth/register': { allow: ALL, body: {} },
  'POST /api/auth/register/code': { allow: ALL, body: { mobile: '13700009999' } },
  'POST /api/auth/login': { allow: ALL, body: {} },
  'GET /api/auth/session': { allow: SIGNED },
  'POST /api/auth/password': { allow: PERSONS, body: { currentPassword: 'Demo@2026', newPassword: 'Matrix#2026-ok' } },
  'POST /api/auth/logout': { allow: ALL },
  'POST /api/auth/password-reset': { allow: ALL, body: { login: 'nobody@example.com' } },
  'POST /api/auth/password-reset/confirm': { allow: ALL, body: { login: 'nobody@example.com', code: '000000', newPassword: 'Matrix#2026-ok' } },
  'GET /api/org/api-keys': { allow: ['provider', 'platform', 'deviceMaker'] },
  'POST /api/org/api-keys': { allow: ['provider', 'platform', 'deviceMaker'], body: { name: '矩阵' } },
  'DELETE /api/org/api-keys/{id}': own(['platform'], ['provider', 'deviceMaker'], { id: 'apiKey' }),
  'GET /api/admin/organisations': { allow: ['admin'] },
  'POST /api/admin/organisations': { allow: ['admin'], body: {} },
  'PATCH /api/admin/organisations/{id}': { allow: ['admin'], at: { id: 'organisation' }, body: { status: 'active' } },
  'GET /api/admin/users': { allow: ['admin'] },
  'GET /api/admin/personal-data-access': { allow: ['admin'] },
  'POST /api/admin/users': { allow: ['admin'], body: {} },
  'POST /api/admin/users/{id}/disable': { allow: ['admin'], at: { id: 'user' } },
  'POST /api/admin/users/{id}/enable': { allow: ['admin'], at: { id: 'user' } },
  'POST /api/admin/users/{id}/password': { allow: ['admin'], at: { id: 'user' } },
  'GET /api/admin/dev-sms': { allow: ['admin'] },
  'GET /api/admin/deliveries': { allow: ['admin'] },
  'GET /api/admin/calendar-overrides': { allow: SUPERVISORS },
  'POST /api/admin/calendar-overrides': { allow: SUPERVISORS, body: {} },
  // Overrides are listed to every bureau, so another province's is forbidden rather than hidden.
  'DELETE /api/admin/calendar-overrides/{id}': { allow: ['reviewer', 'admin'], at: { id: 'override' } },
  'GET /api/calendar/working-days': { allow: ALL, query: 'start=2026-03-02&n=5' },
  'GET /api/calendar/working-days-between': { allow: ALL, query: 'a=2026-03-02&b=2026-03-20' },
  'POST /api/admin/calendar-imports/preview': { allow: ['admin'], body: { content: 'x' } },
  'POST /api/admin/calendar-imports': { allow: ['admin'], body: { content: 'x' } },
  'GET /api/admin/calendar-imports': { allow: ['admin'] },
  'GET /api/admin/calendar-check': { allow: SUPERVISORS },

  'POST /api/host/applications': { allow: HOSTS, body: {} },
  'GET /api/host/applications': { allow: HOSTS },
  'GET /api/host/applications/{id}': own(['host'], ['otherHost'], { id: 'draftApp' }),
  'PUT /api/host/applications/{id}': own(['host'], ['otherHost'], { id: 'draftApp' }, { body: { materials: {} } }),
  'POST /api/host/applications/{id}/identity-verification': own(['host'], ['otherHost'], { id: 'draftApp' }),
  'POST /api/host/applications/{id}/submit': own(['host'], ['otherHost'], { id: 'draftApp' }, { body: {} }),
  'GET /api/host/applications/{id}/history': own(['host'], ['otherHost'], { id: 'draftApp' }),
  'POST /api/host/applications/{id}/withdraw': own(['host'], ['otherHost'], { id: 'draftApp' }),
  'POST /api/host/applications/{id}/sms/verify': own(['host'], ['otherHost'], { id: 'smsApp' }, { body: (ids: Ids) => ({ challengeId: ids.challenge, code: '000000' }) }),
  'POST /api/host/applications/{id}/sms/resend': own(['host'], ['otherHost'], { id: 'smsApp' }, { body: (ids: Ids) => ({ challengeId: ids.challenge }) }),
  'GET /api/host/subjects': { allow: HOSTS },
  'GET /api/host/submitters': { allow: HOSTS },
  'GET /api/host/services': { allow: HOSTS },
  'GET /api/host/records': { allow: HOSTS },
  'GET /api/host/services/{id}/materials': own(['host'], ['otherHost'], { id: 'a2dp' }),
  'GET /api/host/subjects/{id}/materials': own(['host'], ['otherHost'], { id: 'subject' }),
  'POST /api/host/packages': { allow: HOSTS },
  'POST /api/host/services/{id}/cancel': own(['host'], ['otherHost'], { id: 'a2dp' }, { body: reason }),
  'POST /api/host/subjects/{id}/cancel': own(['host'], ['otherHost'], { id: 'subject' }, { body: reason }),
  'POST /api/host/services/{id}/access/{accessId}/cancel': own(['host'], ['otherHost'], { id: 'a2dp', accessId: 'access' }, { body: reason }),
  'POST /api/host/confirmations/{confirmationId}': own(['host'], ['otherHost'], { confirmationId: 'confirmation' }, { body: { code: '000000' } }),

  'GET /api/provider/applications': { allow: SUBMITTERS },
  'GET /api/provider/applications/{id}': own(['provider'], ['platform', 'apiKey'], { id: 'providerApp' }),
  'GET /api/provider/applications/{id}/history': own(['provider'], ['platform', 'apiKey'], { id: 'providerApp' }),
  'POST /api/provider/applications/{id}/return': own(['provider'], ['platform', 'apiKey'], { id: 'providerApp' }, { body: reasons }),
  'POST /api/provider/applications/{id}/approve': own(['provider'], ['platform', 'apiKey'], { id: 'providerApp' }, { body: {} }),
  // Access records are an access provider's: a distribution platform (its staff, its key) is refused (403).
  'GET /api/provider/services': { allow: ['provider'] },
  'POST /api/provider/services/{id}/access/cancel': own(['provider'], [], { id: 'a2dp' }, { body: reason }),

  // The ministry's national read view: the queue, an application sent to a bureau (read-only),
  // the statistics and the shells of every province. Deciding (approve, reject, notices) stays the bureau's.
  'GET /api/bureau/applications': { allow: SUPERVISORS },
  'GET /api/bureau/applications/{id}': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'bureauApp' }),
  'GET /api/bureau/applications/{id}/history': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'bureauApp' }),
  'POST /api/bureau/applications/{id}/reject': own(['reviewer'], ['otherReviewer'], { id: 'bureauApp' }, { body: reasons }),
  'POST /api/bureau/applications/{id}/approve': own(['reviewer'], ['otherReviewer'], { id: 'bureauApp' }),
  'GET /api/bureau/records': { allow: SUPERVISORS, query: 'q=a2dp.Vol' }, // the ministry nationally, read-only (ADR 0037 addendum)
  'GET /api/bureau/records/{id}': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'a2dp' }),
  'GET /api/bureau/subjects/{id}': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'subject' }),
  'POST /api/bureau/services/{id}/revoke': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'revocable' }, { body: reason }),
  'GET /api/bureau/statistics': { allow: SUPERVISORS },
  'GET /api/bureau/statistics.csv': { allow: SUPERVISORS },
  'GET /api/bureau/shells': { allow: SUPERVISORS },
  'GET /api/bureau/notices': { allow: BUREAUS },
  'POST /api/bureau/notices': { allow: BUREAUS, body: {} },
  'POST /api/bureau/notices/{id}/execute': own(['reviewer'], ['otherReviewer'], { id: 'notice' }),
  'GET /api/bureau/expiring': { allow: BUREAUS },

  'GET /api/verify/v1/apps': { allow: ORG, query: 'platform=android&packageName=a2dp.Vol&fingerprint=00' },
  'POST /api/verify/v1/apps': { allow: ORG, body: {} },
  'POST /api/verify/v1/apps/stream': { allow: ORG, contentType: 'application/x-ndjson', body: '{}\n' },
  'GET /api/verify/v1/numbers/{number}': { allow: ORG, at: { number: 'serviceNumber' } },
  'GET /api/verify/v1/subjects': { allow: ORG, query: 'uscc=x' },
  'POST /api/verify/v1/packages': { allow: ORG },
  'POST /api/verify/v1/webhooks': { allow: ORG, body: { url: 'https://hooks.example.com/matrix' } },
  'GET /api/verify/v1/webhooks': { allow: ORG },
  'DELETE /api/verify/v1/webhooks/{id}': own(['platform', 'apiKey'], ['provider', 'deviceMaker'], { id: 'webhook' }),
  // The console's webhook page: signed-in staff only (keys use /api/verify/v1/webhooks).
  'GET /api/org/webhooks': { allow: ['provider', 'platform', 'deviceMaker'] },
  'POST /api/org/webhooks': { allow: ['provider', 'platform', 'deviceMaker'], body: { url: 'https://hooks.example.com/matrix-console' } },
  'GET /api/org/webhooks/{id}/deliveries': own(['platform'], ['provider', 'deviceMaker'], { id: 'orgWebhook' }),
  'POST /api/org/webhooks/{id}/test': own(['platform'], ['provider', 'deviceMaker'], { id: 'orgWebhook' }),
  'DELETE /api/org/webhooks/{id}': own(['platform'], ['provider', 'deviceMaker'], { id: 'orgWebhook' }),

  'POST /api/bureau/campaigns': { allow: SUPERVISORS, body: {} },
  'GET /api/bureau/campaigns': { allow: SUPERVISORS },
  'GET /api/bureau/campaigns/{id}': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'campaign' }),
  'GET /api/bureau/campaigns/{id}/findings': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'campaign' }),
  'POST /api/bureau/campaigns/{id}/rounds': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'campaign' }, { body: { respondBy: '2026-04-20', filter: {} } }),
  'GET /api/bureau/campaigns/{id}/rounds': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'campaign' }),
  'POST /api/bureau/campaigns/{id}/extend': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'campaign' }, { body: { endsOn: '2027-01-31', reason: '矩阵测试 matrix' } }),
  'POST /api/bureau/campaigns/{id}/end': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'campaignToEnd' }, { body: reason }),
  'GET /api/bureau/campaigns/{id}/history': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'campaign' }),
  'POST /api/bureau/orders': { allow: SUPERVISORS, body: {} },
  'GET /api/bureau/orders': { allow: SUPERVISORS },
  'GET /api/bureau/organisations': { allow: SUPERVISORS },
  'GET /api/bureau/orders/{id}/history': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'order' }),
  'GET /api/bureau/orders/{id}/items/{itemId}/attachments/{attachmentId}': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'order', itemId: 'attachmentItem', attachmentId: 'attachment' }),
  'POST /api/bureau/orders/{id}/items/{itemId}/reopen': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'order', itemId: 'orderItem' }, { body: reason }),
  'POST /api/bureau/orders/{id}/items/{itemId}/accept': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'order', itemId: 'orderItem' }),
  'POST /api/bureau/orders/{id}/items/{itemId}/uphold': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'order', itemId: 'orderItem' }, { body: reason }),
  'POST /api/bureau/orders/{id}/items/{itemId}/withdraw': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'order', itemId: 'orderItem' }, { body: reason }),
  'POST /api/bureau/orders/{id}/due': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'order' }, { body: { dueInWorkingDays: 7, reason: '矩阵测试 matrix' } }),
  'GET /api/bureau/violations': { allow: SUPERVISORS },
  'GET /api/bureau/violations/{id}': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'violation' }),
  'POST /api/bureau/violations/{id}/steps': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'violation' }, { body: { action: 'request_more', note: '矩阵' } }),
  'GET /api/bureau/blacklist': { allow: SUPERVISORS },
  'POST /api/bureau/blacklist': { allow: SUPERVISORS, body: {} },
  'GET /api/bureau/blacklist/{id}/history': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'blacklist' }),
  'GET /api/bureau/legacy-duplicates': { allow: SUPERVISORS },
  'POST /api/bureau/legacy-duplicates/order-items/{id}/keep': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'orderItem' }, { body: reason }),
  'POST /api/bureau/legacy-duplicates/ios-filings/{id}/keep': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'iosFiling' }, { body: reason }),
  'POST /api/bureau/blacklist/{id}/lift': own(['reviewer', 'admin'], ['otherReviewer'], { id: 'blacklist' }, { body: reason }),

  'GET /api/org/campaigns': { allow: ORG },
  'GET /api/org/campaigns/{id}': own(['platform', 'apiKey'], ['provider', 'deviceMaker'], { id: 'campaign' }),
  'GET /api/org/campaigns/{id}/findings': own(['platform', 'apiKey'], ['provider', 'deviceMaker'], { id: 'campaign' }),
  'POST /api/org/campaigns/{id}/catalogue': own(['platform', 'apiKey'], ['provider', 'deviceMaker'], { id: 'campaign' }, {
    contentType: 'application/x-ndjson', body: '{"platform":"android","packageName":"a2dp.Vol","fingerprint":"00"}\n',
  }),
  'POST /api/org/findings/{id}/notified': own(['platform', 'apiKey'], ['provider', 'deviceMaker'], { id: 'finding' }),
  'POST /api/org/findings/notified': own(['platform', 'apiKey'], ['provider', 'deviceMaker'], {}, { body: (ids: Ids) => ({ findingIds: [ids.finding] }) }),
  'GET /api/org/orders': { allow: ORG },
  'GET /api/org/notifications': { allow: ORG },
  'POST /api/org/notifications/read': { allow: ORG, body: { ids: [] } }, // another's notice: 404, src/api/supervision/campaigns.test.ts
  'GET /api/bureau/notifications': { allow: SUPERVISORS },
  'POST /api/bureau/notifications/read': { allow: SUPERVISORS, body: { ids: [] } },
  'GET /api/host/notifications': { allow: HOSTS },
  'POST /api/host/notifications/read': { allow: HOSTS, body: { ids: [] } }, // another host's notice: 404, src/api/host/notifications.test.ts
  'POST /api/org/orders/{id}/items/{itemId}/attachments': own(['platform', 'apiKey'], ['provider', 'deviceMaker'], { id: 'order', itemId: 'attachmentItem' }, { body: {} }),
  'GET /api/org/orders/{id}/items/{itemId}/attachments/{attachmentId}': own(['platform', 'apiKey'], ['provider', 'deviceMaker'], { id: 'order', itemId: 'attachmentItem', attachmentId: 'attachment' }),
  'POST /api/org/orders/{id}/items/{itemId}/done': own(['platform', 'apiKey'], ['provider', 'deviceMaker'], { id: 'order', itemId: 'orderItem' }, { body: { evidence: '已下架' } }),
  'GET /api/org/orders/{id}/history': own(['platform', 'apiKey'], ['provider', 'deviceMaker'], { id: 'order' }),
  'POST /api/org/orders/{id}/items/{itemId}/objection': own(['platform', 'apiKey'], ['provider', 'deviceMaker'], { id: 'order', itemId: 'orderItem' }, { body: { ground: 'not_ours', note: '矩阵测试 matrix' } }),
  'POST /api/org/violations': { allow: ORG, body: {} },
  'GET /api/org/violations': { allow: ORG },
  'GET /api/org/violations/{id}': own(['platform', 'apiKey'], ['provider', 'deviceMaker'], { id: 'violation' }),
  'POST /api/org/violations/{id}/more': own(['platform', 'apiKey'], ['provider', 'deviceMaker'], { id: 'violation' }, { body: { note: '补充材料' } }),

  'GET /api/public/v1/services': { allow: ALL, query: 'q=示例' },
  'GET /api/public/v1/services/{serviceNumber}': { allow: ALL, at: { serviceNumber: 'serviceNumber' } },
  'GET /api/public/v1/services/{serviceNumber}/badge.svg': { allow: ALL, at: { serviceNumber: 'serviceNumber' } },
  'GET /api/public/v1/services/{serviceNumber}/statement': { allow: ALL, at: { serviceNumber: 'serviceNumber' } },
  'GET /api/public/v1/subjects/{mainNumber}': { allow: ALL, at: { mainNumber: 'mainNumber' } },
  'POST /api/public/v1/services/{serviceNumber}/reports': { allow: ALL, at: { serviceNumber: 'serviceNumber' }, body: {} },
  'GET /api/public/v1/notices': { allow: ALL },
  'GET /api/public/v1/blacklist': { allow: ALL },
  'GET /api/public/v1/log/tree-head': { allow: ALL },
  'GET /api/public/v1/log/key': { allow: ALL },
  'GET /api/public/v1/log/entries': { allow: ALL, query: 'start=0&end=0' },
  'GET /api/public/v1/log/proof/inclusion': { allow: ALL, query: 'leafIndex=0&treeSize=1' },
  'GET /api/public/v1/log/proof/consistency': { allow: ALL, query: 'first=1&second=1' },
};

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The problem code each refusal carries: a 404 must be the record's (`application_not_found`…),
 * not the router's `not_found` — that would mean the URL itself was wrong; a 403 must be the
 * route's refusal, not CSRF or a pending password change — that would mean the identity was wrong.
 */
const REFUSAL_CODE: Record<401 | 403 | 404, RegExp> = {
  401: /^unauthenticated$/, 403: /^(?!csrf_token_invalid$|password_change_required$)[a-z_]+$/, 404: /^[a-z_]+_not_found$/,
};
const codeOf = (body: string): string => { try { return String((JSON.parse(body) as { code?: unknown }).code); } catch { return ''; } };

/** What a `verify` key may call (src/api/auth/plugin.ts). */
const inVerifyScope = (op: string) => /^[A-Z]+ \/api\/(verify|public)\//.test(op) || op === 'GET /api/auth/session' || op === 'GET /api/health';

/** What an identity must get on a row: 'allowed', or the exact refusal. */
export function expected(row: Row, who: Identity, op: string): 'allowed' | 401 | 403 | 404 {
  if (who === 'verifyKey') {
    if (!inVerifyScope(op)) return 403;
    who = 'apiKey';
  }
  if (row.allow.includes(who)) return 'allowed';
  if (UNAUTHENTICATED.includes(who)) return 401;
  return row.hide?.includes(who) ? 404 : 403;
}

let w: World;
let operations: string[];

beforeAll(async () => {
  w = await buildWorld();
  const doc = (await w.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
  operations = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
});
afterAll(async () => { await w?.close(); });

describe('authorization matrix', () => {
  it('has exactly one row for every operation of the OpenAPI document', () => {
    const missing = operations.filter((op) => !(op in MATRIX));
    const stale = Object.keys(MATRIX).filter((op) => !operations.includes(op));
    expect(missing, `operations without a row in MATRIX (tests/security/authz-matrix.test.ts): ${missing.join(', ')}`).toEqual([]);
    expect(stale, `rows of MATRIX naming no operation of the OpenAPI document: ${stale.join(', ')}`).toEqual([]);
  });

  for (const [op, row] of Object.entries(MATRIX)) {
    it(op, async () => {
      const [method, template] = op.split(' ') as [string, string];
      const uses = new Map<string, number>();
      const urlFor = (allowed: boolean) => {
        let url = template;
        for (const [param, name] of Object.entries(row.at ?? {})) {
          const v = w.ids[name];
          if (v === undefined) throw new Error(`${op}: no fixture id ${name}`);
          let id: string;
          if (Array.isArray(v)) {
            const n = allowed ? (uses.get(name) ?? 0) : 0;
            if (allowed) uses.set(name, n + 1);
            id = v[Math.min(n, v.length - 1)]!;
          } else id = v;
          url = url.replace(`{${param}}`, encodeURIComponent(id));
        }
        return row.query ? `${url}?${row.query}` : url;
      };
      const body = typeof row.body === 'function' ? (row.body as (ids: Ids) => unknown)(w.ids) : row.body;
      const ask = (who: Identity, allowed: boolean) => w.inject({
        method: method as 'GET', url: urlFor(allowed),
        headers: { ...w.headers(who), ...(body !== undefined ? { 'content-type': row.contentType ?? 'application/json' } : {}) },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const failures: string[] = [];
      const check = (who: Identity, want: ReturnType<typeof expected>, got: number, text: string) => {
        const code = who === 'verifyKey' && !inVerifyScope(op) ? /^api_key_scope$/ : want === 'allowed' ? null : REFUSAL_CODE[want];
        const bad = got >= 500 || (want === 'allowed' ? [401, 403, 404].includes(got) : got !== want || !code!.test(codeOf(text)));
        if (bad) failures.push(`${op} as ${who}: expected ${want}, got ${got} ${text.slice(0, 300)}`);
      };
      // Refusals first, on the untouched record; a refused write must leave every table as it was.
      const refused = ALL.filter((who) => expected(row, who, op) !== 'allowed');
      const before = UNSAFE.has(method) ? await databaseDigest(w.t.db) : null;
      for (const who of refused) {
        const res = await ask(who, false);
        check(who, expected(row, who, op), res.statusCode, res.body);
      }
      if (before) {
        const changed = changedTables(before, await databaseDigest(w.t.db));
        if (changed.length) failures.push(`${op}: refused to ${refused.join(', ')}, yet ${changed.join(', ')} changed`);
      }
      for (const who of row.allow.filter((x) => expected(row, x, op) === 'allowed')) {
        const res = await ask(who, true);
        check(who, 'allowed', res.statusCode, res.body);
        if (process.env.MATRIX_TRACE) console.log(`${op} as ${who}: ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
      if (UNSAFE.has(method)) await w.renewSessions();
      expect(failures, failures.join('\n')).toEqual([]);
    });
  }
});
