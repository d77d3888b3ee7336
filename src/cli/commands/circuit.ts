import type { Command } from 'commander';
import { parseDuration } from '../../config/duration.js';
import { configuredNames, findIntegration } from '../../config/lookup.js';
import type { LoadedConfig, ResolvedIntegration } from '../../config/types.js';
import { describeCircuit, forceOpen, resetCircuit } from '../../core/policies/circuit-breaker.js';
import { UsageError } from '../../core/usage-error.js';
import type { CircuitRecord } from '../../store/queue-types.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { globalOptions } from '../options.js';
import { palette } from '../render/color.js';
import { formatDuration } from '../render/format.js';
import { printJson } from '../render/json.js';
import { renderTable } from '../render/table.js';

export function register(program: Command, deps: CliDeps): void {
  const circuit = program.command('circuit').description('circuit breakers and Retry-After pauses, shared by every process using the store');

  circuit
    .command('status')
    .description('state of each integration: closed, open, half-open or paused, with since/until and why')
    .argument('[name...]', 'integrations (default: all configured)')
    .action(async (names: string[], _opts: unknown, cmd: Command) => runStatus({ global: globalOptions(cmd), names }, deps));

  circuit
    .command('reset')
    .description('close a circuit by hand and lift any pause (calls go out again at once)')
    .argument('<name>', 'integration')
    .action(async (name: string, _opts: unknown, cmd: Command) => runReset({ global: globalOptions(cmd), name }, deps));

  circuit
    .command('open')
    .description('open a circuit by hand (maintenance): `run` fails fast and drains skip its jobs until it half-opens')
    .argument('<name>', 'integration')
    .option('--for <duration>', 'how long before the first trial call (default: its cool-down)')
    .action(async (name: string, opts: { for?: string }, cmd: Command) => runOpen({ global: globalOptions(cmd), name, for: opts.for }, deps));
}

export interface CircuitView {
  name: string;
  state: 'closed' | 'open' | 'half_open' | 'paused';
  until: string | null;
  reason: string | null;
  consecutiveFailures: number;
}

export function circuitView(name: string, record: CircuitRecord | undefined, now: number): CircuitView {
  const d = describeCircuit(record, now);
  return { name, state: d.state, until: d.until === null ? null : new Date(d.until).toISOString(), reason: d.reason, consecutiveFailures: record?.consecutiveFailures ?? 0 };
}

async function runStatus(options: { global: GlobalOptions; names: string[] }, deps: CliDeps): Promise<void> {
  const { config, store } = await deps.session(options.global, { store: 'read' });
  // Circuit state lives in the store: an integration waiting on an unset variable still has one.
  const names = options.names.length ? options.names : configuredNames(config).sort();
  for (const name of names) requireConfigured(config, name);
  const records = new Map((await store.circuits.list()).map((r) => [r.integration, r]));
  const now = deps.clock.now();
  const views = names.map((name) => circuitView(name, records.get(name), now));
  if (options.global.json) return printJson(deps.stdout, views);
  const style = palette(options.global, deps);
  const colour = { closed: style.green, open: style.red, half_open: style.yellow, paused: style.yellow };
  deps.stdout.write(
    await renderTable({
      head: ['NAME', 'STATE', 'UNTIL', 'FAILURES', 'REASON'],
      rows: views.map((v) => [
        style.cyan(v.name),
        colour[v.state](v.state.replace('_', '-')),
        v.until ? `${v.until} (${formatDuration(Math.max(0, Date.parse(v.until) - now))})` : '',
        v.consecutiveFailures,
        v.reason ?? '',
      ]),
      alignRight: [3],
      style,
    }),
  );
}

async function runReset(options: { global: GlobalOptions; name: string }, deps: CliDeps): Promise<void> {
  const { config, store } = await deps.session(options.global);
  requireConfigured(config, options.name);
  const now = deps.clock.now();
  const before = describeCircuit(await store.circuits.get(options.name), now).state;
  await store.circuits.update(options.name, () => resetCircuit(options.name, now));
  if (options.global.json) printJson(deps.stdout, { name: options.name, previous: before, state: 'closed' });
  else deps.stdout.write(`${options.name}: circuit closed (was ${before.replace('_', '-')})\n`);
}

async function runOpen(options: { global: GlobalOptions; name: string; for?: string }, deps: CliDeps): Promise<void> {
  const { config, store } = await deps.session(options.global);
  const integration = requireIntegration(config, options.name);
  let ms = integration.circuit.cooldownMs;
  if (options.for !== undefined) {
    try {
      ms = parseDuration(options.for);
    } catch (err) {
      throw new UsageError(`--for: ${(err as Error).message}`);
    }
  }
  const now = deps.clock.now();
  const record = await store.circuits.update(options.name, (current) => forceOpen(current, options.name, now, now + ms, 'opened by hand'));
  const view = circuitView(options.name, record, now);
  if (options.global.json) printJson(deps.stdout, view);
  else deps.stdout.write(`${options.name}: circuit open until ${view.until}; \`integrations circuit reset ${options.name}\` closes it\n`);
}

function requireIntegration(config: LoadedConfig, name: string): ResolvedIntegration {
  const found = findIntegration(config, name);
  if (!found) throw unknownIntegration(config, name);
  return found;
}

function requireConfigured(config: LoadedConfig, name: string): void {
  if (!configuredNames(config).includes(name)) throw unknownIntegration(config, name);
}

function unknownIntegration(config: LoadedConfig, name: string): UsageError {
  return new UsageError(`unknown integration "${name}"; configured: ${configuredNames(config).join(', ') || '(none)'}`);
}
