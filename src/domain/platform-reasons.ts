// A reviewer's reason about a platform (`platforms.1.certSha1`) belongs to that platform (iOS), not to
// the position it had: the host may delete a platform and add another, and the reason must not move
// to the newcomer's field. Reasons are stored with the platform they name (`platform`), and placed at
// that platform's current index when shown; one whose platform is gone is no longer shown at a field.
// The field path keeps its API form (`platforms.N.…`). Pure.

export interface PlacedReason { field: string; error: string; suggestion?: string; platform?: string }

const PLATFORM_FIELD = /^platforms\.(\d+)(\..*)?$/;

interface PlatformLike { platform?: unknown }
const platformsOf = (m: unknown): PlatformLike[] => {
  const list = (m as { platforms?: unknown } | null)?.platforms;
  return Array.isArray(list) ? list as PlatformLike[] : [];
};

/** At a return or rejection: each platform reason says which platform (android / ios / harmonyos) it is about. */
export function keyPlatformReasons<R extends PlacedReason>(reasons: R[], materials: unknown): R[] {
  const platforms = platformsOf(materials);
  return reasons.map((r) => {
    const m = PLATFORM_FIELD.exec(r.field);
    const platform = m ? platforms[Number(m[1])]?.platform : undefined;
    return typeof platform === 'string' ? { ...r, platform } : r;
  });
}

/** Where each reason is now: a keyed platform reason at its platform's current index, or left out when the platform is gone. */
export function placePlatformReasons<R extends PlacedReason>(reasons: readonly R[], materials: unknown): R[] {
  const platforms = platformsOf(materials);
  return reasons.flatMap((r) => {
    const m = PLATFORM_FIELD.exec(r.field);
    if (!m || typeof r.platform !== 'string') return [r];
    const at = platforms.findIndex((p) => p?.platform === r.platform);
    return at < 0 ? [] : [{ ...r, field: `platforms.${at}${m[2] ?? ''}` }];
  });
}
