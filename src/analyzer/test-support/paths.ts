// Where tests find things. CI clones the repository into another folder with a copy of shared/
// beside it, so fixtures are always `../shared/…` relative to the repository root.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const fixturesDir = path.resolve(repoRoot, '../shared/fixtures/packages');
export const fixture = (name: string): string => path.join(fixturesDir, name);
