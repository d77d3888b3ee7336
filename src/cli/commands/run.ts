import type { Command } from 'commander';
import type { ExecutionOutcome } from '../../core/executor.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { globalOptions } from '../options.js';
import { readPayload } from '../payload.js';
import { palette } from '../render/color.js';
import { formatDuration } from '../render/format.js';
import { printJson } from '../render/json.js';
import { liveLine } from '../render/live-line.js';
import { runStatusEvents } from '../render/run-status.js';
import type { RunQueueFlags } from '../queue/enqueue.js';

export interface RunOptions extends RunQueueFlags {
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
    .option('-q, --queue', 'store it as a job for `integrations queue drain` instead of running now; prints the job id')
    .option('--priority <0-10>', 'with --queue: higher runs first (default 0)')
    .option('--delay <duration>', 'with --queue: run no earlier than this from now, e.g. 5m')
    .option('--at <iso-time>', 'with --queue: run no earlier than this time, e.g. 2026-01-31T08:00:00Z')
    .option('--max-attempts <n>', 'with --queue: attempts before the job goes dead (default: the integration\'s queue.maxAttempts, else 8)')
    .option('--queue-on-failure', 'on a transient failure (network, timeout, 5xx, 429, open circuit) queue it for later instead of failing; exit 0 once queued')
    .addHelpText('after', '\nExample:\n  integrations run payments charge --payload \'{"amount": 1000, "currency": "KES", "reference": "order-42"}\'\n')
    .action(async (integration: string, operation: string, opts: { payload?: string; idempotencyKey?: string; tenant?: string } & RunQueueFlags, cmd: Command) =>
      runRun({ global: globalOptions(cmd), integration, operation, ...opts }, deps),
    );
}

export async function runRun(options: RunOptions, deps: CliDeps): Promise<void> {
  // Loaded here, not at the top: the queue pulls in the engine (zod, undici), which `--help` must not pay for.
  const { enqueueFromRun, parseQueueFlags, queueAfterFailure } = await import('../queue/enqueue.js');
  const queueRequest = parseQueueFlags(options, deps.clock.now());
  if (options.payload === '-' && (deps.stdin as { isTTY?: boolean }).isTTY) deps.stderr.write('reading the payload (JSON) from the terminal; end it with Ctrl-D\n');
  const payload = await readPayload({ spec: options.payload, cwd: deps.cwd, stdin: deps.stdin });
  const call = { global: options.global, integration: options.integration, operation: options.operation, payload, tenant: options.tenant, idempotencyKey: options.idempotencyKey };
  if (options.queue) {
    await enqueueFromRun(call, queueRequest, deps);
    return;
  }
  const session = await deps.session(options.global);
  // A terminal sees what the run waits for and each retry; a pipe or --json sees only the result.
  const status = !options.global.json && deps.stderrIsTTY ? liveLine(deps.stderr) : undefined;
  let outcome: ExecutionOutcome;
  try {
    outcome = await session.executor.execute(options.integration, options.operation, payload, {
      tenant: options.tenant,
      idempotencyKey: options.idempotencyKey,
      signal: deps.signal,
      events: status && runStatusEvents(status, `${options.integration} ${options.operation}`),
    });
  } finally {
    status?.clear();
  }
  // queueOnFailure: a transient failure is kept as a job (same key) instead of lost.
  if (!outcome.ok && (await queueAfterFailure({ ...call, flag: options.queueOnFailure === true }, queueRequest, outcome, deps))) return;
  // Exit 6 names the command that settles it.
  if (!outcome.ok && outcome.error.category === 'OUTCOME_UNKNOWN') outcome.error = await (await import('../reconcile/advice.js')).withReconcileAdvice(outcome, session);
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
