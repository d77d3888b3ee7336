import { UsageError } from '../../core/usage-error.js';
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

export async function runCancel(options: { global: GlobalOptions; ids: string[] }, deps: CliDeps): Promise<void> {
  const ids = options.ids.map(parseJobId);
  const { store } = await deps.session(options.global);
  const cancelled: number[] = [];
  const refused: { id: number; reason: string }[] = [];
  for (const id of ids) {
    const outcome = await store.queue.cancel(id, deps.clock.now());
    if (outcome.ok) cancelled.push(id);
    else refused.push({ id, reason: outcome.reason });
  }
  if (options.global.json) printJson(deps.stdout, { cancelled, refused });
  else {
    if (cancelled.length) deps.stdout.write(`cancelled ${cancelled.join(', ')}\n`);
    for (const r of refused) deps.stderr.write(`${r.reason}\n`);
  }
  if (refused.length) deps.setExitCode(EXIT.FAILED);
}

const PURGEABLE = ['succeeded', 'dead', 'cancelled'] as const;

export async function runPurge(options: { global: GlobalOptions; status: string; olderThan: string }, deps: CliDeps): Promise<void> {
  const status = options.status as (typeof PURGEABLE)[number];
  if (!PURGEABLE.includes(status)) throw new UsageError(`--status must be one of ${PURGEABLE.join(', ')} (live jobs are never purged), got "${options.status}"`);
  const age = parseAge('--older-than', options.olderThan);
  const { store } = await deps.session(options.global);
  const before = deps.clock.now() - age;
  const deleted = await store.queue.purge(status, before);
  if (options.global.json) printJson(deps.stdout, { status, deleted, finishedBefore: new Date(before).toISOString() });
  else deps.stdout.write(`purged ${deleted} ${status} job${deleted === 1 ? '' : 's'} finished before ${new Date(before).toISOString()}\n`);
}
