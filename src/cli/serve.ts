// `beian serve`: open the database, migrate, seed the demo data into an embedded database
// without accounts when asked (never over a real deployment's), say how to create the first
// administrator when there is none (ADR 0012), then serve the API (and web UI) and deliver the outbox (email, SMS)
// until SIGINT/SIGTERM. Webhooks to relying parties go through the same outbox.
import type { Config } from '../config.ts';
import { buildApp } from '../api/app.ts';
import { migrate } from '../db/migrate.ts';
import type { FlowContext } from '../flows/context.ts';
import { demoApplications } from '../flows/demo-applications.ts';
import { startTimedWork } from '../flows/timed-work.ts';
import { calendarAtStart } from './calendar.ts';
import type { FastifyBaseLogger } from 'fastify';
import { openStorage } from '../db/open.ts';
import { type ReadSide, standbyName } from '../db/replicas.ts';
import type { Db } from '../db/connection.ts';
import { DEMO_LOGINS, DemoRefusedError, seedDemo } from '../db/seed/demo.ts';
import { emailSenderFor, startOutboxWorker } from '../notify/index.ts';
import { describeSms, smsProviderFor } from '../notify/sms-gateways.ts';
import { createWebhookSender } from '../notify/webhook.ts';
import type { LogKeys } from '../tlog/keys.ts';
import { logTick, SEQUENCE_EVERY_MS } from '../tlog/job.ts';
import { countersignLatestHead } from '../tlog/store.ts';

/**
 * The transparency log's own clock, beside the registered timed work (src/flows/timed-work.ts):
 * it appends committed history and signs tree heads every few seconds (src/tlog/job.ts; ADR 0017),
 * so it does not wait for the minute tick; every process may run it (the sequencer queues on log_state).
 */
function startLogWork(ctx: FlowContext, logKeys: LogKeys, log: FastifyBaseLogger): { stop(): void } {
  let logging = false;
  const logWork = () => {
    if (logging) return; // a slow run (first start on a big history) is not stacked
    logging = true;
    logTick(ctx.db, logKeys, ctx.now())
      .then((t) => { if (t.head) log.info({ treeSize: t.head.treeSize }, 'transparency log: tree head signed'); })
      .catch((err: unknown) => log.error({ err }, 'transparency log sequencing failed'))
      .finally(() => { logging = false; });
  };
  logWork();
  const timer = setInterval(logWork, SEQUENCE_EVERY_MS).unref();
  return { stop: () => clearInterval(timer) };
}

/** Where reads go (ADR 0020). */
function readsLine(cfg: Config): string {
  if (cfg.database.kind === 'postgresql' && cfg.database.readUrls.length) {
    return `Reads: standbys ${cfg.database.readUrls.map(standbyName).join(', ')} (read-your-writes by WAL position; the primary when behind)`;
  }
  return cfg.database.kind === 'pglite' ? 'Reads: the embedded database (standbys need DATABASE_URL)' : 'Reads: the primary (no DATABASE_READ_URL)';
}

async function hasAdministrator(db: Db): Promise<boolean> {
  return (await db.query(`select 1 from users where role = 'ministry_admin' and disabled_at is null limit 1`)).length > 0;
}

/**
 * Says loudly, once at start, what keeps a standby of DATABASE_READ_URL from serving reads (ADR 0020
 * addendum): not a standby at all (e.g. the promoted server after a failover), or not streaming.
 * Later changes are logged as the read side notices them (openStorage's onStandbyExcluded).
 */
async function warnAboutStandbys(reads: ReadSide, log: FastifyBaseLogger): Promise<void> {
  if (!reads.replicated) return;
  for (const s of await reads.standbys()) {
    if (s.notAStandby) log.warn({ standby: s.name }, 'DATABASE_READ_URL names a server that is not a standby (not in recovery): no read goes to it; remove it, or rebuild it as a standby');
    else if (s.streaming === false) log.warn({ standby: s.name }, 'a standby of DATABASE_READ_URL is not streaming from the primary: reads avoid it while the primary answers');
    else if (s.streaming === null) log.warn({ standby: s.name }, 'a standby of DATABASE_READ_URL does not answer: its reads go to the primary');
  }
}

