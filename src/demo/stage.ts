import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningSimulator } from '../core/adapter.js';
import { AdapterRegistry } from '../core/registry.js';
import { jsonLineLogger, silentLogger } from '../core/logger.js';
import type { LoadedConfig } from '../config/types.js';
import { loadConfig } from '../config/load.js';
import { startDaemon, type RunningDaemon } from '../daemon/server.js';
import type { CliIO, Session } from '../cli/deps.js';
import type { Palette } from '../cli/render/color.js';
import { createSessionHandle, type SessionHandle } from '../cli/session.js';
import { CONFIG_FILE, DEMO, demoConfig, writeConfigFile } from './config-file.js';
import { EventWaiter } from './event-waiter.js';
import { freePort } from './free-port.js';
import { CuttableLink } from './link.js';

const HOST = '127.0.0.1';

/** Everything the steps work with: the product, running on loopback from a generated config. */
export interface DemoStage {
  folder: string;
  configPath: string;
  /** Config, registry, store and executor, opened exactly as any command opens them. */
  session: Session;
  daemon: RunningDaemon;
  events: EventWaiter;
  simulators: { mpesa: RunningSimulator; sms: RunningSimulator };
  /** Between the sms integration and its simulator: cut it to take the provider down. */
  smsLink: CuttableLink;
  /** Bound on every wait for something to arrive. */
  waitMs: number;
  io: CliIO;
  /** Colours for what the steps print (none under --json, --no-color, NO_COLOR or into a pipe). */
  style: Palette;
  /** Loads the config file again, after a step changed it. */
  reloadConfig(): Promise<LoadedConfig>;
}

export interface StageOptions {
  io: CliIO;
  style: Palette;
  verbose: boolean;
  waitMs: number;
}

/** What setup has opened so far: a setup that fails half-way closes exactly this. */
interface Opened {
  folder?: string;
  simulators: RunningSimulator[];
  link?: CuttableLink;
  daemon?: RunningDaemon;
  session?: SessionHandle;
  events?: EventWaiter;
}

/**
 * Sets the stage: a temporary folder, the simulators, a config file naming
 * them, the store and engine opened from that file, and the daemon. On any
 * failure what was already opened is closed again.
 */
export async function openStage(options: StageOptions): Promise<{ stage: DemoStage; close(keep: boolean): Promise<void> }> {
  const opened: Opened = { simulators: [] };
  const close = (keep: boolean) => closeStage(opened, keep);
  try {
    const stage = await build(options, opened);
    return { stage, close };
  } catch (error) {
    await close(false).catch(() => undefined);
    throw error;
  }
}

async function build(options: StageOptions, opened: Opened): Promise<DemoStage> {
  const { io } = options;
  const folder = await mkdtemp(join(tmpdir(), 'integrations-demo-'));
  opened.folder = folder;
  const registry = new AdapterRegistry({ resolveFrom: folder });

  const daemonPort = await freePort(HOST);
  const daemonUrl = `http://${HOST}:${daemonPort}`;
  // Unsigned providers prove themselves with a secret in the callback path (the token scheme).
  const mpesaToken = randomBytes(24).toString('base64url');
  const smsToken = randomBytes(24).toString('base64url');
  const ordersSecret = `whsec_${randomBytes(32).toString('base64')}`;

  const mpesa = await startSimulator(registry, 'mpesa', `${daemonUrl}/webhooks/${DEMO.payments}/${mpesaToken}`, io, opened);
  const sms = await startSimulator(registry, 'africastalking', `${daemonUrl}/webhooks/${DEMO.sms}/${smsToken}`, io, opened);
  const smsLink = await CuttableLink.open(sms.url, HOST);
  opened.link = smsLink;

  const configPath = join(folder, CONFIG_FILE);
  await writeConfigFile(
    configPath,
    demoConfig({ daemon: { host: HOST, port: daemonPort }, mpesa: mpesa.config, mpesaToken, sms: sms.config, smsBaseUrl: smsLink.url, smsToken, ordersSecret }),
  );

  // The user's environment stays out: no INTEGRATIONS__* override or INTEGRATIONS_DB reaches the demo's config.
  const sessionIO: CliIO = { ...io, env: {}, cwd: folder };
  const handle = createSessionHandle(sessionIO, () => registry);
  opened.session = handle;
  const session = await handle.session({ config: configPath, verbose: options.verbose });

  const events = new EventWaiter();
  opened.events = events;
  const daemon = await startDaemon({
    config: session.config,
    registry: session.registry,
    store: session.store,
    clock: io.clock,
    // --verbose: the daemon's log lines on stderr, as `integrations daemon` writes them, secrets scrubbed.
    log: options.verbose ? jsonLineLogger((line) => io.stderr.write(line), { level: 'debug', now: () => io.clock.now(), secrets: [mpesaToken, smsToken, ordersSecret] }) : silentLogger,
    onEvent: events.record,
  });
  opened.daemon = daemon;

  return {
    folder,
    configPath,
    session,
    daemon,
    events,
    simulators: { mpesa, sms },
    smsLink,
    waitMs: options.waitMs,
    io,
    style: options.style,
    reloadConfig: () => loadConfig({ configPath, cwd: folder, env: {}, registry: session.registry }),
  };
}

async function startSimulator(registry: AdapterRegistry, adapter: string, callbackUrl: string, io: CliIO, opened: Opened): Promise<RunningSimulator> {
  const definition = await registry.get(adapter);
  if (!definition?.simulator) throw new Error(`the ${adapter} adapter has no simulator in this build`);
  const simulator = await definition.simulator.start({ host: HOST, port: 0, callbackUrl, clock: io.clock });
  opened.simulators.push(simulator);
  return simulator;
}

/**
 * Simulators first (each waits for the callbacks it is still POSTing to
 * the daemon), then the link, the daemon (finishes processing), the store
 * and HTTP agent, and last the folder. Every close is attempted; the first
 * failure is rethrown.
 */
async function closeStage(opened: Opened, keep: boolean): Promise<void> {
  const failures: unknown[] = [];
  const attempt = async (work: () => Promise<void> | void) => {
    try {
      await work();
    } catch (error) {
      failures.push(error);
    }
  };
  opened.events?.close();
  for (const simulator of opened.simulators.splice(0)) await attempt(() => simulator.close());
  if (opened.link) await attempt(() => opened.link!.close());
  if (opened.daemon) await attempt(() => opened.daemon!.close());
  if (opened.session) await attempt(() => opened.session!.close());
  if (opened.folder && !keep) await attempt(() => rm(opened.folder!, { recursive: true, force: true }));
  opened.link = opened.daemon = opened.session = undefined;
  if (failures.length) throw failures[0];
}
