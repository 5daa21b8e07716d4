// README's first steps as a new user pastes them. Defect: its development-SMS example asked for the
// messages of 13912340000 — a violation report's contact in the demo, who gets no SMS — so a new user
// saw `{"items":[]}` and no code.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_HOST_MOBILE } from '../src/db/seed/demo.ts';

const README = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');

describe('README', () => {
  it('reads the development SMS inbox of the demo host, whose applications get SMS codes and notices', () => {
    const asked = [...README.matchAll(/dev-sms\?mobile=(\d+)/g)].map((m) => m[1]);
    expect(asked.length).toBeGreaterThan(0);
    for (const mobile of asked) expect(mobile).toBe(DEMO_HOST_MOBILE);
  });
});
