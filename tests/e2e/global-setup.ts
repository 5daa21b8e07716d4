// Vitest global setup: the browser journeys need the built web app; build it once if stale.
import { buildWebIfStale } from '../../scripts/build-web.ts';

export default async function setup() {
  await buildWebIfStale({ quiet: true });
}
