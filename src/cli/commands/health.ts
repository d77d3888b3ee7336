import type { Command } from 'commander';
import type { HealthReport } from '../../core/health.js';
import { UsageError } from '../../core/usage-error.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT } from '../exit-codes.js';
import { globalOptions } from '../options.js';
import { palette, type Palette } from '../render/color.js';
import { printJson } from '../render/json.js';
import { renderTable } from '../render/table.js';

export interface HealthOptions {
  global: GlobalOptions;
  names: string[];
  timeoutMs: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function register(program: Command, deps: CliDeps): void {
  program
    .command('health')
    .description('check integrations concurrently; exit 0 only when all are healthy (for monitoring and cron)')
    .argument('[name...]', 'integrations to check (default: every enabled one)')
    .option('--timeout <ms>', `bound on each check, in milliseconds or a duration like 5s (default ${DEFAULT_TIMEOUT_MS})`)
    .addHelpText('after', '\nExamples:\n  integrations health                        # every enabled integration\n  integrations health payments sms --timeout 5s --json   # from monitoring: exit 0 only when healthy\n')
    .action(async (names: string[], opts: { timeout?: string }, cmd: Command) => {
      await runHealth({ global: globalOptions(cmd), names, timeoutMs: await parseTimeout(opts.timeout) }, deps);
    });
}

async function parseTimeout(value: string | undefined): Promise<number> {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  const { parseDuration } = await import('../../config/duration.js');
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (err) {
    throw new UsageError(`--timeout: ${(err as Error).message}`);
  }
  if (ms <= 0) throw new UsageError('--timeout must be greater than zero');
  return ms;
}

export async function runHealth(options: HealthOptions, deps: CliDeps): Promise<HealthReport[]> {
  const session = await deps.session(options.global, { store: 'record-if-allowed' });
  const { checkHealth } = await import('../../core/health.js');
  const reports = await checkHealth({ ...session, clock: deps.clock, signal: deps.signal }, options.names, options.timeoutMs);
  reports.sort((a, b) => a.name.localeCompare(b.name));
  if (options.global.json) printJson(deps.stdout, reports);
  else if (!reports.length) deps.stderr.write('no enabled integrations to check\n');
  else deps.stdout.write(await healthTable(reports, palette(options.global, deps)));
  if (reports.some((r) => r.status !== 'healthy')) deps.setExitCode(EXIT.UNAVAILABLE);
  return reports;
}

const STATUS_COLOR = { healthy: 'green', degraded: 'yellow', unhealthy: 'red' } as const;

export async function healthTable(reports: HealthReport[], style: Palette): Promise<string> {
  return renderTable({
    head: ['NAME', 'ADAPTER', 'STATUS', 'LATENCY', 'MESSAGE'],
    rows: reports.map((r) => [style.cyan(r.name), r.adapter, style[STATUS_COLOR[r.status]](r.status), `${r.latencyMs} ms`, r.message]),
    style,
    alignRight: [3],
  });
}
