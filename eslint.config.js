// Lint rules, including the import direction of ARCHITECTURE.md:
// domain ← flows ← api; src/domain and src/analyzer import nothing else of ours.
import tseslint from 'typescript-eslint';

const ours = ['db', 'api', 'flows', 'notify', 'cli', 'web', 'domain', 'analyzer'];
const forbidOurs = (allowed) => ours
  .filter((d) => !allowed.includes(d))
  .flatMap((d) => [`../${d}/**`, `../../${d}/**`, `../../../${d}/**`]);

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'coverage/**', 'test-artifacts/**', 'src/web/dist/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...forbidOurs(['domain']), '**/config', '**/config.ts'], message: 'src/domain is pure: it imports nothing else of ours.' },
          { group: ['node:fs*', 'node:net', 'node:http*', 'node:child_process', 'pg', '@electric-sql/*', 'fastify*', 'pino'], message: 'src/domain does no I/O.' },
        ],
      }],
    },
  },
  {
    files: ['src/analyzer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...forbidOurs(['analyzer']), '**/config', '**/config.ts'], message: 'src/analyzer is self-contained: it imports nothing else of ours.' },
        ],
      }],
    },
  },
  {
    files: ['src/flows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: forbidOurs(['domain', 'db', 'flows', 'notify', 'analyzer']), message: 'flows use domain and db, never api/web/cli.' }],
      }],
    },
  },
  {
    files: ['src/db/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: forbidOurs(['domain', 'db']), message: 'db knows only the domain types.' }],
      }],
    },
  },
  {
    files: ['src/web/**/*.ts', 'src/web/**/*.tsx'],
    ignores: ['src/web/**/*.test.ts'], // tests run in Node and may read the sources
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: [...forbidOurs(['web', 'domain']), '**/config', '**/config.ts', 'node:*', 'fastify*', 'pg', '@electric-sql/*'], message: 'src/web imports only shared contracts (pure src/domain); never server code.' }],
      }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only src/config.ts reads process.env.' }],
    },
  },
);
