// `beian audit verify`: checks the transparency log against the database (src/tlog/audit.ts).
// Exit 0 when everything verifies, 1 naming each first fault, 2 on a usage or setup error.
import { config } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openStorage } from '../db/open.ts';
import { auditLog } from '../tlog/audit.ts';
import type { Io } from './main.ts';
import { UsageError } from './main.ts';
import { operandProblem, subcommandProblem, usageProblem } from './usage.ts';

export async function auditCommand(args: string[], io: Io): Promise<number> {
  if (args[0] !== 'verify' || args.length !== 1) {
    throw new UsageError(usageProblem(subcommandProblem(args[0], ['verify']) ?? operandProblem('audit verify', args.slice(1), []), 'usage: beian audit verify'));
  }
  const storage = await openStorage(config());
  try {
    await migrate(storage.db);
    const r = await auditLog(storage.db, storage.log);
    if (r.problems.length) {
      for (const p of r.problems) io.stdout.write(`audit verify: ${p}\n`);
      io.stdout.write(`audit verify: FAILED (${r.leaves} leaves, ${r.heads} signed tree heads checked)\n`);
      return 1;
    }
    io.stdout.write(`audit verify: ok — ${r.leaves} leaves, ${r.heads} signed tree heads, root ${r.root}`
      + `${r.pending ? `; ${r.pending} history rows not yet sequenced` : ''}\n`);
    return 0;
  } finally { await storage.close(); }
}
