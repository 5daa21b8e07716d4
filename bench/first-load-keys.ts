// Memory and time of a first load's in-memory keys (src/db/first-load.ts, ADR 0032 addendum) at
// the shape of bench/import.ts's file: per 1,000,000 services ~547,000 subjects (main numbers,
// certificates, serials, host emails) and ~815,000 active packages.
//
//   npx tsx bench/first-load-keys.ts --services 1000000
import { benchArgs } from './args.ts';
import { FirstLoadKeys } from '../src/db/first-load.ts';
import type { StagedLine } from '../src/db/bulk-import.ts';

const { values } = benchArgs(import.meta.url, { options: { services: { type: 'string', default: '1000000' } } });
const N = Number(values.services);
const subjects = Math.round(N * 0.547);
const before = process.memoryUsage().arrayBuffers;
const keys = new FirstLoadKeys();
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const s = Math.floor((i * subjects) / N);
  const main = `粤ICP备2017${String(s).padStart(6, '0')}号`;
  const line = {
    line: i + 1, serviceNumber: `${main}-${i}A`, sequence: i,
    subject: { mainNumber: main, certType: 'uscc', certHash: `cert-hash-${s}-aaaaaaaaaaaaaaaaaaaaaaaaaaaa`, provinceCode: '440000', year: 2017, serial: s,
      principal: { emailHash: `email-hash-${s}-aaaaaaaaaaaaaaaaaaaaaaaaaaa` } },
    platforms: i % 5 === 4 ? [] : [{ active: true, platform: 'android', packageName: `com.example.app${i}` }],
  } as unknown as StagedLine;
  keys.addWritten([line], []);
}
const ms = performance.now() - t0;
let hits = 0;
const t1 = performance.now();
for (let i = 0; i < N; i++) if (keys.serviceNumbers.has(`粤ICP备2018${String(i).padStart(6, '0')}号-1A`)) hits += 1;
const lookMs = performance.now() - t1;
const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
process.stdout.write(`${N.toLocaleString('en')} services (${subjects.toLocaleString('en')} subjects): keys ${mib(keys.bytes)} `
  + `(service numbers ${keys.serviceNumbers.size.toLocaleString('en')} in ${mib(keys.serviceNumbers.bytes)}, packages ${keys.packages.size.toLocaleString('en')} `
  + `in ${mib(keys.packages.bytes)}, main numbers/certificates/serials/emails ${keys.mainNumbers.size.toLocaleString('en')} each in ${mib(keys.mainNumbers.bytes)}); `
  + `array buffers grew ${mib(process.memoryUsage().arrayBuffers - before)}; adding ${((ms * 1000) / N).toFixed(2)} µs per service; `
  + `${N.toLocaleString('en')} look-ups of numbers never added: ${hits} false positives (each costs one index probe), ${((lookMs * 1000) / N).toFixed(2)} µs each.\n`);
