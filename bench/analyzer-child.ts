// Child process of bench/analyzer.ts: loads the analyzer, then analyzes one package 5 times and
// reports its RSS before the first analysis and the process's peak RSS (bytes) as JSON.
import { analyzePackage } from '../src/analyzer/index.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: node --import tsx bench/analyzer-child.ts FILE');
const baseline = process.memoryUsage().rss;
for (let i = 0; i < 5; i++) await analyzePackage(file);
process.stdout.write(`${JSON.stringify({ baseline, peak: process.resourceUsage().maxRSS * 1024 })}\n`);
