// What the rest of the system uses of notify: flows enqueue (inside their transaction),
// serve starts the worker, the admin route reads the development SMS inbox.
export { enqueueEmail, enqueueSms, enqueueWebhook, OUTBOX_CHANNEL } from './outbox.ts';
export type { EmailMessage, EnqueueOptions, SmsMessage, WebhookMessage } from './outbox.ts';
export { noticeApplicationEvent } from './application-notices.ts';
export type { ApplicationNoticeInput, NoticeCounts } from './application-notices.ts';
export { APPLICATION_EVENTS, SMS_EVENTS, displayRule, recordUrl, renderApplicationNotice, renderSmsChallenge } from './templates.ts';
export type { ApplicationEvent, NoticeData, Reason } from './templates.ts';
export { createDevSmsProvider, latestDevSms, listDevSms, normaliseMobile } from './sms.ts';
export type { DevSms, SmsProvider } from './sms.ts';
export { createSmtpSender, createUnconfiguredEmailSender, emailSenderFor } from './email.ts';
export type { EmailSender, SmtpSettings } from './email.ts';
export { DeliveryError } from './errors.ts';
export { deliverNow, drainOutbox, retryDelayMs, startOutboxWorker } from './worker.ts';
export type { OutboxWorker, OutboxWorkerOptions, WebhookSender, WorkerLog } from './worker.ts';
