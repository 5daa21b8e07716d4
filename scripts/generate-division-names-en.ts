// Regenerates src/domain/divisions.en.data.ts — the English names of the divisions in
// divisions.data.ts (ADR 0046) — with pinyin-pro and the suffix table in division-names-en.ts.
// Run after generate-divisions.ts or after changing that table; the diff is reviewed and committed.
// src/domain/divisions-en.test.ts fails while the committed file differs from what this writes.
//
//   npx tsx scripts/generate-division-names-en.ts
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { renderEnglishData } from './division-names-en-data.ts';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/domain/divisions.en.data.ts');
writeFileSync(out, renderEnglishData());
console.log(`English division names written to ${path.relative(process.cwd(), out)}`);
