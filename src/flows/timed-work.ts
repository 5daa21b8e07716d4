// Timed work, registered in one place (ARCHITECTURE.md "Growing the house"; ADR 0016): what
// runs on the clock, how often, and how it stays single across server processes. Minute work is
// idempotent per row (each item is locked and re-checked, so two processes doing it at once
// change nothing twice) and, since several processes run behind a proxy (issue 16; ADR 0021),
// claims its tick (job, minute) in timed_work_ticks first, so one process does each minute's
// scan and the others skip it; daily work claims (job, China date) in job_runs in the same
// transaction as the work, so exactly one process does it per day and a failed run leaves no claim.
import { chinaDate } from '../domain/china-time.ts';
import type { Queryable } from '../db/connection.ts';
import { findExpiringCertificates } from './certificate-expiry.ts';
import { expireConfirmations } from './confirmations.ts';
import type { FlowContext } from './context.ts';
import { purgePasswordResets } from './purge-password-resets.ts';
import { purgeRegistrationCodes } from './purge-registration-codes.ts';
import { expireSmsChecks } from './sms-check.ts';
import { followUpOverdueOrders } from './supervision/overdue-orders.ts';

export interface TimedWork {
  name: string;
  every: 'minute' | 'day';
  /** Returns how many items it handled (for the log). */
  run(ctx: FlowContext): Promise<number>;
}

/**
 * Runs `work` once for today (China date) across every process: the first to insert the
 * (job, day) row does it, in the same transaction; the others find the row (or wait on its
 * unique index until the first commits, then find it) and skip. Returns null when skipped.
 */
export async function onceADay(ctx: FlowContext, job: string, work: (ctx: FlowContext, tx: Queryable) => Promise<number>): Promise<number | null> {
  const day = chinaDate(ctx.now());
  const done = await ctx.db.query('select 1 from job_runs where job = $1 and day = $2', [job, day]);
  if (done.length) return null;
  return ctx.db.transaction(async (tx) => {
    const claimed = await tx.query('insert into job_runs (job, day, started_at) values ($1, $2, $3) on conflict do nothing returning job', [job, day, ctx.now()]);
    if (!claimed.length) return null;
    const n = await work(ctx, tx);
    await tx.query('update job_runs set result = $3 where job = $1 and day = $2', [job, day, JSON.stringify({ items: n })]);
    return n;
  });
}

/** A minute tick: the flow clock's time, down to the minute. */
export const TICK_MS = 60_000;

/**
 * Claims this tick (the current minute of the flow clock) of `job` for this process: true for the
 * first process to ask, false for every other one in the same minute. One statement: a second
 * process racing the first waits on the row until the first's statement commits, then finds the
 * tick taken. The claim is not undone when the work fails: minute work scans everything due, so
 * the next minute's tick picks up what this one left.
 */
export async function claimTick(ctx: FlowContext, job: string): Promise<boolean> {
  const t = ctx.now();
  const tick = new Date(Math.floor(t.getTime() / TICK_MS) * TICK_MS);
  const rows = await ctx.db.query(
    `insert into timed_work_ticks as w (job, tick, claimed_at) values ($1, $2, $3)
     on conflict (job) do update set tick = excluded.tick, claimed_at = excluded.claimed_at where w.tick < excluded.tick
     returning job`, [job, tick, t]);
  return rows.length > 0;
}

/** Runs minute work when this process claims the tick; null when another process has it. */
export async function onceATick(ctx: FlowContext, job: string, work: (ctx: FlowContext) => Promise<number>): Promise<number | null> {
  return (await claimTick(ctx, job)) ? work(ctx) : null;
}

export const TIMED_WORK: readonly TimedWork[] = [
  // DOMAIN.md §4.1 step 4: 24 h without an answer returns the application.
  { name: 'sms_expiry', every: 'minute', run: async (ctx) => (await onceATick(ctx, 'sms_expiry', expireSmsChecks)) ?? 0 },
  // Issue 13 item 4: a cancellation not confirmed within 24 h lapses.
  { name: 'confirmation_expiry', every: 'minute', run: async (ctx) => (await onceATick(ctx, 'confirmation_expiry', expireConfirmations)) ?? 0 },
  // Issue 13 item 7: certificates that ended or end within 30 days.
  { name: 'certificate_expiry', every: 'day', run: async (ctx) => (await onceADay(ctx, 'certificate_expiry', findExpiringCertificates)) ?? 0 },
  // Issue 14 (ADR 0018 addendum): an order whose date passed with items open is followed up, once per date.
  { name: 'order_overdue', every: 'day', run: async (ctx) => (await onceADay(ctx, 'order_overdue', followUpOverdueOrders)) ?? 0 },
  // ADR 0005 addendum: registration codes (keyed hashes of mobiles) are kept two days, then deleted.
  { name: 'registration_code_purge', every: 'day', run: async (ctx) => (await onceADay(ctx, 'registration_code_purge', purgeRegistrationCodes)) ?? 0 },
  // ADR 0005 addendum: password resets are kept two days, then deleted.
  { name: 'password_reset_purge', every: 'day', run: async (ctx) => (await onceADay(ctx, 'password_reset_purge', purgePasswordResets)) ?? 0 },
];

export interface TimedWorkLog { info(o: object, msg: string): void; error(o: object, msg: string): void }

/** Starts the clock: every registered work on each tick (a minute), one after another. */
export function startTimedWork(ctx: FlowContext, log: TimedWorkLog, tickMs = TICK_MS): { stop(): void } {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    for (const w of TIMED_WORK) {
      try {
        const n = await w.run(ctx);
        if (n) log.info({ work: w.name, items: n }, 'timed work done');
      } catch (err) {
        log.error({ err, work: w.name }, 'timed work failed');
      }
    }
    running = false;
  };
  void tick();
  const timer = setInterval(() => void tick(), tickMs).unref();
  return { stop: () => clearInterval(timer) };
}
