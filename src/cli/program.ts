import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { packageRoot } from '../core/package-root.js';
import type { CliDeps } from './deps.js';
import { EXIT } from './exit-codes.js';
import { register as registerAdapters } from './commands/adapters.js';
import { register as registerList } from './commands/list.js';
import { register as registerInit } from './commands/init.js';
import { register as registerRun } from './commands/run.js';
import { register as registerQueue } from './commands/queue.js';
import { register as registerCircuit } from './commands/circuit.js';
import { register as registerTest } from './commands/test.js';
import { register as registerHealth } from './commands/health.js';
import { register as registerLogs } from './commands/logs.js';
import { register as registerDaemon } from './commands/daemon.js';
import { register as registerWebhooks } from './commands/webhooks.js';
import { register as registerSimulate } from './commands/simulate.js';
import { register as registerNotify } from './commands/notify.js';
import { register as registerDemo } from './commands/demo.js';
import { register as registerCompletion } from './commands/completion.js';
import { register as registerReconcile } from './commands/reconcile.js';

const EXIT_CODES_HELP = `
Exit codes:
  ${EXIT.OK}    success
  ${EXIT.FAILED}    the operation failed (rejected, not found, authentication)
  ${EXIT.USAGE}    usage error: bad flags, unknown integration or operation, bad payload, deletion not confirmed
  ${EXIT.CONFIG}    config missing or invalid, or a referenced env var is not set
  ${EXIT.UNAVAILABLE}    unhealthy or unavailable: health failed, integration disabled, circuit open, port in use
  ${EXIT.TEMPORARY}    temporary failure: timeout, network, provider 5xx, rate limited; retry later
  ${EXIT.OUTCOME_UNKNOWN}    outcome unknown: do not re-run; settle it with \`integrations reconcile <log-id>\`
  ${EXIT.STORE}    store locked, corrupt, newer than this build, or not writable
  ${EXIT.INTERRUPTED}  interrupted (SIGINT/SIGTERM)
`;

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * The whole command tree. Each command group lives in commands/<group>.ts and
 * adds itself with `register(program, deps)`; usage errors come back to main
 * as CommanderError (exitOverride) instead of exiting the process.
 */
export function buildProgram(deps: CliDeps): Command {
  const program = new Command('integrations');
  program
    .description('Run, check and inspect third-party integrations (payments, SMS, email, storage) from one engine.')
    .version(version(), '-V, --version')
    .option('-c, --config <path>', 'config file (default: $INTEGRATIONS_CONFIG, then ./integrations.config.{ts,mjs,js,json})')
    .option('--db <path>', 'SQLite store file (default: $INTEGRATIONS_DB, then .integrations/integrations.db beside the config)')
    .option('--json', 'machine-readable output: stdout carries only JSON, errors are JSON on stderr')
    .option('-v, --verbose', 'error details and engine debug lines on stderr')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
      // main writes every error, in text or JSON; commander must not print its own.
      outputError: () => {},
    });

  // Settings set above are inherited by every subcommand created with program.command().
  registerInit(program, deps);
  registerAdapters(program, deps);
  registerList(program, deps);
  registerRun(program, deps);
  registerQueue(program, deps);
  registerCircuit(program, deps);
  registerTest(program, deps);
  registerHealth(program, deps);
  registerLogs(program, deps);
  // Command groups of later capabilities register here, one line each. A group's
  // file is loaded on every start, so it must import heavy modules (zod and
  // anything using it, undici, better-sqlite3, @inquirer/prompts, cli-table3)
  // inside its actions: test/e2e/cli-startup.test.ts holds `--help` to
  // commander and chalk.
  registerDaemon(program, deps);
  registerWebhooks(program, deps);
  registerSimulate(program, deps);
  registerNotify(program, deps);
  registerDemo(program, deps);
  registerCompletion(program, deps);
  registerReconcile(program, deps);

  inheritSettings(program);
  return program;
}

/** Subcommands attached with addCommand() do not copy the root's settings; make them behave the same. */
function inheritSettings(parent: Command): void {
  for (const child of parent.commands) {
    child.exitOverride();
    child.configureOutput(parent.configureOutput());
    child.configureHelp({ showGlobalOptions: true });
    inheritSettings(child);
  }
}
