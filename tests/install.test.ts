// What a new user's `npm install` (README's first command) prints about our dependencies: no
// EBADENGINE warning for a package that wants a newer Node than package.json's `engines` allows, and
// no npm 11 "install-scripts … not yet covered by allowScripts" warning (ADR 0041). Read from
// package-lock.json, which is what that install resolves.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; hasInstallScript?: boolean; optional?: boolean }>;
};
// semver is what npm itself decides EBADENGINE with (a dependency of fastify and npm; no types of its own here).
const semver = createRequire(import.meta.url)('semver') as { minVersion(range: string): { version: string }; satisfies(v: string, range: string): boolean };
const nameOf = (key: string) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('npm install on the oldest Node package.json allows', () => {
  const oldest = semver.minVersion(pkg.engines.node).version;

  it(`installs no package that wants a newer Node than ${oldest} (npm's EBADENGINE warning)`, () => {
    const wanting = Object.entries(lock.packages)
      .filter(([key, p]) => key && !Array.isArray(p.engines) && p.engines?.node && !semver.satisfies(oldest, p.engines.node))
      .map(([key, p]) => `${nameOf(key)}@${p.version} wants node ${(p.engines as { node: string }).node}`);
    expect(wanting).toEqual([]);
  });

  it('names every dependency with an install script in allowScripts, approved or denied (npm 11 warns about the others and skips them)', () => {
    const withScripts = [...new Set(Object.entries(lock.packages).filter(([key, p]) => key && p.hasInstallScript).map(([key]) => nameOf(key)))];
    expect(withScripts.length).toBeGreaterThan(0);
    expect(withScripts.filter((name) => !(name in (pkg.allowScripts ?? {})))).toEqual([]);
    // The two whose scripts matter are approved: argon2's (node-gyp-build: the prebuilt binary, or a build) and esbuild's (its binary).
    expect(pkg.allowScripts).toMatchObject({ argon2: true, esbuild: true });
  });
});
