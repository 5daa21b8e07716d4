import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { SMS_KINDS } from './notify/sms-templates.ts';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');
const HASH = Buffer.alloc(32, 3).toString('base64');

/** The problems a bad environment is refused with (fails the test when it is accepted). */
function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env, '/srv/beian');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('defaults to embedded PGlite in ./data on 127.0.0.1:3000 with generated keys', () => {
    const cfg = loadConfig({}, '/srv/beian');
    expect(cfg).toEqual({
      database: { kind: 'pglite', dataDir: path.resolve('/srv/beian/data') },
      dataDir: path.resolve('/srv/beian/data'),
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'http://127.0.0.1:3000',
      smtp: null,
      redisUrl: null,
      secrets: null,
      logSigningKey: null,
      logLevel: 'info',
      uploadLimitBytes: 1024 * 1024 * 1024,
      sms: { provider: 'dev', gateway: null, fallback: null },
      trustProxy: [],
      metricsToken: null,
      verifyWorkers: availableParallelism() > 1 ? 1 : 0,
      webhooks: { allowLoopback: false },
    });
  });

  it('allows webhooks to this machine only when WEBHOOKS_ALLOW_LOOPBACK says so', () => {
    expect(loadConfig({}).webhooks.allowLoopback).toBe(false);
    expect(loadConfig({ WEBHOOKS_ALLOW_LOOPBACK: 'true' }).webhooks.allowLoopback).toBe(true);
    expect(loadConfig({ WEBHOOKS_ALLOW_LOOPBACK: '0' }).webhooks.allowLoopback).toBe(false);
    expect(problemsOf({ WEBHOOKS_ALLOW_LOOPBACK: 'yes' })[0]).toMatch(/^WEBHOOKS_ALLOW_LOOPBACK/);
  });

  it('reads VERIFY_WORKERS as a whole number from 0 to 16', () => {
    expect(loadConfig({ VERIFY_WORKERS: '0' }).verifyWorkers).toBe(0);
    expect(loadConfig({ VERIFY_WORKERS: '3' }).verifyWorkers).toBe(3);
    expect(() => loadConfig({ VERIFY_WORKERS: '17' })).toThrow(/VERIFY_WORKERS/);
    expect(() => loadConfig({ VERIFY_WORKERS: 'two' })).toThrow(/VERIFY_WORKERS: must be a whole number/);
  });

  // Issue 16 §3: the proxy's addresses; X-Forwarded-For from anyone else is ignored.
  it('reads TRUST_PROXY as addresses and CIDRs, refusing anything else by name', () => {
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
    expect(problemsOf({ TRUST_PROXY: '127.0.0.1,proxy.local' })).toEqual(['TRUST_PROXY: "proxy.local" is not an IP address or CIDR (e.g. 127.0.0.1,10.0.0.0/8,::1)']);
    expect(problemsOf({ TRUST_PROXY: '10.0.0.0/33' })[0]).toMatch(/^TRUST_PROXY: "10.0.0.0\/33"/);
    expect(problemsOf({ METRICS_TOKEN: 'short' })[0]).toMatch(/^METRICS_TOKEN: /);
    expect(loadConfig({ METRICS_TOKEN: 'a'.repeat(32) }).metricsToken).toBe('a'.repeat(32));
  });

  // Transparency log (issue 15): BEIAN_LOG_KEY is an Ed25519 PKCS#8 key, PEM or base64 DER.
  it('accepts BEIAN_LOG_KEY as Ed25519 PKCS#8 PEM or base64 DER and rejects anything else, naming the variable', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    expect(loadConfig({ BEIAN_LOG_KEY: pem }, '/srv').logSigningKey).toBe(pem);
    expect(loadConfig({ BEIAN_LOG_KEY: der }, '/srv').logSigningKey).toBe(der);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    for (const bad of [rsa, 'not a key']) {
      expect(() => loadConfig({ BEIAN_LOG_KEY: bad }, '/srv')).toThrow(/BEIAN_LOG_KEY: must be an Ed25519 private key/);
    }
  });

  it('treats empty variables as unset (a blank `PORT=` in a .env file)', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '', HOST: '' }, '/srv').port).toBe(3000);
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }, '/srv').database.kind).toBe('pglite');
  });

  it('resolves BEIAN_DATA_DIR against the working directory', () => {
    expect(loadConfig({ BEIAN_DATA_DIR: 'var/db' }, '/srv/beian').database).toEqual({ kind: 'pglite', dataDir: '/srv/beian/var/db' });
    expect(loadConfig({ BEIAN_DATA_DIR: '/abs/dir' }, '/srv/beian').dataDir).toBe('/abs/dir');
  });

  it('uses a PostgreSQL server with configured keys when DATABASE_URL is set', () => {
    const cfg = loadConfig({ DATABASE_URL: 'postgresql://u:p@db:5432/beian', BEIAN_DATA_KEYS: `k1:${KEY_A}`, BEIAN_HASH_KEY: HASH, SMTP_URL: 'smtp://mail:25', PORT: '8080', LOG_LEVEL: 'warn' });
    expect(cfg.database).toEqual({ kind: 'postgresql', url: 'postgresql://u:p@db:5432/beian', readUrls: [] });
    expect(cfg.secrets).toEqual({ dataKeys: [{ id: 'k1', key: Buffer.alloc(32, 1) }], hashKey: Buffer.alloc(32, 3) });
    expect(cfg.smtp).toEqual({ url: 'smtp://mail:25', from: 'beian 备案系统 <noreply@beian.localhost>' });
    expect(cfg.port).toBe(8080);
    expect(cfg.logLevel).toBe('warn');
  });

  it('reads standby URLs from DATABASE_READ_URL (comma-separated); a bad one is named without its value', () => {
    const pgKeys = { DATABASE_URL: 'postgres://p@db/beian', BEIAN_DATA_KEYS: `k1:${KEY_A}`, BEIAN_HASH_KEY: HASH };
    expect(loadConfig({ ...pgKeys, DATABASE_READ_URL: ' postgres://r@s1:5433/beian ,postgresql://r@s2/beian,' }).database)
      .toEqual({ kind: 'postgresql', url: 'postgres://p@db/beian', readUrls: ['postgres://r@s1:5433/beian', 'postgresql://r@s2/beian'] });
    expect(problemsOf({ ...pgKeys, DATABASE_READ_URL: 'postgres://r@s1/beian,mysql://r:secret-pw@s2/beian' }))
      .toEqual([expect.stringMatching(/^DATABASE_READ_URL\.1: each must be a postgres/)]);
    expect(problemsOf({ ...pgKeys, DATABASE_READ_URL: 'mysql://r:secret-pw@s2/beian' }).join()).not.toContain('secret-pw');
    expect(problemsOf({ ...pgKeys, DATABASE_READ_URL: ' , ' })).toEqual([expect.stringMatching(/^DATABASE_READ_URL: name at least one standby/)]);
    // The embedded database has no standbys: reads go to it.
    expect(loadConfig({ DATABASE_READ_URL: 'postgres://r@s1/beian' }).database.kind).toBe('pglite');
  });

  it('parses a key rotation list: the first key seals, every key opens; spaces and empty entries ignored', () => {
    const cfg = loadConfig({ BEIAN_DATA_KEYS: ` k2:${KEY_B} ,, k1:${KEY_A},`, BEIAN_HASH_KEY: HASH });
    expect(cfg.secrets!.dataKeys).toEqual([{ id: 'k2', key: Buffer.alloc(32, 2) }, { id: 'k1', key: Buffer.alloc(32, 1) }]);
  });

  it('builds PUBLIC_URL from HOST and PORT, bracketing an IPv6 host', () => {
    expect(loadConfig({ HOST: '::1', PORT: '8443' }).publicUrl).toBe('http://[::1]:8443');
    expect(loadConfig({ HOST: '0.0.0.0' }).publicUrl).toBe('http://0.0.0.0:3000');
    expect(loadConfig({ HOST: '::', PUBLIC_URL: 'https://beian.example.cn/' }).publicUrl).toBe('https://beian.example.cn');
  });

  it.each([
    ['PORT', 'abc'], ['PORT', '70000'], ['PORT', '-1'], ['PORT', '3.5'], ['PORT', ' '], ['PORT', '0x50'],
    ['DATABASE_URL', 'mysql://root@localhost/beian'], ['DATABASE_URL', 'localhost:5432'],
    ['PUBLIC_URL', 'not a url'], ['SMTP_URL', 'http://mail'], ['REDIS_URL', 'memcached://x'],
    ['LOG_LEVEL', 'verbose'], ['UPLOAD_LIMIT_MB', '0'], ['UPLOAD_LIMIT_MB', '5000'],
    ['BEIAN_HASH_KEY', 'c2hvcnQ='],
  ])('rejects %s=%j, naming the variable', (name, value) => {
    const keys = name === 'BEIAN_HASH_KEY' ? { BEIAN_DATA_KEYS: `k1:${KEY_A}` } : name === 'DATABASE_URL' ? { BEIAN_DATA_KEYS: `k1:${KEY_A}`, BEIAN_HASH_KEY: HASH } : {};
    const problems = problemsOf({ [name]: value, ...keys });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
  });

  it.each([
    ['no key id', KEY_A, /expected id:base64key, … \(e\.g\. k1:/],
    ['a short key', 'k1:c2hvcnQ=', /key "k1" must be 32 bytes/],
    ['a bad key id', `k 1:${KEY_A}`, /key id "k 1"/],
    ['a repeated key id', `k1:${KEY_A},k1:${KEY_B}`, /key id "k1" appears more than once/],
    ['only commas', ',,', /at least one key/],
  ])('rejects BEIAN_DATA_KEYS with %s', (_what, value, message) => {
    const problems = problemsOf({ BEIAN_DATA_KEYS: value, BEIAN_HASH_KEY: HASH });
    expect(problems).toEqual([expect.stringMatching(message)]);
    expect(problems[0]).toMatch(/^BEIAN_DATA_KEYS: /);
  });

  it('lists every problem at once, cross-variable ones included, without echoing secrets', () => {
    const secretPassword = 'hunter2-do-not-log';
    const err = (() => {
      try {
        loadConfig({ PORT: 'eighty', DATABASE_URL: `mysql://root:${secretPassword}@db/beian`, BEIAN_DATA_KEYS: `k1:${secretPassword}`, LOG_LEVEL: 'loud' });
      } catch (e) { return e as ConfigError; }
      throw new Error('accepted');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems).toEqual([
      expect.stringMatching(/^DATABASE_URL: must be a postgres/),
      expect.stringMatching(/^PORT: /),
      expect.stringMatching(/^BEIAN_DATA_KEYS: key "k1" must be 32 bytes/),
      expect.stringMatching(/^LOG_LEVEL: /),
      expect.stringMatching(/BEIAN_DATA_KEYS and BEIAN_HASH_KEY are required with DATABASE_URL/),
    ]);
    expect(err.message.split('\n')).toHaveLength(1 + 5);
    expect(err.message).not.toContain(secretPassword);
  });

  it('requires both keys with DATABASE_URL even when everything else is valid', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' })).toEqual([expect.stringMatching(/required with DATABASE_URL/)]);
    expect(problemsOf({ DATABASE_URL: 'postgres://x@h/db', BEIAN_DATA_KEYS: `k1:${KEY_A}` })).toEqual([expect.stringMatching(/required with DATABASE_URL/)]);
  });

  it('requires the data keys and the hash key together on the embedded database too', () => {
    expect(problemsOf({ BEIAN_HASH_KEY: HASH })).toEqual([expect.stringMatching(/must be set together/)]);
    expect(problemsOf({ BEIAN_DATA_KEYS: `k1:${KEY_A}` })).toEqual([expect.stringMatching(/must be set together/)]);
  });

  describe('SMS gateways (issue 12 §5)', () => {
    const aliyun = {
      SMS_PROVIDER: 'aliyun', ALIYUN_SMS_ACCESS_KEY_ID: 'LTAI5tTestKeyId0001', ALIYUN_SMS_ACCESS_KEY_SECRET: 'aliyun-secret-do-not-echo', ALIYUN_SMS_SIGN_NAME: '备案系统',
      ALIYUN_SMS_TEMPLATE_VERIFICATION_CODE: 'SMS_100000001', ALIYUN_SMS_TEMPLATE_CANCELLATION_CODE: 'SMS_100000006', ALIYUN_SMS_TEMPLATE_PASSWORD_RESET_CODE: 'SMS_100000007', ALIYUN_SMS_TEMPLATE_FILING_APPROVED: 'SMS_100000002', ALIYUN_SMS_TEMPLATE_FILING_REJECTED: 'SMS_100000003',
      ALIYUN_SMS_TEMPLATE_FILING_RETURNED: 'SMS_100000004', ALIYUN_SMS_TEMPLATE_SMS_CHECK_FAILED: 'SMS_100000005',
    };
    const tencent = {
      TENCENT_SMS_SECRET_ID: 'AKIDtestsecretid0001', TENCENT_SMS_SECRET_KEY: 'tencent-secret-do-not-echo', TENCENT_SMS_SDK_APP_ID: '1400000001', TENCENT_SMS_SIGN_NAME: '备案系统',
      TENCENT_SMS_TEMPLATE_VERIFICATION_CODE: '2000001', TENCENT_SMS_TEMPLATE_CANCELLATION_CODE: '2000006', TENCENT_SMS_TEMPLATE_PASSWORD_RESET_CODE: '2000007', TENCENT_SMS_TEMPLATE_FILING_APPROVED: '2000002', TENCENT_SMS_TEMPLATE_FILING_REJECTED: '2000003',
      TENCENT_SMS_TEMPLATE_FILING_RETURNED: '2000004', TENCENT_SMS_TEMPLATE_SMS_CHECK_FAILED: '2000005',
    };

    it('reads the Aliyun gateway with a template per message kind and the default endpoint', () => {
      const { sms } = loadConfig(aliyun, '/srv');
      expect(sms.provider).toBe('aliyun');
      expect(sms.gateway).toEqual({
        provider: 'aliyun', accessKeyId: 'LTAI5tTestKeyId0001', accessKeySecret: 'aliyun-secret-do-not-echo', signName: '备案系统', endpoint: 'https://dysmsapi.aliyuncs.com', timeoutMs: 10_000,
        templates: { verification_code: 'SMS_100000001', cancellation_code: 'SMS_100000006', password_reset_code: 'SMS_100000007', filing_approved: 'SMS_100000002', filing_rejected: 'SMS_100000003', filing_returned: 'SMS_100000004', sms_check_failed: 'SMS_100000005' },
      });
      expect(sms.fallback).toBeNull();
    });

    it('reads the Tencent gateway with its region and an endpoint override, and a fallback', () => {
      const t = loadConfig({ ...tencent, SMS_PROVIDER: 'tencent', TENCENT_SMS_REGION: 'ap-beijing', TENCENT_SMS_ENDPOINT: 'http://127.0.0.1:9555/', SMS_TIMEOUT_MS: '3000' }, '/srv').sms;
      expect(t.gateway).toMatchObject({ provider: 'tencent', sdkAppId: '1400000001', region: 'ap-beijing', endpoint: 'http://127.0.0.1:9555', timeoutMs: 3000, templates: { filing_approved: '2000002' } });
      const both = loadConfig({ ...aliyun, ...tencent, SMS_FALLBACK_PROVIDER: 'tencent' }, '/srv').sms;
      expect([both.gateway?.provider, both.fallback?.provider]).toEqual(['aliyun', 'tencent']);
      expect(both.fallback).toMatchObject({ region: 'ap-guangzhou', endpoint: 'https://sms.tencentcloudapi.com' });
    });

    it('stops naming each missing template id and credential, with the rest of the problems, without echoing secrets', () => {
      const { ALIYUN_SMS_TEMPLATE_FILING_APPROVED: _a, ALIYUN_SMS_ACCESS_KEY_ID: _b, ...partial } = aliyun;
      const problems = problemsOf({ ...partial, PORT: 'eighty', ALIYUN_SMS_TEMPLATE_SMS_CHECK_FAILED: '12345' });
      expect(problems).toEqual([
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^ALIYUN_SMS_ACCESS_KEY_ID: required with SMS_PROVIDER=aliyun/),
        expect.stringMatching(/^ALIYUN_SMS_TEMPLATE_FILING_APPROVED: required with SMS_PROVIDER=aliyun \(an Aliyun template code such as SMS_123456789 for application.approved\)/),
        expect.stringMatching(/^ALIYUN_SMS_TEMPLATE_SMS_CHECK_FAILED: must be an Aliyun template code/),
      ]);
      expect(problems.join('\n')).not.toContain('aliyun-secret-do-not-echo');
      const tc = problemsOf({ ...tencent, SMS_PROVIDER: 'tencent', TENCENT_SMS_TEMPLATE_VERIFICATION_CODE: '', TENCENT_SMS_REGION: 'Guangzhou' });
      expect(tc).toEqual([
        expect.stringMatching(/^TENCENT_SMS_TEMPLATE_VERIFICATION_CODE: required with SMS_PROVIDER=tencent .*SMS check code/),
        expect.stringMatching(/^TENCENT_SMS_REGION: must be a region/),
      ]);
    });

    it('refuses an unknown provider, a fallback equal to the provider, and plain http to another host', () => {
      expect(problemsOf({ SMS_PROVIDER: 'huawei' })).toEqual([expect.stringMatching(/^SMS_PROVIDER: /)]);
      expect(problemsOf({ ...aliyun, SMS_FALLBACK_PROVIDER: 'aliyun' })).toEqual([expect.stringMatching(/^SMS_FALLBACK_PROVIDER: must name a gateway other/)]);
      expect(problemsOf({ SMS_FALLBACK_PROVIDER: 'tencent' })).toEqual([expect.stringMatching(/^SMS_FALLBACK_PROVIDER: /)]);
      expect(problemsOf({ ...aliyun, ALIYUN_SMS_ENDPOINT: 'http://sms.example.cn' })).toEqual([expect.stringMatching(/^ALIYUN_SMS_ENDPOINT: must be https/)]);
      expect(problemsOf({ ...aliyun, SMS_FALLBACK_PROVIDER: 'tencent' }).length).toBe(4 + SMS_KINDS.length); // every Tencent variable named (4 + a template per kind)
    });
  });
});
