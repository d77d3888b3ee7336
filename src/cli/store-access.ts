import { StoreError } from '../store/errors.js';
import { openStore, type StoreSettings } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import type { CliIO, StoreAccess } from './deps.js';

/**
 * A store opened as the command needs it. `record-if-allowed` falls back to
 * reading when this user may not write the store (or create its folder):
 * one warning, and the cache (health's tokens) is kept in this process only.
 */
export async function openFor(access: StoreAccess, configured: StoreSettings, io: Pick<CliIO, 'stderr'>): Promise<Store> {
  const settings: StoreSettings = { ...configured, onWarning: (message) => io.stderr.write(`warning: ${message}\n`) };
  if (access === 'read') return openStore({ ...settings, readOnly: true });
  if (access === 'write') return openStore(settings);
  try {
    return await openStore(settings);
  } catch (err) {
    if (!(err instanceof StoreError) || err.code !== 'STORE_PERMISSION_DENIED') throw err;
    const store = await openStore({ ...settings, readOnly: true });
    io.stderr.write(`warning: ${err.message}; reading it only, nothing from this run is recorded\n`);
    return withUnrecordedCache(store);
  }
}

/**
 * The store with its cache kept in this process only: a token fetched now
 * serves this run and is fetched again next time, which is all a cache miss
 * costs; what the store already holds is still read.
 */
function withUnrecordedCache(store: Store): Store {
  const local = new Map<string, { value: string; expiresAt: number | null } | null>();
  const id = (scope: string, key: string) => JSON.stringify([scope, key]);
  const kv: Store['kv'] = {
    async get(scope, key, now) {
      const held = local.get(id(scope, key));
      if (held === undefined) return store.kv.get(scope, key, now);
      return held && (held.expiresAt === null || held.expiresAt > now) ? held.value : undefined;
    },
    async set(scope, key, value, expiresAt) {
      local.set(id(scope, key), { value, expiresAt });
    },
    async delete(scope, key) {
      local.set(id(scope, key), null);
    },
  };
  return Object.create(store, { kv: { value: kv } }) as Store;
}
