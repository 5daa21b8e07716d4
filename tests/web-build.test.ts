// The web app's build is the production one whoever runs it: the browser journeys' global setup builds it under the
// test runner (NODE_ENV 'test'), and `npm start` then serves that build as long as its inputs are unchanged.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../scripts/build-web.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = mkdtempSync(path.join(tmpdir(), 'beian-web-build-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('web build', () => {
  it('is the production build under the test runner too: no development JSX, no paths of this checkout', async () => {
    expect(process.env.NODE_ENV).toBe('test');
    await buildWeb({ outDir: out, quiet: true });
    expect(process.env.NODE_ENV).toBe('test'); // restored
    const scripts = readdirSync(path.join(out, 'assets')).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(3);
    const code = scripts.map((f) => readFileSync(path.join(out, 'assets', f), 'utf8')).join('\n');
    expect(code.includes('jsxDEV'), 'development JSX in the build').toBe(false);
    expect(code.includes(path.join(root, 'src/web')), 'source paths in the build').toBe(false);
    expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toMatch(/<script type="module"[^>]+src="\/assets\/index-/);
  }, 240_000);
});
