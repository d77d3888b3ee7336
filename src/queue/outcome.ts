import type { RetrySafety } from '../core/adapter.js';
import { backoffDelay } from '../core/backoff.js';
import type { ExecutionOutcome } from '../core/executor.js';
import { guardRefusal } from '../core/policies/guard.js';
import { mayRetry } from '../core/retry-safety.js';
import type { JobSettlement, QueueJob } from '../store/queue-types.js';
import type { QueueRetrySettings } from './settings.js';

/** How the drain counts a job's end in its summary. */
export type JobTally = 'succeeded' | 'retried' | 'dead' | 'unknown' | 'skipped';

export interface Decision {
  settlement: JobSettlement;
  tally: JobTally;
}

/** A job that was never attempted goes back as it was, at least this far in the future. */
const MIN_RELEASE_MS = 1_000;

/**
 * What becomes of a job after one execution:
 * - success: succeeded;
 * - never attempted (circuit open, paused, local rate limit, the key in
 *   flight in another process, integration disabled): released without
 *   spending the attempt;
 * - OUTCOME_UNKNOWN: unknown, never re-sent, settled by reconcile;
 * - INTERRUPTED (the drain stopped now): back in the queue, due at once;
 * - transient and retry-safe for this operation: rescheduled with full-jitter
 *   exponential backoff (or the provider's Retry-After) until max attempts,
 *   then dead;
 * - anything else (validation, auth, invalid request, not found): dead at once.
 */
export function decide(
  job: QueueJob,
  outcome: ExecutionOutcome,
  safety: RetrySafety,
  retry: QueueRetrySettings,
  now: number,
  random: () => number,
  resultJson: (result: unknown) => string | null,
): Decision {
  if (outcome.ok) return { settlement: { status: 'succeeded', result: resultJson(outcome.result), logId: outcome.logId }, tally: 'succeeded' };
  const error = outcome.error;
  const kept = { category: error.category, message: error.message };
  const refusal = guardRefusal(error);
  // Open circuits, pauses and disabled integrations are left out of every claim while they last,
  // so the job keeps its place in line and runs as soon as they are over.
  if (refusal === 'circuit' || refusal === 'pause' || error.category === 'INTEGRATION_DISABLED') {
    return { settlement: { status: 'released', runAt: job.runAt, reason: kept }, tally: 'skipped' };
  }
  // The local bucket is empty, or the key is in flight in another process (refused before any attempt): try later.
  if (refusal === 'rate-limit' || (error.category === 'CONFLICT' && outcome.attempts === 0)) {
    return { settlement: { status: 'released', runAt: now + Math.max(MIN_RELEASE_MS, error.retryAfterMs ?? 0), reason: kept }, tally: 'skipped' };
  }
  if (error.category === 'OUTCOME_UNKNOWN') return { settlement: { status: 'unknown', error: kept, logId: outcome.logId }, tally: 'unknown' };
  // The drain was stopped during the call: the job goes back, due now; the attempt counts only if the request may have left.
  if (error.category === 'INTERRUPTED') {
    return error.requestSent
      ? { settlement: { status: 'retry', runAt: now, error: kept, logId: outcome.logId }, tally: 'retried' }
      : { settlement: { status: 'released', runAt: job.runAt, reason: kept }, tally: 'skipped' };
  }
  if (mayRetry(error, safety)) {
    if (job.attempts >= job.maxAttempts) {
      const message = `gave up after ${job.attempts} attempt${job.attempts === 1 ? '' : 's'}: ${error.message}`;
      return { settlement: { status: 'dead', error: { category: error.category, message }, logId: outcome.logId }, tally: 'dead' };
    }
    const delay = backoffDelay(job.attempts, retry, random, error.retryAfterMs);
    return { settlement: { status: 'retry', runAt: now + delay, error: kept, logId: outcome.logId }, tally: 'retried' };
  }
  return { settlement: { status: 'dead', error: kept, logId: outcome.logId }, tally: 'dead' };
}
