// A reviewer flags the iOS certificate (platforms.1.certSha1); the host deletes iOS and adds HarmonyOS
// in its place: the reason does not land on HarmonyOS's field. It keeps its API path form, and follows
// iOS if it only moved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthTestApp, authTestApp, SETUP_TIMEOUT, type Signed, signIn } from '../../../tests/auth.ts';
import { appMaterials, call, CLOUD, fileToProvider, orgId } from '../../../tests/filing.ts';

describe('reasons follow the platform they name', () => {
  let a: AuthTestApp; let host: Signed; let provider: Signed; let cloud: string;
  beforeAll(async () => {
    a = await authTestApp();
    [host, provider] = await Promise.all([signIn(a.app, 'host@demo.beian.test'), signIn(a.app, 'provider.demo')]);
    cloud = await orgId(a.t.db, CLOUD);
  }, SETUP_TIMEOUT);
  afterAll(async () => { await a?.close(); });

  it('keys platforms.1.certSha1 to iOS; gone with iOS, moved with it', async () => {
    const id = await fileToProvider(a.app, host, { serviceType: 'app', submitterOrgId: cloud, materials: appMaterials(cloud) });
    await call(a.app, provider, 'POST', `/api/provider/applications/${id}/return`, { reasons: [{ field: 'platforms.1.certSha1', error: '不是发布证书' }, { field: 'service.name', error: '名称过泛' }] });
    const returned = await call(a.app, host, 'GET', `/api/host/applications/${id}`);
    expect(returned.reviewReasons).toEqual([
      { field: 'platforms.1.certSha1', error: '不是发布证书', platform: 'ios' }, { field: 'service.name', error: '名称过泛' }]);
    const m = returned.materials;
    const ios = m.platforms[1];
    const harmony = { platform: 'harmonyos', packageName: 'com.example.harmony', publicKey: ios.publicKey, certSha256: 'ab'.repeat(32), domains: ios.domains };
    // iOS deleted, HarmonyOS in its place: no reason at platforms.1.
    const replaced = await call(a.app, host, 'PUT', `/api/host/applications/${id}`, { materials: { ...m, platforms: [m.platforms[0], harmony] }, version: returned.version });
    expect(replaced.reviewReasons).toEqual([{ field: 'service.name', error: '名称过泛' }]);
    // iOS back, first: its reason is at platforms.0.
    const moved = await call(a.app, host, 'PUT', `/api/host/applications/${id}`, { materials: { ...m, platforms: [ios, m.platforms[0]] }, version: replaced.version });
    expect(moved.reviewReasons[0]).toEqual({ field: 'platforms.0.certSha1', error: '不是发布证书', platform: 'ios' });
  });
});
