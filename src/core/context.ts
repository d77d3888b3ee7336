import type { AdapterContext, AdapterDefinition, Logger, ScopedCache } from './adapter.js';
import type { Clock } from './clock.js';
import type { ResolvedIntegration } from '../config/types.js';
import type { Store } from '../store/types.js';
import type { HttpClient } from '../http/types.js';
import { createHttpClient } from '../http/client.js';
import { silentLogger } from './logger.js';
import { registeringCredentials, SecretSet } from './secret-set.js';

export interface ContextInput {
  integration: ResolvedIntegration;
  adapter: AdapterDefinition;
  store: Store;
  clock: Clock;
  baseDir: string;
  idempotencyKey: string;
  correlationId: string;
  signal: AbortSignal;
  tenant?: string;
  log?: Logger;
  /** Replaces the HTTP client (tests, custom dispatchers). */
  http?: HttpClient;
  /** Where credentials the adapter sends or obtains are registered for masking (the process's set). */
  secrets?: SecretSet;
}

/** The base URL an integration talks to: its config's baseUrl, else the adapter's for its environment. */
export function baseUrlFor(integration: ResolvedIntegration, adapter: AdapterDefinition): string {
  const cfg = integration.config as { baseUrl?: string; environment?: string };
  if (cfg.baseUrl) return cfg.baseUrl;
  const env = cfg.environment === 'production' ? 'production' : 'sandbox';
  return adapter.baseUrls?.[env] ?? adapter.baseUrls?.production ?? 'http://127.0.0.1:9';
}

export function scopedCache(store: Store, scope: string, clock: Clock): ScopedCache {
  return {
    async get<T>(key: string) {
      const raw = await store.kv.get(scope, key, clock.now());
      return raw === undefined ? undefined : (JSON.parse(raw) as T);
    },
    async set(key, value, ttlMs) {
      await store.kv.set(scope, key, JSON.stringify(value), ttlMs === undefined ? null : clock.now() + ttlMs);
    },
    async delete(key) {
      await store.kv.delete(scope, key);
    },
  };
}

export function buildContext(input: ContextInput): AdapterContext {
  const secrets = input.secrets ?? new SecretSet();
  const http = input.http ?? createHttpClient({
    baseUrl: baseUrlFor(input.integration, input.adapter),
    timeoutMs: input.integration.timeoutMs,
    maxResponseBytes: input.integration.maxResponseBytes,
  });
  return {
    integration: input.integration.name,
    config: input.integration.config,
    http: registeringCredentials(http, secrets),
    secrets,
    cache: scopedCache(input.store, `integration:${input.integration.name}`, input.clock),
    clock: input.clock,
    log: input.log ?? silentLogger,
    idempotencyKey: input.idempotencyKey,
    tenant: input.tenant,
    correlationId: input.correlationId,
    signal: input.signal,
    baseDir: input.baseDir,
  };
}
