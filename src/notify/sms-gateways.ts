// The SMS provider the configuration asks for (config.sms, issue 12 §5): the development inbox
// by default, else the Aliyun or Tencent gateway. Chosen once at start by `beian serve`.
import type { Config } from '../config.ts';
import type { Queryable } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import { DeliveryError } from './errors.ts';
import { createDevSmsProvider, type SmsProvider } from './sms.ts';

type GatewaySettings = NonNullable<Config['sms']['gateway']>;

/**
 * The gateway's provider. Its SDK (Aliyun's ~35 MiB resident, Tencent's ~17 MiB) loads with the
 * first message, so a server that never sends through a gateway — the development inbox, or the
 * other provider — does not hold it (ADR 0031).
 */
export function createGatewaySmsProvider(s: GatewaySettings): SmsProvider {
  let provider: Promise<SmsProvider> | undefined;
  const load = () => (provider ??= s.provider === 'aliyun'
    ? import('./sms-aliyun.ts').then((m) => m.createAliyunSmsProvider(s))
    : import('./sms-tencent.ts').then((m) => m.createTencentSmsProvider(s)));
  return {
    name: s.provider,
    async send(msg) {
      return (await load().catch((err: unknown) => { provider = undefined; throw err; })).send(msg);
    },
  };
}

/**
 * Tries `first`; on any failure, `second` (SMS_FALLBACK_PROVIDER): a gateway's outage, quota or an
 * unapproved template need not hold up a verification code. Delivered by the second, the outbox
 * records it as the provider. Refused by both, the message is permanent only when both refusals
 * are, and the record names the second gateway's code with both messages.
 */
export function createFallbackSmsProvider(first: SmsProvider, second: SmsProvider): SmsProvider {
  return {
    name: first.name,
    async send(msg) {
      let e1: unknown;
      try {
        return await first.send(msg);
      } catch (err) {
        e1 = err;
      }
      try {
        await second.send(msg);
        return second.name;
      } catch (e2) {
        const d1 = e1 instanceof DeliveryError ? e1 : new DeliveryError(`${first.name}: failed`);
        const d2 = e2 instanceof DeliveryError ? e2 : new DeliveryError(`${second.name}: failed`);
        const wait = Math.min(d1.retryAfterMs ?? 0, d2.retryAfterMs ?? 0);
        throw new DeliveryError(`${d2.message} (after ${d1.remoteCode ?? 'failure'} ${d1.message})`, d1.permanent && d2.permanent, {
          ...(d2.remoteCode ? { remoteCode: d2.remoteCode } : {}), ...(wait ? { retryAfterMs: wait } : {}), provider: second.name,
        });
      }
    },
  };
}

export function smsProviderFor(sms: Config['sms'], db: Queryable, sealer: Sealer, now: () => Date): SmsProvider {
  if (!sms.gateway) return createDevSmsProvider(db, sealer, now);
  const primary = createGatewaySmsProvider(sms.gateway);
  return sms.fallback ? createFallbackSmsProvider(primary, createGatewaySmsProvider(sms.fallback)) : primary;
}

/** The line `beian serve` prints about SMS (no credentials). */
export function describeSms(sms: Config['sms']): string {
  if (!sms.gateway) return 'SMS: development inbox, readable by the administrator at GET /api/admin/dev-sms';
  const where = (g: GatewaySettings) => `${g.provider} (${new URL(g.endpoint).host}, sign ${g.signName})`;
  return `SMS: ${where(sms.gateway)}${sms.fallback ? `, falling back to ${where(sms.fallback)}` : ''}; failures at GET /api/admin/deliveries`;
}
