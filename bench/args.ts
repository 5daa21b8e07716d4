// Command-line options of the benchmarks: node:util's parseArgs, plus `--help` (the file's opening
// comment, which says what it measures and how to run it) and a one-line message with exit code 2
// for an option it does not know, instead of a stack trace.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The `//` comment lines a file opens with, without their markers. */
export function openingComment(source: string): string {
  const lines: string[] = [];
  for (const line of source.split('\n')) {
    if (!line.startsWith('//')) break;
    lines.push(line.replace(/^\/\/ ?/, ''));
  }
  return lines.join('\n');
}

export function benchArgs<T extends ParseArgsConfig>(moduleUrl: string, config: T): ReturnType<typeof parseArgs<T>> {
  const file = fileURLToPath(moduleUrl);
  const argv = config.args ?? process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${openingComment(readFileSync(file, 'utf8'))}\n`);
    process.exit(0);
  }
  try {
    return parseArgs<T>(config);
  } catch (e) {
    process.stderr.write(`bench/${path.basename(file)}: ${(e as Error).message}; see --help\n`);
    process.exit(2);
  }
}
