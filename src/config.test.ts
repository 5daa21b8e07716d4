import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

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
    });
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
    expect(cfg.database).toEqual({ kind: 'postgresql', url: 'postgresql://u:p@db:5432/beian' });
    expect(cfg.secrets).toEqual({ dataKeys: [{ id: 'k1', key: Buffer.alloc(32, 1) }], hashKey: Buffer.alloc(32, 3) });
    expect(cfg.smtp).toEqual({ url: 'smtp://mail:25', from: 'beian 备案系统 <noreply@beian.localhost>' });
    expect(cfg.port).toBe(8080);
    expect(cfg.logLevel).toBe('warn');
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
    ['no key id', KEY_A, /key id ""/],
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
});
