import { describe, expect, it } from 'vitest';
import { keyPlatformReasons, type PlacedReason, placePlatformReasons } from './platform-reasons.ts';

describe('platform reasons follow their platform, not its position', () => {
  const filed = { platforms: [{ platform: 'android' }, { platform: 'ios' }] };
  const reasons = keyPlatformReasons<PlacedReason>([
    { field: 'platforms.1.certSha1', error: '证书不是发布证书' }, { field: 'platforms.0', error: '请补充' }, { field: 'service.name', error: '名称' },
  ], filed);

  it('keys each platform reason by the platform it names', () => {
    expect(reasons.map((r) => r.platform)).toEqual(['ios', 'android', undefined]);
  });

  it('places it at its platform\'s index now, and leaves it out when the platform was deleted', () => {
    // iOS deleted, HarmonyOS added in its place: the iOS reason does not land on HarmonyOS.
    expect(placePlatformReasons(reasons, { platforms: [{ platform: 'android' }, { platform: 'harmonyos' }] }).map((r) => r.field))
      .toEqual(['platforms.0', 'service.name']);
    // Android deleted: iOS moved to index 0, and its reason with it.
    expect(placePlatformReasons(reasons, { platforms: [{ platform: 'ios' }] }).map((r) => r.field)).toEqual(['platforms.0.certSha1', 'service.name']);
    // Reasons stored before they were keyed stay where they were.
    expect(placePlatformReasons([{ field: 'platforms.1.certSha1', error: 'x' }], { platforms: [] })).toEqual([{ field: 'platforms.1.certSha1', error: 'x' }]);
  });
});
