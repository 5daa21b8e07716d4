// The reference tools the analyzer is checked against. They come from Debian packages; a missing
// one makes the tests fail (never skip) with the exact package to install.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const FRAMEWORK_RES = '/usr/share/android-framework-res/framework-res.apk';

/** Tool → Debian package (bookworm) that provides it. */
export const DEBIAN_PACKAGES: Record<string, string> = {
  keytool: 'openjdk-17-jre-headless',
  jarsigner: 'openjdk-17-jdk-headless',
  apksigner: 'apksigner',
  aapt: 'aapt',
  openssl: 'openssl',
  [FRAMEWORK_RES]: 'android-framework-res',
};

function onPath(tool: string): boolean {
  if (tool.startsWith('/')) return existsSync(tool);
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool]).status === 0;
}

/** Throws one message listing every missing tool and the apt-get line that installs them. */
export function requireTools(tools: string[]): void {
  const missing = tools.filter((t) => !onPath(t));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((t) => DEBIAN_PACKAGES[t] ?? t))];
  throw new Error(`reference tools missing: ${missing.join(', ')}. Install them with: apt-get install -y ${packages.join(' ')}`);
}

export interface RunResult { stdout: string; stderr: string }

export async function run(tool: string, args: string[], options: { cwd?: string; allowFailure?: boolean } = {}): Promise<RunResult> {
  requireTools([tool]);
  try {
    const { stdout, stderr } = await execFileAsync(tool, args, { cwd: options.cwd, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    return { stdout, stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    if (options.allowFailure) return { stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}
