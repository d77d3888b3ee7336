import type { RetrySafety } from '../core/adapter.js';
import type { JobSettlement, QueueJob } from '../store/queue-types.js';
import type { Store } from '../store/types.js';

/** A job this drain holds a lease on when it is told to stop now. */
export interface HeldJob {
  job: QueueJob;
  /** Its call through the executor had begun. */
  called: boolean;
  /** The operation's retry safety (undefined: not resolved, so never called). */
  safety?: RetrySafety;
}

export interface StopNowReport {
  /** Back in the queue, due now (those that had not begun keep their attempt). */
  requeued: number;
  /** Unsafe calls that may have reached the provider: outcome unknown, to reconcile. */
  unknown: number;
}

const REQUEUED = 'the drain was stopped (second Ctrl-C or SIGTERM) during the call; it runs again with the same idempotency key';

/**
 * The drain's second Ctrl-C: every lease it holds goes back before the
 * process exits, so the next drain runs the jobs at once instead of waiting
 * for the leases to expire. The rule is the one the lease takeover applies
 * to a dead drain's jobs (drain.ts, strandedClaim): a job whose call had
 * not begun goes back without spending its attempt; one whose call began
 * is retried with the same key (its idempotency claim released), except an
 * unsafe operation whose claim is still in flight: its request may have
 * left, so its outcome is unknown and it is reconciled, never re-sent.
 * The drain cancels its calls first, so none starts meanwhile; a cancelled
 * call may settle its own claim as this runs (unknown when its request had
 * left, released when it provably had not), and the job follows that claim.
 * Every write is conditional on this drain's ownership.
 */
export async function giveBackLeases(store: Store, owner: string, held: readonly HeldJob[], now: number): Promise<StopNowReport> {
  const report: StopNowReport = { requeued: 0, unknown: 0 };
  for (const { job, called, safety } of held) {
    const settlement = await settlementFor(store, owner, job, called, safety, now);
    if (!(await store.queue.settle(job.id, owner, now, settlement))) continue;
    if (settlement.status === 'unknown') report.unknown++;
    else report.requeued++;
  }
  return report;
}

async function settlementFor(store: Store, owner: string, job: QueueJob, called: boolean, safety: RetrySafety | undefined, now: number): Promise<JobSettlement> {
  const unattempted: JobSettlement = { status: 'released', runAt: job.runAt, reason: { category: 'INTERRUPTED', message: 'given back unstarted when the drain was stopped' } };
  const again: JobSettlement = { status: 'retry', runAt: now, error: { category: 'INTERRUPTED', message: REQUEUED }, logId: null };
  if (!called) return unattempted;
  const record = await store.idempotency.get(job.idempotencyKey);
  if (record?.state === 'unknown') {
    return { status: 'unknown', error: { category: 'OUTCOME_UNKNOWN', message: 'outcome unknown; reconcile it, it is not re-sent' }, logId: record.logId };
  }
  if (record?.state === 'in_flight' && record.owner === owner) {
    if (safety === 'unsafe') {
      await store.idempotency.settle({ key: record.key, owner, state: 'unknown', result: null, logId: record.logId, expiresAt: record.expiresAt });
      const message = `the drain was stopped during the call; ${safety} operation, so the outcome is unknown: reconcile it, it is not re-sent`;
      return { status: 'unknown', error: { category: 'OUTCOME_UNKNOWN', message }, logId: null };
    }
    await store.idempotency.release(record.key, owner);
    return again;
  }
  // An unsafe call always claims its key before anything is sent: without a claim nothing left.
  if (!record && safety === 'unsafe') return unattempted;
  return again;
}
