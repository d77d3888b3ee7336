import { UsageError } from '../../core/usage-error.js';
import type { QueueJob } from '../../store/queue-types.js';
import { checkMinimumAge, confirmDeletion, type DeletionFlags } from '../confirm-deletion.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../render/json.js';
import { parseAge, parseTimeBound } from '../time-bound.js';
import { parseJobId } from './jobs.js';

export interface RetryOptions {
  global: GlobalOptions;
  ids: string[];
  dead: boolean;
  integration?: string;
  since?: string;
}

/** Dead or cancelled jobs back to pending, due now, with their attempts reset and their idempotency key kept. */
export async function runRetry(options: RetryOptions, deps: CliDeps): Promise<void> {
  if (options.ids.length && options.dead) throw new UsageError('give job ids or --dead, not both');
  if (!options.ids.length && !options.dead) throw new UsageError('give the job ids to retry, or --dead (with --integration / --since) for every dead job');
  if (!options.dead && (options.integration || options.since)) throw new UsageError('--integration and --since select dead jobs; use them with --dead');
  const ids = options.ids.map(parseJobId);
  const { store } = await deps.session(options.global);
  const now = deps.clock.now();
  let retried: number[];
  let refused: { id: number; reason: string }[] = [];
  if (options.dead) {
    const sinceMs = options.since === undefined ? undefined : parseTimeBound('--since', options.since, now);
    retried = await store.queue.retryDead({ integration: options.integration, sinceMs, now });
  } else {
    ({ retried, refused } = await store.queue.retry(ids, now));
  }
  if (options.global.json) printJson(deps.stdout, { retried, refused });
  else {
    deps.stdout.write(retried.length ? `retrying ${retried.length} job${retried.length === 1 ? '' : 's'}: ${retried.join(', ')}\n` : 'no jobs to retry\n');
    for (const r of refused) deps.stderr.write(`job ${r.id}: ${r.reason}\n`);
  }
  if (refused.length) deps.setExitCode(EXIT.FAILED);
}

export interface CancelOptions extends DeletionFlags {
  global: GlobalOptions;
  ids: string[];
}

/** Pending jobs to cancelled, after saying which and asking (or --yes); jobs that cannot be cancelled are named on stderr (exit 1). */
export async function runCancel(options: CancelOptions, deps: CliDeps): Promise<void> {
  const ids = [...new Set(options.ids.map(parseJobId))];
  const { store } = await deps.session(options.global);
  const pending: number[] = [];
  const refused: { id: number; reason: string }[] = [];
  for (const id of ids) {
    const job = await store.queue.get(id);
    if (job?.status === 'pending') pending.push(id);
    else refused.push({ id, reason: job ? notCancellable(job) : `no job ${id}` });
  }
  const jobs = (list: number[]) => `${list.length} pending job${list.length === 1 ? '' : 's'}${list.length ? ` (${list.join(', ')})` : ''}`;
  const go = pending.length > 0 && (await confirmDeletion({ text: `cancel ${jobs(pending)}`, count: pending.length }, options, deps));
  const cancelled: number[] = [];
  if (go) {
    for (const id of pending) {
      const outcome = await store.queue.cancel(id, deps.clock.now());
      if (outcome.ok) cancelled.push(id);
      else refused.push({ id, reason: outcome.reason });
    }
  }
  if (options.global.json) printJson(deps.stdout, options.dryRun ? { wouldCancel: pending, refused, dryRun: true } : { cancelled, refused });
  else {
    if (options.dryRun) deps.stdout.write(`would cancel ${jobs(pending)}\n`);
    else if (cancelled.length) deps.stdout.write(`cancelled ${cancelled.join(', ')}\n`);
    for (const r of refused) deps.stderr.write(`${r.reason}\n`);
  }
  if (refused.length) deps.setExitCode(EXIT.FAILED);
}

/** Worded as the store's own refusal, so the plan and the outcome read alike. */
function notCancellable(job: QueueJob): string {
  if (job.status === 'leased') {
    return `job ${job.id} is running (leased by ${job.leaseOwner} until ${new Date(job.leaseUntil ?? 0).toISOString()}); only pending jobs can be cancelled`;
  }
  return `job ${job.id} is ${job.status}; only pending jobs can be cancelled`;
}

const PURGEABLE = ['succeeded', 'dead', 'cancelled'] as const;

export interface PurgeOptions extends DeletionFlags {
  global: GlobalOptions;
  status: string;
  olderThan: string;
  force: boolean;
}

/** Deletes finished jobs of one status older than the age, after saying how many and asking (or --yes). */
export async function runPurge(options: PurgeOptions, deps: CliDeps): Promise<void> {
  const status = options.status as (typeof PURGEABLE)[number];
  if (!PURGEABLE.includes(status)) throw new UsageError(`--status must be one of ${PURGEABLE.join(', ')} (live jobs are never purged), got "${options.status}"`);
  const age = parseAge('--older-than', options.olderThan);
  checkMinimumAge('--older-than', options.olderThan, age, options.force, options.dryRun);
  const { store } = await deps.session(options.global);
  const before = deps.clock.now() - age;
  const finishedBefore = new Date(before).toISOString();
  const matched = await store.queue.countPurgeable(status, before);
  const what = (n: number) => `${n} ${status} job${n === 1 ? '' : 's'} finished before ${finishedBefore}`;
  const go = await confirmDeletion({ text: `delete ${what(matched)}`, count: matched }, options, deps);
  const deleted = go ? await store.queue.purge(status, before) : 0;
  if (options.global.json) printJson(deps.stdout, { status, deleted, matched: go ? deleted : matched, finishedBefore, dryRun: options.dryRun });
  else deps.stdout.write(go ? `purged ${what(deleted)}\n` : `would purge ${what(matched)}\n`);
}
