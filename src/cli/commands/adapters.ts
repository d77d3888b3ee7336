import type { Command } from 'commander';
import type { AdapterDefinition } from '../../core/adapter.js';
import type { FieldDescription } from '../../core/fields.js';
import { UsageError } from '../../core/usage-error.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { globalOptions } from '../options.js';
import { palette } from '../render/color.js';
import { printJson } from '../render/json.js';
import { renderTable } from '../render/table.js';

export interface AdaptersListOptions {
  global: GlobalOptions;
}

export interface AdaptersShowOptions {
  global: GlobalOptions;
  adapter: string;
}

export interface AdapterSummary {
  name: string;
  kind: string;
  description: string;
  operations: string[];
  /** Bundled with this product, or third-party code from a package the config lists. */
  source: 'bundled' | 'third-party';
  package?: string;
}

export interface OperationDetail {
  name: string;
  description: string;
  retry: string;
  input: FieldDescription[];
}

export interface AdapterDetail {
  name: string;
  kind: string;
  description: string;
  operations: OperationDetail[];
  config: FieldDescription[];
  baseUrls?: { sandbox?: string; production?: string };
  webhook?: { scheme: string; events: string[] };
  selfTest: boolean;
  simulator: boolean;
}

export function register(program: Command, deps: CliDeps): void {
  const adapters = program.command('adapters').description('the adapters this build knows (bundled and from configured packages)');
  adapters
    .command('list')
    .description('every adapter: kind, operations, description')
    .action(async (_opts: unknown, cmd: Command) => runAdaptersList({ global: globalOptions(cmd) }, deps));
  adapters
    .command('show')
    .description('one adapter: operations with retry safety and input fields, config fields (secret ones marked)')
    .argument('<adapter>', 'adapter name, e.g. mock')
    .action(async (adapter: string, _opts: unknown, cmd: Command) => runAdaptersShow({ global: globalOptions(cmd), adapter }, deps));
}

/**
 * Bundled adapters, plus those of the config's adapter packages when a
 * config loads; without one (a fresh checkout) the bundled ones still show.
 */
async function registryFor(global: GlobalOptions, deps: CliDeps) {
  try {
    return (await deps.loadConfig(global)).registry;
  } catch (err) {
    if (global.verbose) deps.stderr.write(`note: config not loaded (${(err as Error).message}); showing bundled adapters only\n`);
    return deps.registry();
  }
}

export async function runAdaptersList(options: AdaptersListOptions, deps: CliDeps): Promise<void> {
  const registry = await registryFor(options.global, deps);
  const adapters = (await registry.list()).map((a) => summarize(a, registry.thirdPartyPackage(a.name)));
  if (options.global.json) return printJson(deps.stdout, adapters);
  if (!adapters.length) {
    deps.stderr.write('no adapters found\n');
    return;
  }
  const style = palette(options.global, deps);
  deps.stdout.write(
    await renderTable({
      head: ['NAME', 'KIND', 'SOURCE', 'OPERATIONS', 'DESCRIPTION'],
      rows: adapters.map((a) => [style.cyan(a.name), a.kind, a.package ? `third-party: ${a.package}` : 'bundled', a.operations.join(', '), a.description]),
      style,
    }),
  );
}

export async function runAdaptersShow(options: AdaptersShowOptions, deps: CliDeps): Promise<void> {
  const registry = await registryFor(options.global, deps);
  const adapter = await registry.get(options.adapter);
  if (!adapter) {
    const names = await registry.names();
    throw new UsageError(`unknown adapter "${options.adapter}"; adapters: ${names.length ? names.join(', ') : '(none)'}`);
  }
  const detail = await detailOf(adapter);
  if (options.global.json) return printJson(deps.stdout, detail);
  deps.stdout.write(await renderDetail(detail, options.global, deps));
}

function summarize(adapter: AdapterDefinition, pkg: string | undefined): AdapterSummary {
  const source = pkg ? { source: 'third-party' as const, package: pkg } : { source: 'bundled' as const };
  return { name: adapter.name, kind: adapter.kind, description: adapter.description, operations: Object.keys(adapter.operations), ...source };
}

async function detailOf(adapter: AdapterDefinition): Promise<AdapterDetail> {
  const { describeFields } = await import('../../core/fields.js');
  return {
    name: adapter.name,
    kind: adapter.kind,
    description: adapter.description,
    operations: Object.entries(adapter.operations).map(([name, op]) => ({ name, description: op.description, retry: op.retry, input: describeFields(op.input) })),
    config: describeFields(adapter.config),
    ...(adapter.baseUrls ? { baseUrls: adapter.baseUrls } : {}),
    ...(adapter.webhook ? { webhook: { scheme: adapter.webhook.verification.scheme, events: adapter.webhook.sampleEvents ?? [] } } : {}),
    selfTest: typeof adapter.selfTest === 'function',
    simulator: adapter.simulator !== undefined,
  };
}

const RETRY_MEANING: Record<string, string> = {
  safe: 'safe: retried on transient errors',
  keyed: 'keyed: retried with the same idempotency key',
  unsafe: 'unsafe: retried only if the request never left',
};

async function renderDetail(detail: AdapterDetail, global: GlobalOptions, deps: CliDeps): Promise<string> {
  const style = palette(global, deps);
  const out: string[] = [`${style.bold(detail.name)} (${detail.kind}): ${detail.description}`, ''];
  out.push(style.bold('Config fields'));
  out.push(detail.config.length ? indent(await fieldTable(detail.config, style, true)) : '  (none)\n');
  out.push(style.bold('Operations'));
  for (const op of detail.operations) {
    out.push(`  ${style.cyan(op.name)}  ${op.description}`);
    out.push(`    retry ${RETRY_MEANING[op.retry] ?? op.retry}`);
    out.push(op.input.length ? indent(await fieldTable(op.input, style, false), 4) : '    (no input)\n');
  }
  if (detail.webhook) out.push(`${style.bold('Webhooks')}  verification ${detail.webhook.scheme}${detail.webhook.events.length ? `; events ${detail.webhook.events.join(', ')}` : ''}`);
  const extras = [detail.selfTest ? 'self-test' : '', detail.simulator ? 'simulator' : ''].filter(Boolean);
  if (extras.length) out.push(`${style.bold('Has')}  ${extras.join(', ')}`);
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

async function fieldTable(fields: FieldDescription[], style: ReturnType<typeof palette>, showSecret: boolean): Promise<string> {
  return renderTable({
    head: ['FIELD', 'TYPE', 'REQUIRED', 'NOTES'],
    rows: fields.map((f) => [
      f.path || '(value)',
      shortType(f.type),
      f.required ? 'yes' : 'no',
      [
        showSecret && f.secret ? style.yellow('secret') : '',
        shortType(f.type) !== f.type ? `one of ${f.type.replace(/\[\]$/, '').replace(/"/g, '').split(' | ').join(', ')}` : '',
        f.isPath ? 'path' : '',
        f.default !== undefined ? `default ${JSON.stringify(f.default)}` : '',
        f.description ?? '',
      ]
        .filter(Boolean)
        .join('; '),
    ]),
    style,
  });
}

/** Long unions move to the notes column (as "one of …") so the table stays narrow. */
function shortType(type: string): string {
  if (type.includes(' | ') && type.length > 24) return type.endsWith('[]') ? 'enum[]' : 'enum';
  return type;
}

function indent(text: string, by = 2): string {
  const pad = ' '.repeat(by);
  return text
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}
