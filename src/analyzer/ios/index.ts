import type { AnalysisResult } from '../types.ts';
import type { ZipPackage } from '../zip.ts';
export function findAppBundle(_zip: ZipPackage): string | null { return null; }
export async function analyzeIpa(_zip: ZipPackage, _b: string, _now: Date): Promise<AnalysisResult> { throw new Error('todo'); }
