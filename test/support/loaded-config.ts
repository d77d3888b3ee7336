import { join } from 'node:path';
import type { DaemonSettings, LoadedConfig, ResolvedIntegration } from '../../src/config/types.js';

/**
 * A LoadedConfig as the loader would produce it, for tests and benchmarks
 * that drive the engine without a config file: a store in `dir`, defaults
 * everywhere else.
 */
export function testConfig(
  dir: string,
  integrations: ResolvedIntegration[] | Record<string, ResolvedIntegration>,
  options: { storePath?: string; ttlMs?: number; daemon?: Partial<DaemonSettings>; file?: string } = {},
): LoadedConfig {
  return {
    path: join(dir, options.file ?? 'integrations.config.json'),
    dir,
    store: { backend: 'sqlite', path: options.storePath ?? join(dir, 'store.db'), busyTimeoutMs: 5_000 },
    idempotency: { ttlMs: options.ttlMs ?? 86_400_000 },
    daemon: { host: '127.0.0.1', port: 0, maxBodyBytes: 1_048_576, trustProxy: [], maxJsonDepth: 128, ...options.daemon },
    integrations: Array.isArray(integrations) ? Object.fromEntries(integrations.map((i) => [i.name, i])) : integrations,
    unresolved: {},
    adapterPackages: [],
  };
}
