// The outbox worker (house rule 5: side effects after commit). A plain poller rather than
// pg-boss — see docs/decisions/0003-outbox-poller-not-pg-boss.md. It wakes on NOTIFY beian_outbox
// (sent by every enqueue, delivered on commit) and polls as a fallback. Rows are claimed
// with FOR UPDATE SKIP LOCKED in a short statement that leases them (attempts + 1,
// next_attempt_at = now + lease), then sent outside any transaction: a PGlite transaction
// would block every other query while an SMTP server answers. Delivery is at least once —
// a crash between send and mark resends after the lease. Failures back off exponentially;
// after maxAttempts, or a permanent refusal, the row is 'dead'; a sender may ask for a longer
// first wait (an SMS gateway's daily limit). Each attempt records the sender (provider) and the
// remote code of a refusal (last_error_code) for the administrator (GET /api/admin/deliveries).
// Recipients, bodies and template parameters are never logged or written to last_error (house rule 14).
import type { Db } from '../db/connection.ts';
import { PersonalDataError, type Sealer } from '../db/personal-data.ts';
import { EMAIL_NOT_CONFIGURED, type EmailSender } from './email.ts';
import { DeliveryError, describeError, errorCode, isPermanent } from './errors.ts';
import {
  type EmailPayload, openEmail, openSms, OUTBOX_CHANNEL, type SmsPayload, type WebhookMessage, type WebhookPayload,
} from './outbox.ts';
import { type DroppedDelivery, webhookTarget } from './webhook-subscriptions.ts';
import type { SmsProvider } from './sms.ts';

/** Sends a webhook; answers the endpoint's HTTP status when it knows it (kept in outbox.response_status). */
export interface WebhookSender { send(msg: WebhookMessage): Promise<void | { status: number }> }

/** The subset of pino the worker uses; objects it logs hold ids, counts and scrubbed errors only. */
export interface WorkerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface OutboxWorkerOptions {
  db: Db;
  sealer: Sealer;
  email: EmailSender;
  sms: SmsProvider;
  /** Without one, webhook rows stay pending (delivery arrives with the webhooks issue). */
  webhook?: WebhookSender;
  now: () => Date;
  /** Fallback polling interval; default 15 s. LISTEN wakes the worker sooner. */
  pollMs?: number;
  batchSize?: number;
  /** Attempts before a message is 'dead'; default 10. */
  maxAttempts?: number;
  /** First retry delay; each further failure doubles it. Default 30 s. */
  retryBaseMs?: number;
  /** How long a claimed row stays invisible to other workers while it is being sent. Default 5 min. */
  leaseMs?: number;
  log?: WorkerLog;
}

export interface OutboxWorker {
  /** Stops listening and polling and waits for the delivery in progress. */
  stop(): Promise<void>;
  /** Delivers everything due now (after any pass in progress); returns how many messages it handled. */
  drain(): Promise<number>;
}

const MAX_DELAY_MS = 6 * 3600_000;

/** Delay before the next attempt after `attempts` failed ones: base × 2^(attempts − 1), capped at 6 h. */
export function retryDelayMs(attempts: number, baseMs = 30_000): number {
  return Math.min(baseMs * 2 ** Math.max(attempts - 1, 0), MAX_DELAY_MS);
}

interface Claimed { id: number; channel: 'email' | 'sms' | 'webhook'; payload: unknown; attempts: number }

const silent: WorkerLog = { info() {}, warn() {}, error() {} };

function settings(o: OutboxWorkerOptions) {
  return {
    batchSize: o.batchSize ?? 20,
    maxAttempts: o.maxAttempts ?? 10,
    retryBaseMs: o.retryBaseMs ?? 30_000,
    leaseMs: o.leaseMs ?? 5 * 60_000,
    log: o.log ?? silent,
    channels: o.webhook ? ['email', 'sms', 'webhook'] : ['email', 'sms'],
  };
}

/** Leases up to batchSize due rows. New rows (attempts = 0) are due at once whatever the clock says. */
async function claim(o: OutboxWorkerOptions, s: ReturnType<typeof settings>): Promise<Claimed[]> {
  const now = o.now();
  const rows = await o.db.query<Claimed>(
    `update outbox set attempts = attempts + 1, next_attempt_at = $2
      where id in (select id from outbox
                    where status = 'pending' and channel = any($3::text[]) and (attempts = 0 or next_attempt_at <= $1)
                    order by id limit $4 for update skip locked)
      returning id, channel, payload, attempts`,
    [now, new Date(now.getTime() + s.leaseMs), s.channels, s.batchSize],
  );
  return rows.sort((a, b) => a.id - b.id);
}

/** Who delivers a channel's messages (outbox.provider). */
function providerOf(o: OutboxWorkerOptions, channel: Claimed['channel']): string {
  return channel === 'email' ? o.email.name : channel === 'sms' ? o.sms.name : 'webhook';
}

interface Sent { note: string | null; provider?: string; dropped?: DroppedDelivery; status?: number }

/**
 * Sends one message; returns the note to keep in last_error (null when really delivered) and who
 * delivered it — or, for a webhook whose subscription no longer stands, why it was dropped unsent.
 */
async function send(o: OutboxWorkerOptions, row: Claimed): Promise<Sent> {
  switch (row.channel) {
    case 'email':
      await o.email.send(openEmail(o.sealer, row.payload as EmailPayload));
      return { note: o.email.delivers ? null : EMAIL_NOT_CONFIGURED };
    case 'sms': {
      const by = await o.sms.send(openSms(o.sealer, row.payload as SmsPayload));
      return { note: null, ...(by ? { provider: by } : {}) };
    }
    case 'webhook': {
      const target = await webhookTarget(o.db, o.sealer, row.payload as WebhookPayload);
      if ('drop' in target) return { note: target.drop.reason, dropped: target.drop };
      const answer = await o.webhook!.send(target.send);
      return { note: null, ...(answer ? { status: answer.status } : {}) };
    }
  }
}

