import type { Command } from 'commander';
import type { AdapterDefinition } from '../../core/adapter.js';
import { configuredNames, findIntegration } from '../../config/lookup.js';
import type { ResolvedIntegration } from '../../config/types.js';
import { IntegrationError } from '../../core/errors.js';
import { UsageError } from '../../core/usage-error.js';
import { CommandFailure } from '../command-failure.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT } from '../exit-codes.js';
import { globalOptions } from '../options.js';
import { palette, type Palette } from '../render/color.js';
import { formatDuration } from '../render/format.js';
import { printJson } from '../render/json.js';

export interface TestOptions {
  global: GlobalOptions;
  integration: string;
}

export interface StepResult {
  step: string;
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  message: string;
}

interface Target {
  integration: ResolvedIntegration;
  adapter: AdapterDefinition;
}

export function register(program: Command, deps: CliDeps): void {
  program
    .command('test')
    .description('check one integration step by step: config, credentials, health, self-test')
    .argument('<integration>', 'configured integration name')
    .addHelpText('after', '\nExamples:\n  integrations test payments\n  integrations test payments --json   # the steps as JSON, for CI\n')
    .action(async (integration: string, _opts: unknown, cmd: Command) => {
      await runTest({ global: globalOptions(cmd), integration }, deps);
    });
}

/**
 * Runs the steps in order and stops at the first that fails: the error it
 * throws carries that step's exit code (main writes it), after the steps so
 * far have been shown.
 */
export async function runTest(options: TestOptions, deps: CliDeps): Promise<StepResult[]> {
  const style = palette(options.global, deps);
  const results: StepResult[] = [];
  let target: Target | undefined;

  const step = async (name: string, body: () => Promise<{ status?: 'passed' | 'skipped'; message: string }>): Promise<void> => {
    const started = deps.clock.now();
    try {
      const { status = 'passed', message } = await body();
      record({ step: name, status, durationMs: deps.clock.now() - started, message });
    } catch (err) {
      record({ step: name, status: 'failed', durationMs: deps.clock.now() - started, message: (err as Error).message });
      if (options.global.json) printJson(deps.stdout, { integration: options.integration, ok: false, steps: results });
      throw err;
    }
  };
  const record = (result: StepResult) => {
    results.push(result);
    if (!options.global.json) deps.stdout.write(stepLine(result, style));
  };

  await step('config valid', async () => {
    target = await resolveTarget(options, deps);
    const state = target.integration.enabled ? '' : ' (disabled: `run` will refuse it until enabled)';
    return { message: `${target.integration.name} on adapter ${target.adapter.name} (${target.adapter.kind})${state}` };
  });
  const { integration, adapter } = target as Target;

  await step('credentials present', async () => {
    const { describeFields } = await import('../../core/fields.js');
    const secrets = describeFields(adapter.config).filter((f) => f.secret);
    if (!secrets.length) return { message: `adapter ${adapter.name} needs none` };
    // An optional secret may be left out, but one that is given (e.g. from an env var) must not be empty.
    const missing = secrets.filter((f) => {
      const value = valueAt(integration.config, f.path);
      return isEmpty(value) && (f.required || value !== undefined);
    });
    if (missing.length) {
      const issues = missing.map((f) => `integrations.${integration.name}.config.${f.path}: ${f.required ? 'required secret' : 'secret'} is empty`);
      throw new IntegrationError('CONFIG_INVALID', `${integration.name} is missing credentials: ${missing.map((f) => f.path).join(', ')}`, { issues });
    }
    const given = secrets.filter((f) => !isEmpty(valueAt(integration.config, f.path))).map((f) => f.path);
    const absent = secrets.filter((f) => isEmpty(valueAt(integration.config, f.path))).map((f) => f.path);
    return { message: [given.length ? `set: ${given.join(', ')}` : '', absent.length ? `optional, not set: ${absent.join(', ')}` : ''].filter(Boolean).join('; ') };
  });

  await step('health', async () => {
    const { checkIntegrationHealth } = await import('../../core/health.js');
    const session = await deps.session(options.global);
    const report = await checkIntegrationHealth({ ...session, clock: deps.clock, signal: deps.signal }, integration, integration.timeoutMs);
    if (report.status === 'unhealthy') throw new CommandFailure(`${integration.name} is unhealthy: ${report.message}`, EXIT.UNAVAILABLE, 'UNHEALTHY');
    return { message: `${report.status}: ${report.message}` };
  });

  await step('self-test', async () => {
    if (!adapter.selfTest) return { status: 'skipped', message: `adapter ${adapter.name} has no self-test` };
    const { runSelfTest } = await import('../self-test.js');
    const session = await deps.session(options.global);
    const proved = await runSelfTest({ ...session, clock: deps.clock, signal: deps.signal }, integration, adapter);
    return { message: proved || 'passed' };
  });

  if (options.global.json) printJson(deps.stdout, { integration: integration.name, ok: true, steps: results });
  return results;
}

async function resolveTarget(options: TestOptions, deps: CliDeps): Promise<Target> {
  const { config, registry } = await deps.loadConfig(options.global);
  const integration = findIntegration(config, options.integration);
  if (!integration) {
    const names = configuredNames(config);
    throw new UsageError(`unknown integration "${options.integration}"; configured: ${names.length ? names.join(', ') : '(none)'}`);
  }
  const adapter = await registry.get(integration.adapter);
  if (!adapter) throw new IntegrationError('CONFIG_INVALID', `integration "${integration.name}" uses unknown adapter "${integration.adapter}"`);
  return { integration, adapter };
}

const MARK = { passed: '✓', failed: '✗', skipped: '-' } as const;

function stepLine(result: StepResult, style: Palette): string {
  const mark = result.status === 'passed' ? style.green(MARK.passed) : result.status === 'failed' ? style.red(MARK.failed) : style.dim(MARK.skipped);
  return `${mark} ${result.step.padEnd(20)} ${style.dim(formatDuration(result.durationMs).padStart(8))}  ${result.message}\n`;
}

function valueAt(root: unknown, path: string): unknown {
  let v = root;
  for (const seg of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
  return v;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
