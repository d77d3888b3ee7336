import { Option, type Command } from 'commander';
import type { OperationStatus } from '../../store/types.js';
import type { CliDeps } from '../deps.js';
import { deletionOptions } from '../confirm-deletion.js';
import { globalOptions } from '../options.js';
import { positiveInt } from '../time-bound.js';
import { runExport, type ExportFormat } from '../logs/export.js';
import { runPrune } from '../logs/prune.js';
import { runShow } from '../logs/show.js';
import { runTail } from '../logs/tail.js';

export function register(program: Command, deps: CliDeps): void {
  const logs = program.command('logs').description('the operation log: one immutable row per execution, secrets redacted');

  logs
    .command('tail')
    .description('the latest rows, newest last; -f keeps following new ones until interrupted')
    .option('-f, --follow', 'keep printing new rows as they are written')
    .option('-i, --integration <name>', 'only this integration')
    .addOption(new Option('-s, --status <status>', 'only rows with this status').choices(['ok', 'failed']))
    .option('--since <when>', 'only rows from this long ago (10m, 2h, 7d) or since a date (2026-01-31)')
    .option('-n, --limit <n>', 'how many rows to show first', positiveInt('--limit'), 20)
    .addHelpText('after', '\nExamples:\n  integrations logs tail -f --status failed             # during an incident\n  integrations logs tail --integration payments --since 2h --json   # JSON lines\n')
    .action(async (opts: { follow?: boolean; integration?: string; status?: OperationStatus; since?: string; limit: number }, cmd: Command) =>
      runTail({ global: globalOptions(cmd), follow: opts.follow === true, integration: opts.integration, status: opts.status, since: opts.since, limit: opts.limit }, deps),
    );

  logs
    .command('show')
    .description('one row in full: request, response, error, ids')
    .argument('<id>', 'log row id (as shown by `logs tail` and `run`)')
    .action(async (id: string, _opts: unknown, cmd: Command) => runShow({ global: globalOptions(cmd), id }, deps));

  logs
    .command('export')
    .description('stream rows oldest first as JSON lines or CSV, in constant memory')
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
    .option('--since <when>', 'from this long ago (10m, 2h, 7d) or this date')
    .option('--until <when>', 'up to (not including) this long ago or this date')
    .option('-i, --integration <name>', 'only this integration')
    .option('-o, --out <file>', 'write to this file (default stdout)')
    .addHelpText('after', '\nExamples:\n  integrations logs export --since 7d --out last-week.jsonl\n  integrations logs export --format csv --integration payments --since 2026-01-01 --until 2026-02-01 > january.csv\n')
    .action(async (opts: { format: ExportFormat; since?: string; until?: string; integration?: string; out?: string }, cmd: Command) => {
      await runExport({ global: globalOptions(cmd), ...opts }, deps);
    });

  deletionOptions(
    logs
      .command('prune')
      .description('delete rows older than an age: says how many and asks first (--yes in scripts)')
      .requiredOption('--older-than <age>', 'age such as 90d, 12w or 36h'),
    { force: true },
  )
    .addHelpText('after', '\nExamples:\n  integrations logs prune --older-than 90d --dry-run\n  integrations logs prune --older-than 90d --yes     # from cron\n')
    .action(async (opts: { olderThan: string; dryRun?: boolean; yes?: boolean; force?: boolean }, cmd: Command) => {
      await runPrune({ global: globalOptions(cmd), olderThan: opts.olderThan, dryRun: opts.dryRun === true, yes: opts.yes === true, force: opts.force === true }, deps);
    });
}
