// Ctrl-C (SIGINT) or a `kill` (SIGTERM) while the database opens — the embedded one takes seconds —
// exited 130 with no word: the import's message is printed then too, saying nothing is committed yet.
// The database never opens here (openStorage stays pending), so the moment is not a matter of timing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

let opened: () => void = () => {};
vi.mock('../db/open.ts', () => ({ openStorage: () => new Promise(() => { opened(); }) }));
// Whatever database the environment names (DATABASE_URL on PostgreSQL runs): it is never opened here.
vi.mock('../config.ts', () => ({ config: () => ({}) }));

const { importCommand } = await import('./import.ts');

describe('beian import interrupted while the database opens', () => {
  afterEach(() => { vi.restoreAllMocks(); });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`says so on ${signal} and exits ${code}`, async () => {
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'beian-import-sig-')), 'f.ndjson');
      writeFileSync(file, '{}\n');
      let stderr = '';
      const io = {
        stdout: { write: () => true } as unknown as NodeJS.WritableStream,
        stderr: { write: (c: string | Uint8Array) => { stderr += c.toString(); return true; } } as unknown as NodeJS.WritableStream,
      };
      const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
      const opening = new Promise<void>((resolve) => { opened = resolve; });
      const running = importCommand([file, '--quiet'], io);
      await Promise.race([opening, running.then(() => { throw new Error('the import ended before the database opened'); })]);
      const added = (s: 'SIGINT' | 'SIGTERM') => process.listeners(s).filter((l) => !before[s].includes(l));
      const mine = added(signal);
      expect(mine).toHaveLength(1);
      const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
      (mine[0] as (s: NodeJS.Signals) => void)(signal);
      for (const s of ['SIGINT', 'SIGTERM'] as const) for (const l of added(s)) process.removeListener(s, l);
      expect(exit).toHaveBeenCalledWith(code);
      expect(stderr).toContain('interrupted while opening the database: this run committed nothing; run the same command');
    });
  }
});
