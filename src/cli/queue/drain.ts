import { unresolvedReason } from '../../config/lookup.js';
import type { LoadedConfig, UnresolvedIntegration } from '../../config/types.js';
import { jsonLineLogger } from '../../core/logger.js';
import { drain, type DrainSummary } from '../../queue/drain.js';
import { StoreError, mapSqliteError } from '../../store/errors.js';
import { drainDeliveries, type DeliveryDrainSummary } from '../../webhooks/outbound/drain.js';
import type { Store } from '../../store/types.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT } from '../exit-codes.js';
import { palette } from '../render/color.js';
import { formatDuration } from '../render/format.js';
import { printJson } from '../render/json.js';
import { liveLine } from '../render/live-line.js';
import { formatProgress } from '../render/progress.js';
import type { DrainProgress } from '../../queue/drain.js';

export interface DrainCommandOptions {
  global: GlobalOptions;
  limit?: number;
  maxTimeMs?: number;
  concurrency: number;
  perIntegration?: number;
  integrations: string[];
  leaseMs?: number;
}

/**
 * `queue drain`, made for cron. Exit codes: 0 when the run worked, even if
 * jobs were rescheduled or skipped, or left queued because their integration
 * waits on an unset environment variable (one warning line each on stderr);
 * 1 when a job went dead in this run (so cron mail tells someone); 3 when an
 * integration named with --integration waits on an unset variable; 7 when
 * the store failed (locked past the busy timeout, corrupt, not writable).
 * Interrupted by SIGINT/SIGTERM it stops claiming, gives back what has not
 * started, finishes what has (saying so), and exits 0; a second signal gives
 * back the leases of the jobs in flight too (an unsafe one whose request may
 * have left becomes unknown) and ends with 130.
 */
export async function runDrain(options: DrainCommandOptions, deps: CliDeps): Promise<DrainSummary> {
  const session = await deps.session(options.global);
  const log = options.global.verbose ? jsonLineLogger((line) => deps.stderr.write(line), { level: 'debug', now: () => deps.clock.now() }) : undefined;
  const live = !options.global.json && deps.stderrIsTTY ? liveLine(deps.stderr) : undefined;
  // The second Ctrl-C must give the leases back before the process ends, not kill it mid-write.
  deps.holdSecondSignal?.();
  const summary = await drain(
    { config: session.config, registry: session.registry, store: await groupCommitted(session.store), clock: deps.clock, log },
    {
      limit: options.limit,
      maxTimeMs: options.maxTimeMs,
      concurrency: options.concurrency,
      perIntegration: options.perIntegration,
      integrations: options.integrations,
      leaseMs: options.leaseMs,
      signal: deps.signal,
      stopNow: deps.stopNow,
      onStopping: (inFlight) => {
        live?.clear();
        if (inFlight) deps.stderr.write(`finishing ${inFlight} in-flight job${inFlight === 1 ? '' : 's'} (Ctrl-C again to stop now; they will be retried)\n`);
      },
      onProgress: live ? (p) => live.show(drainProgress(p), p.done === p.total) : undefined,
    },
  );
  live?.clear();
  const named = options.integrations.filter((name) => session.config.unresolved[name]);
  for (const integration of unresolvedLeft(summary, named, session.config.unresolved)) {
    deps.stderr.write(`warning: ${integration.name}: ${unresolvedReason(integration)}; ${jobsLeft(summary, integration.name)} left queued, untouched\n`);
  }
  const { failure, ...shown } = summary;
  // The store failing is the one answer: no summary on stdout that reads as "no due jobs".
  if (failure) throw failedAfter(failure, summary);
  // Outbound webhook deliveries are worked here too, after the jobs, under leases like theirs.
  const stopped = summary.stoppedBy === 'signal' || summary.stoppedBy === 'stop-now' || summary.stoppedBy === 'max-time';
  const deliveries = stopped
    ? undefined
    : await drainDeliveries({ store: session.store, config: session.config, clock: deps.clock, log }, { limit: options.limit, signal: deps.signal }).catch((error: unknown) => {
        throw mapSqliteError(error, session.store.location);
      });
  if (options.global.json) printJson(deps.stdout, deliveries ? { ...shown, deliveries } : shown);
  else {
    deps.stdout.write(`${summaryLine(summary, palette(options.global, deps))}\n`);
    if (deliveries && (deliveries.claimed || deliveries.fannedOut)) deps.stdout.write(`${deliveryLine(deliveries)}\n`);
  }
  if (summary.givenBack) {
    const { requeued, unknown } = summary.givenBack;
    const hint = unknown ? `; ${unknown} unknown (unsafe, may have reached the provider): settle with \`integrations reconcile --all\`` : '';
    deps.stderr.write(`queue drain: stopped now; ${requeued} job${requeued === 1 ? '' : 's'} back in the queue, due now${hint}\n`);
    // main turns the interruption into exit 130.
    throw deps.stopNow?.reason ?? new Error('stopped');
  }
  if (summary.dead > 0) deps.setExitCode(EXIT.FAILED);
  // Asked for by name and not drainable: the config is what keeps it from running.
  else if (named.length) deps.setExitCode(EXIT.CONFIG);
  return summary;
}

