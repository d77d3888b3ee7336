import type { CliIO } from '../cli/deps.js';
import { palette } from '../cli/render/color.js';
import { formatDuration } from '../cli/render/format.js';
import { CONFIG_FILE } from './config-file.js';
import { runSteps, type StepResult } from './runner.js';
import { openStage } from './stage.js';
import { DEMO_STEPS } from './steps/sequence.js';

export interface DemoRunOptions {
  /** Keep the temporary folder (config, store, files) instead of deleting it. */
  keep: boolean;
  /** Progress on stderr, the report for the caller to print as JSON on stdout. */
  json: boolean;
  verbose: boolean;
  color: boolean;
  /** Bound on each wait for a callback or a processing run (default 10 s). */
  waitMs?: number;
  /** Ends the demo early like SIGINT does (stdout's reader has gone): the current step stops, everything is closed. */
  stop?: AbortSignal;
}

export interface DemoReport {
  ok: boolean;
  durationMs: number;
  /** The temporary folder; it exists afterwards only when kept. */
  folder: string;
  kept: boolean;
  daemonUrl: string;
  simulators: Record<string, string>;
  steps: StepResult[];
}

const DEFAULT_WAIT_MS = 10_000;

/**
 * The whole product on loopback: simulators and the daemon on free ports, a
 * temporary store and a generated config, then each step of the story,
 * printed as it ends, and a summary. Everything it started is stopped before
 * it returns, whatever happened.
 */
export async function runDemo(options: DemoRunOptions, given: CliIO): Promise<DemoReport> {
  const io: CliIO = options.stop ? { ...given, signal: AbortSignal.any([given.signal, options.stop]) } : given;
  const out = options.json ? io.stderr : io.stdout;
  const style = palette({ json: options.json, color: options.color }, { env: io.env, isTTY: options.json ? io.stderrIsTTY : io.isTTY });
  const started = performance.now();
  out.write(`${style.bold('integrations demo')}: the whole product on this machine, with no credentials and no network\n`);

  const { stage, close } = await openStage({ io, style, verbose: options.verbose, waitMs: options.waitMs ?? DEFAULT_WAIT_MS });
  const simulators = { mpesa: stage.simulators.mpesa.url, africastalking: stage.simulators.sms.url };
  let steps: StepResult[] = [];
  try {
    out.write(
      [
        `  folder      ${stage.folder} (${CONFIG_FILE}, integrations.db, storage/)`,
        `  simulators  mpesa ${simulators.mpesa}, africastalking ${simulators.africastalking} (reached through ${stage.smsLink.url}, which step 5 cuts)`,
        `  daemon      ${stage.daemon.url}`,
        '',
        '',
      ].join('\n'),
    );
    steps = await runSteps(DEMO_STEPS, stage, { out, style, signal: io.signal });
  } finally {
    await close(options.keep);
  }

  const durationMs = Math.round(performance.now() - started);
  const passed = steps.filter((s) => s.status === 'passed').length;
  const ok = passed === steps.length;
  const verdict = ok
    ? style.green(`All ${steps.length} steps passed in ${formatDuration(durationMs)}.`)
    : style.red(`${steps.length - passed} of ${steps.length} steps did not pass (${steps.filter((s) => s.status !== 'passed').map((s) => s.name).join(', ')}); ${formatDuration(durationMs)}.`);
  const aftermath = options.keep
    ? `Simulators and daemon stopped; the folder is kept: integrations --config ${stage.configPath} webhooks list (or logs tail, queue list)`
    : 'Simulators, daemon and store closed; the temporary folder is removed.';
  out.write(`${verdict}\n${aftermath}\n`);
  return { ok, durationMs, folder: stage.folder, kept: options.keep, daemonUrl: stage.daemon.url, simulators, steps };
}
