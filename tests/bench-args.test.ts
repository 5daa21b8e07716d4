// Every benchmark answers --help with what it measures and how to run it (its opening comment),
// and an option it does not know with one line and exit code 2 — not a stack trace.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openingComment } from '../bench/args.ts';

const BENCHES = readdirSync('bench').filter((f) => f.endsWith('.ts') && readFileSync(`bench/${f}`, 'utf8').includes('benchArgs(import.meta.url'));

function run(file: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`, ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('benchmarks’ command lines', () => {
  it('every benchmark that takes options reads them through benchArgs', () => {
    const raw = readdirSync('bench').filter((f) => f.endsWith('.ts') && /\bparseArgs(<\w+>)?\(/.test(readFileSync(`bench/${f}`, 'utf8')));
    expect(raw).toEqual(['args.ts']);
    expect(BENCHES.length).toBeGreaterThanOrEqual(10);
  });

  it('openingComment takes the // lines a file opens with', () => {
    expect(openingComment('// one\n//\n//   two\nimport x;\n// not this')).toBe('one\n\n  two');
  });

  it.each(['import.ts', 'verify.ts', 'generate.ts'])('bench/%s --help prints its opening comment and touches nothing', (file) => {
    const r = run(file, '--help');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(openingComment(readFileSync(`bench/${file}`, 'utf8')).trim());
    expect(r.stdout.length).toBeGreaterThan(100);
  }, 60_000);

  it('an unknown option is one line on stderr and exit code 2', () => {
    const r = run('import.ts', '--servics', '10');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("bench/import.ts: Unknown option '--servics'; see --help\n");
  }, 60_000);
});
