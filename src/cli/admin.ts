// `beian admin create --login <login> --email <email> [--name <display name>] [--password-stdin]`
// (issue 12 part 2; ADR 0012): the first ministry administrator of a deployment that starts from
// nothing. Contract scripts depend on: the LAST line of standard output is exactly
// `password: <password>` (the generated one-time password); with --password-stdin the first
// line of standard input is the password and no password is printed. Either way the first
// sign-in must set a new password. A login that exists, or bad input: one line, exit 2.
//
// `beian admin reset-password --login <login> [--password-stdin]`: a new one-time password on a
// staff account (administrators included), for when nobody can sign in to do it in the
// application (POST /api/admin/users/{id}/password); the same contract for the last line and
// --password-stdin. Sessions end, the sign-in lock lifts, the next sign-in must set a new
// password. An unknown login, a host account or bad input: one line, exit 2.
import { parseArgs } from 'node:util';
import { config } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openStorage } from '../db/open.ts';
import { NamedError } from '../domain/errors.ts';
import { HostPasswordResetError, LoginTakenError, UserNotFoundError } from '../flows/account-errors.ts';
import { createAdministrator, validateAdministrator } from '../flows/create-administrator.ts';
import { resetUserPassword } from '../flows/reset-user-password.ts';
import { SYSTEM_ACTOR } from '../domain/actors.ts';
import { subcommandProblem, usageProblem } from './usage.ts';

export interface AdminIo { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; stdin: NodeJS.ReadableStream }

export class AdminUsageError extends Error {}

export const ADMIN_USAGE = 'usage: beian admin create --login <login> --email <email> [--name <display name>] [--password-stdin]'
  + ' | beian admin reset-password --login <login> [--password-stdin]';

/** What is wrong with an admin command line that is neither a whole create nor a whole reset-password. */
function adminProblem(positionals: string[], values: { login?: string; email?: string; name?: string }): string {
  const sub = subcommandProblem(positionals[0], ['create', 'reset-password']);
  if (sub) return sub;
  if (positionals.length > 1) return `unexpected argument "${positionals[1]}"`;
  const command = positionals[0]!;
  const missing = (command === 'create' ? ['login', 'email'] as const : ['login'] as const).filter((o) => !values[o]);
  if (missing.length) return `admin ${command} requires ${missing.map((o) => `--${o}${values[o] === '' ? ' (given empty)' : ''}`).join(' and ')}`;
  const extra = (['email', 'name'] as const).filter((o) => values[o] !== undefined);
  return `admin ${command} takes no ${extra.map((o) => `--${o}`).join(' or ')}`;
}

/** The first line of standard input, without its line ending. */
async function firstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += chunk.toString();
    if (text.includes('\n') || text.length > 4096) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

export async function adminCommand(args: string[], io: AdminIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { login: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
  });
  const command = positionals.length === 1 ? positionals[0] : undefined;
  if (command === 'reset-password' && values.login && values.email === undefined && values.name === undefined) {
    return resetPassword(values.login, values['password-stdin'] ? await passwordFromStdin(io) : undefined, io);
  }
  if (command !== 'create' || !values.login || !values.email) throw new AdminUsageError(usageProblem(adminProblem(positionals, values), ADMIN_USAGE));
  const password = values['password-stdin'] ? await passwordFromStdin(io) : undefined;
  const input = { login: values.login, email: values.email, displayName: values.name, password };
  try { validateAdministrator(input); } catch (err) { throw explained(err, values.login); }
  const cfg = config();
  const storage = await openStorage(cfg);
  try {
    await migrate(storage.db);
    const created = await createAdministrator({ db: storage.db, sealer: storage.sealer, now: () => new Date(), publicUrl: cfg.publicUrl }, input)
      .catch((err: unknown) => { throw explained(err, values.login!); });
    io.stdout.write([
      `created ministry administrator "${created.login}" of ${created.organisationName}`,
      `sign in at ${cfg.publicUrl}/login; the first sign-in must set a new password before anything else`,
      ...(created.generated ? [`password: ${created.password}`] : []),
    ].join('\n') + '\n');
  } finally { await storage.close(); }
  return 0;
}

/** --password-stdin's password: the first line of standard input. */
async function passwordFromStdin(io: AdminIo): Promise<string> {
  const password = await firstLine(io.stdin);
  if (!password) throw new AdminUsageError('--password-stdin: standard input has no password on its first line');
  return password;
}

async function resetPassword(login: string, password: string | undefined, io: AdminIo): Promise<number> {
  const cfg = config();
  const storage = await openStorage(cfg);
  try {
    await migrate(storage.db);
    const done = await resetUserPassword({ db: storage.db, sealer: storage.sealer, now: () => new Date(), publicUrl: cfg.publicUrl }, SYSTEM_ACTOR, { login }, password)
      .catch((err: unknown) => {
        if (err instanceof UserNotFoundError) {
          // Hosts sign in with their mobile or email and reset their own password by SMS code; only staff have logins.
          const hint = /@|^1\d{10}$/.test(login.trim()) ? '; hosts reset their own password with a code sent to their mobile (the sign-in page\'s "forgot password")' : '';
          throw new AdminUsageError(`no staff account with login "${login.trim().toLowerCase()}" (nothing was changed)${hint}`);
        }
        if (err instanceof HostPasswordResetError) throw new AdminUsageError(`"${login.trim().toLowerCase()}" is a host account: hosts reset their password with a code sent to their mobile`);
        throw explained(err, login);
      });
    io.stdout.write([
      `set a new one-time password on "${done.login}"; its sessions ended and its sign-in lock (if any) was lifted`,
      `sign in at ${cfg.publicUrl}/login; the next sign-in must set a new password before anything else`,
      ...(done.generated ? [`password: ${done.password}`] : []),
    ].join('\n') + '\n');
  } finally { await storage.close(); }
  return 0;
}

/** The flow's named errors as one readable line. */
function explained(err: unknown, login: string): unknown {
  if (err instanceof LoginTakenError) return new AdminUsageError(`login "${login.trim().toLowerCase()}" exists; choose another (nothing was created)`);
  if (err instanceof NamedError && err.errors.length) {
    return new AdminUsageError(err.errors.map((e) => `--${e.field === 'displayName' ? 'name' : e.field}: ${e.message}`).join('; '));
  }
  return err;
}
