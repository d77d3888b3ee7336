import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Logger, RetrySafety } from '../core/adapter.js';
import type { Clock } from '../core/clock.js';
import type { LoadedConfig, ResolvedIntegration } from '../config/types.js';
import { configuredNames } from '../config/lookup.js';
import { IntegrationError } from '../core/errors.js';
import { createExecutor, integrationSecrets, resolveOperation, type ExecutorDeps, type ResolvedOperation } from '../core/executor.js';
import { admit } from '../core/policies/circuit-breaker.js';
import { createStoreGuard } from '../core/policies/guard.js';
import { redact } from '../core/redact.js';
import type { AdapterRegistry } from '../core/registry.js';
import { UsageError } from '../core/usage-error.js';
import { StoreError, mapSqliteError } from '../store/errors.js';
import type { JobSettlement, QueueJob } from '../store/queue-types.js';
import type { Store } from '../store/types.js';
import { decide, type JobTally } from './outcome.js';
import { isOwnerDead, processOwner } from './owner.js';
import { giveBackLeases, type StopNowReport } from './stop-now.js';
import { defaultLeaseMs, queueRetryFor } from './settings.js';

export interface DrainDeps {
  config: LoadedConfig;
  registry: AdapterRegistry;
  store: Store;
  clock: Clock;
  random?: () => number;
  log?: Logger;
  /** Names this process's leases and idempotency claims. */
  owner?: string;
  /** Whether a lease holder is provably dead (default: same host and PID namespace, pid gone). */
  isOwnerDead?: (owner: string) => boolean;
  httpFor?: ExecutorDeps['httpFor'];
}

export interface DrainOptions {
  /** Claim at most this many jobs. */
  limit?: number;
  /** Stop claiming after this long (in-flight jobs finish). */
  maxTimeMs?: number;
  /** Jobs running at once, overall. Default 4. */
  concurrency?: number;
  /** Jobs running at once for any one integration. Default: the overall concurrency. */
  perIntegration?: number;
  /** Only these integrations. */
  integrations?: string[];
  /** Lease (visibility timeout); default longer than every drained integration's timeout. Renewed while held. */
  leaseMs?: number;
  /** Stop claiming, release what has not started, finish what has. */
  signal?: AbortSignal;
  /** Stop now: give back every lease held (src/queue/stop-now.ts), cancel the calls in flight, return. */
  stopNow?: AbortSignal;
  /** The signal arrived: how many jobs are in flight and will be finished. */
  onStopping?: (inFlight: number) => void;
  onProgress?: (progress: DrainProgress) => void;
  /** Each job as it is settled: how it ended and how long it took from start to committed settlement. */
  onJob?: (report: JobReport) => void;
}

export interface JobReport {
  id: number;
  integration: string;
  tally: JobTally;
  durationMs: number;
}

export type StopReason = 'empty' | 'limit' | 'max-time' | 'signal' | 'stop-now' | 'store-error';

export interface DrainSummary {
  claimed: number;
  succeeded: number;
  retried: number;
  dead: number;
  unknown: number;
  /** Due jobs this run left alone: circuit open, paused, integration disabled, or given back at shutdown. */
  skipped: number;
  durationMs: number;
  stoppedBy: StopReason;
  /** Why the run ended early (the store failed); the counts above still hold. */
  failure?: unknown;
  /** Integrations waiting on an unset environment variable whose due jobs were left queued (counted in skipped). */
  unresolved?: UnresolvedSkip[];
  /** Stopped now: what became of the jobs it held. */
  givenBack?: StopNowReport;
}

export interface UnresolvedSkip {
  integration: string;
  /** The unset variables. */
  missing: string[];
  /** Due jobs left queued, untouched. */
  jobs: number;
}

export interface DrainProgress {
  done: number;
  total: number;
  running: number;
  succeeded: number;
  failed: number;
  elapsedMs: number;
}

/** Fetch ahead up to this many jobs per slot so a slot never waits on a claim round-trip. */
const PREFETCH = 2;

