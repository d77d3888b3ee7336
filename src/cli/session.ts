import type { AdapterRegistry } from '../core/registry.js';
import type { LoadedConfig } from '../config/types.js';
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
    const note = options.verbose ? (line: string) => io.stderr.write(`note: ${line}\n`) : undefined;
    const onThirdParty = note && ((adapter: string, pkg: string, file: string) => note(`adapter "${adapter}" is third-party code from package ${pkg} (${file}), trusted like the config`));
    const registry = new AdapterRegistry({ resolveFrom: io.cwd, onThirdParty });
    const config = await loadConfig({ configPath: options.config, dbPath: options.db, cwd: io.cwd, env: io.env, registry, note });
    return { config, registry };
  }

  async function open(options: GlobalOptions, access: StoreAccess): Promise<Session> {
    const { config, registry } = await handle.loadConfig(options);
    const [{ openFor }, { createExecutor }, { jsonLineLogger }, { createStoreGuard }, { processOwner }, { SecretSet }, { configSecrets }] = await Promise.all([
      import('./store-access.js'),
      import('../core/executor.js'),
      import('../core/logger.js'),
      import('../core/policies/guard.js'),
      import('../queue/owner.js'),
      import('../core/secret-set.js'),
      import('../config/secrets.js'),
    ]);
    const store = await openFor(access, config.store, io);
    // One list for the executor and the --verbose logger; the logger may write before any integration runs, so it starts full.
    const secrets = new SecretSet(options.verbose ? await configSecrets(config, registry) : []);
    const log = options.verbose ? jsonLineLogger((line) => io.stderr.write(line), { level: 'debug', now: () => io.clock.now(), secrets }) : undefined;
    // Circuit breakers, Retry-After pauses and rate limits shared through the store with every other process.
    const owner = processOwner();
    const guard = createStoreGuard({ store, clock: io.clock, owner });
    const executor = createExecutor({ config, registry, store, clock: io.clock, log, owner, guard, secrets });
    opened = { config, registry, store, executor, secrets };
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

