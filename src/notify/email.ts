// Email senders for the outbox worker: SMTP through nodemailer when SMTP_URL is set, and
// otherwise a sender that delivers nothing (see docs/notifications.md: without SMTP_URL the
// worker marks emails as handled with outbox.last_error = 'not sent: SMTP_URL not set', and
// the same notice is still in the in-app inbox).
import type { Transporter } from 'nodemailer';
import type { EmailMessage } from './outbox.ts';

export interface EmailSender {
  readonly name: string;
  /** True when messages really leave the system. */
  readonly delivers: boolean;
  send(msg: EmailMessage): Promise<void>;
  close(): Promise<void>;
}

export interface SmtpSettings {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://host:465; nodemailer URL options allowed. */
  url: string;
  /** RFC 5322 From, e.g. `beian 备案系统 <noreply@example.cn>`. */
  from: string;
}

/**
 * An SMTP sender. Timeouts are shorter than nodemailer's defaults (2 min connect, 10 min
 * idle) because one stalled server would otherwise hold up the whole outbox; the URL may
 * still override them (`?connectionTimeout=...`).
 */
export function createSmtpSender(settings: SmtpSettings): EmailSender {
  // nodemailer (~14 MiB resident) loads with the first message (ADR 0031).
  let transport: Promise<Transporter> | undefined;
  const open = () => (transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport({
    url: settings.url,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  })));
  return {
    name: 'smtp',
    delivers: true,
    async send(msg) {
      await (await open()).sendMail({
        from: settings.from,
        to: msg.to,
        subject: msg.subject,
        text: msg.text,
        ...(msg.html ? { html: msg.html } : {}),
      });
    },
    async close() { if (transport) (await transport).close(); },
  };
}

/** The reason recorded on emails handled while no SMTP server is configured. */
export const EMAIL_NOT_CONFIGURED = 'not sent: SMTP_URL not set';

/** Used when SMTP_URL is not set: accepts and drops every message (the worker records why). */
export function createUnconfiguredEmailSender(): EmailSender {
  return {
    name: 'none',
    delivers: false,
    async send() {},
    async close() {},
  };
}

/** The sender the configuration asks for. */
export function emailSenderFor(smtp: SmtpSettings | null): EmailSender {
  return smtp ? createSmtpSender(smtp) : createUnconfiguredEmailSender();
}
