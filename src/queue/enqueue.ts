import type { LoadedConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { IntegrationError } from '../core/errors.js';
import { deriveIdempotencyKey, formatIssues, resolveOperation } from '../core/executor.js';
import type { AdapterRegistry } from '../core/registry.js';
import type { JobOrigin, QueueJob } from '../store/queue-types.js';
import type { Store } from '../store/types.js';
import { queueRetryFor } from './settings.js';

export interface EnqueueRequest {
  integration: string;
  operation: string;
  payload: unknown;
  tenant?: string;
  /** Kept for every attempt; derived from the call (as the executor does) when not given. */
  idempotencyKey?: string;
  correlationId?: string;
  /** 0 (lowest) to 10; default 0. */
  priority?: number;
  /** Epoch ms; default now. */
  runAt?: number;
  /** Default: the integration's queue.maxAttempts. */
  maxAttempts?: number;
  origin?: JobOrigin;
}

export interface EnqueueDeps {
  config: LoadedConfig;
  registry: AdapterRegistry;
  store: Store;
  clock: Clock;
}

/**
 * Validates the call as the executor would (known integration and operation,
 * payload matching the schema) so a job that can never run is refused now,
 * not found dead later; then stores it. Enqueueing the same call again while
 * its job is live returns that job (`created: false`).
 */
export async function enqueueOperation(deps: EnqueueDeps, request: EnqueueRequest): Promise<{ job: QueueJob; created: boolean }> {
  const { integration, operation } = await resolveOperation(deps.config, deps.registry, request.integration, request.operation);
  const parsed = operation.input.safeParse(request.payload);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error, 'payload');
    throw new IntegrationError('VALIDATION_FAILED', `invalid payload for ${request.integration} ${request.operation}: ${issues.join('; ')}`, { issues, requestSent: false });
  }
  const priority = request.priority ?? 0;
  if (!Number.isInteger(priority) || priority < 0 || priority > 10) throw new RangeError(`priority must be a whole number from 0 to 10, got ${priority}`);
  const maxAttempts = request.maxAttempts ?? queueRetryFor(integration).maxAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`max attempts must be a whole number of at least 1, got ${maxAttempts}`);
  const now = deps.clock.now();
  return deps.store.queue.enqueue({
    integration: request.integration,
    operation: request.operation,
    payload: JSON.stringify(request.payload ?? null),
    tenant: request.tenant ?? null,
    idempotencyKey: request.idempotencyKey ?? deriveIdempotencyKey(request.integration, request.operation, request.payload, request.tenant),
    correlationId: request.correlationId ?? null,
    origin: request.origin ?? 'enqueue',
    priority,
    runAt: request.runAt ?? now,
    maxAttempts,
    now,
  });
}

/**
 * Which failures `queueOnFailure` keeps for later: the transient ones
 * (network, timeout on a safe or keyed operation, 5xx, 429, open circuit).
 * An unknown outcome is not among them: it must be reconciled, never re-sent.
 */
export function shouldQueueOnFailure(error: IntegrationError): boolean {
  return error.transient;
}