export async function serve(cfg: Config, options: { seedIfEmpty: boolean }): Promise<void> {
  let log: FastifyBaseLogger | null = null;
  const storage = await openStorage(cfg, {
    standbys: true,
    onStandbyExcluded: (standby, why) => {
      if (why) log?.warn({ standby, why }, 'a standby of DATABASE_READ_URL is set aside: its reads go to the primary');
      else log?.info({ standby }, 'a standby of DATABASE_READ_URL serves reads again');
    },
  });
  try {
    const applied = await migrate(storage.db);
    let demo = false;
    if (options.seedIfEmpty && cfg.database.kind === 'pglite') {
      // seeded now or earlier: the demo's logins work; refused: a real deployment, no demo.
      demo = await seedDemo(storage.db, storage.sealer, { lives: { now: new Date(), applications: demoApplications(storage.sealer, cfg.publicUrl) } }).then(() => true, (err: unknown) => {
        if (err instanceof DemoRefusedError) return false;
        throw err;
      });
    }
    const app = await buildApp({ db: storage.db, reads: storage.reads, sealer: storage.sealer, now: () => new Date(), config: cfg, logSigner: storage.log.signer });
    log = app.log;
    await calendarAtStart({ db: storage.db, sealer: storage.sealer, now: () => new Date(), publicUrl: cfg.publicUrl }, app.log);
    // A rotated log key signs the latest head before anything is served: statements need a head of their key (ADR 0017).
    await countersignLatestHead(storage.db, storage.log.signer, new Date());
    const address = await app.listen({ host: cfg.host, port: cfg.port });
    const now = () => new Date();
    const email = emailSenderFor(cfg.smtp);
    const worker = await startOutboxWorker({
      db: storage.db, sealer: storage.sealer, email, sms: smsProviderFor(cfg.sms, storage.db, storage.sealer, now), now,
      webhook: createWebhookSender({ allowLoopback: cfg.webhooks.allowLoopback }),
      log: app.log.child({ component: 'outbox' }),
    });
    const flowCtx: FlowContext = { db: storage.db, sealer: storage.sealer, now, publicUrl: cfg.publicUrl };
    const timers = [startTimedWork(flowCtx, app.log.child({ component: 'timed-work' })), startLogWork(flowCtx, storage.log, app.log)];
    const lines = [
      `beian is serving ${cfg.publicUrl} (listening on ${address}; database: ${storage.db.kind}${applied.length ? `, applied migrations ${applied.join(', ')}` : ''})`,
      `API docs: ${cfg.publicUrl}/api/docs`,
      readsLine(cfg),
      cfg.smtp ? `Email: SMTP via ${new URL(cfg.smtp.url).host}` : 'Email: not sent (SMTP_URL not set); notices stay in the in-app inbox',
      describeSms(cfg.sms),
    ];
    if (!(await hasAdministrator(storage.db))) {
      lines.push(
        'No administrator yet. Create the first one (it prints a one-time password to change at the first sign-in):',
        '  npx beian admin create --login <login> --email <email>',
        'then sign in and register the organisations and their staff (README, "Production set-up").',
      );
    }
    if (demo) {
      lines.push('Demo logins (demo data only — never use these outside a demo):');
      for (const d of DEMO_LOGINS) lines.push(`  ${d.role.padEnd(20)} ${d.login.padEnd(28)} ${d.password}`);
      lines.push('  distribution-platform API key: demo-platform-key');
    }
    // Stderr: stdout carries the log's JSON lines only (docs/deploy.md, LOG_LEVEL), which a log
    // shipper parses line by line; this banner is for the person who started the process.
    process.stderr.write(`${lines.join('\n')}\n`);
    await warnAboutStandbys(storage.reads, app.log);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    for (const t of timers) t.stop();
    await worker.stop();
    await email.close();
    await app.close();
  } finally {
    await storage.close();
  }
}
