import { Option, type Command } from 'commander';
import { parseDuration } from '../../config/duration.js';
import { UsageError } from '../../core/usage-error.js';
import { JOB_STATUSES, type JobStatus } from '../../store/queue-types.js';
import type { CliDeps } from '../deps.js';
import { deletionOptions } from '../confirm-deletion.js';
import { globalOptions } from '../options.js';
import { positiveInt } from '../time-bound.js';

const DRAIN_HELP = `
Exit codes:
  0  the run worked (jobs may have been rescheduled or skipped)
  1  a job went dead in this run: see \`integrations queue list --status dead\`
  7  the store failed (locked past the busy timeout, corrupt, not writable)
  130  a second Ctrl-C/SIGTERM: the leases of the jobs in flight were given back (the first one finishes them and exits 0)
Safe to run from cron every minute on several hosts at once: jobs are leased atomically.
Example crontab line:
  * * * * *  cd /srv/app && integrations queue drain --max-time 55s
`;

export function register(program: Command, deps: CliDeps): void {
  const queue = program.command('queue').description('the offline queue: jobs that run later, retried with backoff, dead-lettered when they cannot succeed');

  queue
    .command('drain')
    .description('run due jobs (priority first, then oldest) with leases, backoff and dead-lettering; cron-safe')
    .option('-n, --limit <n>', 'claim at most this many jobs', positiveInt('--limit'))
    .option('--max-time <duration>', 'stop claiming after this long, e.g. 55s (in-flight jobs finish)', durationFlag('--max-time'))
    .option('--concurrency <n>', 'jobs running at once', positiveInt('--concurrency'), 4)
    .option('--per-integration <n>', 'jobs running at once for any one integration (default: --concurrency)', positiveInt('--per-integration'))
    .option('-i, --integration <name>', 'only this integration (repeatable)', collect, [])
    .option('--lease <duration>', 'visibility timeout of a claimed job, renewed while it runs (default: 60s or the longest operation timeout + 30s)', durationFlag('--lease'))
    .addHelpText('after', DRAIN_HELP)
    .action(async (opts: { limit?: number; maxTime?: number; concurrency: number; perIntegration?: number; integration: string[]; lease?: number }, cmd: Command) => {
      await (await import('../queue/drain.js')).runDrain(
        {
          global: globalOptions(cmd),
          limit: opts.limit,
          maxTimeMs: opts.maxTime,
          concurrency: opts.concurrency,
          perIntegration: opts.perIntegration,
          integrations: opts.integration,
          leaseMs: opts.lease,
        },
        deps,
      );
    });

  queue
    .command('list')
    .description('jobs, waiting ones in the order a drain takes them, finished ones newest first')
    .addOption(new Option('-s, --status <status>', 'only jobs with this status').choices([...JOB_STATUSES]))
    .option('-i, --integration <name>', 'only this integration')
    .option('-n, --limit <n>', 'how many to show', positiveInt('--limit'), 50)
    .action(async (opts: { status?: JobStatus; integration?: string; limit: number }, cmd: Command) => {
      await (await import('../queue/jobs.js')).runListJobs({ global: globalOptions(cmd), ...opts }, deps);
    });

  queue
    .command('show')
    .description('one job: payload (secrets redacted), result, and every attempt with its error')
    .argument('<id>', 'job id')
    .action(async (id: string, _opts: unknown, cmd: Command) => (await import('../queue/jobs.js')).runShowJob({ global: globalOptions(cmd), id }, deps));

  queue
    .command('retry')
    .description('send dead or cancelled jobs again (same idempotency key, attempts reset)')
    .argument('[id...]', 'job ids')
    .option('--dead', 'every dead job (narrow with --integration, --since)')
    .option('-i, --integration <name>', 'with --dead: only this integration')
    .option('--since <when>', 'with --dead: only jobs that died since (10m, 2h, 7d, or a date)')
    .action(async (ids: string[], opts: { dead?: boolean; integration?: string; since?: string }, cmd: Command) => {
      await (await import('../queue/manage.js')).runRetry({ global: globalOptions(cmd), ids, dead: opts.dead === true, integration: opts.integration, since: opts.since }, deps);
    });

  deletionOptions(queue.command('cancel').description('cancel pending jobs (a running job cannot be cancelled): says which and asks first (--yes in scripts)').argument('<id...>', 'job ids'))
    .action(async (ids: string[], opts: { yes?: boolean; dryRun?: boolean }, cmd: Command) =>
      (await import('../queue/manage.js')).runCancel({ global: globalOptions(cmd), ids, yes: opts.yes === true, dryRun: opts.dryRun === true }, deps),
    );

  deletionOptions(
    queue
      .command('purge')
      .description('delete finished jobs older than an age: says how many and asks first (--yes in scripts)')
      .requiredOption('-s, --status <status>', 'succeeded, dead or cancelled')
      .requiredOption('--older-than <age>', 'finished longer ago than this, e.g. 7d'),
    { force: true },
  ).action(async (opts: { status: string; olderThan: string; yes?: boolean; dryRun?: boolean; force?: boolean }, cmd: Command) =>
    (await import('../queue/manage.js')).runPurge(
      { global: globalOptions(cmd), status: opts.status, olderThan: opts.olderThan, yes: opts.yes === true, dryRun: opts.dryRun === true, force: opts.force === true },
      deps,
    ),
  );

  queue
    .command('stats')
    .description('counts by status and integration, and how long the oldest due job has waited')
    .action(async (_opts: unknown, cmd: Command) => (await import('../queue/jobs.js')).runStats({ global: globalOptions(cmd) }, deps));

  queue
    .command('reconcile')
    .description("settle jobs whose outcome is unknown by asking the provider (the adapter's query operation)")
    .argument('[id...]', 'job ids (default: every job in unknown)')
    .option('-i, --integration <name>', 'only this integration')
    .option('--as <status>', 'settle the named jobs by hand as succeeded or dead, without asking the provider')
    .addHelpText('after', '\nExit codes: 0 every job looked at is settled; 6 some are still unknown.\n')
    .action(async (ids: string[], opts: { integration?: string; as?: string }, cmd: Command) => {
      await (await import('../queue/reconcile.js')).runReconcile({ global: globalOptions(cmd), ids, ...opts }, deps);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function durationFlag(flag: string): (value: string) => number {
  return (value) => {
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch (err) {
      throw new UsageError(`${flag}: ${(err as Error).message}`);
    }
    if (ms <= 0) throw new UsageError(`${flag} must be greater than zero`);
    return ms;
  };
}