async function deliver(o: OutboxWorkerOptions, s: ReturnType<typeof settings>, row: Claimed): Promise<void> {
  let provider = providerOf(o, row.channel);
  try {
    const sent = await send(o, row);
    if (sent.dropped) {
      // Not sent and never retried; not a failure either (migration 0042).
      await o.db.query(
        `update outbox set status = 'dropped', last_error = $3, last_error_code = $4, provider = $5, last_attempt_at = $2 where id = $1`,
        [row.id, o.now(), sent.note, sent.dropped.code, provider],
      );
      s.log.info({ outboxId: row.id, channel: row.channel, errorCode: sent.dropped.code }, 'outbox message dropped: its webhook subscription no longer stands');
      return;
    }
    await o.db.query(
      `update outbox set status = 'sent', sent_at = $2, last_error = $3, last_error_code = null, provider = $4, last_attempt_at = $2, response_status = $5 where id = $1`,
      [row.id, o.now(), sent.note, sent.provider ?? provider, sent.status ?? null],
    );
  } catch (err) {
    if (err instanceof DeliveryError && err.provider) provider = err.provider;
    const error = describeError(err);
    const code = errorCode(err);
    // A test delivery (POST /api/org/webhooks/{id}/test) is tried once: its sender is waiting for the answer.
    const once = row.channel === 'webhook' && (row.payload as WebhookPayload).once === true;
    const dead = once || row.attempts >= s.maxAttempts || isPermanent(err) || err instanceof PersonalDataError;
    const hint = err instanceof DeliveryError ? err.retryAfterMs ?? 0 : 0;
    const next = new Date(o.now().getTime() + Math.max(retryDelayMs(row.attempts, s.retryBaseMs), hint));
    await o.db.query(
      `update outbox set status = $2, next_attempt_at = $3, last_error = $4, last_error_code = $5, provider = $6, last_attempt_at = $7, response_status = $8 where id = $1`,
      [row.id, dead ? 'dead' : 'pending', next, error, code, provider, o.now(), err instanceof DeliveryError ? err.httpStatus ?? null : null],
    );
    // `errorCode`, not `code`: the server's log redaction censors every `*.code` (verification codes).
    const fields = { outboxId: row.id, channel: row.channel, provider, attempts: row.attempts, errorCode: code, error };
    // A failed test delivery is the answer its sender asked for (shown to them), not an abandoned message.
    if (once) s.log.warn(fields, 'webhook test delivery failed (not retried)');
    else if (dead) s.log.error(fields, 'outbox message dead: delivery abandoned');
    else s.log.warn({ ...fields, retryAt: next.toISOString() }, 'outbox delivery failed; will retry');
  }
}

/** What deliverNow needs: a webhook sender, no email or SMS one. */
export type WebhookNowOptions = Pick<OutboxWorkerOptions, 'db' | 'sealer' | 'now' | 'log'> & { webhook: WebhookSender };

const webhooksOnly = (): never => { throw new Error('deliverNow delivers webhooks only'); };
const NO_EMAIL: EmailSender = { name: 'none', delivers: false, send: webhooksOnly, close: async () => {} };
const NO_SMS: SmsProvider = { name: 'none', send: webhooksOnly };

/**
 * Delivers one webhook row now, in the caller's request (a test delivery whose sender waits for the
 * answer), through the same path as the worker. The row was queued leased to the caller
 * (EnqueueOptions.leasedUntil), so no worker sends it too. False when it is not a pending webhook row.
 */
export async function deliverNow(now: WebhookNowOptions, id: number): Promise<boolean> {
  // Only webhook rows are read here: the email and SMS senders are never reached.
  const o: OutboxWorkerOptions = { ...now, email: NO_EMAIL, sms: NO_SMS };
  const [row] = await o.db.query<Claimed>(
    `select id, channel, payload, attempts from outbox where id = $1 and channel = 'webhook' and status = 'pending'`, [id]);
  if (!row) return false;
  await deliver(o, settings(o), { ...row, id: Number(row.id) });
  return true;
}

/** One pass over everything due now, without listening; returns how many messages it handled. */
export async function drainOutbox(o: OutboxWorkerOptions): Promise<number> {
  const s = settings(o);
  let handled = 0;
  for (;;) {
    const batch = await claim(o, s);
    if (batch.length === 0) return handled;
    for (const row of batch) await deliver(o, s, row);
    handled += batch.length;
  }
}

/** Starts the worker: an immediate pass for the backlog, then on every NOTIFY and every pollMs. */
export async function startOutboxWorker(o: OutboxWorkerOptions): Promise<OutboxWorker> {
  const log = o.log ?? silent;
  let tail: Promise<unknown> = Promise.resolve();
  // One pass at a time in this process; wake-ups that arrive during a pass coalesce into one more.
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = tail.then(fn);
    tail = p.catch(() => {});
    return p;
  };
  let queued = false;
  let stopped = false;
  const kick = () => {
    if (queued || stopped) return;
    queued = true;
    exclusive(() => { queued = false; return drainOutbox(o); })
      .catch((err: unknown) => log.error({ error: describeError(err) }, 'outbox pass failed'));
  };
  const unlisten = await o.db.listen(OUTBOX_CHANNEL, kick);
  const timer = setInterval(kick, o.pollMs ?? 15_000);
  timer.unref();
  kick();
  return {
    drain: () => exclusive(() => drainOutbox(o)),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await unlisten();
      await tail;
    },
  };
}
