import type { OperationLogRow } from '../store/types.js';
import type { QueueJob } from '../store/queue-types.js';

/**
 * One operation whose outcome is unknown: a direct `run` (its OUTCOME_UNKNOWN
 * log row), a queued job in `unknown`, or both when the job's run wrote the row.
 */
export interface UnknownOutcome {
  /** The OUTCOME_UNKNOWN row; null for a job whose drain died mid-call, which left no row. */
  log: OperationLogRow | null;
  /** The queue job in `unknown` it belongs to, when it was queued. */
  job: QueueJob | null;
  integration: string;
  operation: string;
  tenant: string | null;
  idempotencyKey: string;
}

/** How to settle it: ask the provider (the adapter's query), or record by hand what the operator found out. */
export type SettleHow = { by: 'query' } | { by: 'hand'; status: 'succeeded' | 'failed'; actor: string | null; reason: string };

export interface Settled {
  status: 'succeeded' | 'failed' | 'unknown';
  detail: string;
  /** Still unknown because the provider cannot be asked (no query, or none can be built): only settling by hand will do. */
  byHand: boolean;
  /** The row that records the settlement. */
  settlementLogId: number | null;
  /** The row of the query that asked the provider. */
  queryLogId: number | null;
  /** It was settled before this run (or by a reconcile running at the same time). */
  already: boolean;
}

export function fromLog(log: OperationLogRow, job: QueueJob | null): UnknownOutcome {
  return { log, job, integration: log.integration, operation: log.operation, tenant: log.tenant, idempotencyKey: log.idempotencyKey };
}

export function fromJob(job: QueueJob, log: OperationLogRow | null): UnknownOutcome {
  return { log, job, integration: job.integration, operation: job.operation, tenant: job.tenant, idempotencyKey: job.idempotencyKey };
}
