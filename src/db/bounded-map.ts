// Bounding an insertion-ordered Map used as an LRU (oldest first). Deleting the first entry one
// at a time (`map.delete(map.keys().next().value)`) is quadratic in V8: deleted slots stay in the
// table until it is rehashed, and every new iterator walks past them from the start — at 100,000
// entries under churn that cost seconds of CPU per 100,000 insertions. Evicting a sixteenth of
// the bound at once, with one iterator, makes it linear.

/** When `map` holds more than `max` entries, drops the oldest down to `max` less a sixteenth of it. */
export function evictOldest<K, V>(map: Map<K, V>, max: number): void {
  if (map.size <= max) return;
  let excess = map.size - max + (max >> 4);
  for (const key of map.keys()) {
    map.delete(key);
    if (--excess <= 0) break;
  }
}
