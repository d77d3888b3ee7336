import type { Command } from 'commander';
import { UsageError } from '../../core/usage-error.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { globalOptions } from '../options.js';
import { portInUse } from '../port-in-use.js';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

export interface DaemonCommandOptions {
  global: GlobalOptions;
  host?: string;
  port?: number;
  logLevel: Level;
}

function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) throw new UsageError(`--port must be a port number 0-65535 (0 picks a free one), got "${value}"`);
  return Number(value);
}

function parseLevel(value: string): Level {
  if (!(LEVELS as readonly string[]).includes(value)) throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}, got "${value}"`);
  return value as Level;
}

export function register(program: Command, deps: CliDeps): void {
  program
    .command('daemon')
    .description("receive providers' webhooks: verify, store durably, acknowledge, process; /healthz, /readyz and Prometheus /metrics")
    .option('--host <host>', 'address to listen on (default: daemon.host in config, else 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 for a free one (default: daemon.port in config, else 8787)', parsePort)
    .option('--log-level <level>', `one JSON line per entry on stdout from this level: ${LEVELS.join(', ')}`, parseLevel, 'info')
    .addHelpText(
      'after',
      `
Routes:
  POST /webhooks/<integration>[/<token>]   a provider's delivery (2xx only once it is on disk)
  GET  /webhooks/<integration>             Meta's subscription handshake (webhook.verifyToken)
  GET  /healthz  /readyz  /metrics

Statuses: 2xx stored (or a repeat of a stored event id); 401/400/403 failed verification (see
\`integrations webhooks rejections\`); 404 unknown integration; 405 wrong method; 413 body over
daemon.maxBodyBytes; 431 headers too large; 408 too slow; 503 store unavailable, integration
disabled or waiting on an unset env variable, or shutting down (the provider retries). SIGTERM/SIGINT drain in-flight requests and
processing, then exit 0.
`,
    )
    .action(async (opts: { host?: string; port?: number; logLevel: Level }, cmd: Command) =>
      runDaemon({ global: globalOptions(cmd), host: opts.host, port: opts.port, logLevel: opts.logLevel }, deps),
    );
}

export async function runDaemon(options: DaemonCommandOptions, deps: CliDeps): Promise<void> {
  const session = await deps.session(options.global);
  const [{ startDaemon }, { jsonLineLogger }, { configSecrets }] = await Promise.all([
    import('../../daemon/server.js'),
    import('../../core/logger.js'),
    import('../../config/secrets.js'),
  ]);
  // The executor's list: every integration's secrets, not only the webhook ones, and the tokens obtained while running.
  session.secrets.addAll(await configSecrets(session.config, session.registry));
  const log = jsonLineLogger((line) => deps.stdout.write(line), {
    level: options.logLevel,
    now: () => deps.clock.now(),
    secrets: session.secrets,
  });
  if (deps.signal.aborted) return;
  const { startOutboundService } = await import('../../webhooks/outbound/service.js');
  // Outbound delivery to subscriptions: fed by the dispatcher's events, sending what is due.
  const outbound = startOutboundService({
    store: session.store,
    clock: deps.clock,
    log,
    scheduleMs: session.config.webhooks?.deliveryScheduleMs,
    allowPrivateNetworks: session.config.webhooks?.allowPrivateNetworks,
  });
  const daemon = await startDaemon({
    config: session.config,
    registry: session.registry,
    store: session.store,
    host: options.host,
    port: options.port,
    clock: deps.clock,
    log,
    onEvent: outbound.onEvent,
  }).catch(async (error: unknown) => {
    await outbound.close();
    throw portInUse(error, (error as Error).message);
  });
  await new Promise<void>((resolve) => {
    if (deps.signal.aborted) resolve();
    else deps.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  log.info('shutdown requested', { reason: String((deps.signal.reason as Error)?.message ?? deps.signal.reason) });
  // main closes the store once this returns; the exit code stays 0 for a clean drain.
  await daemon.close();
  // After the dispatcher: its last events are fanned out; attempts in flight finish, nothing new is claimed.
  await outbound.close();
}
