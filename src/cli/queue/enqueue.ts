import { parseDuration } from '../../config/duration.js';
import type { ExecutionFailure } from '../../core/executor.js';
import { UsageError } from '../../core/usage-error.js';
import { enqueueOperation, shouldQueueOnFailure } from '../../queue/enqueue.js';
import type { QueueJob } from '../../store/queue-types.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { palette } from '../render/color.js';
import { formatDuration } from '../render/format.js';
import { printJson } from '../render/json.js';

/** The queue flags of `run`, as typed. */
export interface RunQueueFlags {
  queue?: boolean;
  priority?: string;
  delay?: string;
  at?: string;
  maxAttempts?: string;
  queueOnFailure?: boolean;
}

export interface QueueRequest {
  priority?: number;
  /** Epoch ms. */
  runAt?: number;
  maxAttempts?: number;
}

/** Checks the queue flags together: scheduling flags need --queue (or, for priority and attempts, --queue-on-failure). */
export function parseQueueFlags(flags: RunQueueFlags, now: number): QueueRequest {
  const queued = flags.queue === true || flags.queueOnFailure === true;
  for (const [name, value] of [['--priority', flags.priority], ['--max-attempts', flags.maxAttempts]] as const) {
    if (value !== undefined && !queued) throw new UsageError(`${name} applies to queued jobs: add --queue (or --queue-on-failure)`);
  }
  for (const [name, value] of [['--delay', flags.delay], ['--at', flags.at]] as const) {
    if (value !== undefined && flags.queue !== true) throw new UsageError(`${name} schedules a job: add --queue`);
  }
  if (flags.delay !== undefined && flags.at !== undefined) throw new UsageError('give --delay or --at, not both');

  const request: QueueRequest = {};
  if (flags.priority !== undefined) {
    if (!/^\d+$/.test(flags.priority) || Number(flags.priority) > 10) throw new UsageError(`--priority must be a whole number from 0 to 10, got "${flags.priority}"`);
    request.priority = Number(flags.priority);
  }
  if (flags.maxAttempts !== undefined) {
    if (!/^\d+$/.test(flags.maxAttempts) || Number(flags.maxAttempts) < 1) throw new UsageError(`--max-attempts must be a positive whole number, got "${flags.maxAttempts}"`);
    request.maxAttempts = Number(flags.maxAttempts);
  }
  if (flags.delay !== undefined) {
    try {
      request.runAt = now + parseDuration(flags.delay);
    } catch (err) {
      throw new UsageError(`--delay: ${(err as Error).message}`);
    }
  }
  if (flags.at !== undefined) {
    // A date and time with its zone, so cron hosts in other zones agree on when.
    const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(flags.at) ? Date.parse(flags.at) : Number.NaN;
    if (Number.isNaN(at)) throw new UsageError(`--at must be an ISO-8601 time with its zone, e.g. 2026-01-31T08:00:00Z, got "${flags.at}"`);
    request.runAt = at;
  }
  return request;
}

interface Call {
  global: GlobalOptions;
  integration: string;
  operation: string;
  payload: unknown;
  tenant?: string;
  idempotencyKey?: string;
}

/** `run --queue`: stores the job and prints its id (stdout), so `id=$(integrations run ... --queue)` works. */
export async function enqueueFromRun(call: Call, request: QueueRequest, deps: CliDeps): Promise<QueueJob> {
  const session = await deps.session(call.global);
  const { job, created } = await enqueueOperation(
    { ...session, clock: deps.clock },
    { integration: call.integration, operation: call.operation, payload: call.payload, tenant: call.tenant, idempotencyKey: call.idempotencyKey, ...request },
  );
  report(call, job, created, undefined, deps);
  return job;
}

/**
 * `queueOnFailure` (config or flag): a transient failure becomes a job with
 * the same idempotency key, due when the provider said to come back (or
 * now), instead of being lost. Returns the job, or undefined when the
 * failure is not one to queue (it is then reported as a failure).
 */
export async function queueAfterFailure(call: Call & { flag: boolean }, request: QueueRequest, failure: ExecutionFailure, deps: CliDeps): Promise<QueueJob | undefined> {
  const session = await deps.session(call.global);
  const integration = session.config.integrations[call.integration];
  if (!(call.flag || integration?.queueOnFailure) || !shouldQueueOnFailure(failure.error)) return undefined;
  const { job, created } = await enqueueOperation(
    { ...session, clock: deps.clock },
    {
      integration: call.integration,
      operation: call.operation,
      payload: call.payload,
      tenant: call.tenant,
      idempotencyKey: failure.idempotencyKey,
      origin: 'on-failure',
      runAt: deps.clock.now() + (failure.error.retryAfterMs ?? 0),
      ...request,
    },
  );
  report(call, job, created, failure, deps);
  return job;
}

function report(call: Call, job: QueueJob, created: boolean, failure: ExecutionFailure | undefined, deps: CliDeps): void {
  if (call.global.json) {
    const error = failure ? { error: { category: failure.error.category, message: failure.error.message, retryable: failure.error.transient } } : {};
    printJson(deps.stdout, {
      ok: !failure,
      queued: true,
      jobId: job.id,
      duplicate: !created,
      integration: job.integration,
      operation: job.operation,
      idempotencyKey: job.idempotencyKey,
      priority: job.priority,
      maxAttempts: job.maxAttempts,
      runAt: new Date(job.runAt).toISOString(),
      ...error,
    });
    return;
  }
  const style = palette(call.global, { env: deps.env, isTTY: deps.stderrIsTTY });
  deps.stdout.write(`${job.id}\n`);
  const now = deps.clock.now();
  const when = job.runAt <= now ? 'due now' : `due in ${formatDuration(job.runAt - now)}`;
  const what = `${call.integration} ${call.operation}`;
  const same = created ? '' : ' (the same call was already queued; that job is returned)';
  if (failure) {
    deps.stderr.write(`${style.yellow('↻')} ${what} failed (${failure.error.category}: ${failure.error.message}); queued as job ${job.id}, ${when}, for \`integrations queue drain\`${same}\n`);
  } else {
    deps.stderr.write(`${style.green('✓')} ${what} queued as job ${job.id}, ${when}, priority ${job.priority}${same}\n`);
  }
}
