import { randomUUID } from 'node:crypto';
import type { HealthStatus } from './adapter.js';
import type { Clock } from './clock.js';
import type { LoadedConfig, ResolvedIntegration } from '../config/types.js';
import { configuredNames, unresolvedReason } from '../config/lookup.js';
import type { Store } from '../store/types.js';
import type { HttpClient } from '../http/types.js';
import type { AdapterRegistry } from './registry.js';
import { buildContext } from './context.js';
import { DeadlineExceeded, withDeadline } from './deadline.js';
import { toIntegrationError } from './errors.js';
import { StoreError } from '../store/errors.js';
import { integrationSecrets } from './executor.js';
import { scrub } from './redact.js';
import { SecretSet } from './secret-set.js';
import { UsageError } from './usage-error.js';
import { withCircuitState, type CircuitView } from './policies/health-circuit.js';

export interface HealthDeps {
  config: LoadedConfig;
  registry: AdapterRegistry;
  store: Store;
  clock: Clock;
  /** Aborts every check in flight (shutdown). */
  signal?: AbortSignal;
  /** Replaces the per-integration HTTP client (tests). */
  httpFor?: (integration: ResolvedIntegration) => HttpClient | undefined;
  /** The process's secrets; the credentials and tokens a check uses join them. */
  secrets?: SecretSet;
}

export interface HealthReport {
  name: string;
  adapter: string;
  status: HealthStatus;
  latencyMs: number;
  message: string;
  /** The shared circuit breaker's state (closed when it never tripped). */
  circuit?: CircuitView;
}

/**
 * Checks the named integrations (all enabled ones when none are named)
 * concurrently, each bounded by the timeout: a check that does not answer
 * in time is unhealthy, and its request is aborted. Never throws for an
 * integration's failure; only for a name that is not configured.
 */
export async function checkHealth(deps: HealthDeps, names: string[], timeoutMs: number): Promise<HealthReport[]> {
  const { integrations: all, unresolved } = deps.config;
  const unknown = names.filter((n) => !all[n] && !unresolved[n]);
  if (unknown.length) {
    const configured = configuredNames(deps.config);
    throw new UsageError(`unknown integration${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; configured: ${configured.length ? configured.join(', ') : '(none)'}`);
  }
  const wanted = (i: { name: string; enabled: boolean }) => (names.length ? names.includes(i.name) : i.enabled);
  const targets = Object.values(all).filter(wanted);
  const reports = await Promise.all(
    targets.map((integration) =>
      integration.enabled
        ? checkIntegrationHealth(deps, integration, timeoutMs)
        : { name: integration.name, adapter: integration.adapter, status: 'unhealthy' as const, latencyMs: 0, message: 'disabled in the config' },
    ),
  );
  // Waiting on an unset variable: nothing to check with, so unhealthy with what is missing.
  for (const integration of Object.values(unresolved).filter(wanted)) {
    reports.push({ name: integration.name, adapter: integration.adapter ?? '?', status: 'unhealthy', latencyMs: 0, message: unresolvedReason(integration) });
  }
  return withCircuitState(deps.store.circuits, reports, deps.clock.now());
}

/** One integration's check, enabled or not (`integrations test` checks one before it is switched on). */
export async function checkIntegrationHealth(deps: HealthDeps, integration: ResolvedIntegration, timeoutMs: number): Promise<HealthReport> {
  const base = { name: integration.name, adapter: integration.adapter };
  const started = deps.clock.now();
  const adapter = await deps.registry.get(integration.adapter);
  if (!adapter) return { ...base, status: 'unhealthy', latencyMs: 0, message: `unknown adapter "${integration.adapter}"` };
  if (!adapter.health) return { ...base, status: 'healthy', latencyMs: 0, message: `adapter ${adapter.name} has no health check` };

  const health = adapter.health;
  const secrets = deps.secrets ?? new SecretSet();
  secrets.addAll(integrationSecrets(integration, adapter));
  try {
    const check = (signal: AbortSignal) =>
      health(
        buildContext({
          integration,
          adapter,
          store: deps.store,
          clock: deps.clock,
          baseDir: deps.config.dir,
          idempotencyKey: `health:${randomUUID()}`,
          correlationId: randomUUID(),
          signal,
          http: deps.httpFor?.(integration),
          secrets,
        }),
      );
    const result = await withDeadline(timeoutMs, deps.signal, () => new DeadlineExceeded(timeoutMs, 'health check'), check);
    const latencyMs = deps.clock.now() - started;
    const message = scrub(result.message ?? result.status, secrets);
    return { ...base, status: result.status, latencyMs, message };
  } catch (thrown) {
    // Our own store failing (locked, unwritable) is not the provider's health: it ends the command with the store's exit code.
    if (thrown instanceof StoreError) throw thrown;
    const latencyMs = deps.clock.now() - started;
    if (thrown instanceof DeadlineExceeded) return { ...base, status: 'unhealthy', latencyMs, message: `timed out after ${timeoutMs} ms` };
    const error = toIntegrationError(thrown);
    const message = scrub(`${error.category}: ${error.message}`, secrets);
    return { ...base, status: 'unhealthy', latencyMs, message };
  }
}
