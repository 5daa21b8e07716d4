// `beian analyze FILE [--json]` (issue 4 §6; scripts depend on this contract, keep it stable):
//   --json   one JSON object (the analyzer's AnalysisResult, or CertificateAnalysis for a
//            certificate file) on stdout, exit 0 — warnings (even `unsigned`) do not change it;
//   default  a readable summary with the values to paste into a filing form (DOMAIN.md §2.4);
//   a file that cannot be read or analyzed exits 2 with ONE line on stderr naming the problem.
//   `--` ends the options, so a file named `-x.apk` can be given.
// The clock is read here, at the boundary, and handed to the analyzer (house rule 8).
import {
  analyzeFile, isAnalyzerError, type AnalysisResult, type CertificateAnalysis, type CertificateInfo, type ProfileInfo,
} from '../analyzer/index.ts';

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = 'usage: beian analyze [--json] [--] FILE   (FILE: an .apk, .ipa or .hap package, or a signing certificate: '
  + 'DER/PEM .cer/.crt/.pem, PKCS#7 .p7b or a v1 .RSA/.DSA/.EC)';

export async function analyzeCommand(args: string[], io: CommandIo): Promise<number> {
  const end = args.indexOf('--');
  const options = end < 0 ? args : args.slice(0, end);
  const operands = end < 0 ? [] : args.slice(end + 1);
  const json = options.includes('--json');
  if (options.includes('--help') || options.includes('-h')) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = options.find((a) => a.startsWith('-') && a !== '--json');
  const files = [...options.filter((a) => !a.startsWith('-')), ...operands];
  if (unknown || files.length !== 1) {
    io.stderr.write(`beian analyze: ${unknown ? `unknown option ${unknown}` : 'expected exactly one FILE'}. ${USAGE}\n`);
    return 2;
  }
  const file = files[0] as string;
  let result: AnalysisResult | CertificateAnalysis;
  try {
    result = await analyzeFile(file, { now: new Date() });
  } catch (err) {
    const line = isAnalyzerError(err) ? `${err.code}: ${err.message}` : `internal error: ${(err as Error).message}`;
    io.stderr.write(`beian analyze: ${file}: ${oneLine(line)}\n`);
    return isAnalyzerError(err) ? 2 : 1;
  }
  io.stdout.write(json ? `${JSON.stringify(result)}\n` : result.kind === 'certificate' ? certificateSummary(result) : summary(result));
  return 0;
}

const PLATFORM = { android: 'Android 安卓', ios: 'iOS', harmonyos: 'HarmonyOS 鸿蒙' } as const;

// Filing consoles label the fingerprint field "MD5签名值" on every platform, but want the MD5 for
// Android, the SHA-1 for iOS and the SHA-256 family for HarmonyOS (DOMAIN.md §2.4).
const SIGNATURE_LABEL = {
  android: '签名MD5 Signature MD5',
  ios: '签名SHA-1 Certificate SHA-1',
  harmonyos: '签名SHA-256 Certificate SHA-256',
} as const;

function summary(r: AnalysisResult): string {
  const out: string[] = [];
  const row = (label: string, value: string, indent = '') => out.push(`${indent}${pad(label, 33 - indent.length)} ${value}`);
  row('平台 Platform:', PLATFORM[r.platform]);
  row('包名 Package name:', r.packageName);
  row('应用名称 App name:', r.appName ?? '—');
  row('版本 Version:', `${r.versionName ?? '—'} (${r.versionCode ?? '—'})`);
  out.push('', '备案填写 Values for the filing form');
  row('包名 Package name:', r.filing.packageName, '  ');
  row('公钥 Public key:', r.filing.publicKey ?? '— (未签名 unsigned)', '  ');
  row(`${SIGNATURE_LABEL[r.platform]}:`, r.filing.signature ?? '— (未签名 unsigned)', '  ');
  if (r.filing.signature) row('', colons(r.filing.signature), '  ');
  if (r.platform === 'ios') out.push('  (iOS 表单的“MD5签名值”请填写证书 SHA-1 / the form\'s "MD5" field takes the certificate SHA-1)');
  r.signers.forEach((s, i) => {
    out.push('', `签名证书 Signing certificate ${i + 1} of ${r.signers.length} (${s.schemes.join(', ')})`);
    certificateRows(s.certificate, row);
  });
  if (r.profile) profileRows(r.profile, r.platform === 'ios' ? '描述文件 Provisioning profile' : '签名描述文件 Signing profile', out, row);
  warningRows(r.warnings, out);
  return `${out.join('\n')}\n`;
}

