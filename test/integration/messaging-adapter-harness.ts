/**
 * Shared by the twilio, whatsapp and sendgrid tests of callbacks through the
 * daemon: the adapter's simulator posts its signed callbacks to the real
 * daemon on loopback, which verifies them with the simulator's webhook
 * settings (as `simulate` prints them) and records the events it emits; a
 * harness sends through the adapter against the simulator.
 */
import { createServer } from 'node:net';
import type { AdapterDefinition } from '../../src/core/adapter.js';
import type { ManualClock } from '../../src/core/clock.js';
import type { WebhookSettings } from '../../src/config/types.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/server.js';
import type { StoredEvent } from '../../src/store/webhook-types.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import { openTempStore, tempDir, testConfig, testRegistry } from './webhooks-fixtures.js';
import { harness, type Harness } from './payment-adapter-harness.js';

interface SignedSimulator {
  config: Record<string, unknown>;
  webhook: Partial<WebhookSettings> & { scheme: string };
  close(): Promise<void>;
}

export interface DaemonStage<S extends SignedSimulator> {
  sim: S;
  daemon: RunningDaemon;
  store: SqliteStore;
  h: Harness;
  /** What the daemon emitted, in order. */
  events: StoredEvent[];
  /** Where the simulator posts: the integration's webhook path on the daemon. */
  callbackUrl: string;
  close(): Promise<void>;
}

/** A port nothing listens on: bound, then released, so the simulator can be told the daemon's URL before the daemon starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The simulator, the daemon receiving for integration `integration`, its store and a harness, on one clock. */
export async function throughDaemon<S extends SignedSimulator>(
  adapter: AdapterDefinition,
  integration: string,
  start: (options: { clock: ManualClock; callbackUrl: string }) => Promise<S>,
  clock: ManualClock,
): Promise<DaemonStage<S>> {
  const port = await freePort();
  const callbackUrl = `http://127.0.0.1:${port}/webhooks/${integration}`;
  const sim = await start({ clock, callbackUrl });
  const dir = tempDir();
  const registry = testRegistry();
  const config = await testConfig(dir, registry, { [integration]: { adapter: adapter.name, config: sim.config, webhook: sim.webhook } });
  const store = openTempStore(dir);
  const events: StoredEvent[] = [];
  const daemon = await startDaemon({ config, registry, store, clock, port, writerThread: false, onEvent: (e) => void events.push(e) });
  const h = harness(adapter, sim.config, { clock });
  return {
    sim,
    daemon,
    store,
    h,
    events,
    callbackUrl,
    async close() {
      await sim.close();
      await daemon.close();
      await store.close();
      await h.close();
    },
  };
}
