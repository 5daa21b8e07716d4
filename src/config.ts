// The only reader of process.env (house rule 11). Read once, validated with Zod; a bad
// configuration stops the process listing every problem, not just the first.
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { AliyunSmsSettings } from './notify/sms-aliyun.ts';
import { SMS_KINDS, SMS_TEMPLATE_TEXT, type SmsKind } from './notify/sms-templates.ts';
import type { TencentSmsSettings } from './notify/sms-tencent.ts';
import { parseLogSigningKey } from './tlog/keys.ts';

const base64Key = z.string().refine((s) => Buffer.from(s, 'base64').length === 32, {
  message: 'must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)',
});

/** `k1:BASE64,k0:BASE64` — the first key encrypts, all keys decrypt (rotation). */
const dataKeys = z
  .string()
  .transform((s, ctx) => {
    const keys = s.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
      const i = part.indexOf(':');
      return { id: i > 0 ? part.slice(0, i) : '', key: i > 0 ? part.slice(i + 1) : part };
    });
    for (const k of keys) {
      if (k.id === '') ctx.addIssue({ code: 'custom', message: 'expected id:base64key, … (e.g. k1:$(openssl rand -base64 32)); a key has no "id:" before it' });
      else if (!/^[A-Za-z0-9_-]{1,16}$/.test(k.id)) ctx.addIssue({ code: 'custom', message: `key id "${k.id}" must be 1–16 of A-Z a-z 0-9 _ -` });
      else if (!base64Key.safeParse(k.key).success) ctx.addIssue({ code: 'custom', message: `key "${k.id}" must be 32 bytes, base64-encoded` });
    }
    if (keys.length === 0) ctx.addIssue({ code: 'custom', message: 'at least one key is required' });
    // A repeated id would make values sealed under the first key unreadable (lookup finds the last).
    const ids = keys.map((k) => k.id);
    for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) ctx.addIssue({ code: 'custom', message: `key id "${id}" appears more than once` });
    return keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') }));
  });

/** Digits only: Number() would read ' ' as 0 and '0x50' as 80. */
const whole = (min: number, max: number) => z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

