import { IntegrationError } from '../core/errors.js';
import { UsageError } from '../core/usage-error.js';
import type { OperationLogRow, QueueJob, Store } from '../store/types.js';
import { fromJob, fromLog, type UnknownOutcome } from './outcome.js';

/** An unknown outcome named by its log id, or the settlement that already answered it. */
export type Named = { item: UnknownOutcome; settlement?: OperationLogRow };

/**
 * The outcomes behind these log ids, checked before anything is asked: an id
 * with no row is NOT_FOUND, a row that did not end OUTCOME_UNKNOWN is a
 * usage error (only unknown outcomes are reconciled).
 */
export async function byLogIds(store: Store, ids: number[]): Promise<Named[]> {
  const rows: OperationLogRow[] = [];
  const missing: number[] = [];
  for (const id of ids) {
    const row = await store.logs.get(id);
    if (row) rows.push(row);
    else missing.push(id);
  }
  if (missing.length) throw new IntegrationError('NOT_FOUND', `no log row ${missing.map((id) => `#${id}`).join(', ')} in ${store.location}`);
  for (const row of rows) {
    if (row.errorCategory !== 'OUTCOME_UNKNOWN') {
      const what = row.reconciles ? `it settles ${row.reconciles.logId === null ? 'a queued job' : `log ${row.reconciles.logId}`}` : row.status === 'ok' ? 'it succeeded' : `it failed with ${row.errorCategory}`;
      throw new UsageError(`log ${row.id} is not an unknown outcome (${what}); only runs that ended OUTCOME_UNKNOWN are reconciled`);
    }
  }
  const jobs = await unknownJobs(store);
  const named: Named[] = [];
  for (const row of rows) {
    const settlement = await store.logs.settlementOf(row.id);
    named.push({ item: fromLog(row, jobFor(row, jobs)), ...(settlement ? { settlement } : {}) });
  }
  return named;
}

/**
 * Every outcome still unknown (of one integration when given): direct runs'
 * OUTCOME_UNKNOWN rows no row settles yet, and jobs in `unknown`, a job and
 * the row its run wrote counted once.
 */
export async function allUnknown(store: Store, integration?: string, limit = 1_000): Promise<UnknownOutcome[]> {
  const jobs = await unknownJobs(store, integration, limit);
  const items: UnknownOutcome[] = [];
  const taken = new Set<number>();
  for (const row of await store.logs.unsettledUnknown({ integration, limit })) {
    const job = jobFor(row, jobs);
    if (job) taken.add(job.id);
    items.push(fromLog(row, job));
  }
  for (const job of jobs) if (!taken.has(job.id)) items.push(fromJob(job, null));
  return items;
}

/** The job in `unknown` whose run wrote this row, or that holds its key (a job enqueued after the run went unknown). */
function jobFor(row: OperationLogRow, jobs: QueueJob[]): QueueJob | null {
  return jobs.find((j) => j.logId === row.id) ?? jobs.find((j) => j.idempotencyKey === row.idempotencyKey && j.integration === row.integration) ?? null;
}

function unknownJobs(store: Store, integration?: string, limit = 1_000): Promise<QueueJob[]> {
  return store.queue.list({ status: 'unknown', integration, limit });
}
