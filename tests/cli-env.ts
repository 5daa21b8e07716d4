// The environment of a `beian` command under test (config.ts is the only reader of process.env,
// so the environment is the only way to configure main()): the embedded database in `dataDir`,
// with its generated keys, and a quiet log. Undone by vi.unstubAllEnvs().
import { vi } from 'vitest';

export function stubEmbeddedEnv(dataDir: string): void {
  vi.stubEnv('BEIAN_DATA_DIR', dataDir);
  vi.stubEnv('DATABASE_URL', '');
  vi.stubEnv('BEIAN_DATA_KEYS', '');
  vi.stubEnv('BEIAN_HASH_KEY', '');
  vi.stubEnv('LOG_LEVEL', 'silent');
}
