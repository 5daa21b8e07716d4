// The SMS provider the configuration asks for (config.sms, issue 12 §5): the development inbox
// by default, else the Aliyun or Tencent gateway. Chosen once at start by `beian serve`.
import type { Config } from '../config.ts';
import type { Queryable } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import { createAliyunSmsProvider } from './sms-aliyun.ts';
import { createTencentSmsProvider } from './sms-tencent.ts';
import { createDevSmsProvider, type SmsProvider } from './sms.ts';

type GatewaySettings = NonNullable<Config['sms']['gateway']>;

export function createGatewaySmsProvider(s: GatewaySettings): SmsProvider {
  return s.provider === 'aliyun' ? createAliyunSmsProvider(s) : createTencentSmsProvider(s);
}

export function smsProviderFor(sms: Config['sms'], db: Queryable, sealer: Sealer, now: () => Date): SmsProvider {
  if (!sms.gateway) return createDevSmsProvider(db, sealer, now);
  return createGatewaySmsProvider(sms.gateway);
}

/** The line `beian serve` prints about SMS (no credentials). */
export function describeSms(sms: Config['sms']): string {
  if (!sms.gateway) return 'SMS: development inbox, readable by the administrator at GET /api/admin/dev-sms';
  const where = (g: GatewaySettings) => `${g.provider} (${new URL(g.endpoint).host}, sign ${g.signName})`;
  return `SMS: ${where(sms.gateway)}${sms.fallback ? `, falling back to ${where(sms.fallback)}` : ''}; failures at GET /api/admin/deliveries`;
}
