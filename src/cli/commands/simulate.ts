import type { Command } from 'commander';
import type { AdapterDefinition, RunningSimulator } from '../../core/adapter.js';
import { UsageError } from '../../core/usage-error.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { globalOptions } from '../options.js';
import { portInUse } from '../port-in-use.js';
import { printJson } from '../render/json.js';
import { tsLiteral } from '../render/ts-literal.js';

export interface SimulateOptions {
  global: GlobalOptions;
  adapter: string;
  /** 0: a free port. */
  port: number;
  host: string;
  callbackUrl?: string;
}

function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) throw new UsageError(`--port must be a port number 0-65535 (0 picks a free one), got "${value}"`);
  return Number(value);
}

function parseCallbackUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--callback-url must be an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--callback-url must be an http(s) URL, got "${value}"`);
  return value;
}

export function register(program: Command, deps: CliDeps): void {
  program
    .command('simulate')
    .description("run an adapter's local simulator of its provider's API, for development without credentials or network")
    .argument('<adapter>', 'adapter name, e.g. mpesa (see `integrations adapters list`)')
    .option('--port <port>', 'port to listen on, 0 for a free one', parsePort, 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--callback-url <url>', 'where the simulator posts callbacks (delivery reports, payment results) when a request names none, e.g. the daemon', parseCallbackUrl)
    .addHelpText(
      'after',
      `
Prints the simulator's URL and the config that points an integration at it
(with --json: {"adapter", "url", "config"} on stdout), then runs until
SIGINT/SIGTERM. The credentials in that config are generated for this run
and accepted only by this simulator.

Example:
  integrations simulate mpesa --port 9100 --callback-url http://127.0.0.1:8787/webhooks/mpesa
`,
    )
    .action(async (adapter: string, opts: { port: number; host: string; callbackUrl?: string }, cmd: Command) =>
      runSimulate({ global: globalOptions(cmd), adapter, port: opts.port, host: opts.host, callbackUrl: opts.callbackUrl }, deps),
    );
}

export async function runSimulate(options: SimulateOptions, deps: CliDeps): Promise<void> {
  const definition = await simulatedAdapter(options.adapter, deps);
  if (deps.signal.aborted) return;
  const simulator = await listen(definition, options, deps);
  try {
    if (options.global.json) printJson(deps.stdout, { adapter: definition.name, url: simulator.url, config: simulator.config, ...(simulator.webhook ? { webhook: simulator.webhook } : {}) });
    else deps.stdout.write(snippet(definition, simulator, await secretFields(definition)));
    deps.stderr.write(`${definition.name} simulator running on ${simulator.url}; Ctrl-C (SIGINT) or SIGTERM stops it\n`);
    await new Promise<void>((resolve) => {
      if (deps.signal.aborted) resolve();
      else deps.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await simulator.close();
  }
  // Stopping is how this command is meant to end: exit 0.
  deps.stderr.write(`${definition.name} simulator stopped\n`);
}

async function simulatedAdapter(name: string, deps: CliDeps): Promise<AdapterDefinition & { simulator: NonNullable<AdapterDefinition['simulator']> }> {
  const registry = deps.registry();
  const names = await registry.names();
  const definition = names.includes(name) ? await registry.get(name) : undefined;
  if (!definition) throw new UsageError(`unknown adapter "${name}"; adapters: ${names.join(', ')}`);
  if (!definition.simulator) {
    const withSimulator: string[] = [];
    for (const other of names) {
      // Only a hint: an adapter whose module fails to load has no usable simulator either, and must not hide this message.
      const loaded = await registry.get(other).catch(() => undefined);
      if (loaded?.simulator) withSimulator.push(other);
    }
    throw new UsageError(`adapter "${name}" has no simulator; adapters with one: ${withSimulator.length ? withSimulator.join(', ') : '(none)'}`);
  }
  return definition as AdapterDefinition & { simulator: NonNullable<AdapterDefinition['simulator']> };
}

/** Socket errors a user causes are not bugs: a port taken is unavailable (exit 4, as for the daemon), the others usage errors. */
const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not one of this machine',
  ENOTFOUND: 'the host name does not resolve',
};

async function listen(definition: AdapterDefinition & { simulator: NonNullable<AdapterDefinition['simulator']> }, options: SimulateOptions, deps: CliDeps): Promise<RunningSimulator> {
  try {
    return await definition.simulator.start({ port: options.port, host: options.host, callbackUrl: options.callbackUrl, clock: deps.clock });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    const reason = code ? LISTEN_ERRORS[code] : undefined;
    if (!reason) throw err;
    const message = `cannot listen on ${options.host}:${options.port}: ${reason}`;
    throw code === 'EADDRINUSE' ? portInUse(err, message) : new UsageError(message);
  }
}

function snippet(definition: AdapterDefinition, simulator: RunningSimulator, secrets: Set<string>): string {
  const config = tsLiteral(simulator.config, {
    indent: 6,
    comment: (path) => (secrets.has(path) ? 'generated for this simulator run' : undefined),
  });
  // Signed callbacks verify only with the simulator's own secrets.
  const webhook = simulator.webhook ? tsLiteral(simulator.webhook, { indent: 6, comment: (path) => (path === 'scheme' ? undefined : 'generated for this simulator run') }) : undefined;
  return `${definition.name} simulator: ${simulator.url}

Point an integration at it in integrations.config.ts:

  integrations: {
    ${quoteKey(definition.name)}: {
      adapter: '${definition.name}',
      config: ${config},${webhook ? `\n      webhook: ${webhook},` : ''}
    },
  },
`;
}

/** Which of the printed fields the adapter declares secret (zod loads here, never at start-up). */
async function secretFields(definition: AdapterDefinition): Promise<Set<string>> {
  const { secretPaths } = await import('../../core/fields.js');
  return new Set(secretPaths(definition.config));
}

function quoteKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`;
}