const schema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
  /** Streaming standbys for reads (ADR 0020), comma-separated; PostgreSQL only (ignored with the embedded database). */
  DATABASE_READ_URL: z.string().transform((s) => s.split(',').map((u) => u.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^postgres(ql)?:\/\/[^/?#]/, 'each must be a postgres:// or postgresql:// URL')).min(1, 'name at least one standby URL')).optional(),
  BEIAN_DATA_DIR: z.string().min(1).default('./data'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: whole(0, 65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  SMTP_FROM: z.string().min(3).default('beian 备案系统 <noreply@beian.localhost>'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
  BEIAN_DATA_KEYS: dataKeys.optional(),
  BEIAN_HASH_KEY: base64Key.optional(),
  /** The transparency log's Ed25519 signing key, PKCS#8 (PEM or base64 DER); derived from BEIAN_HASH_KEY when unset. */
  BEIAN_LOG_KEY: z.string().superRefine((s, ctx) => {
    try { parseLogSigningKey(s); } catch (e) { ctx.addIssue({ code: 'custom', message: `must be an Ed25519 private key in PKCS#8 (PEM or base64 DER): ${(e as Error).message}` }); }
  }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  UPLOAD_LIMIT_MB: whole(1, 4096).default(1024),
  SMS_PROVIDER: z.enum(['dev', 'aliyun', 'tencent']).default('dev'),
  SMS_FALLBACK_PROVIDER: z.enum(['aliyun', 'tencent']).optional(),
  SMS_TIMEOUT_MS: whole(500, 120_000).default(10_000),
  /** Proxies whose X-Forwarded-For is believed (issue 16 §3): comma-separated addresses or CIDRs; unset = none. */
  TRUST_PROXY: z.string().transform((s, ctx) => {
    const entries = s.split(',').map((e) => e.trim()).filter(Boolean);
    for (const e of entries) if (!isProxyEntry(e)) ctx.addIssue({ code: 'custom', message: `"${e}" is not an IP address or CIDR (e.g. 127.0.0.1,10.0.0.0/8,::1)` });
    return entries;
  }).optional(),
  /** Bearer token for GET /metrics from beyond this machine; unset: loopback clients only (src/api/metrics.ts). */
  METRICS_TOKEN: z.string().regex(/^[\x21-\x7e]{16,256}$/, 'must be 16–256 printable characters without spaces').optional(),
  /** Worker threads that answer part of a large verification batch (ADR 0022); unset: one when the machine has 2+ cores, 0 = none. */
  VERIFY_WORKERS: whole(0, 16).optional(),
  /**
   * Webhooks to this machine (127.0.0.0/8, ::1, localhost; plain http too): for development, tests and
   * the documentation's local receiver. Off by default: a relying party's URL must not reach the
   * registry's own loopback services (docs/decisions/0006, addendum on webhook addresses).
   */
  WEBHOOKS_ALLOW_LOOPBACK: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
});

/** An IP address or address/prefix, as Fastify's trustProxy (proxy-addr) accepts them. */
function isProxyEntry(entry: string): boolean {
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (!family) return false;
  if (slash < 0) return true;
  const bits = entry.slice(slash + 1);
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** An SMS gateway's variables (issue 12 §5): credentials, sign name, endpoint and one template id per message kind. */
const SMS_GATEWAY_VARS = {
  aliyun: {
    required: { ALIYUN_SMS_ACCESS_KEY_ID: /^[A-Za-z0-9]{8,64}$/, ALIYUN_SMS_ACCESS_KEY_SECRET: /^\S{8,128}$/, ALIYUN_SMS_SIGN_NAME: /^.{2,20}$/u },
    template: /^SMS_\d{4,20}$/, templateHint: 'an Aliyun template code such as SMS_123456789',
    endpoint: ['ALIYUN_SMS_ENDPOINT', 'https://dysmsapi.aliyuncs.com'],
  },
  tencent: {
    required: {
      TENCENT_SMS_SECRET_ID: /^[A-Za-z0-9]{8,128}$/, TENCENT_SMS_SECRET_KEY: /^\S{8,128}$/,
      TENCENT_SMS_SDK_APP_ID: /^\d{6,20}$/, TENCENT_SMS_SIGN_NAME: /^.{2,20}$/u,
    },
    template: /^\d{1,20}$/, templateHint: 'a Tencent template id (digits)',
    endpoint: ['TENCENT_SMS_ENDPOINT', 'https://sms.tencentcloudapi.com'],
  },
} as const;

type Gateway = keyof typeof SMS_GATEWAY_VARS;
export type SmsGatewaySettings = AliyunSmsSettings | TencentSmsSettings;

/** `ALIYUN_SMS_TEMPLATE_VERIFICATION_CODE` etc. */
export const smsTemplateVar = (gateway: Gateway, kind: SmsKind) => `${gateway.toUpperCase()}_SMS_TEMPLATE_${kind.toUpperCase()}`;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Plain http only to this machine (the tests' stand-in gateway): codes travel in the request. */
function endpointProblem(name: string, value: string): string | null {
  let url: URL;
  try { url = new URL(value); } catch { return `${name}: must be a URL such as https://host[:port]`; }
  if (url.pathname !== '/' || url.search || url.username) return `${name}: must be scheme, host and port only`;
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return null;
  return `${name}: must be https:// (http:// only to 127.0.0.1 or localhost)`;
}

/** One gateway's settings from the environment, pushing every problem (each missing variable named). */
function smsGateway(gateway: Gateway, env: Record<string, string>, timeoutMs: number, why: string, problems: string[]): SmsGatewaySettings | null {
  const spec = SMS_GATEWAY_VARS[gateway];
  const before = problems.length;
  const need = (name: string, shape: RegExp, hint: string) => {
    const v = env[name];
    if (v === undefined) problems.push(`${name}: required with ${why}${hint ? ` (${hint})` : ''}`);
    else if (!shape.test(v)) problems.push(`${name}: ${hint ? `must be ${hint}` : 'has an invalid format'}`);
    return v ?? '';
  };
  const values = Object.fromEntries(Object.entries(spec.required).map(([name, shape]) => [name, need(name, shape, '')]));
  const templates = Object.fromEntries(SMS_KINDS.map((kind) => [kind, need(smsTemplateVar(gateway, kind), spec.template,
    `${spec.templateHint} for ${SMS_TEMPLATE_TEXT[kind].event}`)])) as Record<SmsKind, string>;
  const [endpointVar, endpointDefault] = spec.endpoint;
  const endpoint = (env[endpointVar] ?? endpointDefault).replace(/\/$/, '');
  const bad = endpointProblem(endpointVar, endpoint);
  if (bad) problems.push(bad);
  const region = env.TENCENT_SMS_REGION ?? 'ap-guangzhou';
  if (gateway === 'tencent' && !/^[a-z]{2}-[a-z]+(-\d+)?$/.test(region)) problems.push('TENCENT_SMS_REGION: must be a region such as ap-guangzhou');
  if (problems.length > before) return null;
  if (gateway === 'aliyun') {
    return { provider: 'aliyun', accessKeyId: values.ALIYUN_SMS_ACCESS_KEY_ID!, accessKeySecret: values.ALIYUN_SMS_ACCESS_KEY_SECRET!, signName: values.ALIYUN_SMS_SIGN_NAME!, templates, endpoint, timeoutMs };
  }
  return {
    provider: 'tencent', secretId: values.TENCENT_SMS_SECRET_ID!, secretKey: values.TENCENT_SMS_SECRET_KEY!, sdkAppId: values.TENCENT_SMS_SDK_APP_ID!,
    region, signName: values.TENCENT_SMS_SIGN_NAME!, templates, endpoint, timeoutMs,
  };
}

/** SMS_PROVIDER and its gateway's variables; the fallback gateway's when SMS_FALLBACK_PROVIDER is set. */
function smsConfig(env: Record<string, string>, problems: string[]): Config['sms'] {
  const provider = (['dev', 'aliyun', 'tencent'] as const).find((p) => p === env.SMS_PROVIDER) ?? 'dev';
  const fallback = (['aliyun', 'tencent'] as const).find((p) => p === env.SMS_FALLBACK_PROVIDER) ?? null;
  const timeoutMs = /^\d+$/.test(env.SMS_TIMEOUT_MS ?? '') ? Number(env.SMS_TIMEOUT_MS) : 10_000;
  if (fallback && (provider === 'dev' || fallback === provider)) {
    problems.push(`SMS_FALLBACK_PROVIDER: must name a gateway other than SMS_PROVIDER (${provider})`);
  }
  const gateway = provider === 'dev' ? null : smsGateway(provider, env, timeoutMs, `SMS_PROVIDER=${provider}`, problems);
  const second = fallback && provider !== 'dev' && fallback !== provider
    ? smsGateway(fallback, env, timeoutMs, `SMS_FALLBACK_PROVIDER=${fallback}`, problems) : null;
  return { provider, gateway, fallback: second };
}

export interface DataKey { id: string; key: Buffer }

export interface Config {
  /** readUrls: the standbys reads may go to (DATABASE_READ_URL; empty: every read goes to the primary). */
  database: { kind: 'postgresql'; url: string; readUrls: string[] } | { kind: 'pglite'; dataDir: string };
  dataDir: string;
  host: string;
  port: number;
  publicUrl: string;
  smtp: { url: string; from: string } | null;
  redisUrl: string | null;
  /** Null for the embedded default: keys are generated into the data folder (see db/keys.ts). */
  secrets: { dataKeys: DataKey[]; hashKey: Buffer } | null;
  /** The transparency log's signing key (PKCS#8 text); null: derived from the hash key (src/tlog/keys.ts). */
  logSigningKey: string | null;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  uploadLimitBytes: number;
  /** `dev`: the development inbox (dev_sms_messages); otherwise a gateway, and optionally a second one tried when it fails. */
  sms: { provider: 'dev' | Gateway; gateway: SmsGatewaySettings | null; fallback: SmsGatewaySettings | null };
  /** Proxy addresses/CIDRs whose X-Forwarded-For is believed (Fastify trustProxy); empty: none. */
  trustProxy: string[];
  /** GET /metrics bearer token; null: loopback clients only. */
  metricsToken: string | null;
  /** Worker threads that answer part of a verification batch of 2,000+ items (0: the request's thread alone). */
  verifyWorkers: number;
  /** allowLoopback: webhook URLs may name this machine (WEBHOOKS_ALLOW_LOOPBACK; development and tests only). */
  webhooks: { allowLoopback: boolean };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Pure: turns an environment into a Config or throws ConfigError listing every problem. */
/**
 * `keys: 'optional'`: for commands that move a database whole and never seal or read personal data
 * (`beian backup`, `beian restore`): they no longer demand BEIAN_DATA_KEYS / BEIAN_HASH_KEY with
 * DATABASE_URL (they are still checked when given).
 */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd(), o: { keys?: 'required' | 'optional' } = {}): Config {
  const blank = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(blank);
  // Problems across variables are judged on presence, so they are listed with the others.
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
  if (blank.DATABASE_URL && o.keys !== 'optional' && !(blank.BEIAN_DATA_KEYS && blank.BEIAN_HASH_KEY)) {
    problems.push('BEIAN_DATA_KEYS and BEIAN_HASH_KEY are required with DATABASE_URL (personal data is encrypted at rest; only the embedded database generates its own keys)');
  } else if (Boolean(blank.BEIAN_DATA_KEYS) !== Boolean(blank.BEIAN_HASH_KEY)) {
    problems.push('BEIAN_DATA_KEYS and BEIAN_HASH_KEY must be set together');
  }
  const sms = smsConfig(blank as Record<string, string>, problems);
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const e = parsed.data;
  const dataDir = path.resolve(cwd, e.BEIAN_DATA_DIR);
  return {
    database: e.DATABASE_URL ? { kind: 'postgresql', url: e.DATABASE_URL, readUrls: e.DATABASE_READ_URL ?? [] } : { kind: 'pglite', dataDir },
    dataDir,
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`).replace(/\/$/, ''),
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM } : null,
    redisUrl: e.REDIS_URL ?? null,
    secrets: e.BEIAN_DATA_KEYS && e.BEIAN_HASH_KEY
      ? { dataKeys: e.BEIAN_DATA_KEYS, hashKey: Buffer.from(e.BEIAN_HASH_KEY, 'base64') }
      : null,
    logSigningKey: e.BEIAN_LOG_KEY ?? null,
    logLevel: e.LOG_LEVEL,
    uploadLimitBytes: e.UPLOAD_LIMIT_MB * 1024 * 1024,
    sms,
    trustProxy: e.TRUST_PROXY ?? [],
    metricsToken: e.METRICS_TOKEN ?? null,
    verifyWorkers: e.VERIFY_WORKERS ?? (availableParallelism() > 1 ? 1 : 0),
    webhooks: { allowLoopback: e.WEBHOOKS_ALLOW_LOOPBACK },
  };
}

let cached: Config | undefined;

/** The process configuration, read from process.env on first use. */
export function config(): Config {
  cached ??= loadConfig(process.env);
  return cached;
}

/** The configuration of a command that uses no keys (backup, restore): see loadConfig's `keys`. */
export function configWithoutKeys(): Config {
  return cached ?? loadConfig(process.env, process.cwd(), { keys: 'optional' });
}
