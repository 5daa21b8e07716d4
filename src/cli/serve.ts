// `beian serve`: open the database, migrate, seed the demo data into an empty embedded
// database when asked, then serve the API (and web UI) and deliver the outbox (email, SMS)
// until SIGINT/SIGTERM. Webhooks to relying parties go through the same outbox.
import type { Config } from '../config.ts';
import { buildApp } from '../api/app.ts';
import { migrate } from '../db/migrate.ts';
import { startTimedWork } from '../flows/timed-work.ts';
import { openStorage } from '../db/open.ts';
import { DEMO_LOGINS, seedDemo } from '../db/seed/demo.ts';
import { createDevSmsProvider, emailSenderFor, startOutboxWorker } from '../notify/index.ts';
import { createWebhookSender } from '../notify/webhook.ts';

export async function serve(cfg: Config, options: { seedIfEmpty: boolean }): Promise<void> {
  const storage = await openStorage(cfg);
  try {
    const applied = await migrate(storage.db);
    let seeded = false;
    if (options.seedIfEmpty && cfg.database.kind === 'pglite') {
      seeded = (await seedDemo(storage.db, storage.sealer, { lives: { now: new Date() } })).seeded;
    }
    const app = await buildApp({ db: storage.db, sealer: storage.sealer, now: () => new Date(), config: cfg });
    const address = await app.listen({ host: cfg.host, port: cfg.port });
    const now = () => new Date();
    const email = emailSenderFor(cfg.smtp);
    const worker = await startOutboxWorker({
      db: storage.db, sealer: storage.sealer, email, sms: createDevSmsProvider(storage.db, storage.sealer, now), now,
      webhook: createWebhookSender(),
      log: app.log.child({ component: 'outbox' }),
    });
    const timers = startTimedWork({ db: storage.db, sealer: storage.sealer, now, publicUrl: cfg.publicUrl }, app.log.child({ component: 'timed-work' }));
    const lines = [
      `beian is serving ${cfg.publicUrl} (listening on ${address}; database: ${storage.db.kind}${applied.length ? `, applied migrations ${applied.join(', ')}` : ''})`,
      `API docs: ${cfg.publicUrl}/api/docs`,
      cfg.smtp ? `Email: SMTP via ${new URL(cfg.smtp.url).host}` : 'Email: not sent (SMTP_URL not set); notices stay in the in-app inbox',
      'SMS: development inbox, readable by the administrator at GET /api/admin/dev-sms',
    ];
    if (seeded || (options.seedIfEmpty && cfg.database.kind === 'pglite')) {
      lines.push('Demo logins (demo data only — never use these outside a demo):');
      for (const d of DEMO_LOGINS) lines.push(`  ${d.role.padEnd(20)} ${d.login.padEnd(28)} ${d.password}`);
      lines.push('  distribution-platform API key: demo-platform-key');
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    timers.stop();
    await worker.stop();
    await email.close();
    await app.close();
  } finally {
    await storage.close();
  }
}
