// Filing deadlines count in China Standard Time (UTC+8, no daylight saving since 1991):
// an application verified at 23:30 on the 1st in Beijing was received on the 1st.
import { fromUtcMillis, type IsoDate } from './dates.ts';

const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

export const chinaDate = (instant: Date): IsoDate => fromUtcMillis(instant.getTime() + CST_OFFSET_MS);
export const chinaYear = (instant: Date): number => Number(chinaDate(instant).slice(0, 4));
/** `YYYY-MM-DD HH:mm` in China Standard Time (notices that end at a time of day, not at midnight). */
export const chinaDateTime = (instant: Date): string => new Date(instant.getTime() + CST_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
