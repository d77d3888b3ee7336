import type { Command } from 'commander';
import type { ExecutionOutcome } from '../../core/executor.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { globalOptions } from '../options.js';
import { readPayload } from '../payload.js';
import { palette } from '../render/color.js';
import { formatDuration } from '../render/format.js';
import { printJson } from '../render/json.js';

export interface RunOptions {
  global: GlobalOptions;
  integration: string;
  operation: string;
  /** As typed: JSON, @file or - (stdin). */
  payload?: string;
  idempotencyKey?: string;
  tenant?: string;
}

export function register(program: Command, deps: CliDeps): void {
  program
    .command('run')
    .description('run one operation of an integration, once, with idempotency, retries and a log row')
    .argument('<integration>', 'configured integration name')
    .argument('<operation>', 'operation name (see `integrations adapters show <adapter>`)')
    .option('-p, --payload <json|@file|->', 'input as JSON, @file to read it from a file, - to read stdin (default {})')
    .option('-k, --idempotency-key <key>', 'key that makes a repeat return the first result (default: derived from the call)')
    .option('-t, --tenant <tenant>', 'tenant this call is made for (logged, part of the derived key)')
    .addHelpText('after', '\nExample:\n  integrations run payments charge --payload \'{"amount": 1000, "currency": "KES", "reference": "order-42"}\'\n')
    .action(async (integration: string, operation: string, opts: { payload?: string; idempotencyKey?: string; tenant?: string }, cmd: Command) =>
      runRun({ global: globalOptions(cmd), integration, operation, ...opts }, deps),
    );
}

export async function runRun(options: RunOptions, deps: CliDeps): Promise<void> {
  const payload = await readPayload({ spec: options.payload, cwd: deps.cwd, stdin: deps.stdin });
  const session = await deps.session(options.global);
  const outcome = await session.executor.execute(options.integration, options.operation, payload, {
    tenant: options.tenant,
    idempotencyKey: options.idempotencyKey,
    signal: deps.signal,
  });
  if (options.global.json) printJson(deps.stdout, outcomeJson(outcome));
  else writeHuman(outcome, options, deps);
  // main maps the category to the exit code and writes the error line (JSON on stderr under --json).
  if (!outcome.ok) throw outcome.error;
}

export function outcomeJson(outcome: ExecutionOutcome): Record<string, unknown> {
  const names = { integration: outcome.integration, operation: outcome.operation };
  const stats = { logId: outcome.logId, attempts: outcome.attempts, durationMs: outcome.durationMs, idempotencyKey: outcome.idempotencyKey };
  if (outcome.ok) return { ok: true, ...names, result: outcome.result, replayed: outcome.replayed, ...stats };
  const { category, message, transient, issues } = outcome.error;
  return { ok: false, ...names, error: { category, message, retryable: transient, ...(issues.length ? { issues } : {}) }, ...stats };
}

function writeHuman(outcome: ExecutionOutcome, options: RunOptions, deps: CliDeps): void {
  const style = palette(options.global, { env: deps.env, isTTY: deps.stderrIsTTY });
  const what = `${options.integration} ${options.operation}`;
  const log = outcome.logId === null ? '' : `, log #${outcome.logId}`;
  if (outcome.ok) {
    // The result goes to stdout on its own, so `run ... > result.json` keeps just the data.
    deps.stdout.write(`${JSON.stringify(outcome.result, null, 2)}\n`);
    const how = outcome.replayed
      ? `replayed: an earlier run with the same idempotency key already succeeded${log}`
      : `${plural(outcome.attempts, 'attempt')}, ${formatDuration(outcome.durationMs)}${log}`;
    deps.stderr.write(`${style.green('✓')} ${what} ok (${how})\n`);
  } else if (outcome.attempts > 0) {
    deps.stderr.write(`${style.red('✗')} ${what} failed (${plural(outcome.attempts, 'attempt')}, ${formatDuration(outcome.durationMs)}${log})\n`);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
