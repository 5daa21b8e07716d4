import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from '../../tests/db.ts';
import { startTestSmtp, type TestSmtp } from '../../tests/smtp.ts';
import { createSealer } from '../db/personal-data.ts';
import { listDeliveryFailures } from './deliveries.ts';
import { createSmtpSender, createUnconfiguredEmailSender, EMAIL_NOT_CONFIGURED, type EmailSender } from './email.ts';
import { enqueueEmail, enqueueSms, enqueueWebhook } from './outbox.ts';
import { createDevSmsProvider, latestDevSms, listDevSms } from './sms.ts';
import { smsTemplate } from './sms-templates.ts';
import { drainOutbox, type OutboxWorkerOptions, retryDelayMs, startOutboxWorker, type WorkerLog } from './worker.ts';

const FROM = 'beian 备案系统 <noreply@beian.test>';
const T0 = new Date('2026-03-02T02:00:00Z');

interface OutboxRow { id: number; status: string; attempts: number; last_error: string | null; next_attempt_at: Date; sent_at: Date | null; payload: unknown }

describe('outbox worker', () => {
  let t: TestDb;
  let smtp: TestSmtp | null = null;
  let email: EmailSender | null = null;
  let clock = T0;
  const logs: unknown[] = [];
  const log: WorkerLog = { info: (o, m) => logs.push([o, m]), warn: (o, m) => logs.push([o, m]), error: (o, m) => logs.push([o, m]) };

  beforeAll(async () => { t = await testDatabase(); });
  afterAll(async () => { await t.close(); });
  afterEach(async () => {
    await email?.close();
    await smtp?.close();
    email = null;
    smtp = null;
    clock = T0;
    await t.db.query('delete from outbox');
  });

  const options = (extra: Partial<OutboxWorkerOptions> = {}): OutboxWorkerOptions => ({
    db: t.db, sealer: t.sealer, email: email ?? createUnconfiguredEmailSender(),
    sms: createDevSmsProvider(t.db, t.sealer, () => clock), now: () => clock, log, ...extra,
  });
  const useSmtp = async (o: Parameters<typeof startTestSmtp>[0] = {}) => {
    smtp = await startTestSmtp(o);
    email = createSmtpSender({ url: smtp.url, from: FROM });
    return smtp;
  };
  const rows = () => t.db.query<OutboxRow>('select * from outbox order by id');
  /** A live webhook subscription (of a new distribution platform unless `orgId` is given), as the subscription flow stores it. */
  const subscription = async (url: string, orgId?: string) => {
    const org = orgId ?? (await t.db.query<{ id: string }>(
      `insert into organisations (kind, name) values ('distribution_platform', $1) returning id`, [`应用市场${randomUUID().slice(0, 8)}`]))[0]!.id;
    const secret = `whsec_${randomUUID()}`;
    const [row] = await t.db.query<{ id: string }>(
      'insert into webhook_subscriptions (organisation_id, url, secret_enc) values ($1, $2, $3) returning id', [org, url, t.sealer.seal(secret)]);
    return { id: row!.id, orgId: org, secret };
  };
  const mail = (to = 'zhang.san@example.cn') => ({ to, subject: '【备案通知】您的APP"A2DP Volume"已通过备案 / Filing approved', text: '备案号：粤ICP备2026000001号-1A\nFiling number: 粤ICP备2026000001号-1A\n' });

  it('delivers an email enqueued in a committed transaction to a real SMTP server', async () => {
    const server = await useSmtp();
    await t.db.transaction((tx) => enqueueEmail(tx, t.sealer, mail()));
    expect(await drainOutbox(options())).toBe(1);
    const [m] = await server.waitFor(1);
    expect(m!.subject).toBe('【备案通知】您的APP"A2DP Volume"已通过备案 / Filing approved');
    expect(m!.text).toContain('备案号：粤ICP备2026000001号-1A');
    expect(m!.from?.text).toContain('noreply@beian.test');
    expect(m!.to && !Array.isArray(m!.to) ? m!.to.text : '').toBe('zhang.san@example.cn');
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect(new Date(row!.sent_at!).toISOString()).toBe(T0.toISOString());
    expect(await drainOutbox(options())).toBe(0);
  });

  it('sends nothing for an enqueue in a rolled-back transaction', async () => {
    const server = await useSmtp();
    await expect(t.db.transaction(async (tx) => {
      await enqueueEmail(tx, t.sealer, mail());
      await enqueueSms(tx, t.sealer, { mobile: '13800138000', text: '验证码 123456', template: smsTemplate('verification_code', { code: '123456' }) });
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    expect(await rows()).toHaveLength(0);
    expect(await drainOutbox(options())).toBe(0);
    expect(server.messages).toHaveLength(0);
  });

  it('stores recipients and bodies sealed: no cleartext address, mobile or text in the outbox', async () => {
    const sub = await subscription('https://hooks.example.cn/sealed');
    await t.db.transaction(async (tx) => {
      await enqueueEmail(tx, t.sealer, mail('li.si@example.cn'), { tag: 'application.approved' });
      await enqueueSms(tx, t.sealer, { mobile: '13912345678', text: '您的短信核验码：482913', template: smsTemplate('verification_code', { code: '482913' }) });
      await enqueueWebhook(tx, { subscriptionId: sub.id, url: 'https://hooks.example.cn/sealed', body: { event: 'application.approved' } });
    });
    const dump = JSON.stringify(await t.db.query('select payload::text as p from outbox'));
    for (const secret of ['li.si', 'li.si@example.cn', '13912345678', '482913', '核验码', '备案号', '粤ICP备', 'Filing number', 'whsec_', 's3cret']) {
      expect(dump).not.toContain(secret);
    }
    expect(dump).toContain('application.approved');
    // a different key cannot read them
    const other = createSealer({ dataKeys: [{ id: 't1', key: Buffer.alloc(32, 1) }], hashKey: Buffer.alloc(32, 2) });
    const [row] = await t.db.query<{ payload: { to: string } }>(`select payload from outbox where channel = 'email'`);
    expect(() => other.open(row!.payload.to)).toThrow();
  });

  it('retries an SMTP failure with exponential backoff, then delivers', async () => {
    const server = await useSmtp({ failFirst: 2 });
    await t.db.transaction((tx) => enqueueEmail(tx, t.sealer, mail()));
    expect(await drainOutbox(options())).toBe(1);
    let [row] = await rows();
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row!.last_error).toMatch(/451/);
    expect(new Date(row!.next_attempt_at).getTime() - T0.getTime()).toBe(30_000);

    clock = new Date(T0.getTime() + 29_000);
    expect(await drainOutbox(options())).toBe(0); // not due yet
    clock = new Date(T0.getTime() + 30_000);
    expect(await drainOutbox(options())).toBe(1);
    [row] = await rows();
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });
    expect(new Date(row!.next_attempt_at).getTime() - clock.getTime()).toBe(60_000);

    clock = new Date(clock.getTime() + 60_000);
    expect(await drainOutbox(options())).toBe(1);
    [row] = await rows();
    expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(server.refused).toBe(2);
    expect(server.messages).toHaveLength(1);
  });

  it('gives up as dead after the maximum attempts, without personal data in last_error or logs', async () => {
    await useSmtp({ failAll: true });
    logs.length = 0;
    await t.db.transaction((tx) => enqueueEmail(tx, t.sealer, mail('wang.wu@example.cn')));
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect(await drainOutbox(options({ maxAttempts: 4 }))).toBe(1);
      clock = new Date(clock.getTime() + retryDelayMs(attempt));
    }
    expect(await drainOutbox(options({ maxAttempts: 4 }))).toBe(0);
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'dead', attempts: 4 });
    expect(row!.last_error).toMatch(/451/);
    const text = JSON.stringify({ logs, row });
    expect(text).not.toContain('wang.wu');
    expect(text).not.toContain('example.cn');
    expect(text).not.toContain('备案');
    expect(logs.at(-1)).toEqual([expect.objectContaining({ outboxId: row!.id, channel: 'email', attempts: 4 }), 'outbox message dead: delivery abandoned']);
  });

  it('marks a permanently refused recipient dead at once, with the address scrubbed', async () => {
    await useSmtp({ rejectRecipients: true });
    await t.db.transaction((tx) => enqueueEmail(tx, t.sealer, mail('nobody@example.cn')));
    expect(await drainOutbox(options())).toBe(1);
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row!.last_error).toMatch(/550/);
    expect(row!.last_error).not.toContain('nobody');
  });

  it('delivers SMS into the development inbox, readable by mobile and masked otherwise', async () => {
    await t.db.transaction(async (tx) => {
      await enqueueSms(tx, t.sealer, { mobile: '+86 139-0000-1111', text: '【备案核验】短信核验码：482913，24小时内有效', template: smsTemplate('verification_code', { code: '482913' }) });
      await enqueueSms(tx, t.sealer, { mobile: '13700002222', text: 'other', template: smsTemplate('filing_rejected', { name: 'A2DP Volume' }) });
    });
    expect(await drainOutbox(options())).toBe(2);
    const latest = await latestDevSms(t.db, t.sealer, '13900001111');
    expect(latest).toMatchObject({ mobile: '13900001111', body: '【备案核验】短信核验码：482913，24小时内有效' });
    expect(latest!.createdAt.toISOString()).toBe(T0.toISOString());
    expect(await latestDevSms(t.db, t.sealer, '13600000000')).toBeNull();
    const all = await listDevSms(t.db, t.sealer);
    expect(all.map((m) => m.mobile)).toEqual(['137****2222', '139****1111']);
    const stored = JSON.stringify(await t.db.query('select mobile_enc, mobile_hash from dev_sms_messages'));
    expect(stored).not.toContain('13900001111');
    expect((await rows()).every((r) => r.status === 'sent')).toBe(true);
  });

  it('without SMTP_URL marks emails handled with the reason, and leaves webhooks pending without a sender', async () => {
    const sub = await subscription('https://hooks.example.cn/x');
    await t.db.transaction(async (tx) => {
      await enqueueEmail(tx, t.sealer, mail());
      await enqueueWebhook(tx, { subscriptionId: sub.id, url: 'https://hooks.example.cn/x', body: { a: 1 } });
    });
    expect(await drainOutbox(options())).toBe(1);
    const [e, w] = await rows();
    expect(e).toMatchObject({ status: 'sent', last_error: EMAIL_NOT_CONFIGURED });
    expect(w).toMatchObject({ status: 'pending', attempts: 0 });
    const delivered: unknown[] = [];
    expect(await drainOutbox(options({ webhook: { send: async (m) => { delivered.push(m); } } }))).toBe(1);
    // Signed with the subscription's secret, read when the delivery is due.
    expect(delivered).toEqual([{ url: 'https://hooks.example.cn/x', secret: sub.secret, body: { a: 1 } }]);
  });

  describe('a webhook whose subscription no longer stands when it is due', () => {
    const hook = (over: Partial<OutboxWorkerOptions> = {}, sent: unknown[] = []) => options({ webhook: { send: async (m) => { sent.push(m); } }, ...over });
    const queue = (id: string, url: string) => t.db.transaction((tx) => enqueueWebhook(tx, { subscriptionId: id, url, body: { event: 'filing.revoked' } }, { tag: 'filing.revoked' }));

    it('is dropped, not sent and not retried, once the subscription is deleted (queue, delete, drain)', async () => {
      const sub = await subscription('https://hooks.example.cn/gone');
      await queue(sub.id, 'https://hooks.example.cn/gone');
      await t.db.query('update webhook_subscriptions set deleted_at = $2 where id = $1', [sub.id, T0]);
      const sent: unknown[] = [];
      expect(await drainOutbox(hook({}, sent))).toBe(1);
      expect(sent).toEqual([]);
      const [row] = await rows();
      expect(row).toMatchObject({ status: 'dropped', attempts: 1, last_error: expect.stringContaining('deleted') });
      clock = new Date(T0.getTime() + 24 * 3600_000);
      expect(await drainOutbox(hook({}, sent))).toBe(0);
      expect(sent).toEqual([]);
      // Not a failure the administrator must act on.
      expect((await listDeliveryFailures(t.db, t.sealer)).items).toEqual([]);
    });

    it('a re-subscription of the same URL gets no delivery queued for the deleted one (nor its secret)', async () => {
      const old = await subscription('https://hooks.example.cn/again');
      await queue(old.id, 'https://hooks.example.cn/again');
      await t.db.query('update webhook_subscriptions set deleted_at = $2 where id = $1', [old.id, T0]);
      await subscription('https://hooks.example.cn/again', old.orgId);
      const sent: unknown[] = [];
      await drainOutbox(hook({}, sent));
      expect(sent).toEqual([]);
      expect((await rows())[0]).toMatchObject({ status: 'dropped' });
    });

    it('is dropped while its organisation is suspended', async () => {
      const sub = await subscription('https://hooks.example.cn/suspended');
      await queue(sub.id, 'https://hooks.example.cn/suspended');
      await t.db.query(`update organisations set status = 'suspended' where id = $1`, [sub.orgId]);
      const sent: unknown[] = [];
      await drainOutbox(hook({}, sent));
      expect(sent).toEqual([]);
      const [row] = await t.db.query<{ status: string; last_error_code: string }>('select status, last_error_code from outbox');
      expect(row).toEqual({ status: 'dropped', last_error_code: 'organisation_suspended' });
    });

    it('a row queued before subscriptions were named (a copy of the secret) goes only to the live subscription with that secret', async () => {
      const live = await subscription('https://hooks.example.cn/legacy');
      const legacy = (secret: string) => t.db.query(`insert into outbox (channel, payload) values ('webhook', $1::jsonb)`,
        [JSON.stringify({ url: 'https://hooks.example.cn/legacy', secret: t.sealer.seal(secret), body: { n: secret }, tag: 'filing.revoked' })]);
      await legacy(live.secret);
      await legacy('whsec_of_a_deleted_subscription');
      const sent: { secret?: string }[] = [];
      expect(await drainOutbox(hook({}, sent))).toBe(2);
      expect(sent.map((m) => m.secret)).toEqual([live.secret]);
      expect((await rows()).map((r) => r.status)).toEqual(['sent', 'dropped']);
    });
  });

  it('marks a payload it cannot open dead without retrying', async () => {
    const other = createSealer({ dataKeys: [{ id: 'zz', key: Buffer.alloc(32, 3) }], hashKey: Buffer.alloc(32, 4) });
    await t.db.transaction((tx) => enqueueSms(tx, other, { mobile: '13800000000', text: 'x', template: smsTemplate('verification_code', { code: '000000' }) }));
    expect(await drainOutbox(options())).toBe(1);
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row!.last_error).toContain('cannot open sealed value');
  });

  it('two workers draining at once deliver every message exactly once', async () => {
    const server = await useSmtp();
    await t.db.transaction(async (tx) => {
      for (let i = 0; i < 12; i++) await enqueueEmail(tx, t.sealer, { ...mail(`user${i}@example.cn`), subject: `n${i}` });
    });
    const second = createSmtpSender({ url: server.url, from: FROM });
    const counts = await Promise.all([drainOutbox(options({ batchSize: 3 })), drainOutbox(options({ batchSize: 3, email: second }))]);
    await second.close();
    expect(counts[0]! + counts[1]!).toBe(12);
    await server.waitFor(12);
    expect(server.messages.map((m) => m.subject).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `n${i}`).sort());
    expect((await rows()).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('wakes on NOTIFY after commit, without waiting for the poll', async () => {
    const server = await useSmtp();
    const worker = await startOutboxWorker(options({ pollMs: 600_000 }));
    try {
      expect(await worker.drain()).toBe(0); // the start-up pass is over: only NOTIFY can wake it now
      await t.db.transaction((tx) => enqueueEmail(tx, t.sealer, mail()));
      const [m] = await server.waitFor(1, 5_000);
      expect(m!.subject).toContain('已通过备案');
      expect(await worker.drain()).toBe(0);
    } finally {
      await worker.stop();
    }
  });

  it('delivers the backlog on start and keeps drain() serial with its own passes', async () => {
    const server = await useSmtp();
    await t.db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await enqueueEmail(tx, t.sealer, { ...mail(), subject: `b${i}` });
    });
    const worker = await startOutboxWorker(options({ pollMs: 600_000 }));
    await worker.drain();
    await worker.stop();
    expect(server.messages.map((m) => m.subject)).toEqual(['b0', 'b1', 'b2']);
  });

  it('backs off 30 s, doubling, capped at six hours', () => {
    expect([1, 2, 3, 4, 10].map((a) => retryDelayMs(a))).toEqual([30_000, 60_000, 120_000, 240_000, 15_360_000].map((ms) => Math.min(ms, 21_600_000)));
    expect(retryDelayMs(20)).toBe(21_600_000);
  });
});