/** Integrations waiting on an unset variable that had due jobs, or that were asked for by name. */
function unresolvedLeft(summary: DrainSummary, named: string[], unresolved: LoadedConfig['unresolved']): UnresolvedIntegration[] {
  const names = new Set([...(summary.unresolved ?? []).map((u) => u.integration), ...named]);
  return [...names].sort().map((name) => unresolved[name]);
}

function jobsLeft(summary: DrainSummary, name: string): string {
  const jobs = summary.unresolved?.find((u) => u.integration === name)?.jobs ?? 0;
  return `${jobs} due job${jobs === 1 ? '' : 's'}`;
}

/** The store's error, saying what this run had done before it stopped, if anything. */
function failedAfter(failure: unknown, s: DrainSummary): unknown {
  if (!(failure instanceof StoreError) || !s.claimed) return failure;
  const done = `${s.succeeded} succeeded, ${s.retried} rescheduled, ${s.dead} dead, ${s.unknown} unknown`;
  return new StoreError(failure.code, `${failure.message} (this drain had claimed ${s.claimed} job${s.claimed === 1 ? '' : 's'}: ${done})`, { cause: failure.cause });
}

/** On SQLite, concurrent jobs' writes share commits (one fsync for many); each write still waits for its own commit. */
async function groupCommitted(store: Store): Promise<Store> {
  if (store.backend !== 'sqlite') return store;
  const [{ SqliteStore }, { groupCommit }] = await Promise.all([import('../../store/sqlite/store.js'), import('../../store/sqlite/group-commit.js')]);
  return store instanceof SqliteStore ? groupCommit(store) : store;
}

function drainProgress(p: DrainProgress): string {
  return formatProgress({ label: 'draining', done: p.done, total: p.total, unit: 'jobs', elapsedMs: p.elapsedMs, extra: [`${p.failed} failed`, `${p.running} running`] });
}

function deliveryLine(d: DeliveryDrainSummary): string {
  const hint = d.failed ? ' (see `integrations webhooks deliveries --status failed`)' : '';
  return `webhook deliveries: ${d.claimed} sent: ${d.succeeded} delivered, ${d.retried} rescheduled, ${d.failed} failed${hint}`;
}

function summaryLine(s: DrainSummary, style: ReturnType<typeof palette>): string {
  if (!s.claimed && !s.skipped) return `queue drain: no due jobs (${formatDuration(s.durationMs)})`;
  const parts = [
    style.green(`${s.succeeded} succeeded`),
    `${s.retried} rescheduled`,
    s.dead ? style.red(`${s.dead} dead`) : '0 dead',
    s.unknown ? style.yellow(`${s.unknown} unknown`) : '0 unknown',
    `${s.skipped} skipped`,
  ];
  const why = s.stoppedBy === 'empty' ? '' : `; stopped by ${s.stoppedBy}`;
  const hint = s.dead ? ' (see `integrations queue list --status dead`)' : s.unknown ? ' (settle with `integrations queue reconcile`)' : '';
  return `queue drain: ${s.claimed} claimed in ${formatDuration(s.durationMs)}: ${parts.join(', ')}${why}${hint}`;
}
