import type { AdapterRegistry } from '../core/registry.js';
import type { LoadedConfig } from '../config/types.js';
import type { StoreSettings } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import type { CliIO, GlobalOptions, Session, StoreAccess } from './deps.js';

export interface SessionHandle {
  loadConfig(options: GlobalOptions): Promise<{ config: LoadedConfig; registry: AdapterRegistry }>;
  session(options: GlobalOptions, needs?: { store?: StoreAccess }): Promise<Session>;
  registry(): AdapterRegistry;
  /** Closes what was opened (store, HTTP agent); safe to call when nothing was. */
  close(): Promise<void>;
}

/**
 * Opens the config, registry, store and executor on first use and only as far
 * as a command needs: `--help` and `adapters list` never touch the store, and
 * the modules behind them load lazily to keep start-up fast.
 */
export function createSessionHandle(io: CliIO, bareRegistry: () => AdapterRegistry): SessionHandle {
  let configPromise: Promise<{ config: LoadedConfig; registry: AdapterRegistry }> | undefined;
  let sessionPromise: Promise<Session> | undefined;
  let opened: Session | undefined;

  async function load(options: GlobalOptions) {
    const [{ loadConfig }, { AdapterRegistry }] = await Promise.all([import('../config/load.js'), import('../core/registry.js')]);
    const registry = new AdapterRegistry({ resolveFrom: io.cwd });
    const config = await loadConfig({ configPath: options.config, dbPath: options.db, cwd: io.cwd, env: io.env, registry });
    return { config, registry };
  }

  async function open(options: GlobalOptions, access: StoreAccess): Promise<Session> {
    const { config, registry } = await handle.loadConfig(options);
    const [{ openStore }, { createExecutor }, { jsonLineLogger }, { createStoreGuard }, { processOwner }] = await Promise.all([
      import('../store/open-store.js'),
      import('../core/executor.js'),
      import('../core/logger.js'),
      import('../core/policies/guard.js'),
      import('../queue/owner.js'),
    ]);
    const store = await openFor(access, config.store, openStore, io);
    const log = options.verbose ? jsonLineLogger((line) => io.stderr.write(line), { level: 'debug', now: () => io.clock.now() }) : undefined;
    // Circuit breakers, Retry-After pauses and rate limits shared through the store with every other process.
    const owner = processOwner();
    const guard = createStoreGuard({ store, clock: io.clock, owner });
    const executor = createExecutor({ config, registry, store, clock: io.clock, log, owner, guard });
    opened = { config, registry, store, executor };
    return opened;
  }

  const handle: SessionHandle = {
    loadConfig(options) {
      configPromise ??= load(options);
      return configPromise;
    },
    session(options, needs) {
      sessionPromise ??= open(options, needs?.store ?? 'write');
      return sessionPromise;
    },
    registry: bareRegistry,
    async close() {
      const session = opened;
      opened = undefined;
      if (!session) return;
      try {
        await session.store.close();
      } finally {
        const { closeHttpAgent } = await import('../http/client.js');
        await closeHttpAgent();
      }
    },
  };
  return handle;
}

/**
 * A store opened as the command needs it. `record-if-allowed` falls back to
 * reading when this user may not write the store (or create its folder):
 * one warning, and cache writes (health's tokens) are dropped.
 */
async function openFor(access: StoreAccess, settings: StoreSettings, openStore: (s: StoreSettings) => Promise<Store>, io: CliIO): Promise<Store> {
  if (access === 'read') return openStore({ ...settings, readOnly: true });
  if (access === 'write') return openStore(settings);
  const { StoreError } = await import('../store/errors.js');
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
