// Read-your-writes across standbys (issue 16 item 1; ADR 0020). A request that changed something
// (an unsafe method answered < 400) leaves the primary's WAL position after its commit with the
// client: cookie `beian_lsn` for browsers (the session's), header `beian-lsn` for API clients,
// which send it back as a `beian-lsn` request header. `request.reads` — the only way routes
// read what may come from a standby — then reads from a standby that has replayed that position
// (waiting up to READ_WAIT_MS), else from the primary. Without standbys nothing is parsed or set
// and `request.reads` is the primary.
//
// The position is not a secret and not trusted for anything but where to read: a client that
// sends a made-up one only makes its own reads wait and go to the primary.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Queryable } from '../db/connection.ts';
import { laterLsn, type Lsn, lsnValue, type ReadSide } from '../db/replicas.ts';

export const LSN_COOKIE = 'beian_lsn';
export const LSN_HEADER = 'beian-lsn';
/** The cookie outlives any sane replay lag; past it the session reads whatever standby is next. */
const LSN_COOKIE_SECONDS = 3600;

declare module 'fastify' {
  interface FastifyRequest {
    /** The position this request's reads must see (the client's last write), or null. */
    readFence: Lsn | null;
    /** Reads that may go to a standby (public query, verification look-ups, badges, statistics); one server per request. */
    readonly reads: Queryable;
  }
  interface FastifyContextConfig {
    /** true: an unsafe method that only reads (verification by POST): no write position is taken or returned. */
    readOnly?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const kReads = Symbol('reads');

function fenceOf(request: FastifyRequest): Lsn | null {
  const header = request.headers[LSN_HEADER];
  const given = typeof header === 'string' && lsnValue(header) !== null ? header : null;
  const cookie = request.cookies?.[LSN_COOKIE];
  return laterLsn(given, cookie && lsnValue(cookie) !== null ? cookie : null);
}

const plugin = (reads: ReadSide, secureCookie: boolean): FastifyPluginAsync => async (app) => {
  app.decorateRequest('readFence', null);
  app.decorateRequest('reads', {
    getter(this: FastifyRequest & { [kReads]?: Queryable }) {
      return (this[kReads] ??= reads.at(this.readFence));
    },
  });
  if (!reads.replicated) return;
  app.addHook('onRequest', (request, _reply, done) => {
    request.readFence = fenceOf(request);
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!UNSAFE.has(request.method) || reply.statusCode >= 400 || request.routeOptions.config?.readOnly === true) { done(null, payload); return; }
    // After the handler: its transaction has committed, so the insert position is past its commit record.
    reads.primaryLsn().then((lsn) => {
      if (lsn) {
        reply.header(LSN_HEADER, lsn);
        // Written as a header: @fastify/cookie has already serialised its cookies by now (its onSend
        // runs first). reply.header appends to Set-Cookie, so only the new cookie is given: passing
        // the ones already there as well sent each of them twice (the session cookie included).
        reply.header('set-cookie', `${LSN_COOKIE}=${lsn}; Max-Age=${LSN_COOKIE_SECONDS}; Path=/; HttpOnly; SameSite=Lax${secureCookie ? '; Secure' : ''}`);
      }
      done(null, payload);
    }, () => done(null, payload)); // the primary did not answer: the write stands; the next reads may lag
  });
};

/** Installs request.reads and the read-your-writes fence for the whole application (after the auth plugin, which parses cookies). */
export function readsPlugin(reads: ReadSide, secureCookie: boolean): FastifyPluginAsync {
  const p = plugin(reads, secureCookie);
  (p as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return p;
}
