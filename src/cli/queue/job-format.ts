import type { LoadedConfig } from '../../config/types.js';
import { integrationSecrets } from '../../core/executor.js';
import { redact } from '../../core/redact.js';
import type { AdapterRegistry } from '../../core/registry.js';
import type { QueueAttempt, QueueJob } from '../../store/queue-types.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `queue list --json`: one object per job, times as ISO-8601. */
export function jobListJson(job: QueueJob): Record<string, unknown> {
  return {
    id: job.id,
    integration: job.integration,
    operation: job.operation,
    status: job.status,
    attempts: job.attempts,
    priority: job.priority,
    runAt: iso(job.runAt),
    lastError: job.lastError === null ? null : { category: job.lastErrorCategory, message: job.lastError },
  };
}

/** `queue show --json`: the job in full, its payload and result redacted, and every attempt. */
export function jobDetailJson(job: QueueJob, attempts: QueueAttempt[], payload: unknown, result: unknown): Record<string, unknown> {
  return {
    ...jobListJson(job),
    maxAttempts: job.maxAttempts,
    origin: job.origin,
    tenant: job.tenant,
    idempotencyKey: job.idempotencyKey,
    correlationId: job.correlationId,
    leaseOwner: job.leaseOwner,
    leaseUntil: iso(job.leaseUntil),
    createdAt: iso(job.createdAt),
    updatedAt: iso(job.updatedAt),
    finishedAt: iso(job.finishedAt),
    logId: job.logId,
    payload,
    result,
    history: attempts.map((a) => ({
      attempt: a.attempt,
      owner: a.owner,
      startedAt: iso(a.startedAt),
      finishedAt: iso(a.finishedAt),
      outcome: a.outcome ?? 'running',
      error: a.errorCategory === null && a.errorMessage === null ? null : { category: a.errorCategory, message: a.errorMessage },
      logId: a.logId,
    })),
  };
}

/**
 * A stored payload as it may be shown: the integration's secret values, the
 * operation's and integration's sensitive paths, and credential-named
 * fields all masked. The stored copy stays whole because the job needs it.
 */
export async function redactedPayload(job: QueueJob, config: LoadedConfig, registry: AdapterRegistry): Promise<unknown> {
  let value: unknown;
  try {
    value = JSON.parse(job.payload);
  } catch {
    return '<unreadable payload>';
  }
  const integration = config.integrations[job.integration];
  // One waiting on an unset variable still has its adapter and sensitive paths to mask by.
  const waiting = config.unresolved[job.integration];
  const adapterName = integration?.adapter ?? waiting?.adapter;
  const adapter = adapterName ? await registry.get(adapterName).catch(() => undefined) : undefined;
  const paths = [...(adapter?.operations[job.operation]?.sensitive ?? []), ...(integration?.sensitive ?? waiting?.sensitive ?? [])];
  const values = integration && adapter ? integrationSecrets(integration, adapter) : [];
  return redact(value, { paths, values });
}

export function storedResult(job: QueueJob): unknown {
  if (job.result === null) return null;
  try {
    return JSON.parse(job.result);
  } catch {
    return job.result;
  }
}
