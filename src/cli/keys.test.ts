// `beian keys status | rotate | drop` through main() on an embedded data folder (the key file in
// it): rotate adds a key, is interrupted (--max-batches), drop is refused while the old key seals
// anything, rotate resumes, then drop succeeds. The re-sealing itself on both backends:
// tests/key-rotation.test.ts. main() reads its configuration once per process, hence this file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stubEmbeddedEnv } from '../../tests/cli-env.ts';
import { SETUP_TIMEOUT } from '../../tests/auth.ts';
import { main } from './main.ts';

const root = mkdtempSync(path.join(tmpdir(), 'beian-keys-'));
const dataDir = path.join(root, 'data');
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let out = ''; let err = '';
  const stdout = { write: (c: string | Uint8Array) => { out += c.toString(); return true; } } as unknown as NodeJS.WritableStream;
  const stderr = { write: (c: string | Uint8Array) => { err += c.toString(); return true; } } as unknown as NodeJS.WritableStream;
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: out, stderr: err };
}

const counts = (text: string) => Object.fromEntries([...text.matchAll(/^(k\d+) (\d+) (current|old|not configured)$/gm)].map((m) => [m[1], [Number(m[2]), m[3]]]));
const keyIds = () => (JSON.parse(readFileSync(path.join(dataDir, 'keys.json'), 'utf8')) as { dataKeys: { id: string }[] }).dataKeys.map((k) => k.id);

beforeAll(() => {
  stubEmbeddedEnv(dataDir);
});
afterAll(() => { vi.unstubAllEnvs(); });

describe('beian keys', () => {
  it('rotates, resumes, and drops the old key only once it seals nothing', { timeout: 4 * SETUP_TIMEOUT }, async () => {
    expect((await run('seed', '--demo')).code).toBe(0);
    const s0 = await run('keys', 'status');
    expect(s0.code).toBe(0);
    const total = (counts(s0.stdout).k1 as [number, string])[0];
    expect(counts(s0.stdout)).toEqual({ k1: [total, 'current'] });
    expect(total).toBeGreaterThan(20);
    expect(s0.stdout).toMatch(/^every value is sealed under k1$/m);

    const r1 = await run('keys', 'rotate', '--batch-size', '5', '--max-batches', '2');
    expect(r1.code, r1.stderr).toBe(0);
    const stopped = /^added data key k2\nstopped after (\d+) values; (\d+) remain under older keys: run beian keys rotate again to resume\n$/.exec(r1.stdout);
    expect(stopped, r1.stdout).not.toBeNull();
    const done = Number(stopped![1]);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThanOrEqual(10); // 2 batches of at most 5
    expect(Number(stopped![2])).toBe(total - done);
    expect(r1.stderr).toMatch(/re-sealing \[/);
    expect(keyIds()).toEqual(['k2', 'k1']);
    expect(counts((await run('keys', 'status')).stdout)).toEqual({ k2: [done, 'current'], k1: [total - done, 'old'] });

    const refused = await run('keys', 'drop', 'k1');
    expect(refused).toEqual({ code: 2, stdout: '', stderr: `beian keys: refused: k1 still seals ${total - done} values; run beian keys rotate first\n` });
    expect((await run('keys', 'drop', 'k2')).stderr).toBe('beian keys: refused: k2 is the current key\n');
    expect((await run('keys', 'drop', 'k9')).code).toBe(2);
    expect((await run('keys', 'rotate', '--batch-size', '0')).stderr).toMatch(/--batch-size must be a positive whole number/);
    expect((await run('keys', 'spin')).code).toBe(2);

    const r2 = await run('keys', 'rotate', '--batch-size', '7');
    expect(r2.stdout).toBe(`re-sealed ${total - done} values; every value is sealed under k2\n`);
    const s2 = await run('keys', 'status');
    expect(counts(s2.stdout)).toEqual({ k2: [total, 'current'], k1: [0, 'old'] });
    expect(s2.stdout).toMatch(/k1 seals nothing and can be removed \(beian keys drop <id>\)/);

    expect(await run('keys', 'drop', 'k1')).toEqual({ code: 0, stdout: 'dropped data key k1\n', stderr: '' });
    expect(keyIds()).toEqual(['k2']);
    // (That every value opens with the new key alone, unchanged: tests/key-rotation.test.ts.)
    const s3 = await run('keys', 'status');
    expect(counts(s3.stdout)).toEqual({ k2: [total, 'current'] });
    // A new rotation starts with a new key again.
    const r3 = await run('keys', 'rotate');
    expect(r3.stdout).toBe(`added data key k3\nre-sealed ${total} values; every value is sealed under k3\n`);

    // The key sealing everything is missing from the configuration: nothing can be opened — exit 1, saying which.
    const file = path.join(dataDir, 'keys.json');
    const saved = readFileSync(file, 'utf8');
    const keys = JSON.parse(saved) as { dataKeys: { id: string; key: string }[]; hashKey: string };
    writeFileSync(file, JSON.stringify({ ...keys, dataKeys: [{ id: 'k9', key: Buffer.alloc(32, 9).toString('base64') }] }));
    try {
      const lost = await run('keys', 'status');
      expect(lost.code).toBe(1);
      expect(counts(lost.stdout)).toEqual({ k9: [0, 'current'], k3: [total, 'not configured'] });
      expect(lost.stdout).toMatch(new RegExp(`^${total} values are sealed under k3, which is not configured: they cannot be opened`, 'm'));
    } finally { writeFileSync(file, saved); }
  });
});
