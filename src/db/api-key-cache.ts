// The live API keys this process has seen (issue 5, benchmark (a): a relying party's check must
// not cost a database round trip for its key). Keyed by the key's digest; unknown keys are not
// remembered (a caller could fill the cache with guesses). Emptied on NOTIFY beian_credentials,
// which database triggers send when a key is revoked or an organisation suspended (migration
// 0005, delivered on commit), and bypassed while the listening connection is down — as the
// identity cache (ADR 0006). docs/decisions/0009-api-keys-cached-per-process.md.
import type { Db } from './connection.ts';
import { evictOldest } from './bounded-map.ts';
import { type ApiKeyRow, findLiveApiKey } from './sessions.ts';

export const CREDENTIALS_CHANNEL = 'beian_credentials';

export interface ApiKeyCache {
  /** The live key with this digest (the row is shared: callers may update its last_used_at). */
  find(keyHash: string): Promise<ApiKeyRow | null>;
  /** The live key with this digest if this process holds it (no database); undefined otherwise. */
  peek(keyHash: string): ApiKeyRow | undefined;
  /** Empties the cache (this process changed credentials). */
  clear(): void;
  close(): Promise<void>;
}

export async function startApiKeyCache(db: Db, options: { maxEntries?: number } = {}): Promise<ApiKeyCache> {
  const max = options.maxEntries ?? 10_000;
  const keys = new Map<string, ApiKeyRow>();
  let generation = 0;
  let listening = true;
  const clear = () => { generation += 1; keys.clear(); };
  const stop = await db.listen(CREDENTIALS_CHANNEL, clear, {
    onLost: () => { listening = false; clear(); },
    onRestored: () => { clear(); listening = true; },
  });
  return {
    async find(keyHash) {
      const hit = listening ? keys.get(keyHash) : undefined;
      if (hit) return hit;
      const before = generation;
      const row = await findLiveApiKey(db, keyHash);
      if (row && listening && generation === before) {
        keys.set(keyHash, row);
        evictOldest(keys, max);
      }
      return row;
    },
    peek: (keyHash) => (listening ? keys.get(keyHash) : undefined),
    clear,
    async close() { await stop(); keys.clear(); },
  };
}
