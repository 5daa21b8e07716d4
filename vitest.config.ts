import { defineConfig } from 'vitest/config';

// Tests run against a real database: PGlite by default, a PostgreSQL server when
// DATABASE_URL is set (see tests/db.ts). Files run in separate forks; two workers fit
// the 2-core machines this project is built and tested on.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    // The browser journeys (tests/e2e) need the web app built; this builds it when stale.
    globalSetup: ['tests/e2e/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