function certificateSummary(r: CertificateAnalysis): string {
  const out: string[] = [];
  const row = (label: string, value: string, indent = '') => out.push(`${indent}${pad(label, 33 - indent.length)} ${value}`);
  row('文件 File:', `证书 Certificate (${r.format === 'pkcs7' ? 'PKCS#7' : r.format.toUpperCase()})`);
  out.push('', '备案填写 Values for the filing form');
  row('公钥 Public key:', r.certificate.publicKey.hex, '  ');
  row('签名MD5 (Android):', r.certificate.md5, '  ');
  row('签名SHA-1 (iOS):', r.certificate.sha1, '  ');
  row('签名SHA-256 (HarmonyOS):', r.certificate.sha256, '  ');
  out.push('  (iOS 表单的“MD5签名值”请填写证书 SHA-1 / the form\'s "MD5" field takes the certificate SHA-1 for iOS)');
  out.push('', '证书 Certificate');
  certificateRows(r.certificate, row);
  warningRows(r.warnings, out);
  return `${out.join('\n')}\n`;
}

function profileRows(p: ProfileInfo, title: string, out: string[], row: (label: string, value: string, indent?: string) => void): void {
  out.push('', title);
  const rows: [string, string | null][] = [
    ['类型 Type:', p.type], ['名称 Name:', p.name], ['UUID:', p.uuid], ['团队 ID Team ID:', p.teamId], ['团队 Team name:', p.teamName],
    ['应用标识 App identifier:', p.applicationIdentifier], ['包名 Bundle name:', p.bundleName], ['开发者 Developer ID:', p.developerId],
    ['签发者 Issuer:', p.issuer], ['有效期 Valid:', p.notBefore || p.notAfter ? `${p.notBefore ?? '—'} → ${p.notAfter ?? '—'}` : null],
  ];
  for (const [label, value] of rows) if (value !== null) row(label, value, '  ');
  for (const c of p.certificates) {
    row('证书 Certificate:', c.subject, '  ');
    row('', `SHA-256 ${c.sha256}`, '  ');
  }
}

function warningRows(warnings: { code: string; message: string }[], out: string[]): void {
  if (warnings.length === 0) return;
  out.push('', '警告 Warnings');
  for (const w of warnings) out.push(`  ! [${w.code}] ${w.message}`);
}

function certificateRows(c: CertificateInfo, row: (label: string, value: string, indent?: string) => void): void {
  row('主体 Subject:', c.subject, '  ');
  row('颁发者 Issuer:', c.issuer, '  ');
  row('序列号 Serial number:', c.serialNumber, '  ');
  row('有效期 Valid:', `${c.notBefore} → ${c.notAfter}`, '  ');
  row('公钥算法 Key:', `${c.publicKey.algorithm} ${c.publicKey.bits ?? '?'} bit${c.publicKey.curve ? ` (${c.publicKey.curve})` : ''}`, '  ');
  row('签名算法 Signature algorithm:', c.signatureAlgorithm, '  ');
  row('公钥 SHA-256 Key SHA-256:', c.publicKey.spkiSha256, '  ');
  for (const [label, value] of [['MD5:', c.md5], ['SHA-1:', c.sha1], ['SHA-256:', c.sha256]] as const) {
    row(label, value, '  ');
    row('', colons(value), '  ');
  }
}

/** `c1cabe8a…` → `C1:CA:BE:8A:…`, as keytool prints fingerprints and many consoles expect them. */
export function colons(hex: string): string {
  return hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/** Pads to a terminal column, counting CJK characters as two columns wide. */
function pad(label: string, width: number): string {
  let columns = 0;
  for (const ch of label) columns += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return label + ' '.repeat(Math.max(0, width - columns));
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
