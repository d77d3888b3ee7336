import type { Command } from 'commander';
import type { DemoReport } from '../../demo/run-demo.js';
import { CommandFailure } from '../command-failure.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT } from '../exit-codes.js';
import { globalOptions } from '../options.js';
import { printJson } from '../render/json.js';

export interface DemoOptions {
  global: GlobalOptions;
  keep: boolean;
}

export function register(program: Command, deps: CliDeps): void {
  program
    .command('demo')
    .description('run the whole product on this machine against provider simulators: no credentials, no network, a few seconds')
    .option('--keep', 'keep the temporary folder (config, store, uploaded files) to look around in with the other commands')
    .addHelpText(
      'after',
      `
Starts the M-Pesa and Africa's Talking simulators and the webhook daemon on free
loopback ports, writes a config pointing integrations at them into a temporary
folder with its own store, and then:
  1. charges via M-Pesa (STK push) and waits for the callback: verified, stored, payment.succeeded
  2. sends an SMS and waits for its delivery report: sms.delivered
  3. uploads a file to local storage and lists it
  4. checks the health of every integration
  5. takes Africa's Talking down: the SMS is queued; brings it back: queue drain sends it
  6. receives a webhook that fails processing, fixes the config, replays it: processed
Each step is printed as it ends, then a summary. Exit 0 when every step passed,
1 otherwise (naming the steps). Everything it starts is stopped before it exits;
with --json, progress goes to stderr and the report ({ ok, steps: [...] }) to stdout.
`,
    )
    .action(async (opts: { keep?: boolean }, cmd: Command) => runDemoCommand({ global: globalOptions(cmd), keep: opts.keep === true }, deps));
}

export async function runDemoCommand(options: DemoOptions, deps: CliDeps): Promise<void> {
  // The demo loads the whole engine: only when asked for (start-up stays at commander and chalk).
  const { runDemo } = await import('../../demo/run-demo.js');
  // `demo | head -1`: nobody reads on, but what the demo started and its folder must still go.
  const readerGone = new AbortController();
  const unwatch = deps.whenStdoutCloses?.(() => readerGone.abort(new Error('stdout closed')));
  let report: DemoReport;
  try {
    report = await runDemo(
      { keep: options.keep, json: options.global.json === true, verbose: options.global.verbose === true, color: options.global.color !== false, stop: readerGone.signal },
      deps,
    );
  } finally {
    unwatch?.();
  }
  // Stop quietly, as every command does when its reader has gone: there is nobody to tell.
  if (readerGone.signal.aborted) return;
  if (options.global.json) printJson(deps.stdout, report);
  if (deps.signal.aborted) throw new CommandFailure('demo interrupted', EXIT.INTERRUPTED, 'INTERRUPTED');
  const failed = report.steps.filter((s) => s.status !== 'passed');
  if (failed.length) {
    throw new CommandFailure(
      `demo failed at ${failed.map((s) => `${s.name}${s.error ? ` (${s.error})` : ''}`).join('; ')}`,
      EXIT.FAILED,
      'DEMO_FAILED',
      failed.map((s) => s.name),
    );
  }
}