/**
 * Runs due jobs until none is left (or --limit / --max-time / a signal),
 * safely alongside any number of other drains: every job is leased
 * atomically before it runs, and its lease is renewed while held. Each
 * attempt is one call through the executor with the job's own idempotency
 * key; the queue's backoff, not the executor's, spaces retries.
 */
export async function drain(deps: DrainDeps, options: DrainOptions = {}): Promise<DrainSummary> {
  const { store, clock } = deps;
  const random = deps.random ?? Math.random;
  const owner = deps.owner ?? processOwner();
  const ownerDead = deps.isOwnerDead ?? isOwnerDead;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const perIntegration = Math.max(1, Math.floor(options.perIntegration ?? concurrency));

  const only = options.integrations?.length ? options.integrations : undefined;
  for (const name of only ?? []) {
    if (!deps.config.integrations[name] && !deps.config.unresolved[name]) {
      throw new UsageError(`unknown integration "${name}"; configured: ${configuredNames(deps.config).join(', ') || '(none)'}`);
    }
  }
  const drained = Object.values(deps.config.integrations).filter((i) => !only || only.includes(i.name));
  // Waiting on an unset variable: never claimed, so their jobs stay exactly as they are (no attempt, no lease).
  const unresolved = Object.values(deps.config.unresolved).filter((i) => !only || only.includes(i.name));
  const leaseMs = options.leaseMs ?? defaultLeaseMs(drained);

  // One call per attempt: a job that fails goes back to the queue with the queue's backoff
  // instead of sleeping inside the executor while it holds a lease and a slot.
  const config: LoadedConfig = {
    ...deps.config,
    integrations: Object.fromEntries(Object.entries(deps.config.integrations).map(([name, i]) => [name, { ...i, retry: { ...i.retry, maxAttempts: 1 } }])),
  };
  const guard = createStoreGuard({ store, clock, owner, maxRateWaitMs: Infinity });
  const executor = createExecutor({ config, registry: deps.registry, store, clock, random, guard, owner, log: deps.log, httpFor: deps.httpFor });

  const started = clock.now();
  const stop = new AbortController();
  let stopReason: StopReason | undefined;
  let fatal: unknown;
  const onAbort = () => {
    if (!stopReason) options.onStopping?.(running.size);
    stopReason ??= 'signal';
    stop.abort(options.signal?.reason);
  };
  /** Cancels the calls in flight, once their leases are given back. */
  const cancelCalls = new AbortController();
  // Every job in flight listens on these (removed when it settles): more than
  // Node's default of 10 is expected, not a leak, and must not print a warning.
  setMaxListeners(2 * concurrency + 10, stop.signal, cancelCalls.signal);
  const stopNow = options.stopNow;
  const stoppedNow = new Promise<void>((resolveStop) => {
    if (stopNow?.aborted) resolveStop();
    stopNow?.addEventListener('abort', () => resolveStop(), { once: true });
  });
  /** The jobs whose call through the executor has begun, with their operation's retry safety. */
  const calling = new Map<number, RetrySafety>();
  let givenBackNow: StopNowReport | undefined;
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const held = new Map<number, QueueJob>();
  const buffer: QueueJob[] = [];
  const running = new Map<number, Promise<void>>();
  const runningPer = new Map<string, number>();
  const tallies: Record<Exclude<JobTally, 'skipped'>, number> = { succeeded: 0, retried: 0, dead: 0, unknown: 0 };
  const skippedIds = new Set<number>();
  const settledIds = new Set<number>();
  const blockedSeen = new Set<string>();
  const lastTally = new Map<number, JobTally>();
  let claimed = 0;
  /** Claimed and handed back unattempted: not counted as claimed in the summary. */
  let givenBack = 0;
  let total: number;
  try {
    total = await store.queue.countDue(started, only);
  } catch (err) {
    throw asStoreError(err, store.location);
  }
  let dry = false;
  let finishedSinceDry = false;
  const leftQueued: UnresolvedSkip[] = [];
  try {
    for (const integration of unresolved) {
      const ids = await store.queue.dueIds(started, [integration.name]);
      for (const id of ids) skippedIds.add(id);
      if (ids.length) leftQueued.push({ integration: integration.name, missing: integration.missing, jobs: ids.length });
      total -= ids.length;
    }
  } catch (err) {
    throw asStoreError(err, store.location);
  }

  const progress = () =>
    options.onProgress?.({
      done: settledIds.size,
      total: Math.max(total, settledIds.size + held.size),
      running: running.size,
      succeeded: tallies.succeeded,
      failed: tallies.retried + tallies.dead + tallies.unknown,
      elapsedMs: clock.now() - started,
    });

  const fail = (err: unknown) => {
    fatal ??= asStoreError(err, store.location);
    stopReason = 'store-error';
    stop.abort(fatal);
  };

  // Leases are renewed on real time: a drain must keep its jobs however its clock is injected.
  const renewal = setInterval(() => {
    const ids = [...held.keys()];
    if (!ids.length) return;
    const now = clock.now();
    store.queue.renew(ids, owner, now + leaseMs, now).then((kept) => {
      if (kept < ids.length) deps.log?.warn('lost leases (held past expiry and taken by another drain)', { held: ids.length, kept });
    }, fail);
  }, Math.max(250, Math.floor(leaseMs / 3)));
  renewal.unref();

  async function settle(job: QueueJob, settlement: JobSettlement, tally: JobTally): Promise<void> {
    // Once told to stop now, every job it holds is settled by giveBackLeases alone.
    if (stopReason === 'stop-now') return;
    const kept = await store.queue.settle(job.id, owner, clock.now(), settlement);
    if (options.onJob) lastTally.set(job.id, tally);
    if (!kept) {
      deps.log?.warn('job lease lost before it was settled; another drain owns it now', { job: job.id });
      return;
    }
    if (tally === 'skipped') {
      skippedIds.add(job.id);
      givenBack++;
      return;
    }
    tallies[tally]++;
    settledIds.add(job.id);
    skippedIds.delete(job.id);
  }

  async function runJob(job: QueueJob): Promise<void> {
    let resolved: ResolvedOperation;
    try {
      resolved = await resolveOperation(config, deps.registry, job.integration, job.operation);
    } catch (err) {
      if (!(err instanceof UsageError) && !(err instanceof IntegrationError)) throw err;
      // Renamed or removed from the config: dead with the reason, so `queue retry` can bring it back after a fix.
      return settle(job, { status: 'dead', error: { category: 'CONFIG_INVALID', message: err.message }, logId: null }, 'dead');
    }
    const { integration, adapter, operation } = resolved;

    if (job.abandonedOwner) {
      const stranded = await strandedClaim(job, operation.retry);
      if (stranded === 'unsafe') {
        const message = `the drain running it (${job.abandonedOwner}) died during the call; ${operation.retry} operation, so the outcome is unknown: reconcile it, it is not re-sent`;
        return settle(job, { status: 'unknown', error: { category: 'OUTCOME_UNKNOWN', message }, logId: null }, 'unknown');
      }
    }
    if (job.attempts > job.maxAttempts) {
      const replay = (await store.idempotency.get(job.idempotencyKey))?.state === 'completed';
      if (!replay) {
        const message = `gave up after ${job.maxAttempts} attempts; the last were abandoned (the process running it died or stopped renewing its lease)`;
        return settle(job, { status: 'dead', error: { category: 'TIMEOUT', message }, logId: null }, 'dead');
      }
    }

    try {
      // Waiting for a token past --max-time would only hold the job hostage.
      const budget = options.maxTimeMs === undefined ? Infinity : Math.max(0, started + options.maxTimeMs - clock.now());
      await guard.reserve(integration, stop.signal, budget);
    } catch (err) {
      if (err instanceof IntegrationError && err.category === 'RATE_LIMITED') {
        return settle(job, { status: 'released', runAt: clock.now() + (err.retryAfterMs ?? 0) }, 'skipped');
      }
      if (stop.signal.aborted) return settle(job, { status: 'released', runAt: job.runAt }, 'skipped');
      throw err;
    }

    let payload: unknown;
    try {
      payload = JSON.parse(job.payload);
    } catch {
      return settle(job, { status: 'dead', error: { category: 'VALIDATION_FAILED', message: 'stored payload is not JSON' }, logId: null }, 'dead');
    }
    calling.set(job.id, operation.retry);
    const outcome = await executor.execute(job.integration, job.operation, payload, {
      tenant: job.tenant ?? undefined,
      idempotencyKey: job.idempotencyKey,
      correlationId: job.correlationId ?? undefined,
      signal: cancelCalls.signal,
    });
    const rules = { paths: [...(operation.sensitive ?? []), ...integration.sensitive], values: integrationSecrets(integration, adapter) };
    const { settlement, tally } = decide(job, outcome, operation.retry, queueRetryFor(integration), clock.now(), random, (result) =>
      JSON.stringify(redact(result ?? null, rules)),
    );
    if (!outcome.ok) deps.log?.debug('job failed', { job: job.id, integration: job.integration, category: outcome.error.category, next: settlement.status });
    await settle(job, settlement, tally);
  }

  /**
   * A job whose previous holder vanished may have left its idempotency claim
   * in flight. When that holder is provably dead the claim is released so the
   * job can run again with the same key, except for an unsafe operation,
   * whose request may have gone out: its outcome is unknown.
   */
  async function strandedClaim(job: QueueJob, safety: RetrySafety): Promise<'none' | 'released' | 'unsafe'> {
    const record = await store.idempotency.get(job.idempotencyKey);
    if (!record || record.state !== 'in_flight' || record.owner !== job.abandonedOwner || !ownerDead(record.owner)) return 'none';
    if (safety === 'unsafe') {
      await store.idempotency.settle({ key: record.key, owner: record.owner, state: 'unknown', result: null, logId: record.logId, expiresAt: record.expiresAt });
      return 'unsafe';
    }
    await store.idempotency.release(record.key, record.owner);
    return 'released';
  }

  /** Integrations not to claim for now, and the concurrency each may still take. */
  async function obstacles(now: number): Promise<{ exclude: string[]; caps: Map<string, number> }> {
    const exclude = new Set<string>();
    const caps = new Map<string, number>();
    for (const integration of drained) if (!integration.enabled) exclude.add(integration.name);
    for (const integration of unresolved) exclude.add(integration.name);
    for (const record of await store.circuits.list()) {
      const integration = deps.config.integrations[record.integration];
      if (!integration) continue;
      const verdict = admit(record, now, owner, integration.timeoutMs).verdict;
      if (verdict === 'open' || verdict === 'paused') exclude.add(record.integration);
      // Cool-down over: the next call is the one trial; claim no more than that.
      else if (verdict === 'trial') caps.set(record.integration, 1);
    }
    for (const name of exclude) {
      if (blockedSeen.has(name)) continue;
      blockedSeen.add(name);
      for (const id of await store.queue.dueIds(now, [name])) skippedIds.add(id);
    }
    const load = new Map<string, number>();
    for (const job of held.values()) load.set(job.integration, (load.get(job.integration) ?? 0) + 1);
    for (const [name, count] of load) if (count >= (caps.get(name) ?? perIntegration)) exclude.add(name);
    return { exclude: [...exclude], caps };
  }

  let caps = new Map<string, number>();

  async function claimMore(): Promise<number> {
    const room = Math.min(concurrency * PREFETCH - held.size, options.limit === undefined ? Infinity : options.limit - claimed);
    if (room <= 0) return 0;
    const now = clock.now();
    const found = await obstacles(now);
    caps = found.caps;
    const deadOwners = (await store.queue.leaseOwners()).filter((o) => o !== owner && ownerDead(o));
    const jobs = await store.queue.claim({ owner, now, leaseMs, limit: room, only, exclude: found.exclude, deadOwners });
    for (const job of jobs) {
      held.set(job.id, job);
      buffer.push(job);
    }
    claimed += jobs.length;
    dry = jobs.length < room;
    finishedSinceDry = false;
    return jobs.length;
  }

  function startReady(): void {
    for (let i = 0; i < buffer.length && running.size < concurrency; ) {
      const job = buffer[i];
      const busy = runningPer.get(job.integration) ?? 0;
      if (busy >= (caps.get(job.integration) ?? perIntegration)) {
        i++;
        continue;
      }
      buffer.splice(i, 1);
      runningPer.set(job.integration, busy + 1);
      const began = performance.now();
      const task = runJob(job)
        .then(() => {
          const tally = lastTally.get(job.id) ?? 'skipped';
          lastTally.delete(job.id);
          options.onJob?.({ id: job.id, integration: job.integration, tally, durationMs: performance.now() - began });
        })
        .catch(fail)
        .finally(() => {
          calling.delete(job.id);
          running.delete(job.id);
          held.delete(job.id);
          runningPer.set(job.integration, (runningPer.get(job.integration) ?? 1) - 1);
          finishedSinceDry = true;
          progress();
        });
      running.set(job.id, task);
    }
  }

  async function releaseBuffered(): Promise<void> {
    for (const job of buffer.splice(0)) {
      held.delete(job.id);
      try {
        await settle(job, { status: 'released', runAt: job.runAt }, 'skipped');
      } catch (err) {
        fail(err);
      }
    }
  }

  /** Waits for a job to end, or for the order to stop now. */
  const nextEnd = () => Promise.race([...running.values(), stoppedNow]);

  async function stopNowAndGiveBack(): Promise<void> {
    stopReason = 'stop-now';
    // First, so that no request starts while the leases are given back (the executor checks just before sending).
    cancelCalls.abort(stopNow?.reason);
    const jobs = [...held.values()].map((job) => ({ job, called: calling.has(job.id), safety: calling.get(job.id) }));
    buffer.splice(0);
    try {
      givenBackNow = await giveBackLeases(store, owner, jobs, clock.now());
    } catch (err) {
      fail(err);
    }
    await Promise.allSettled(running.values());
  }

  try {
    progress();
    for (;;) {
      if (stopNow?.aborted) {
        await stopNowAndGiveBack();
        break;
      }
      if (!stopReason && options.maxTimeMs !== undefined && clock.now() - started >= options.maxTimeMs) stopReason = 'max-time';
      if (stopReason) {
        // Stopping: what has not started goes back at once; what has, finishes.
        await releaseBuffered();
        if (!running.size) break;
        await nextEnd();
        continue;
      }
      const mayClaim = options.limit === undefined || claimed < options.limit;
      // Claim in batches of at least `concurrency` once the jobs fetched ahead are used up: one transaction per batch.
      if (mayClaim && held.size <= concurrency * (PREFETCH - 1) && buffer.length === 0 && (!dry || finishedSinceDry)) {
        try {
          await claimMore();
        } catch (err) {
          fail(err);
          continue;
        }
      }
      startReady();
      if (!running.size) {
        if (buffer.length) {
          // Nothing may start (every buffered job's integration is at its cap): give them back rather than spin.
          await releaseBuffered();
          continue;
        }
        if (!mayClaim) {
          stopReason = 'limit';
          break;
        }
        if (dry) {
          stopReason = 'empty';
          break;
        }
        continue;
      }
      await nextEnd();
    }
  } finally {
    clearInterval(renewal);
    options.signal?.removeEventListener('abort', onAbort);
  }
  progress();
  const skipped = [...skippedIds].filter((id) => !settledIds.has(id)).length;
  const summary: DrainSummary = { claimed: claimed - givenBack, ...tallies, skipped, durationMs: clock.now() - started, stoppedBy: stopReason ?? 'empty' };
  if (leftQueued.length) summary.unresolved = leftQueued;
  if (fatal) summary.failure = fatal;
  if (givenBackNow) summary.givenBack = givenBackNow;
  return summary;
}

/** Any failure of the store ends the run with the store's exit code. */
function asStoreError(err: unknown, location: string): unknown {
  if (err instanceof StoreError) return err;
  const mapped = mapSqliteError(err, location);
  if (mapped instanceof StoreError) return mapped;
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    return new StoreError('STORE_UNAVAILABLE', `store ${location} failed: ${(err as Error).message}`, { cause: err });
  }
  return err;
}
