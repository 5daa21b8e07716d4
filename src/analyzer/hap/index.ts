import type { AnalysisResult } from '../types.ts';
import type { ZipPackage } from '../zip.ts';
export async function analyzeHap(_zip: ZipPackage, _now: Date): Promise<AnalysisResult> { throw new Error('todo'); }
