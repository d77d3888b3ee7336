import type { LoadedConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Executor } from '../core/executor.js';
import type { AdapterRegistry } from '../core/registry.js';
import { fromJob, type SettleHow } from '../reconcile/outcome.js';
import { settleOutcome } from '../reconcile/settle.js';
import type { QueueJob } from '../store/queue-types.js';
import type { Store } from '../store/types.js';

export interface ReconcileDeps {
  config: LoadedConfig;
  registry: AdapterRegistry;
  store: Store;
  executor: Executor;
  clock: Clock;
}

export interface ReconcileOptions {
  /** These jobs; default every job in `unknown` (of `integration` when given). */
  ids?: number[];
  integration?: string;
  /** Settle by hand, without asking the provider (the operator checked elsewhere). */
  as?: 'succeeded' | 'dead';
  /** Who settles by hand (recorded with the settlement). */
  actor?: string | null;
  limit?: number;
}

export interface ReconcileResult {
  id: number;
  integration: string;
  operation: string;
  /** Where the job stands now. */
  status: 'succeeded' | 'dead' | 'unknown';
  detail: string;
}

/**
 * Settles jobs whose outcome is unknown, the queue's view of
 * `integrations reconcile` (src/reconcile): the provider is asked with the
 * job's payload and key; a record that says the effect happened settles the
 * job as succeeded and its key replays the record; "not found" or a failed
 * status settles it as dead (it never took effect, so `queue retry` may send
 * it again); anything else leaves it unknown with the reason.
 */
export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<ReconcileResult[]> {
  const jobs = await jobsToReconcile(deps.store, options);
  const how: SettleHow = options.as
    ? { by: 'hand', status: options.as === 'succeeded' ? 'succeeded' : 'failed', actor: options.actor ?? null, reason: `settled by hand with \`queue reconcile --as ${options.as}\`` }
    : { by: 'query' };
  const results: ReconcileResult[] = [];
  for (const job of jobs) {
    const log = job.logId === null ? undefined : await deps.store.logs.get(job.logId);
    // The row its run wrote is settled with it, unless something settled that row already.
    const unsettled = log && log.errorCategory === 'OUTCOME_UNKNOWN' && !(await deps.store.logs.settlementOf(log.id)) ? log : null;
    const settled = await settleOutcome(deps, fromJob(job, unsettled), how);
    const base = { id: job.id, integration: job.integration, operation: job.operation };
    if (options.as) results.push({ ...base, status: options.as, detail: `settled by hand as ${options.as}` });
    else if (settled.status === 'succeeded') results.push({ ...base, status: 'succeeded', detail: settled.detail });
    else if (settled.status === 'failed') results.push({ ...base, status: 'dead', detail: `${settled.detail} (\`queue retry ${job.id}\` sends it again)` });
    else results.push({ ...base, status: 'unknown', detail: settled.byHand ? `${settled.detail}; check with the provider and settle it by hand with --as succeeded|dead` : settled.detail });
  }
  return results;
}

async function jobsToReconcile(store: Store, options: ReconcileOptions): Promise<QueueJob[]> {
  if (!options.ids?.length) return store.queue.list({ status: 'unknown', integration: options.integration, limit: options.limit ?? 1_000 });
  const jobs: QueueJob[] = [];
  for (const id of options.ids) {
    const job = await store.queue.get(id);
    if (!job) throw new RangeError(`no job ${id}`);
    if (job.status !== 'unknown') throw new RangeError(`job ${id} is ${job.status}; only jobs with an unknown outcome are reconciled`);
    jobs.push(job);
  }
  return jobs;
}
