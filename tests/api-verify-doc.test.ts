// The `sh` examples of docs/api-verify.md run as written against a server on 127.0.0.1 with the
// demo data and its API key (only `B=` is pointed at this server instead of port 3000), each command
// exiting 0 with the output the doc says — so the doc cannot rot while the API moves on. Every
// command of the blocks must have a check below: a new example without one fails this test.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT } from './auth.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOC = path.join(repoRoot, 'docs/api-verify.md');

/** The bodies of the doc's ```sh blocks. */
export function shBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/**
 * A block's commands, one string each: comment and blank lines dropped, lines ending in `\` joined
 * to the next, and a line inside an open single quote (a JSON body over several lines) kept with its
 * command.
 */
export function shCommands(block: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let continued = false;
  for (const line of block.split('\n')) {
    if (!current && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    current += (current ? '\n' : '') + line;
    for (const c of line) if (c === "'") quoted = !quoted;
    continued = line.endsWith('\\');
    if (!quoted && !continued) { out.push(current); current = ''; }
  }
  if (current) out.push(current);
  return out;
}

interface Ran { command: string; code: number; output: string }

const json = (s: string) => JSON.parse(s) as Record<string, unknown> & { results: { status: string }[] };

/** What each command's output must be: the first entry whose pattern matches the command judges it. */
const CHECKS: [RegExp, (output: string, ran: Ran[]) => void][] = [
  [/^B=|^K=/, (o) => expect(o).toBe('')],
  [/"fingerprint":42/, (o) => expect(json(o)).toMatchObject({ status: 400, code: 'invalid_request', errors: [{ field: 'body.items.0.fingerprint' }] })],
  [/^curl -si .*\| head -1$/, (o) => expect(o.trim()).toMatch(/^HTTP\/1\.1 401 /)],
  [/Every outcome|"not-hex"/, (o) => expect(json(o).results.map((r) => r.status)).toEqual(['filed', 'not_filed', 'fingerprint_mismatch', 'revoked', 'invalid'])],
  [/apps" -H "\$K" -H 'content-type: application\/json' \\\n {2}-d '\{"items":\[\{"platform":"android","packageName":"a2dp\.Vol","fingerprint":"C1:CA/,
    (o) => expect(json(o).results).toEqual([expect.objectContaining({ status: 'filed', matchedBy: 'md5', serviceNumber: '粤ICP备2024000001号-2A' })])],
  [/^curl -s -G /, (o) => expect(json(o)).toMatchObject({ status: 'filed', packageName: 'a2dp.Vol', matchedBy: 'md5', serviceNumber: '粤ICP备2024000001号-2A' })],
  [/^printf .*apps\/stream/s, (o) => {
    const lines = o.trim().split('\n').map((l) => JSON.parse(l) as { line: number; status: string; error?: { code: string } });
    expect(lines).toEqual([
      expect.objectContaining({ line: 1, status: 'filed', matchedBy: 'sha1' }),
      expect.objectContaining({ line: 2, status: 'invalid', error: expect.objectContaining({ code: 'line_not_json' }) }),
      expect.objectContaining({ line: 3, status: 'filed', packageName: 'com.example.ledger' }),
    ]);
  }],
  [/numbers\/.*号-2A/, (o) => expect(json(o)).toMatchObject({ kind: 'service', service: { serviceNumber: '粤ICP备2024000001号-2A', status: 'filed', shellSince: null } })],
  [/numbers\/.*号"\)/, (o) => expect(json(o)).toMatchObject({ kind: 'subject', subject: { mainNumber: '粤ICP备2024000001号', status: 'filed', services: expect.arrayContaining([expect.objectContaining({ serviceNumber: '粤ICP备2024000001号-2A' })]) } })],
  [/subjects\?uscc=/, (o) => expect(json(o)).toMatchObject({ uscc: '91440300MA5DEM0X17', items: [{ mainNumber: '粤ICP备2024000001号', hostName: '深圳市示例网络科技有限公司' }] })],
  [/-F file=@/, (o) => expect(json(o)).toMatchObject({ analysis: { kind: 'package', platform: 'android', packageName: 'a2dp.Vol' }, verification: { status: 'filed', signers: [{ status: 'filed', matchedBy: 'sha256' }] } })],
  [/^SUB=\$\(curl .*webhooks/, (o) => expect(o).toBe('')],
  [/^echo "\$SUB"/, (o) => expect(json(o)).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), url: 'https://hooks.example.cn/beian', createdAt: expect.any(String), secret: expect.any(String) })],
  [/^ID=\$\(echo "\$SUB"/, (o) => expect(o).toBe('')],
  [/^curl -s "\$B\/api\/verify\/v1\/webhooks" -H "\$K"$/, (o, ran) => {
    const id = json(ran.find((r) => r.command.startsWith('echo "$SUB"'))!.output).id;
    expect(json(o)).toMatchObject({ items: [{ id, url: 'https://hooks.example.cn/beian', createdAt: expect.any(String) }] });
    expect(o).not.toContain('secret');
  }],
  [/-X DELETE/, (o) => expect(o.trim()).toBe('204')],
];

/**
 * Runs the commands as one bash script (variables carry from one command to the next), each followed
 * by a marker with its exit status, so every command's status and output are known.
 */
async function runCommands(commands: string[], base: string): Promise<Ran[]> {
  const marker = '@@beian-doc-command-end';
  const script = ['set -o pipefail', ...commands.flatMap((c) => [
    c.startsWith('B=') ? `B=${base}` : c,
    `printf '\\n${marker} %s\\n' "$?"`,
  ])].join('\n');
  const stdout = await new Promise<string>((resolve, reject) => {
    // Asynchronously: the server answering these commands runs in this very process.
    execFile('bash', ['-c', script], { cwd: repoRoot, timeout: 120_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}` } },
      (err, out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(out)));
  });
  const parts = stdout.split(new RegExp(`\\n?${marker} (\\d+)\\n`));
  const ran: Ran[] = [];
  for (let i = 0; i < commands.length; i++) ran.push({ command: commands[i]!, output: parts[2 * i] ?? '', code: Number(parts[2 * i + 1] ?? -1) });
  return ran;
}

describe('docs/api-verify.md: the curl examples run as written', () => {
  let a: AuthTestApp;
  let base: string;
  beforeAll(async () => {
    a = await authTestApp();
    await a.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}`;
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('splits a block into its commands: continued lines, quoted bodies over several lines, comments left out', () => {
    expect(shCommands("# c\nA=1\ncurl -s x \\\n  -d '{\"a\":[\n  1]}'\n\necho 'x' | head -1   # trailing\n")).toEqual([
      'A=1', "curl -s x \\\n  -d '{\"a\":[\n  1]}'", "echo 'x' | head -1   # trailing",
    ]);
  });

  it('each command of every sh block exits 0 and answers what the doc says', async () => {
    const blocks = shBlocks(readFileSync(DOC, 'utf8'));
    expect(blocks.length).toBeGreaterThan(0);
    const commands = blocks.flatMap(shCommands);
    // Pointed at this server: the doc's `B=` is the demo's address.
    expect(commands).toContain('B=http://127.0.0.1:3000');
    expect(commands).toContain('K="Authorization: Bearer demo-platform-key"');
    const ran = await runCommands(commands, base);
    for (const r of ran) {
      expect({ command: r.command, code: r.code }).toEqual({ command: r.command, code: 0 });
      const check = CHECKS.find(([pattern]) => pattern.test(r.command));
      expect(check, `no check for the documented command:\n${r.command}`).toBeDefined();
      try { check![1](r.output, ran); } catch (err) {
        throw new Error(`${r.command}\n→ ${r.output.slice(0, 2000)}\n${(err as Error).message}`);
      }
    }
  }, 180_000);
});
