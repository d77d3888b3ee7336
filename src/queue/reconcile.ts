import { unresolvedReason } from '../config/lookup.js';
import type { LoadedConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { formatIssues, type Executor } from '../core/executor.js';
import type { AdapterRegistry } from '../core/registry.js';
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

/** What providers call an effect that happened, one that did not, and one still in progress. */
const DONE = new Set(['succeeded', 'success', 'successful', 'completed', 'complete', 'paid', 'captured', 'delivered', 'sent', 'queued', 'accepted', 'processed', 'refunded', 'partially_refunded']);
const FAILED = new Set(['failed', 'failure', 'cancelled', 'canceled', 'rejected', 'declined', 'expired', 'reversed', 'undelivered', 'error']);
const PENDING = new Set(['pending', 'processing', 'in_progress', 'initiated', 'submitted', 'created', 'scheduled']);

/**
 * Settles jobs whose outcome is unknown by asking the provider: the
 * adapter's `query` operation, given the job's payload and idempotency key
 * (adapters' query schemas pick the identifiers they need: reference,
 * tx_ref, order id...). A record that says the effect happened settles the
 * job as succeeded; "not found" or a failed status settles it as dead (it
 * never took effect, so `queue retry` may send it again); anything else
 * leaves it unknown with the reason.
 */
export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<ReconcileResult[]> {
  const jobs = await jobsToReconcile(deps.store, options);
  const results: ReconcileResult[] = [];
  for (const job of jobs) results.push(await reconcileJob(deps, job, options.as));
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

async function reconcileJob(deps: ReconcileDeps, job: QueueJob, as: 'succeeded' | 'dead' | undefined): Promise<ReconcileResult> {
  const base = { id: job.id, integration: job.integration, operation: job.operation };
  if (as) {
    const detail = `settled by hand as ${as}`;
    await settle(deps, job, as === 'succeeded' ? { status: 'succeeded', result: null, logId: null } : { status: 'dead', category: 'OUTCOME_UNKNOWN', message: detail, logId: null });
    return { ...base, status: as, detail };
  }
  const waiting = deps.config.unresolved[job.integration];
  if (waiting) return { ...base, status: 'unknown', detail: `${job.integration}: ${unresolvedReason(waiting)}; set it and reconcile again` };
  const integration = deps.config.integrations[job.integration];
  const adapter = integration && (await deps.registry.get(integration.adapter));
  if (!integration || !adapter) return { ...base, status: 'unknown', detail: `integration "${job.integration}" is not configured; settle it by hand with --as` };
  const query = adapter.operations.query;
  if (!query) return { ...base, status: 'unknown', detail: `adapter ${adapter.name} has no query operation; check with the provider and settle it by hand with --as succeeded|dead` };

  const payload = parsePayload(job.payload);
  const input = { ...(payload && typeof payload === 'object' && !Array.isArray(payload) ? payload : {}), idempotencyKey: job.idempotencyKey };
  const parsed = query.input.safeParse(input);
  if (!parsed.success) {
    return { ...base, status: 'unknown', detail: `cannot build a ${adapter.name} query from the job (${formatIssues(parsed.error, 'query').join('; ')}); check with the provider and settle it by hand with --as` };
  }
  const now = deps.clock.now();
  // A fresh key per reconcile: the query must really run, not replay an earlier answer.
  const outcome = await deps.executor.execute(job.integration, 'query', input, { tenant: job.tenant ?? undefined, idempotencyKey: `reconcile:${job.id}:${now}` });
  if (!outcome.ok) {
    if (outcome.error.category === 'NOT_FOUND') {
      const message = `the provider has no record of it: it never took effect (\`queue retry ${job.id}\` sends it again)`;
      await settle(deps, job, { status: 'dead', category: 'NOT_FOUND', message, logId: outcome.logId });
      return { ...base, status: 'dead', detail: message };
    }
    return { ...base, status: 'unknown', detail: `query failed: ${outcome.error.category}: ${outcome.error.message}` };
  }
  const status = statusOf(outcome.result);
  if (status === undefined || DONE.has(status)) {
    const detail = status ? `the provider reports ${status}` : 'the provider has a record of it';
    await settle(deps, job, { status: 'succeeded', result: JSON.stringify(outcome.result ?? null), logId: outcome.logId });
    return { ...base, status: 'succeeded', detail };
  }
  if (FAILED.has(status)) {
    const message = `the provider reports ${status}: it did not take effect`;
    await settle(deps, job, { status: 'dead', category: 'INVALID_REQUEST', message, logId: outcome.logId });
    return { ...base, status: 'dead', detail: message };
  }
  const detail = PENDING.has(status) ? `still ${status} at the provider; reconcile again later` : `the provider reports "${status}", which is not a final state we know; settle it by hand with --as`;
  return { ...base, status: 'unknown', detail };
}

type Settlement = { status: 'succeeded'; result: string | null; logId: number | null } | { status: 'dead'; category: string; message: string; logId: number | null };

/**
 * Settles the job and its idempotency key together: a succeeded key replays
 * the provider's record; a dead one is expired so the job may run again.
 */
async function settle(deps: ReconcileDeps, job: QueueJob, s: Settlement): Promise<void> {
  const now = deps.clock.now();
  const settled = s.status === 'succeeded' ? { status: s.status, result: s.result, logId: s.logId } : { status: s.status, error: { category: s.category, message: s.message }, logId: s.logId };
  if (!(await deps.store.queue.resolveUnknown(job.id, now, settled))) throw new RangeError(`job ${job.id} is no longer unknown; it was settled meanwhile`);
  const record = await deps.store.idempotency.get(job.idempotencyKey);
  if (record?.state !== 'unknown') return;
  if (s.status === 'succeeded') {
    await deps.store.idempotency.settle({ key: record.key, owner: record.owner, state: 'completed', result: s.result, logId: s.logId ?? record.logId, expiresAt: Math.max(record.expiresAt, now + deps.config.idempotency.ttlMs) });
  } else {
    await deps.store.idempotency.settle({ key: record.key, owner: record.owner, state: 'unknown', result: null, logId: record.logId, expiresAt: now });
  }
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function statusOf(result: unknown): string | undefined {
  if (!result || typeof result !== 'object') return undefined;
  const r = result as Record<string, unknown>;
  const value = r.status ?? r.state;
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}
