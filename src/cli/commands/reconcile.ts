import type { Command } from 'commander';
import type { CliDeps } from '../deps.js';
import { globalOptions } from '../options.js';

const HELP = `
Settles operations whose outcome is unknown (exit 6 of \`run\`, jobs in
\`unknown\`) by asking the provider with the adapter's query operation. The
answer is recorded in a log row that points at the unknown one, the job is
settled, and the idempotency key is too: succeeded, a later run with the
same key replays the provider's record; failed (it never took effect), a
later run sends it again. Where the adapter cannot be asked, check with the
provider and settle it by hand with --mark and --reason (recorded with your
user name).

Examples:
  integrations reconcile 42
  integrations reconcile --integration mpesa
  integrations reconcile --all --json
  integrations reconcile 42 --mark succeeded --reason "file is in the Drive folder, 2.1 MB"

Exit codes:
  0  every outcome looked at is settled (succeeded or failed)
  1  a log id does not exist
  2  bad arguments, or a log row that is not an unknown outcome
  6  some are still unknown: the provider cannot tell yet, the query failed, or only --mark can settle them
`;

export function register(program: Command, deps: CliDeps): void {
  program
    .command('reconcile')
    .description("settle unknown outcomes (exit 6) of runs and queued jobs by asking the provider (the adapter's query), or by hand with --mark")
    .argument('[log-id...]', 'log ids of runs that ended OUTCOME_UNKNOWN (as named by `run`)')
    .option('-i, --integration <name>', 'every unknown outcome of this integration')
    .option('--all', 'every unknown outcome')
    .option('--mark <status>', 'settle the named log ids by hand as succeeded or failed, without asking the provider (needs --reason)')
    .option('--reason <text>', 'with --mark: what you found out, and where (recorded with your user name)')
    .addHelpText('after', HELP)
    .action(async (ids: string[], opts: { integration?: string; all?: boolean; mark?: string; reason?: string }, cmd: Command) => {
      await (await import('../reconcile/run.js')).runReconcileCommand({ global: globalOptions(cmd), ids, ...opts }, deps);
    });
}
