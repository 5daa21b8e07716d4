// A usage error says what is wrong before the usage (`admin create --login x` printed only the usage,
// not that --email was missing).

/** "<problem>; <usage>": what is missing or unexpected, then how the command is written. */
export const usageProblem = (problem: string | null, usage: string): string => `${problem ?? 'an argument is empty'}; ${usage}`;

/** What is wrong with a command's subcommand, or null when it is one of `known`. */
export function subcommandProblem(sub: string | undefined, known: string[]): string | null {
  const list = known.length === 1 ? known[0]! : `${known.slice(0, -1).join(', ')} or ${known.at(-1)}`;
  if (sub === undefined) return `a subcommand is required: ${list}`;
  return known.includes(sub) ? null : `unknown subcommand "${sub}" (${list})`;
}

/** Positionals beyond what a command takes, or too few: named. */
export function operandProblem(command: string, got: string[], wanted: string[]): string | null {
  if (got.length < wanted.length) return `${command} requires ${wanted.slice(got.length).join(' ')}`;
  if (got.length > wanted.length) return `unexpected argument "${got[wanted.length]}"`;
  return null;
}
